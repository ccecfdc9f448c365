"""The notes JSON API: a client's coordination notes — drafts, changes to a draft, signing, addenda, and sharing
through the consent gate (a refusal is a 403 whose `extra.reason` is the gate's reason code).

Lists paginate with `page` and `per_page` and filter only on an allowlist; every id one may not see answers 404.
The services check the policy, validate, audit and own the transactions: the handlers only translate.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, patch, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from portal.cases import note_input, note_search, note_sharing, notes
from portal.cases.controllers.api import PageNumber, PerPage
from portal.cases.controllers.api_coordination import AnyRequest, Since, Until, fields_named
from portal.cases.schemas import Page, provided
from portal.cases.schemas_coordination import (
    AddendumCreate,
    AddendumOut,
    NoteAttachmentOut,
    NoteCreate,
    NoteOut,
    NotePartyOut,
    NotePatch,
    NoteShareCreate,
    NoteShareOut,
    NoteSummaryOut,
    PersonRef,
)
from portal.policy import Action, guard
from portal.web import current_principal, reject_unknown_query


def _parties_out(parties: list[dict[str, Any]]) -> list[NotePartyOut]:
    return [NotePartyOut(kind=p["kind"], id=int(p["token"].partition(":")[2]), name=p["name"]) for p in parties]


def _note_out(note: dict[str, Any]) -> NoteOut:
    client_id, note_id = note["client"], note["id"]
    return NoteOut(
        id=note_id,
        client_id=client_id,
        kind=note["kind"],
        occurred_at=note["occurred_at"],
        minutes=note["minutes"],
        billable=note["billable"],
        activity=note["activity"],
        subject=note["subject"],
        body_html=note["body_html"],
        body_text=note["body_text"],
        is_part2=note["is_part2"],
        shared=note["shared"],
        is_draft=note["is_draft"],
        signed_at=note["signed_at"],
        editable=note["editable_by_viewer"],
        author=PersonRef(id=note["author"], name=note["author_name"]),
        parties=_parties_out(note["parties"]),
        addenda=[_addendum_out(a) for a in note["addenda"]],
        attachments=[
            NoteAttachmentOut(
                id=a["id"],
                name=a["name"],
                content_type=a["content_type"],
                size_bytes=a["size_bytes"],
                created_at=a["created_at"],
                url=f"/clients/{client_id}/notes/{note_id}/attachments/{a['id']}",
            )
            for a in note["attachments"]
        ],
        shares=[_share_out(s) for s in note["shares"]],
        time_entry_id=note["time_entry"]["id"] if note["time_entry"] else None,
        created_at=note["created_at"],
        updated_at=note["updated_at"],
    )


def _addendum_out(row: dict[str, Any]) -> AddendumOut:
    return AddendumOut(
        id=row["id"],
        author=PersonRef(id=row["author"], name=row["author_name"]),
        body_html=row["body_html"],
        created_at=row["created_at"],
    )


def _share_out(row: dict[str, Any]) -> NoteShareOut:
    return NoteShareOut(
        id=row["id"],
        party_id=row["party"],
        party_name=row["party_name"],
        shared_at=row["shared_at"],
        shared_by_name=row["shared_by_name"],
        disclosure_id=row["disclosure"],
    )


def _note_input(values: dict[str, Any]) -> dict[str, Any]:
    """The JSON fields as the note service takes them (people involved as "party:12" / "relative:3" tokens)."""
    if "parties" in values:
        values["parties"] = [note_input.party_token(ref.kind, ref.id) for ref in values["parties"]]
    return values


def _draft_input(note: dict[str, Any]) -> dict[str, Any]:
    """A draft's current fields as the note service takes them, for a PATCH to change some of them."""
    return {
        "kind": note["kind"],
        "occurred_at": note["occurred_at"],
        "minutes": note["minutes"],
        "billable": note["billable"],
        "activity": note["activity"],
        "subject": note["subject"],
        "body": note_input.editable_text(note["body_html"]),
        "is_part2": note["is_part2"],
        "parties": [p["token"] for p in note["parties"]],
    }


