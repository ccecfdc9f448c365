"""Coordination note pages: the list with filters, writing and editing drafts, signing, addenda, attachments,
sharing with the care team through the consent gate, and the disclosure copy of a shared note."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases import note_input, note_search, note_sharing, notes
from portal.cases.controllers.common import ClientHeader, client_header
from portal.cases.vocabulary import ACTIVITIES, NOTE_KINDS
from portal.clock import to_local, utcnow
from portal.errors import Invalid
from portal.files import services as files
from portal.forms import form_data
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, redirect, render

NOTE_FORM_CHOICES: dict[str, Any] = {
    "kind_choices": list(NOTE_KINDS.items()),
    "activity_choices": list(ACTIVITIES.items()),
}
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


async def uploaded_files(request: Request[Any, Any, Any], name: str) -> list[tuple[bytes, str]]:
    """(bytes, the name the browser gave) of each file chosen in a multiple file input."""
    form = await request.form()
    found = []
    for value in form.getall(name) if name in form else []:
        if isinstance(value, UploadFile) and value.filename:
            data = await value.read()
            if data:
                found.append((data, value.filename))
    return found


def content_disposition(filename: str) -> str:
    """An attachment header that survives any name: an ASCII fallback and the UTF-8 name (RFC 6266/5987)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


