"""Storing and reading files safely: a type allowlist checked against the bytes themselves, a size limit,
names that can never become paths, and the bytes kept under a random uuid."""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread

from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import Invalid, NotFound
from portal.files.tables import StoredFile
from portal.settings import get_settings

MAX_BYTES = 20 * 1024 * 1024

# What people may upload, by the type the bytes really are (not what the name or the browser says).
ALLOWED_TYPES = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
}
ALLOWED_DESCRIPTION = "PDF, PNG, JPEG or Word (.docx)"


@dataclass(frozen=True)
class FileInfo:
    id: int
    uuid: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str


def sniff_content_type(data: bytes) -> str | None:
    """The real type of the bytes, for the allowlisted types; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None


def safe_display_name(name: str) -> str:
    """A name to show and to offer on download: no directories, no control characters, bounded length."""
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "", name).strip().lstrip(".")
    if not name:
        name = "file"
    stem, dot, extension = name.rpartition(".")
    if dot and len(extension) <= 10:
        return f"{stem[:150]}.{extension}"
    return name[:160]


def _path_for(file_uuid: str) -> Path:
    root = get_settings().files_dir
    return root / file_uuid[:2] / file_uuid


def validate_upload(data: bytes, declared_name: str) -> str:
    """The sniffed content type, or Invalid with a message a person understands."""
    if not data:
        raise Invalid(file="The file is empty.")
    if len(data) > MAX_BYTES:
        raise Invalid(file=f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    content_type = sniff_content_type(data)
    if content_type is None:
        raise Invalid(file=f"Only {ALLOWED_DESCRIPTION} files can be uploaded.")
    extension = os.path.splitext(safe_display_name(declared_name))[1].lower()
    if extension not in ALLOWED_TYPES[content_type]:
        raise Invalid(file=f"The file's name ({extension or 'no extension'}) does not match its content.")
    return content_type


async def store_upload(data: bytes, declared_name: str, *, uploaded_by: int | None) -> FileInfo:
    """Validate and keep an uploaded file (call inside the caller's transaction)."""
    content_type = validate_upload(data, declared_name)
    return await store_bytes(data, safe_display_name(declared_name), content_type, uploaded_by=uploaded_by)


async def store_bytes(data: bytes, name: str, content_type: str, *, uploaded_by: int | None) -> FileInfo:
    """Keep bytes the portal made itself (PDFs) or has already validated."""
    file_uuid = str(uuid.uuid4())
    path = _path_for(file_uuid)
    digest = hashlib.sha256(data).hexdigest()

    def write() -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        os.replace(temporary, path)

    await anyio.to_thread.run_sync(write)
    async with write_transaction():
        rows = await StoredFile.insert(
            StoredFile(
                uuid=file_uuid,
                original_name=name,
                content_type=content_type,
                size_bytes=len(data),
                sha256=digest,
                uploaded_by=uploaded_by,
                created_at=utcnow(),
            )
        ).returning(StoredFile.id)
    return FileInfo(rows[0]["id"], file_uuid, name, content_type, len(data), digest)


async def get_info(file_id: int) -> FileInfo:
    row = await StoredFile.select().where(StoredFile.id == file_id).first()
    if row is None:
        raise NotFound("No such file.")
    return _info(row)


async def infos(file_ids: list[int]) -> dict[int, FileInfo]:
    if not file_ids:
        return {}
    rows = await StoredFile.select().where(StoredFile.id.is_in(file_ids))
    return {row["id"]: _info(row) for row in rows}


def _info(row: dict[str, Any]) -> FileInfo:
    return FileInfo(
        row["id"],
        str(row["uuid"]),
        row["original_name"],
        row["content_type"],
        row["size_bytes"],
        row["sha256"],
    )


async def read_bytes(info: FileInfo) -> bytes:
    path = _path_for(info.uuid)

    def read() -> bytes:
        return path.read_bytes()

    try:
        return await anyio.to_thread.run_sync(read)
    except FileNotFoundError:
        raise NotFound("The file is missing from storage.") from None
