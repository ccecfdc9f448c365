"""Message pages. Staff: a client's threads with unread counts, starting a thread with chosen relatives, a thread
with read receipts, replying, adding and taking out relatives. Relatives (phone first): their threads across
their loved ones, a new message to the practice, a thread with replies; attachments on both sides."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases.controllers.common import client_header
from portal.cases.controllers.notes import content_disposition, uploaded_files
from portal.core.services import get_practice
from portal.errors import Conflict, Invalid, NotFound
from portal.families import message_posting, messages, sharing
from portal.families.message_posting import MessageRefused
from portal.files import services as files
from portal.forms import form_data
from portal.middleware import with_badges
from portal.policy import MAX_ROW_ID, Action, guard
from portal.web import Pagination, current_principal, page_request, redirect, render

# A little over the files service's limit, so a file just over 20 MB reaches the form and is refused there with
# a message beside the field (and what was typed kept); anything bigger is refused before it is read (413).
UPLOAD_REQUEST_LIMIT = files.MAX_BYTES + 1024 * 1024


def int_or_none(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ROW_ID else None


def ids_of(value: Any) -> list[int]:
    """Ids from a checkbox group (one value or a list); anything that is not an id is dropped."""
    values = value if isinstance(value, list) else [] if value in (None, "") else [value]
    return [number for number in (int_or_none(v) for v in values) if number is not None]


def client_param(request: Request[Any, Any, Any]) -> int | None:
    """?client= narrows a relative's list to one loved one; a value that is no id is nobody's (404)."""
    value = request.query_params.get("client")
    if value in (None, ""):
        return None
    number = int_or_none(value)
    if number is None:
        raise NotFound("Not found.")
    return number


async def download(info: files.FileInfo) -> Response[bytes]:
    """A download, never shown inline, never cached."""
    return Response(
        await files.read_bytes(info),
        media_type=info.content_type,
        headers={"Content-Disposition": content_disposition(info.original_name), "Cache-Control": "no-store"},
    )


def refusal_context(exc: MessageRefused, client_id: int, return_to: str) -> dict[str, Any]:
    return {
        "refusals": exc.refusals,
        "release_url": f"/clients/{client_id}/consents/new?recipient_type=relative&return_to={return_to}",
    }


# --------------------------------------------------------------------------- staff


class ClientMessagesController(Controller):
    path = "/clients/{client_id:int}/messages"
    include_in_schema = False
    guards = [guard(Action.FAMILY_MANAGE)]

    async def _list_page(
        self, request: Request[Any, Any, Any], client_id: int, *, status_code: int = 200, **context: Any
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "messages")
        params = request.query_params
        paging = page_request(int_or_none(params.get("page")), int_or_none(params.get("per_page")))
        threads, total = await messages.client_threads(principal, client_id, page=paging.page, per_page=paging.per_page)
        context.setdefault("form", {})
        return render(
            request,
            "families/messages_list.html",
            status_code=status_code,
            header=header,
            threads=threads,
            audience=await sharing.reach(client_id, "messages", messages.MESSAGE_CATEGORIES),
            chosen=ids_of(context["form"].get("participants")),
            pagination=Pagination(paging.page, paging.per_page, total, f"/clients/{client_id}/messages", {}),
            **context,
        )

    @get("/")
    async def list_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        return await self._list_page(request, client_id)

    @post(
        "/", status_code=HTTP_200_OK, request_max_body_size=UPLOAD_REQUEST_LIMIT, guards=[guard(Action.CLIENTS_WRITE)]
    )
    async def start(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        attachments = await uploaded_files(request, "attachments")
        try:
            started = await message_posting.start_thread_as_practice(
                current_principal(request), client_id, data, ids_of(data.get("participants")), attachments
            )
        except Invalid as exc:
            errors = exc.field_errors or {"body": exc.message}
            return await self._list_page(request, client_id, status_code=400, form=data, errors=errors)
        path = f"/clients/{client_id}/messages/{started.thread_id}"
        if started.not_added:
            # The page itself says who and why (a flash is a cookie: it never carries names).
            return redirect(f"{path}#people", flash="Sent, but not to everyone you chose: see People.", kind="warning")
        return redirect(path, flash="Message sent.")

    async def _thread_page(
        self,
        request: Request[Any, Any, Any],
        client_id: int,
        thread_id: int,
        *,
        status_code: int = 200,
        **context: Any,
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "messages")
        thread = await messages.staff_thread(principal, client_id, thread_id)
        inside = {p["relative_id"] for p in thread["participants"]}
        audience = await sharing.reach(client_id, "messages", messages.MESSAGE_CATEGORIES)
        return render(
            request,
            "families/messages_thread.html",
            status_code=status_code,
            header=header,
            thread=thread,
            addable=[r for r in audience if r.relative_id not in inside],
            reasons={r.relative_id: r.reason for r in audience},
            **context,
        )

    @get("/{thread_id:int}")
    async def thread_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], thread_id: FromPath[int]
    ) -> Template:
        return await self._thread_page(request, client_id, thread_id)

    @post(
        "/{thread_id:int}/messages",
        status_code=HTTP_200_OK,
        request_max_body_size=UPLOAD_REQUEST_LIMIT,
        guards=[guard(Action.CLIENTS_WRITE)],
    )
    async def reply(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], thread_id: FromPath[int]
    ) -> Template | Redirect:
        data = await form_data(request)
        attachments = await uploaded_files(request, "attachments")
        base = f"/clients/{client_id}/messages/{thread_id}"
        try:
            await message_posting.post_as_practice(
                current_principal(request), client_id, thread_id, data.get("body"), attachments
            )
        except Invalid as exc:
            errors = exc.field_errors or {"body": exc.message}
            return await self._thread_page(request, client_id, thread_id, status_code=400, form=data, errors=errors)
        except MessageRefused as exc:
            return await self._thread_page(
                request, client_id, thread_id, status_code=403, form=data, **refusal_context(exc, client_id, base)
            )
        except Conflict as exc:
            return await self._thread_page(
                request, client_id, thread_id, status_code=409, form=data, errors={"body": exc.message}
            )
        return redirect(f"{base}#latest", flash="Message sent.")

    @post("/{thread_id:int}/participants", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def add_participant(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], thread_id: FromPath[int]
    ) -> Template | Redirect:
        data = await form_data(request)
        base = f"/clients/{client_id}/messages/{thread_id}"
        try:
            await message_posting.add_participant(
                current_principal(request), client_id, thread_id, int_or_none(data.get("relative")) or 0
            )
        except MessageRefused as exc:
            return await self._thread_page(
                request, client_id, thread_id, status_code=403, **refusal_context(exc, client_id, base)
            )
        except (Invalid, Conflict) as exc:
            message = exc.field_errors.get("relative", exc.message) if isinstance(exc, Invalid) else exc.message
            return await self._thread_page(
                request, client_id, thread_id, status_code=exc.status_code, errors={"relative": message}
            )
        return redirect(f"{base}#people", flash="Added to the conversation.")

    @post(
        "/{thread_id:int}/participants/{relative_id:int}/remove",
        status_code=HTTP_200_OK,
        guards=[guard(Action.CLIENTS_WRITE)],
    )
    async def remove_participant(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        thread_id: FromPath[int],
        relative_id: FromPath[int],
    ) -> Redirect:
        await message_posting.remove_participant(current_principal(request), client_id, thread_id, relative_id)
        return redirect(f"/clients/{client_id}/messages/{thread_id}#people", flash="Taken out of the conversation.")

    @get("/{thread_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        thread_id: FromPath[int],
        attachment_id: FromPath[int],
    ) -> Response[bytes]:
        principal = current_principal(request)
        return await download(await messages.attachment_for_practice(principal, client_id, thread_id, attachment_id))


# --------------------------------------------------------------------------- relatives


async def family_context(links: list[Any], base: str) -> dict[str, Any]:
    """The switcher between loved ones (shown when there are several) and the practice's time zone."""
    practice = await get_practice()
    return {
        "links": links,
        "switch_base": base,
        "switch_all": "Everyone",
        "time_zone": practice.time_zone,
        "practice_name": practice.name,
    }