class NotesController(Controller):
    path = "/clients/{client_id:int}/notes"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    # ------------------------------------------------------------------ list

    @get("/")
    async def notes_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "notes")
        params = request.query_params
        paging = page_request(_int(params.get("page")), _int(params.get("per_page")))
        form = {key: params.get(key, "") for key in ("party", "kind", "date_from", "date_to", "q")}
        errors: dict[str, str] = {}
        rows: list[dict[str, Any]] = []
        total = 0
        try:
            filters = note_search.parse_filters(params)
        except Invalid as exc:
            errors = exc.field_errors
            filters = note_search.NoteFilters()
        else:
            rows, total = await note_search.search_notes(
                principal, client_id, filters, page=paging.page, per_page=paging.per_page
            )
        return render(
            request,
            "cases/notes.html",
            status_code=400 if errors else 200,
            header=header,
            rows=rows,
            form=form,
            errors=errors,
            filtered=bool(filters.active),
            party_choices=await note_input.party_choices(client_id),
            kinds=NOTE_KINDS,
            activities=ACTIVITIES,
            pagination=Pagination(paging.page, paging.per_page, total, f"/clients/{client_id}/notes", filters.params()),
        )

    # ------------------------------------------------------------------ writing a note

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        header: ClientHeader,
        *,
        note: dict[str, Any] | None,
        form: dict[str, Any],
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        form = {**form, "parties": _as_list(form.get("parties"))}
        return render(
            request,
            "cases/notes_form.html",
            status_code=status_code,
            header=header,
            note=note,
            form=form,
            errors=errors or {},
            party_choices=await note_input.party_choices(header.client["id"]),
            **NOTE_FORM_CHOICES,
        )

    @get("/new", guards=[guard(Action.CLIENTS_WRITE)])
    async def new_note_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        header = await client_header(current_principal(request), client_id, "notes")
        now = to_local(utcnow(), header.time_zone)
        form = {
            "kind": request.query_params.get("kind", "call"),
            "occurred_at": now.strftime(LOCAL_INPUT_FORMAT),
            "minutes": "",
            "is_part2": "on" if header.client["has_part2_records"] else "",
        }
        return await self._form_page(request, header, note=None, form=form)

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def create(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        data.setdefault("is_part2", "")  # an unticked box is not sent: it means "not Part 2"
        attachments = await uploaded_files(request, "attachments")
        try:
            note_id = await notes.create_note(principal, client_id, data, attachments=attachments)
        except Invalid as exc:
            header = await client_header(principal, client_id, "notes")
            errors = exc.field_errors or {"subject": exc.message}
            return await self._form_page(request, header, note=None, form=data, errors=errors, status_code=400)
        return redirect(f"/clients/{client_id}/notes/{note_id}", flash="Draft saved. Sign it when it is complete.")

    @get("/{note_id:int}/edit", guards=[guard(Action.CLIENTS_WRITE)])
    async def edit_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], note_id: FromPath[int]
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "notes")
        note = await notes.get_note(principal, client_id, note_id)
        notes.require_draft_of(principal, note, "change")
        form = {
            "kind": note["kind"],
            "occurred_at": to_local(note["occurred_at"], header.time_zone).strftime(LOCAL_INPUT_FORMAT),
            "minutes": note["minutes"],
            "billable": "on" if note["billable"] else "",
            "activity": note["activity"],
            "subject": note["subject"],
            "body": note_input.editable_text(note["body_html"]),
            "is_part2": "on" if note["is_part2"] else "",
            "parties": [p["token"] for p in note["parties"]],
        }
        return await self._form_page(request, header, note=note, form=form)

    @post("/{note_id:int}/edit", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def edit(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], note_id: FromPath[int]
    ) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        data.setdefault("is_part2", "")
        remove = [i for i in (_int(v) for v in _as_list(data.pop("remove_attachments", None))) if i is not None]
        attachments = await uploaded_files(request, "attachments")
        try:
            await notes.update_note(
                principal, client_id, note_id, data, attachments=attachments, remove_attachments=remove
            )
        except Invalid as exc:
            header = await client_header(principal, client_id, "notes")
            note = await notes.get_note(principal, client_id, note_id, audit_read=False)
            errors = exc.field_errors or {"subject": exc.message}
            return await self._form_page(request, header, note=note, form=data, errors=errors, status_code=400)
        return redirect(f"/clients/{client_id}/notes/{note_id}", flash="Draft saved.")

    @post("/{note_id:int}/sign", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def sign(self, request: Request[Any, Any, Any], client_id: FromPath[int], note_id: FromPath[int]) -> Redirect:
        await notes.sign_note(current_principal(request), client_id, note_id)
        return redirect(
            f"/clients/{client_id}/notes/{note_id}", flash="Note signed. Corrections from now on are addenda."
        )

    # ------------------------------------------------------------------ one note

    async def _note_page(
        self,
        request: Request[Any, Any, Any],
        client_id: int,
        note_id: int,
        *,
        status_code: int = 200,
        **context: Any,
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "notes")
        note = await notes.get_note(principal, client_id, note_id)
        previews = await note_sharing.share_previews(client_id, note) if note["signed_at"] else []
        return render(
            request,
            "cases/notes_view.html",
            status_code=status_code,
            header=header,
            note=note,
            previews=previews,
            kinds=NOTE_KINDS,
            activities=ACTIVITIES,
            **context,
        )

    @get("/{note_id:int}")
    async def note_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], note_id: FromPath[int]
    ) -> Template:
        return await self._note_page(request, client_id, note_id)

    @post("/{note_id:int}/addenda", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def add_addendum(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], note_id: FromPath[int]
    ) -> Template | Redirect:
        data = await form_data(request)
        try:
            await notes.add_addendum(current_principal(request), client_id, note_id, str(data.get("body", "")))
        except Invalid as exc:
            return await self._note_page(
                request,
                client_id,
                note_id,
                status_code=400,
                form=data,
                errors=exc.field_errors or {"body": exc.message},
            )
        return redirect(f"/clients/{client_id}/notes/{note_id}#addenda", flash="Addendum added.")

    @post("/{note_id:int}/shares", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def share(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], note_id: FromPath[int]
    ) -> Template | Redirect:
        data = await form_data(request)
        party_id = _int(data.get("party")) or 0
        try:
            share_id = await note_sharing.share_note(current_principal(request), client_id, note_id, party_id)
        except note_sharing.ShareRefused as exc:
            return await self._note_page(
                request,
                client_id,
                note_id,
                status_code=exc.status_code,
                share_error={
                    "message": exc.message,
                    "reason": exc.reason,
                    "party_id": exc.party_id,
                    "release_url": f"/clients/{client_id}/consents/new?party={exc.party_id}"
                    f"&return_to=/clients/{client_id}/notes/{note_id}",
                },
            )
        except Invalid as exc:
            message = exc.field_errors.get("party", exc.message)
            return await self._note_page(
                request, client_id, note_id, status_code=400, share_error={"message": message, "party_id": None}
            )
        return redirect(
            # With a fragment of its own: the form's #sharing would otherwise carry over to this page.
            f"/clients/{client_id}/notes/{note_id}/shares/{share_id}#copy",
            flash="Note shared and recorded as a disclosure. This is the copy for the recipient.",
        )

    @get("/{note_id:int}/shares/{share_id:int}")
    async def share_copy(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        note_id: FromPath[int],
        share_id: FromPath[int],
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "notes")
        copy = await note_sharing.get_share_copy(principal, client_id, note_id, share_id)
        return render(request, "cases/notes_share_copy.html", header=header, kinds=NOTE_KINDS, **copy)

    @get("/{note_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        note_id: FromPath[int],
        attachment_id: FromPath[int],
    ) -> Response[bytes]:
        info = await notes.attachment_file(current_principal(request), client_id, note_id, attachment_id)
        data = await files.read_bytes(info)
        return Response(
            data,
            media_type=info.content_type,
            headers={
                "Content-Disposition": content_disposition(info.original_name),
                "Cache-Control": "no-store",
            },
        )
