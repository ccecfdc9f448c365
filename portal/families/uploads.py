"""Checking a file a relative or the practice uploads to the family space, with messages a person understands.

The files service does the real work (allowlist by content, size limit, uuid storage); this adds the two
refusals families meet most and deserve plain words for: a name that is a path, and a file whose name promises
a type its content is not ("report.pdf" that is really a web page).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from portal.errors import Invalid
from portal.files import services as files

MAX_FILES_PER_MESSAGE = 5
TYPE_NAMES = {".pdf": "PDF", ".png": "PNG image", ".jpg": "JPEG image", ".jpeg": "JPEG image", ".docx": "Word"}


def upload_problem(data: bytes, name: str) -> str | None:
    """Why this upload is refused, or None when the files service will accept it."""
    if "/" in name or "\\" in name or "\x00" in name or name.strip() in {".", ".."}:
        return f"“{name[:120]}” is a path, not a file name. Rename the file and choose it again."
    if not data:
        return "The file is empty."
    if len(data) > files.MAX_BYTES:
        return f"“{name[:120]}” is larger than {files.MAX_BYTES // (1024 * 1024)} MB, the most the portal accepts."
    extension = os.path.splitext(name)[1].lower()
    if files.sniff_content_type(data) is None and extension in TYPE_NAMES:
        return (
            f"“{name[:120]}” is not a real {TYPE_NAMES[extension]} file: its content does not match its name. "
            f"Only {files.ALLOWED_DESCRIPTION} files can be uploaded."
        )
    try:
        files.validate_upload(data, name)
    except Invalid as exc:
        return exc.field_errors.get("file", exc.message)
    return None


def check_uploads(uploads: Sequence[tuple[bytes, str]], *, field: str, limit: int = MAX_FILES_PER_MESSAGE) -> None:
    """Raise Invalid on `field` for the first upload that would be refused (before anything is written)."""
    if len(uploads) > limit:
        raise Invalid(**{field: f"Attach at most {limit} files."})
    for data, name in uploads:
        problem = upload_problem(data, name)
        if problem:
            raise Invalid(**{field: problem})
