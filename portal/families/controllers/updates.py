"""Update pages. Staff: a client's updates, writing and editing drafts (also from a coordination note, or as a
follow-up), the preview of who will and will not receive a draft, publishing, read receipts. Relatives: their
feed (phone first) and each update, whose first opening records that they read it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases.controllers.common import ClientHeader, client_header
from portal.cases.controllers.notes import content_disposition, uploaded_files
from portal.cases.note_input import editable_text
from portal.core.services import get_practice
from portal.errors import Conflict, Invalid
from portal.families import update_feed, update_receipts, updates
from portal.families.update_recipients import BASE_CATEGORY, UPDATE_CATEGORIES, recipient_outcomes
from portal.files import services as files
from portal.forms import form_data
from portal.middleware import with_badges
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, redirect, render


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= 2**31 - 1 else None


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


async def file_response(info: files.FileInfo) -> Response[bytes]:
    """A download, never shown inline, never cached."""
    return Response(
        await files.read_bytes(info),
        media_type=info.content_type,
        headers={"Content-Disposition": content_disposition(info.original_name), "Cache-Control": "no-store"},
    )


# --------------------------------------------------------------------------- staff


class ClientUpdatesController(Controller):
    path = "/clients/{client_id:int}/updates"
    include_in_schema = False
    guards = [guard(Action.FAMILY_MANAGE)]

    @get("/")
    async def list_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "updates")
        paging = page_request(_int(request.query_params.get("page")), _int(request.query_params.get("per_page")))
        rows, total = await update_receipts.list_updates(
            principal, client_id, page=paging.page, per_page=paging.per_page
        )
        return render(
            request,
            "families/updates_list.html",
            header=header,
            rows=rows,
            categories=UPDATE_CATEGORIES,
            pagination=Pagination(paging.page, paging.per_page, total, f"/clients/{client_id}/updates", {}),
        )

    # ------------------------------------------------------------------ writing

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        header: ClientHeader,
        *,
        update: dict[str, Any] | None,
        form: dict[str, Any],
        errors: dict[str, str] | None = None,
        status_code: int = 200,
        note: dict[str, Any] | None = None,
    ) -> Template:
        client_id = header.client["id"]
        form = {**form, "categories": _as_list(form.get("categories")), "relatives": _as_list(form.get("relatives"))}
        context: dict[str, Any] = {}
        follows_up = _int(form.get("follows_up")) if update is None else update["follows_up"]
        if follows_up:
            context["original"] = await updates.update_row(client_id, follows_up)
        from_note = _int(form.get("from_note")) if update is None else update["started_from_note"]
        if from_note and note is None:
            note = await updates.note_for_update(current_principal(request), client_id, from_note)
        context["note"] = note
        outcomes = await recipient_outcomes(client_id, [BASE_CATEGORY], [])
        return render(
            request,
            "families/updates_form.html",
            status_code=status_code,
            header=header,
            update=update,
            form=form,
            errors=errors or {},
            category_choices=[(k, v) for k, v in UPDATE_CATEGORIES.items() if k != BASE_CATEGORY],
            base_category=UPDATE_CATEGORIES[BASE_CATEGORY],
            relative_choices=[
                {
                    "id": str(o.relative_id),
                    "name": o.name,
                    "selectable": o.asks_gate,
                    "note": "" if o.asks_gate else o.message,
                }
                for o in outcomes
            ],
            **context,
        )

    @get("/new", guards=[guard(Action.CLIENTS_WRITE)])
    async def new_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "updates")
        params = request.query_params
        form: dict[str, Any] = {"recipients": "all"}
        follows_up = _int(params.get("follows_up"))
        if follows_up:
            original = await update_receipts.get_update(principal, client_id, follows_up)
            if original["is_draft"]:
                raise Conflict("A follow-up corrects or adds to a published update; this one is still a draft.")
            form.update(
                follows_up=str(follows_up),
                title=f"Follow-up: {original['title']}"[:200],
                categories=[c for c in original["categories"] if c != BASE_CATEGORY],
            )
            received = [str(r["relative"]) for r in original["receipts"]]
            if received:
                form.update(recipients="chosen", relatives=received)
        from_note = _int(params.get("from_note"))
        note = None
        if from_note:
            # The note's plain text for the case manager to cut down. The update remembers which note it came
            # from for the practice; the family never sees the note, its id or a link to it.
            note = await updates.note_for_update(principal, client_id, from_note)
            form.update(from_note=str(from_note), body=note["body_text"])
        return await self._form_page(request, header, update=None, form=form, note=note)

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def create(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        attachments = await uploaded_files(request, "attachments")
        try:
            update_id = await updates.create_update(
                principal,
                client_id,
                data,
                attachments=attachments,
                follows_up=_int(data.get("follows_up")),
                from_note=_int(data.get("from_note")),
            )
        except Invalid as exc:
            header = await client_header(principal, client_id, "updates")
            errors = exc.field_errors or {"title": exc.message}
            return await self._form_page(request, header, update=None, form=data, errors=errors, status_code=400)
        return redirect(
            f"/clients/{client_id}/updates/{update_id}", flash="Draft saved. Check who will receive it, then publish."
        )

    @get("/{update_id:int}/edit", guards=[guard(Action.CLIENTS_WRITE)])
    async def edit_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], update_id: FromPath[int]
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "updates")
        update = await update_receipts.get_update(principal, client_id, update_id)
        if not update["is_draft"]:
            raise Conflict(updates.PUBLISHED_MESSAGE)
        form = {
            "title": update["title"],
            "body": editable_text(update["body_html"]),
            "categories": [c for c in update["categories"] if c != BASE_CATEGORY],
            "recipients": "chosen" if update["intended_relatives"] else "all",
            "relatives": [str(i) for i in update["intended_relatives"]],
        }
        return await self._form_page(request, header, update=update, form=form)

    @post("/{update_id:int}/edit", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def edit(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], update_id: FromPath[int]
    ) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        remove = [i for i in (_int(v) for v in _as_list(data.pop("remove_attachments", None))) if i is not None]
        attachments = await uploaded_files(request, "attachments")
        try:
            await updates.edit_update(
                principal, client_id, update_id, data, attachments=attachments, remove_attachments=remove
            )
        except Invalid as exc:
            header = await client_header(principal, client_id, "updates")
            update = await update_receipts.get_update(principal, client_id, update_id)
            errors = exc.field_errors or {"title": exc.message}
            return await self._form_page(request, header, update=update, form=data, errors=errors, status_code=400)
        return redirect(f"/clients/{client_id}/updates/{update_id}", flash="Draft saved.")

    # ------------------------------------------------------------------ one update: preview, publish

    async def _update_page(
        self, request: Request[Any, Any, Any], client_id: int, update_id: int, *, status_code: int = 200, **extra: Any
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "updates")
        update = await update_receipts.get_update(principal, client_id, update_id)
        return render(
            request,
            "families/updates_view.html",
            status_code=status_code,
            header=header,
            update=update,
            categories=UPDATE_CATEGORIES,
            **extra,
        )

    @get("/{update_id:int}")
    async def update_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], update_id: FromPath[int]
    ) -> Template:
        return await self._update_page(request, client_id, update_id)

    @post("/{update_id:int}/publish", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def publish(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], update_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            result = await updates.publish_update(current_principal(request), client_id, update_id)
        except Invalid as exc:
            return await self._update_page(request, client_id, update_id, status_code=400, publish_error=exc.message)
        except Conflict as exc:
            # A second click, or a reload of the result page: the update is already out.
            return redirect(f"/clients/{client_id}/updates/{update_id}", flash=exc.message, kind="info")
        # The result is shown once, here (who received it, who did not and why); reloading lands on the update.
        return await self._update_page(request, client_id, update_id, publish_result=result)

    @post("/{update_id:int}/discard", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def discard(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], update_id: FromPath[int]
    ) -> Redirect:
        await updates.discard_draft(current_principal(request), client_id, update_id)
        return redirect(f"/clients/{client_id}/updates", flash="Draft discarded.")

    @get("/{update_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        update_id: FromPath[int],
        attachment_id: FromPath[int],
    ) -> Response[bytes]:
        principal = current_principal(request)
        return await file_response(
            await update_receipts.attachment_for_staff(principal, client_id, update_id, attachment_id)
        )


# --------------------------------------------------------------------------- relatives


async def _family_context(links: list[Any]) -> dict[str, Any]:
    """The switcher between loved ones (shown when there are several) and the practice's time zone."""
    practice = await get_practice()
    return {"links": links, "switch_base": "/family/updates", "switch_all": "Everyone", "time_zone": practice.time_zone}


