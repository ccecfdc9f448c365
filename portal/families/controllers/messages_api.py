"""The messages JSON API. Relatives: their threads, one thread with its messages (reading it marks it read),
starting a thread with the practice and replying. Staff: a client's threads, starting one with chosen relatives
(through the consent gate), one thread, replying. Lists are Page[T]; anything the caller may not see is 404."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from portal.cases.controllers.api import PageNumber, PerPage
from portal.cases.schemas import Id, Page, Short
from portal.errors import NotFound
from portal.families import message_posting, messages
from portal.families.controllers.messages import int_or_none
from portal.policy import Action, guard
from portal.web import current_principal, reject_unknown_query

Body = Annotated[str, msgspec.Meta(max_length=message_posting.MAX_BODY_CHARS)]


class AttachmentOut(msgspec.Struct):
    id: int
    name: str
    content_type: str
    size_bytes: int
    url: str


class MessageOut(msgspec.Struct):
    id: int
    author: str
    from_practice: bool
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class FamilyThreadOut(msgspec.Struct):
    id: int
    client_id: int
    client_name: str
    subject: str
    created_at: datetime
    last_message_at: datetime
    unread: int


class FamilyThreadDetail(msgspec.Struct):
    id: int
    client_id: int
    client_name: str
    subject: str
    created_at: datetime
    last_message_at: datetime
    other_relatives: list[str]
    messages: list[MessageOut]


class ParticipantOut(msgspec.Struct):
    relative_id: int
    name: str
    access: str  # active, suspended, none
    added_at: datetime
    last_read_at: datetime | None


class NotAddedOut(msgspec.Struct):
    relative_id: int
    name: str
    reason: str


class StaffThreadOut(msgspec.Struct):
    id: int
    subject: str
    created_at: datetime
    last_message_at: datetime
    unread: int
    participants: list[ParticipantOut]
    not_added: list[NotAddedOut] = []


class StaffThreadDetail(msgspec.Struct):
    id: int
    subject: str
    created_at: datetime
    last_message_at: datetime
    participants: list[ParticipantOut]
    messages: list[MessageOut]


class FamilyThreadCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A relative writes to the practice. There is no field for other people: only the practice adds them."""

    client_id: Id
    subject: Short
    body: Body


class StaffThreadCreate(msgspec.Struct, forbid_unknown_fields=True):
    subject: Short
    body: Body
    relative_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=50)]


class MessageCreate(msgspec.Struct, forbid_unknown_fields=True):
    body: Body


def message_out(row: dict[str, Any], base: str) -> MessageOut:
    return MessageOut(
        id=row["id"],
        author=row["author_name"],
        from_practice=row["from_practice"],
        body=row["body"],
        created_at=row["created_at"],
        attachments=[
            AttachmentOut(a["id"], a["name"], a["content_type"], a["size_bytes"], f"{base}/attachments/{a['id']}")
            for a in row["attachments"]
        ],
    )


def participant_out(row: dict[str, Any]) -> ParticipantOut:
    return ParticipantOut(row["relative_id"], row["name"], row["access"], row["added_at"], row["last_read_at"])


# --------------------------------------------------------------------------- relatives