class FamilyThreadsController(Controller):
    path = "/family/threads"
    include_in_schema = False
    guards = [guard(Action.FAMILY_PORTAL)]

    @get("/")
    async def list_page(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        client_id = client_param(request)
        paging = page_request(int_or_none(request.query_params.get("page")), None, default_per_page=20)
        rows, total = await messages.family_threads(
            principal, client_id=client_id, page=paging.page, per_page=paging.per_page
        )
        links = await messages.message_links(principal)
        return render(
            request,
            "families/family_threads.html",
            threads=rows,
            current_client_id=client_id,
            pagination=Pagination(paging.page, paging.per_page, total, "/family/threads", {"client": client_id or ""}),
            **await family_context(links, "/family/threads"),
        )

    async def _new_page(self, request: Request[Any, Any, Any], *, status_code: int = 200, **context: Any) -> Template:
        links = await messages.message_links(current_principal(request))
        if not links:
            raise NotFound("Not found.")
        context.setdefault("form", {"client": str(client_param(request) or links[0].client_id)})
        return render(
            request,
            "families/family_thread_new.html",
            status_code=status_code,
            choices=[(link.client_id, link.client_name) for link in links],
            **context,
            **await family_context([], "/family/threads"),
        )

    @get("/new")
    async def new_page(self, request: Request[Any, Any, Any]) -> Template:
        return await self._new_page(request)

    @post("/", status_code=HTTP_200_OK, request_max_body_size=UPLOAD_REQUEST_LIMIT)
    async def start(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        attachments = await uploaded_files(request, "attachments")
        try:
            thread_id = await message_posting.start_thread_as_relative(
                current_principal(request), int_or_none(data.get("client")) or 0, data, attachments
            )
        except Invalid as exc:
            errors = exc.field_errors or {"body": exc.message}
            return await self._new_page(request, status_code=400, form=data, errors=errors)
        return redirect(f"/family/threads/{thread_id}", flash="Sent. We will answer here.")

    async def _thread_page(
        self, request: Request[Any, Any, Any], thread_id: int, *, status_code: int = 200, **context: Any
    ) -> Template:
        principal = current_principal(request)
        thread = await messages.family_thread(principal, thread_id)
        return render(
            request,
            "families/family_thread.html",
            status_code=status_code,
            principal=await with_badges(principal),  # opening the conversation read it: badges count again
            thread=thread,
            me=principal.user_id,
            current_client_id=thread["client"],
            **context,
            **await family_context([], "/family/threads"),
        )

    @get("/{thread_id:int}")
    async def thread_page(self, request: Request[Any, Any, Any], thread_id: FromPath[int]) -> Template:
        return await self._thread_page(request, thread_id)

    @post("/{thread_id:int}/messages", status_code=HTTP_200_OK, request_max_body_size=UPLOAD_REQUEST_LIMIT)
    async def reply(self, request: Request[Any, Any, Any], thread_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        attachments = await uploaded_files(request, "attachments")
        try:
            await message_posting.post_as_relative(current_principal(request), thread_id, data.get("body"), attachments)
        except Invalid as exc:
            errors = exc.field_errors or {"body": exc.message}
            return await self._thread_page(request, thread_id, status_code=400, form=data, errors=errors)
        return redirect(f"/family/threads/{thread_id}#latest", flash="Sent.")

    @get("/{thread_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self, request: Request[Any, Any, Any], thread_id: FromPath[int], attachment_id: FromPath[int]
    ) -> Response[bytes]:
        principal = current_principal(request)
        return await download(await messages.attachment_for_relative(principal, thread_id, attachment_id))