class FamilyUpdatesController(Controller):
    path = "/family/updates"
    include_in_schema = False
    guards = [guard(Action.FAMILY_PORTAL)]

    @get("/")
    async def feed_page(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        params = request.query_params
        client_id = None
        if params.get("client") is not None:
            client_id = _int(params.get("client")) or -1
        paging = page_request(_int(params.get("page")), _int(params.get("per_page")), default_per_page=20)
        feed = await update_feed.feed(principal, client_id=client_id, page=paging.page, per_page=paging.per_page)
        return render(
            request,
            "families/family_updates.html",
            feed=feed,
            current_client_id=client_id,
            pagination=Pagination(
                paging.page, paging.per_page, feed.total, "/family/updates", {"client": client_id or ""}
            ),
            **await _family_context(feed.links),
        )

    @get("/{update_id:int}")
    async def update_page(self, request: Request[Any, Any, Any], update_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        update = await update_feed.read_update(principal, update_id)
        # Opening it the first time read it: the navigation's badge counts one fewer than it did a moment ago.
        fresh: dict[str, Any] = {"principal": await with_badges(principal)} if update["first_read"] else {}
        return render(
            request,
            "families/family_update.html",
            update=update,
            current_client_id=update["client_id"],
            **fresh,
            **await _family_context([]),
        )

    @get("/{update_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self, request: Request[Any, Any, Any], update_id: FromPath[int], attachment_id: FromPath[int]
    ) -> Response[bytes]:
        principal = current_principal(request)
        return await file_response(await update_feed.attachment_for_relative(principal, update_id, attachment_id))