class FamilyThreadsApiController(Controller):
    path = "/api/v1/family/threads"
    tags = ["family"]
    guards = [guard(Action.FAMILY_PORTAL)]

    @get("/")
    async def list_threads(
        self,
        request: Request[Any, Any, Any],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        client: FromQuery[int | None] = None,
    ) -> Page[FamilyThreadOut]:
        """The signed-in relative's threads, latest activity first. Filter: `client` (one loved one)."""
        reject_unknown_query(request, {"client"})
        client_id = None if client is None else int_or_none(client)
        if client is not None and client_id is None:
            raise NotFound("Not found.")
        rows, total = await messages.family_threads(
            current_principal(request), client_id=client_id, page=page, per_page=per_page
        )
        items = [
            FamilyThreadOut(
                r["id"],
                r["client_id"],
                r["client_name"],
                r["subject"],
                r["created_at"],
                r["last_message_at"],
                r["unread"],
            )
            for r in rows
        ]
        return Page(items=items, page=page, per_page=per_page, total=total)

    @post("/", status_code=HTTP_201_CREATED)
    async def start_thread(
        self, request: Request[Any, Any, Any], data: JSONBody[FamilyThreadCreate]
    ) -> FamilyThreadDetail:
        """Write to the practice about one of your loved ones (attachments: use the web page)."""
        principal = current_principal(request)
        thread_id = await message_posting.start_thread_as_relative(
            principal, data.client_id, {"subject": data.subject, "body": data.body}
        )
        return await self._detail(request, thread_id)

    async def _detail(self, request: Request[Any, Any, Any], thread_id: int) -> FamilyThreadDetail:
        thread = await messages.family_thread(current_principal(request), thread_id)
        base = f"/family/threads/{thread_id}"
        return FamilyThreadDetail(
            id=thread["id"],
            client_id=thread["client"],
            client_name=thread["client_name"],
            subject=thread["subject"],
            created_at=thread["created_at"],
            last_message_at=thread["last_message_at"],
            other_relatives=thread["others"],
            messages=[message_out(m, base) for m in thread["messages"]],
        )

    @get("/{thread_id:int}")
    async def get_thread(self, request: Request[Any, Any, Any], thread_id: FromPath[int]) -> FamilyThreadDetail:
        """One thread with its messages, oldest first. Reading it marks it read."""
        return await self._detail(request, thread_id)

    @get("/{thread_id:int}/messages")
    async def list_messages(
        self, request: Request[Any, Any, Any], thread_id: FromPath[int], page: PageNumber = 1, per_page: PerPage = 100
    ) -> Page[MessageOut]:
        """The thread's messages, oldest first. Reading them marks the thread read."""
        thread = await messages.family_thread(current_principal(request), thread_id)
        base = f"/family/threads/{thread_id}"
        items = [message_out(m, base) for m in thread["messages"]]
        start = (page - 1) * per_page
        return Page(items=items[start : start + per_page], page=page, per_page=per_page, total=len(items))

    @post("/{thread_id:int}/messages", status_code=HTTP_201_CREATED)
    async def reply(
        self, request: Request[Any, Any, Any], thread_id: FromPath[int], data: JSONBody[MessageCreate]
    ) -> MessageOut:
        """Reply in one of your threads."""
        principal = current_principal(request)
        message_id = await message_posting.post_as_relative(principal, thread_id, data.body)
        [message] = await messages.thread_messages(thread_id, only=message_id)
        return message_out(message, f"/family/threads/{thread_id}")


# --------------------------------------------------------------------------- staff


class ClientThreadsApiController(Controller):
    path = "/api/v1/clients/{client_id:int}/threads"
    tags = ["family"]
    guards = [guard(Action.FAMILY_MANAGE)]

    @get("/")
    async def list_threads(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], page: PageNumber = 1, per_page: PerPage = 25
    ) -> Page[StaffThreadOut]:
        """The client's threads with the family, latest activity first, with your unread count."""
        reject_unknown_query(request, set())
        rows, total = await messages.client_threads(current_principal(request), client_id, page=page, per_page=per_page)
        items = [
            StaffThreadOut(
                r["id"],
                r["subject"],
                r["created_at"],
                r["last_message_at"],
                r["unread"],
                [participant_out(p) for p in r["participants"]],
            )
            for r in rows
        ]
        return Page(items=items, page=page, per_page=per_page, total=total)

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def start_thread(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], data: JSONBody[StaffThreadCreate]
    ) -> StaffThreadOut:
        """Start a thread with chosen relatives (each through the consent gate; `not_added` says who was refused
        and why). 400 when nobody could be added."""
        principal = current_principal(request)
        started = await message_posting.start_thread_as_practice(
            principal, client_id, {"subject": data.subject, "body": data.body}, data.relative_ids
        )
        rows, _ = await messages.client_threads(principal, client_id, page=1, per_page=100)
        row = next(r for r in rows if r["id"] == started.thread_id)
        return StaffThreadOut(
            row["id"],
            row["subject"],
            row["created_at"],
            row["last_message_at"],
            row["unread"],
            [participant_out(p) for p in row["participants"]],
            [NotAddedOut(r.relative_id, r.name, r.message) for r in started.not_added],
        )

    @get("/{thread_id:int}")
    async def get_thread(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], thread_id: FromPath[int]
    ) -> StaffThreadDetail:
        """One thread with its messages and who has read it; marks it read for you."""
        thread = await messages.staff_thread(current_principal(request), client_id, thread_id)
        base = f"/clients/{client_id}/messages/{thread_id}"
        return StaffThreadDetail(
            id=thread["id"],
            subject=thread["subject"],
            created_at=thread["created_at"],
            last_message_at=thread["last_message_at"],
            participants=[participant_out(p) for p in thread["participants"]],
            messages=[message_out(m, base) for m in thread["messages"]],
        )

    @post("/{thread_id:int}/messages", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def reply(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        thread_id: FromPath[int],
        data: JSONBody[MessageCreate],
    ) -> MessageOut:
        """Reply to the family. 403 with the refused relatives when the consent gate refuses one of them."""
        principal = current_principal(request)
        message_id = await message_posting.post_as_practice(principal, client_id, thread_id, data.body)
        [message] = await messages.thread_messages(thread_id, only=message_id)
        return message_out(message, f"/clients/{client_id}/messages/{thread_id}")
