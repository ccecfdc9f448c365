"""Coordination notes: who was involved, what happened, how long it took; drafts, signing, addenda.

A note starts as a draft its author may change. Signing makes it immutable: corrections are addenda. A billable
note with minutes has exactly one time entry (its date of service is the note's day in the practice's time
zone), kept in step with the draft and frozen with it when the note is signed. Form input is checked in
note_input.py, searching is note_search.py, sharing is note_sharing.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from portal.audit import services as audit
from portal.cases.note_input import MAX_BODY_CHARS, NoteFields, check_note_fields, party_token
from portal.cases.tables import Client, Note, NoteAddendum, NoteAttachment, NoteParty, NoteShare, TimeEntry
from portal.cases.vocabulary import NOTE_KINDS
from portal.clock import to_local, utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import Conflict, Forbidden, NotFound
from portal.files import services as files
from portal.policy import MAX_ROW_ID, Action, Principal, require_client
from portal.richtext import plain_text, sanitize
from portal.validation import Checker

SIGNED_MESSAGE = "This note is signed and can no longer be changed. Add an addendum to correct or complete it."


# --------------------------------------------------------------------------- reading one note


def _author_id(principal: Principal) -> int:
    if principal.user_id is None:
        raise Forbidden("Notes are written by a person signed in to the portal.")
    return principal.user_id


async def note_row(client_id: int, note_id: int) -> dict[str, Any]:
    """The note of this client (NotFound for another client's note: ids are not a way across clients)."""
    if not 0 < note_id <= MAX_ROW_ID:
        raise NotFound("No such note.")
    row = (
        await Note.select(*Note.all_columns(), Note.author.name.as_alias("author_name"))
        .where((Note.id == note_id) & (Note.client == client_id))
        .first()
    )
    if row is None:
        raise NotFound("No such note.")
    return row


def _party_label(row: dict[str, Any]) -> str:
    return str(row.get("party.name") or row.get("relative.name") or "")


async def parties_of(note_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """note id -> the people involved, for many notes in one query."""
    if not note_ids:
        return {}
    rows = (
        await NoteParty.select(
            NoteParty.note, NoteParty.party.id, NoteParty.party.name, NoteParty.relative.id, NoteParty.relative.name
        )
        .where(NoteParty.note.is_in(note_ids))
        .order_by(NoteParty.id)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        kind = "party" if row["party.id"] is not None else "relative"
        found.setdefault(row["note"], []).append(
            {
                "token": party_token(kind, row[f"{kind}.id"]),
                "kind": kind,
                "name": _party_label(row),
            }
        )
    return found


async def get_note(principal: Principal, client_id: int, note_id: int, *, audit_read: bool = True) -> dict[str, Any]:
    """The note with its people, attachments, addenda (oldest first), shares and time entry."""
    await require_client(principal, client_id)
    note = await note_row(client_id, note_id)
    note["parties"] = (await parties_of([note_id])).get(note_id, [])
    note["addenda"] = (
        await NoteAddendum.select(*NoteAddendum.all_columns(), NoteAddendum.author.name.as_alias("author_name"))
        .where(NoteAddendum.note == note_id)
        .order_by(NoteAddendum.created_at)
        .order_by(NoteAddendum.id)
    )
    note["attachments"] = (
        await NoteAttachment.select(
            NoteAttachment.id,
            NoteAttachment.created_at,
            NoteAttachment.file.original_name.as_alias("name"),
            NoteAttachment.file.content_type.as_alias("content_type"),
            NoteAttachment.file.size_bytes.as_alias("size_bytes"),
        )
        .where(NoteAttachment.note == note_id)
        .order_by(NoteAttachment.id)
    )
    note["shares"] = (
        await NoteShare.select(
            NoteShare.id,
            NoteShare.shared_at,
            NoteShare.party,
            NoteShare.disclosure,
            NoteShare.party.name.as_alias("party_name"),
            NoteShare.shared_by.name.as_alias("shared_by_name"),
        )
        .where(NoteShare.note == note_id)
        .order_by(NoteShare.id)
    )
    note["time_entry"] = await TimeEntry.select().where(TimeEntry.note == note_id).first()
    note["is_draft"] = note["signed_at"] is None
    note["editable_by_viewer"] = note["is_draft"] and note["author"] == principal.user_id
    if audit_read:
        await audit.record(principal, "note.view", resource_type="note", resource_id=note_id, client_id=client_id)
    return note


# --------------------------------------------------------------------------- writing


async def _sync_time_entry(note_id: int, client_id: int, author_id: int, fields: NoteFields, time_zone: str) -> None:
    """A billable note with minutes has exactly one time entry, dated the note's day in the practice's time zone."""
    now = utcnow()
    if not (fields.billable and fields.minutes > 0):
        await TimeEntry.delete().where(TimeEntry.note == note_id)
        return
    values: dict[Any, Any] = {
        TimeEntry.service_date: to_local(fields.occurred_at, time_zone).date(),
        TimeEntry.minutes: fields.minutes,
        TimeEntry.activity: fields.activity,
        TimeEntry.description: f"{NOTE_KINDS[fields.kind]}: {fields.subject}"[:200],
        TimeEntry.billable: True,
        TimeEntry.updated_at: now,
    }
    updated = await TimeEntry.update(values).where(TimeEntry.note == note_id).returning(TimeEntry.id)
    if not updated:
        await TimeEntry.insert(
            TimeEntry(
                client=client_id,
                case_manager=author_id,
                note=note_id,
                created_at=now,
                **{column._meta.name: value for column, value in values.items()},
            )
        )


async def _save_parties(note_id: int, parties: list[tuple[str, int]]) -> None:
    await NoteParty.delete().where(NoteParty.note == note_id)
    if parties:
        await NoteParty.insert(
            *[
                NoteParty(
                    note=note_id,
                    party=row_id if kind == "party" else None,
                    relative=row_id if kind == "relative" else None,
                )
                for kind, row_id in parties
            ]
        )


async def _attach(note_id: int, attachments: Sequence[tuple[bytes, str]], uploaded_by: int) -> None:
    for data, name in attachments:
        stored = await files.store_upload(data, name, uploaded_by=uploaded_by)
        await NoteAttachment.insert(NoteAttachment(note=note_id, file=stored.id, created_at=utcnow()))


async def create_note(
    principal: Principal,
    client_id: int,
    data: Mapping[str, Any],
    *,
    attachments: Sequence[tuple[bytes, str]] = (),
) -> int:
    """A new draft note by the person signed in. `data` as a form posts it; `is_part2` defaults to the client's
    Part 2 flag when absent."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    author_id = _author_id(principal)
    practice = await get_practice()
    client = await Client.select(Client.has_part2_records).where(Client.id == client_id).first()
    assert client is not None
    fields = await check_note_fields(
        client_id,
        data,
        practice.time_zone,
        default_part2=bool(client["has_part2_records"]),
        attachments=attachments,
    )
    now = utcnow()
    async with write_transaction():
        rows = await Note.insert(
            Note(
                client=client_id,
                author=author_id,
                created_at=now,
                updated_at=now,
                **{column._meta.name: value for column, value in fields.columns().items()},
            )
        ).returning(Note.id)
        note_id = int(rows[0]["id"])
        await _save_parties(note_id, fields.parties)
        await _attach(note_id, attachments, author_id)
        await _sync_time_entry(note_id, client_id, author_id, fields, practice.time_zone)
        await audit.record(
            principal,
            "note.create",
            resource_type="note",
            resource_id=note_id,
            client_id=client_id,
            detail={
                "kind": fields.kind,
                "minutes": fields.minutes,
                "billable": fields.billable,
                "parties": len(fields.parties),
                "attachments": len(attachments),
            },
        )
    return note_id


def require_draft_of(principal: Principal, note: dict[str, Any], doing: str) -> None:
    if note["signed_at"] is not None:
        raise Conflict(SIGNED_MESSAGE)
    if note["author"] != principal.user_id:
        raise Forbidden(f"Only the author of a draft note can {doing} it.")


async def update_note(
    principal: Principal,
    client_id: int,
    note_id: int,
    data: Mapping[str, Any],
    *,
    attachments: Sequence[tuple[bytes, str]] = (),
    remove_attachments: Sequence[int] = (),
) -> None:
    """Change a draft (its author only). A signed note answers Conflict: corrections are addenda."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    note = await note_row(client_id, note_id)
    require_draft_of(principal, note, "change")
    author_id = _author_id(principal)
    practice = await get_practice()
    fields = await check_note_fields(
        client_id, data, practice.time_zone, default_part2=bool(note["is_part2"]), attachments=attachments
    )
    async with write_transaction():
        # Conditional on still being a draft: a note signed a moment ago (another tab) stays as signed.
        changed = (
            await Note.update({**fields.columns(), Note.updated_at: utcnow()})
            .where((Note.id == note_id) & Note.signed_at.is_null() & (Note.author == author_id))
            .returning(Note.id)
        )
        if not changed:
            raise Conflict(SIGNED_MESSAGE)
        await _save_parties(note_id, fields.parties)
        if remove_attachments:
            await NoteAttachment.delete().where(
                (NoteAttachment.note == note_id) & NoteAttachment.id.is_in([int(i) for i in remove_attachments])
            )
        await _attach(note_id, attachments, author_id)
        await _sync_time_entry(note_id, client_id, author_id, fields, practice.time_zone)
        await audit.record(
            principal,
            "note.update",
            resource_type="note",
            resource_id=note_id,
            client_id=client_id,
            detail={"attachments_added": len(attachments), "attachments_removed": len(remove_attachments)},
        )


async def sign_note(principal: Principal, client_id: int, note_id: int) -> None:
    """The author signs: from now on the note, its people and its time entry never change."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    note = await note_row(client_id, note_id)
    if note["signed_at"] is not None:
        raise Conflict("This note is already signed.")
    require_draft_of(principal, note, "sign")
    async with write_transaction():
        signed = (
            await Note.update({Note.signed_at: utcnow(), Note.updated_at: utcnow()})
            .where((Note.id == note_id) & Note.signed_at.is_null() & (Note.author == principal.user_id))
            .returning(Note.id)
        )
        if not signed:
            raise Conflict("This note is already signed.")
        await audit.record(principal, "note.sign", resource_type="note", resource_id=note_id, client_id=client_id)


async def add_addendum(principal: Principal, client_id: int, note_id: int, body: str) -> int:
    """A dated, signed-in correction or addition to a signed note (anyone who works with the client)."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    author_id = _author_id(principal)
    note = await note_row(client_id, note_id)
    if note["signed_at"] is None:
        raise Conflict("Addenda are for signed notes. This note is still a draft: edit it instead.")
    c = Checker({"body": body})
    text = c.text("body", required=True, max_length=MAX_BODY_CHARS, label="The addendum")
    body_html = sanitize(text)
    if text and "body" not in c.errors and not plain_text(body_html):
        c.fail("body", "The addendum has no text.")
    c.done()
    async with write_transaction():
        rows = await NoteAddendum.insert(
            NoteAddendum(note=note_id, author=author_id, body_html=body_html, created_at=utcnow())
        ).returning(NoteAddendum.id)
        addendum_id = int(rows[0]["id"])
        await audit.record(
            principal,
            "note.addendum.add",
            resource_type="note",
            resource_id=note_id,
            client_id=client_id,
            detail={"addendum_id": addendum_id},
        )
    return addendum_id


async def attachment_file(principal: Principal, client_id: int, note_id: int, attachment_id: int) -> files.FileInfo:
    """The stored file of one attachment of this client's note (the download is audited)."""
    await require_client(principal, client_id)
    await note_row(client_id, note_id)
    if not 0 < attachment_id <= MAX_ROW_ID:
        raise NotFound("No such attachment.")
    row = (
        await NoteAttachment.select(NoteAttachment.file)
        .where((NoteAttachment.id == attachment_id) & (NoteAttachment.note == note_id))
        .first()
    )
    if row is None:
        raise NotFound("No such attachment.")
    info = await files.get_info(row["file"])
    await audit.record(
        principal,
        "note.attachment.download",
        resource_type="note",
        resource_id=note_id,
        client_id=client_id,
        detail={"attachment_id": attachment_id},
    )
    return info
