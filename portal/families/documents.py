"""Documents of a client's family space: uploaded by the practice and shared per relative, or uploaded by a
relative for the practice.

A document from the practice reaches a relative only through the consent gate, with the document's category
(family communication unless the uploader chose another) and the purpose "family involvement": each share is a
DocumentShare beside its Disclosure. A relative's own upload is seen by the practice and by that relative only.
Every upload, share, removal and download is audited with the client's id; files are checked by content,
kept under a uuid and downloaded as attachments.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from portal.audit import services as audit
from portal.cases.vocabulary import CONSENT_CATEGORIES, COUNSELING_NOTES
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import NotFound
from portal.families import notifications, sharing
from portal.families.access import FamilyLink, family_links
from portal.families.sharing import require_practice, signed_in_person, valid_id
from portal.families.tables import Document, DocumentShare
from portal.families.uploads import upload_problem
from portal.files import services as files
from portal.policy import Action, Principal, require
from portal.validation import Checker

# What a document may draw on. SUD counseling notes never travel through the family portal.
DOCUMENT_CATEGORIES = {key: label for key, label in CONSENT_CATEGORIES.items() if key != COUNSELING_NOTES}
DEFAULT_CATEGORY = "family_communication"
Upload = tuple[bytes, str]


@dataclass(frozen=True)
class NotShared:
    relative_id: int
    name: str
    message: str


async def _audit(principal: Principal, action: str, client_id: int, document_id: int, **detail: Any) -> None:
    await audit.record(
        principal, action, resource_type="document", resource_id=document_id, client_id=client_id, detail=detail or None
    )


def includes_part2(category: str) -> bool:
    return category == "substance_use_records"


# --------------------------------------------------------------------------- the practice


async def client_documents(
    principal: Principal, client_id: int, *, page: int = 1, per_page: int = 25
) -> tuple[list[dict[str, Any]], int]:
    """The client's documents, newest first, each with who uploaded it and whom it is shared with."""
    await require_practice(principal, client_id)
    where = (Document.client == client_id) & Document.removed_at.is_null()
    rows = (
        await Document.select(
            *Document.all_columns(),
            Document.file.original_name.as_alias("file_name"),
            Document.file.size_bytes.as_alias("size_bytes"),
            Document.uploaded_by.name.as_alias("uploaded_by_name"),
            Document.uploaded_by_relative.name.as_alias("relative_name"),
        )
        .where(where)
        .order_by(Document.created_at, ascending=False)
        .order_by(Document.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    total = await Document.count().where(where)
    shares = await DocumentShare.select(
        DocumentShare.document,
        DocumentShare.relative,
        DocumentShare.relative.name.as_alias("name"),
        DocumentShare.shared_at,
        DocumentShare.shared_by.name.as_alias("shared_by_name"),
    ).where(DocumentShare.document.is_in([row["id"] for row in rows] or [-1]))
    by_document: dict[int, list[dict[str, Any]]] = {}
    for share in sorted(shares, key=lambda s: s["shared_at"]):
        by_document.setdefault(share["document"], []).append(share)
    for row in rows:
        row["shares"] = by_document.get(row["id"], [])
    return rows, total


def _title_for(title: str, upload: Upload | None) -> str:
    if title or upload is None:
        return title
    return os.path.splitext(files.safe_display_name(upload[1]))[0][:200] or "Document"


async def _share(
    principal: Principal, client_id: int, document_id: int, category: str, relative_ids: Sequence[int], me: int
) -> list[NotShared]:
    """Share through the gate, one relative at a time (call inside a unit of work). Returns the refusals."""
    audience = await sharing.reach(client_id, "documents", [category], includes_part2=includes_part2(category))
    possible = {r.relative_id: r for r in audience}
    already = {
        row["relative"]
        for row in await DocumentShare.select(DocumentShare.relative).where(DocumentShare.document == document_id)
    }
    refused, told = [], []
    for relative_id in dict.fromkeys(relative_ids):
        if relative_id in already:
            continue
        decision = await sharing.disclose_to_relative(
            principal,
            client_id,
            relative_id,
            [category],
            resource_type="family_document",
            resource_id=document_id,
            includes_part2=includes_part2(category),
        )
        if not decision.allowed:
            refused.append(NotShared(relative_id, possible[relative_id].name, decision.message))
            continue
        await DocumentShare.insert(
            DocumentShare(
                document=document_id,
                relative=relative_id,
                disclosure=decision.disclosure_id,
                shared_by=me,
                shared_at=utcnow(),
            )
        )
        await _audit(
            principal,
            "family.document.share",
            client_id,
            document_id,
            relative=relative_id,
            disclosure_id=decision.disclosure_id,
        )
        if possible[relative_id].user_id:
            told.append(possible[relative_id].user_id)
    await notifications.notify([user for user in told if user is not None], "document")
    return refused


async def _check_recipients(c: Checker, client_id: int, category: str, relative_ids: Sequence[int]) -> None:
    if not relative_ids:
        return
    audience = await sharing.reach(client_id, "documents", [category], includes_part2=includes_part2(category))
    possible = {r.relative_id: r for r in audience}
    if any(rid not in possible or not possible[rid].grant_active for rid in relative_ids):
        c.fail("relatives", "Choose among the relatives whose access includes documents.")


async def upload_as_practice(
    principal: Principal, client_id: int, data: dict[str, Any], upload: Upload | None, relative_ids: Sequence[int]
) -> tuple[int, list[NotShared]]:
    """Keep a document in the client's family space and share it with the chosen relatives (through the gate).
    Returns the document's id and the relatives it could not be shared with, with the gate's reason."""
    me = await require_practice(principal, client_id, Action.CLIENTS_WRITE)
    c = Checker(data)
    title = c.text("title", max_length=200, label="The title")
    category = c.choice("category", DOCUMENT_CATEGORIES, default=DEFAULT_CATEGORY, label="Category")
    problem = "Choose a file to upload." if upload is None else upload_problem(*upload)
    if problem:
        c.fail("file", problem)
    await _check_recipients(c, client_id, category, relative_ids)
    c.done()
    assert upload is not None
    async with write_transaction():
        stored = await files.store_upload(upload[0], upload[1], uploaded_by=me)
        rows = await Document.insert(
            Document(
                client=client_id,
                file=stored.id,
                title=_title_for(title, upload),
                category=category,
                uploaded_by=me,
                created_at=utcnow(),
            )
        ).returning(Document.id)
        document_id = int(rows[0]["id"])
        await _audit(principal, "family.document.upload", client_id, document_id, category=category)
        refused = await _share(principal, client_id, document_id, category, relative_ids, me)
    return document_id, refused


async def _document_of_client(client_id: int, document_id: int) -> dict[str, Any]:
    row = None
    if valid_id(document_id):
        row = (
            await Document.select()
            .where((Document.id == document_id) & (Document.client == client_id) & Document.removed_at.is_null())
            .first()
        )
    if row is None:
        raise NotFound("No such document.")
    return row


async def share_document(
    principal: Principal, client_id: int, document_id: int, relative_ids: Sequence[int]
) -> list[NotShared]:
    """Share an existing document with more relatives; returns those the gate refused, with its reason."""
    me = await require_practice(principal, client_id, Action.CLIENTS_WRITE)
    document = await _document_of_client(client_id, document_id)
    c = Checker({})
    if not relative_ids:
        c.fail("relatives", "Choose at least one relative.")
    await _check_recipients(c, client_id, document["category"], relative_ids)
    c.done()
    async with write_transaction():
        return await _share(principal, client_id, document_id, document["category"], relative_ids, me)


async def remove_document(principal: Principal, client_id: int, document_id: int) -> None:
    """Take a document out of the family space: nobody sees it any more (the file and its record are kept)."""
    await require_practice(principal, client_id, Action.CLIENTS_WRITE)
    await _document_of_client(client_id, document_id)
    async with write_transaction():
        await Document.update({Document.removed_at: utcnow()}).where(Document.id == document_id)
        await _audit(principal, "family.document.remove", client_id, document_id)


async def file_for_practice(principal: Principal, client_id: int, document_id: int) -> files.FileInfo:
    """The stored file of a document of this client; the download is audited."""
    await require_practice(principal, client_id)
    document = await _document_of_client(client_id, document_id)
    info = await files.get_info(document["file"])
    await _audit(principal, "family.document.download", client_id, document_id)
    return info


# --------------------------------------------------------------------------- relatives


async def document_links(principal: Principal) -> list[FamilyLink]:
    """The signed-in relative's links whose grant includes documents."""
    require(principal, Action.FAMILY_PORTAL)
    return [link for link in await family_links(principal) if link.sees("documents")]


def _visible_to(relative_ids: list[int]) -> Any:
    """Documents shared with these relatives, and their own uploads; never a removed one."""
    shared = DocumentShare.select(DocumentShare.document).where(DocumentShare.relative.is_in(relative_ids))
    return Document.removed_at.is_null() & (
        Document.id.is_in(shared) | Document.uploaded_by_relative.is_in(relative_ids)
    )


async def family_documents(
    principal: Principal, *, client_id: int | None = None, page: int = 1, per_page: int = 25
) -> tuple[list[dict[str, Any]], int]:
    """What the relative may see, newest first: documents shared with them and their own uploads."""
    links = await document_links(principal)
    if client_id is not None:
        links = [link for link in links if link.client_id == client_id]
        if not links:
            raise NotFound("Not found.")
    if not links:
        return [], 0
    by_client = {link.client_id: link for link in links}
    own = {link.relative_id for link in links}
    where = _visible_to(sorted(own))
    rows = (
        await Document.select(
            Document.id,
            Document.client,
            Document.title,
            Document.created_at,
            Document.uploaded_by_relative,
            Document.file.original_name.as_alias("file_name"),
            Document.file.size_bytes.as_alias("size_bytes"),
            Document.file.content_type.as_alias("content_type"),
        )
        .where(where)
        .order_by(Document.created_at, ascending=False)
        .order_by(Document.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    total = await Document.count().where(where)
    for row in rows:
        row["client_name"] = by_client[row["client"]].client_name
        row["yours"] = row["uploaded_by_relative"] in own
    for client in sorted({row["client"] for row in rows}):
        await audit.record(principal, "family.document.list", resource_type="document", client_id=client)
    return rows, total


async def upload_as_relative(principal: Principal, client_id: int, data: dict[str, Any], upload: Upload | None) -> int:
    """A relative gives the practice a document (seen by the practice and by them only)."""
    me = signed_in_person(principal)
    link = next((link for link in await document_links(principal) if link.client_id == client_id), None)
    if link is None:
        raise NotFound("Not found.")
    c = Checker(data)
    title = c.text("title", max_length=200, label="The title")
    problem = "Choose a file to upload." if upload is None else upload_problem(*upload)
    if problem:
        c.fail("file", problem)
    c.done()
    assert upload is not None
    async with write_transaction():
        stored = await files.store_upload(upload[0], upload[1], uploaded_by=me)
        rows = await Document.insert(
            Document(
                client=client_id,
                file=stored.id,
                title=_title_for(title, upload),
                uploaded_by=me,
                uploaded_by_relative=link.relative_id,
                created_at=utcnow(),
            )
        ).returning(Document.id)
        document_id = int(rows[0]["id"])
        await _audit(principal, "family.document.upload", client_id, document_id, by_relative=link.relative_id)
    return document_id


async def file_for_relative(principal: Principal, document_id: int) -> files.FileInfo:
    """The stored file of a document this relative may see (NotFound otherwise); the download is audited."""
    links = await document_links(principal)
    row = None
    if links and valid_id(document_id):
        own = sorted({link.relative_id for link in links})
        row = (
            await Document.select(Document.client, Document.file)
            .where((Document.id == document_id) & _visible_to(own))
            .first()
        )
    if row is None or row["client"] not in {link.client_id for link in links}:
        raise NotFound("No such document.")
    info = await files.get_info(row["file"])
    await _audit(principal, "family.document.download", row["client"], document_id)
    return info