class NotesApiController(Controller):
    path = "/api/v1/clients/{client_id:int}/notes"
    tags = ["notes"]
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def list_notes(
        self,
        request: AnyRequest,
        client_id: FromPath[int],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        kind: FromQuery[str | None] = None,
        party: Annotated[str | None, QueryParameter(description='Someone involved: "party:12" or "relative:3"')] = None,
        since: Since = None,
        until: Until = None,
        q: Annotated[str | None, QueryParameter(description="Text in the subject or body")] = None,
    ) -> Page[NoteSummaryOut]:
        """The client's notes, newest first. Filters: `kind`, `party`, `since`, `until`, `q`."""
        reject_unknown_query(request, {"kind", "party", "since", "until", "q"})
        with fields_named({"date_from": "since", "date_to": "until"}):
            filters = note_search.parse_filters(
                {"kind": kind, "party": party, "date_from": since, "date_to": until, "q": q}
            )
        rows, total = await note_search.search_notes(
            current_principal(request), client_id, filters, page=page, per_page=per_page
        )
        items = [
            NoteSummaryOut(
                id=r["id"],
                kind=r["kind"],
                occurred_at=r["occurred_at"],
                minutes=r["minutes"],
                billable=r["billable"],
                activity=r["activity"],
                subject=r["subject"],
                excerpt=r["excerpt"] or "",
                shared=r["shared"],
                is_part2=r["is_part2"],
                signed_at=r["signed_at"],
                author_name=r["author_name"],
                parties=_parties_out(r["parties"]),
                attachment_count=r["attachment_count"],
            )
            for r in rows
        ]
        return Page(items=items, page=page, per_page=per_page, total=total)

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def create_note(self, request: AnyRequest, client_id: FromPath[int], data: JSONBody[NoteCreate]) -> NoteOut:
        """Write a draft note. Without `is_part2` the note takes the client's Part 2 flag; a billable note with
        minutes gets its time entry. Sign it when it is complete."""
        principal = current_principal(request)
        values = _note_input(provided(data))
        if values.get("is_part2") is None:
            values.pop("is_part2", None)
        note_id = await notes.create_note(principal, client_id, values)
        return _note_out(await notes.get_note(principal, client_id, note_id, audit_read=False))

    @get("/{note_id:int}")
    async def get_note(self, request: AnyRequest, client_id: FromPath[int], note_id: FromPath[int]) -> NoteOut:
        """One note with the people involved, addenda, attachments, shares and its time entry's id."""
        return _note_out(await notes.get_note(current_principal(request), client_id, note_id))

    @patch("/{note_id:int}", guards=[guard(Action.CLIENTS_WRITE)])
    async def update_note(
        self, request: AnyRequest, client_id: FromPath[int], note_id: FromPath[int], data: JSONBody[NotePatch]
    ) -> NoteOut:
        """Change some fields of a draft (its author only). A signed note answers 409: add an addendum."""
        principal = current_principal(request)
        note = await notes.get_note(principal, client_id, note_id, audit_read=False)
        values = {**_draft_input(note), **_note_input(provided(data))}
        await notes.update_note(principal, client_id, note_id, values)
        return _note_out(await notes.get_note(principal, client_id, note_id, audit_read=False))

    @post("/{note_id:int}/sign", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def sign_note(self, request: AnyRequest, client_id: FromPath[int], note_id: FromPath[int]) -> NoteOut:
        """Sign a draft (its author only): from now on it never changes; corrections are addenda."""
        principal = current_principal(request)
        await notes.sign_note(principal, client_id, note_id)
        return _note_out(await notes.get_note(principal, client_id, note_id, audit_read=False))

    @post("/{note_id:int}/addenda", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def add_addendum(
        self, request: AnyRequest, client_id: FromPath[int], note_id: FromPath[int], data: JSONBody[AddendumCreate]
    ) -> AddendumOut:
        """Add a dated correction or addition to a signed note."""
        principal = current_principal(request)
        addendum_id = await notes.add_addendum(principal, client_id, note_id, data.body)
        note = await notes.get_note(principal, client_id, note_id, audit_read=False)
        return _addendum_out(next(a for a in note["addenda"] if a["id"] == addendum_id))

    @post("/{note_id:int}/shares", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def share_note(
        self, request: AnyRequest, client_id: FromPath[int], note_id: FromPath[int], data: JSONBody[NoteShareCreate]
    ) -> NoteShareOut:
        """Share a signed note with a party on the client's current care team, through the consent gate: recorded
        as a disclosure. Refused with 403 and the gate's reason code in `extra.reason` (no_consent,
        recipient_not_named, expired, …) when no release covers it."""
        principal = current_principal(request)
        try:
            with fields_named({"party": "party_id"}):
                share_id = await note_sharing.share_note(principal, client_id, note_id, data.party_id)
        except note_sharing.ShareRefused as exc:
            raise PermissionDeniedException(detail=exc.message, extra={"reason": exc.reason}) from None
        note = await notes.get_note(principal, client_id, note_id, audit_read=False)
        return _share_out(next(s for s in note["shares"] if s["id"] == share_id))
