"""Writing in threads: the practice starts a thread with chosen relatives, relatives start one with the
practice, both reply; only the practice adds (or takes out) relatives.

A message from the practice is a disclosure to each relative in the thread. It is posted only when the consent
gate allows every one of them; otherwise nothing is written but the refusal (audited), and the page names who
was refused and why. Adding a relative to a thread asks the gate for the thread's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import Conflict, DomainError, Invalid, NotFound
from portal.families import notifications, sharing
from portal.families.messages import (
    MESSAGE_CATEGORIES,
    audit_thread,
    family_participation,
    message_links,
    participants_of,
    thread_of_client,
)
from portal.families.sharing import require_practice, signed_in_person, valid_id
from portal.families.tables import Message, MessageAttachment, Thread, ThreadParticipant
from portal.families.uploads import check_uploads
from portal.files import services as files
from portal.policy import Action, Principal
from portal.validation import Checker

MAX_BODY_CHARS = 10_000
Uploads = Sequence[tuple[bytes, str]]


@dataclass(frozen=True)
class Refusal:
    relative_id: int
    name: str
    message: str


class MessageRefused(DomainError):
    """The consent gate refused one or more relatives of the thread: nothing was posted or added."""

    status_code = 403

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__(" ".join(f"{r.name}: {r.message}" for r in refusals))
        self.refusals = refusals


@dataclass(frozen=True)
class StartedThread:
    thread_id: int
    not_added: list[Refusal]


def _clean_body(value: Any) -> str:
    """The message as typed (line breaks kept, shown escaped); Invalid on "body" when empty or too long."""
    text = value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
    c = Checker({"body": text})
    body = c.text("body", required=True, max_length=MAX_BODY_CHARS, label="The message")
    c.done()
    return body


def _subject_and_body(c: Checker, data: dict[str, Any]) -> tuple[str, str]:
    subject = c.text("subject", required=True, max_length=200, label="The subject")
    try:
        return subject, _clean_body(data.get("body"))
    except Invalid as exc:
        c.fail("body", exc.field_errors["body"])
        return subject, ""


async def _insert_thread(client_id: int, subject: str, author_id: int) -> int:
    now = utcnow()
    rows = await Thread.insert(
        Thread(client=client_id, subject=subject, created_by=author_id, created_at=now, last_message_at=now)
    ).returning(Thread.id)
    return int(rows[0]["id"])


async def _insert_message(thread_id: int, author_id: int, body: str, attachments: Uploads) -> int:
    now = utcnow()
    rows = await Message.insert(Message(thread=thread_id, author=author_id, body=body, created_at=now)).returning(
        Message.id
    )
    message_id = int(rows[0]["id"])
    for data, name in attachments:
        stored = await files.store_upload(data, name, uploaded_by=author_id)
        await MessageAttachment.insert(MessageAttachment(message=message_id, file=stored.id))
    await Thread.update({Thread.last_message_at: now}).where(Thread.id == thread_id)
    return message_id


def _users_to_tell(participants: list[dict[str, Any]], author_id: int) -> list[int]:
    """The relatives' accounts that hear of a new message: active with messages, never its author."""
    return [p["user_id"] for p in participants if p["receives"] and p["user_id"] and p["user_id"] != author_id]


async def _gate(principal: Principal, client_id: int, relative_id: int, resource_type: str, resource_id: int) -> Any:
    return await sharing.disclose_to_relative(
        principal, client_id, relative_id, MESSAGE_CATEGORIES, resource_type=resource_type, resource_id=resource_id
    )


async def _audit_refusal(principal: Principal, client_id: int, thread_id: int | str, refusals: list[Refusal]) -> None:
    refused = {str(r.relative_id): r.message for r in refusals}
    await audit_thread(principal, "family.message.refused", client_id, thread_id, refused=refused)


# --------------------------------------------------------------------------- the practice


async def start_thread_as_practice(
    principal: Principal, client_id: int, data: dict[str, Any], relative_ids: Sequence[int], attachments: Uploads = ()
) -> StartedThread:
    """A new thread with the chosen relatives and its first message. Each relative passes the consent gate for
    that message; those refused are not added (and returned, with the gate's reason). Nobody added: Invalid."""
    me = await require_practice(principal, client_id, Action.CLIENTS_WRITE)
    c = Checker(data)
    subject, body = _subject_and_body(c, data)
    possible = {r.relative_id: r for r in await sharing.reach(client_id, "messages", MESSAGE_CATEGORIES)}
    chosen = list(dict.fromkeys(relative_ids))
    if not chosen:
        c.fail("participants", "Choose at least one relative.")
    elif any(rid not in possible or not possible[rid].grant_active for rid in chosen):
        c.fail("participants", "Choose among the relatives whose access includes messages.")
    c.done()
    check_uploads(attachments, field="attachments")
    refused: list[Refusal] = []
    try:
        async with write_transaction():
            thread_id = await _insert_thread(client_id, subject, me)
            message_id = await _insert_message(thread_id, me, body, attachments)
            added = []
            for relative_id in chosen:
                decision = await _gate(principal, client_id, relative_id, "family_message", message_id)
                if not decision.allowed:
                    refused.append(Refusal(relative_id, possible[relative_id].name, decision.message))
                    continue
                await ThreadParticipant.insert(
                    ThreadParticipant(thread=thread_id, relative=relative_id, added_by=me, added_at=utcnow())
                )
                added.append(relative_id)
            if not added:
                raise MessageRefused(refused)
            not_added = [r.relative_id for r in refused]
            await audit_thread(
                principal,
                "family.thread.create",
                client_id,
                thread_id,
                message_id=message_id,
                participants=added,
                not_added=not_added,
                attachments=len(attachments),
            )
            people = (await participants_of([thread_id]))[thread_id]
            await notifications.notify(_users_to_tell(people, me), "message")
    except MessageRefused as exc:
        await _audit_refusal(principal, client_id, "", exc.refusals)
        reasons = " ".join(f"{r.name}: {r.message}" for r in exc.refusals)
        raise Invalid(participants=f"Nobody could be added, so nothing was sent. {reasons}") from None
    return StartedThread(thread_id, refused)


async def post_as_practice(
    principal: Principal, client_id: int, thread_id: int, body: Any, attachments: Uploads = ()
) -> int:
    """A reply from the practice. It reaches every relative in the thread through the gate, or nobody:
    MessageRefused names who was refused and why (the refusal is audited, nothing else is written)."""
    me = await require_practice(principal, client_id, Action.CLIENTS_WRITE)
    await thread_of_client(client_id, thread_id)
    text = _clean_body(body)
    check_uploads(attachments, field="attachments")
    people = (await participants_of([thread_id])).get(thread_id, [])
    if not people:
        raise Conflict("Nobody is in this conversation any more: add a relative before writing.")
    try:
        async with write_transaction():
            message_id = await _insert_message(thread_id, me, text, attachments)
            refused = []
            for person in people:
                decision = await _gate(principal, client_id, person["relative_id"], "family_message", message_id)
                if not decision.allowed:
                    refused.append(Refusal(person["relative_id"], person["name"], decision.message))
            if refused:
                raise MessageRefused(refused)
            await audit_thread(
                principal,
                "family.message.create",
                client_id,
                thread_id,
                message_id=message_id,
                attachments=len(attachments),
            )
            await notifications.notify(_users_to_tell(people, me), "message")
    except MessageRefused as exc:
        await _audit_refusal(principal, client_id, thread_id, exc.refusals)
        raise
    return message_id


async def add_participant(principal: Principal, client_id: int, thread_id: int, relative_id: int) -> None:
    """The practice adds a relative; the gate is asked for the thread's history. Refused: MessageRefused."""
    me = await require_practice(principal, client_id, Action.CLIENTS_WRITE)
    await thread_of_client(client_id, thread_id)
    possible = {r.relative_id: r for r in await sharing.reach(client_id, "messages", MESSAGE_CATEGORIES)}
    if relative_id not in possible or not possible[relative_id].grant_active:
        raise Invalid(relative="Choose one of the relatives whose access includes messages.")
    if await ThreadParticipant.exists().where(
        (ThreadParticipant.thread == thread_id) & (ThreadParticipant.relative == relative_id)
    ):
        raise Conflict("This relative is already in the conversation.")
    async with write_transaction():
        decision = await _gate(principal, client_id, relative_id, "family_thread", thread_id)
        if decision.allowed:
            await ThreadParticipant.insert(
                ThreadParticipant(thread=thread_id, relative=relative_id, added_by=me, added_at=utcnow())
            )
            await audit_thread(principal, "family.thread.participant.add", client_id, thread_id, relative=relative_id)
            user_id = possible[relative_id].user_id
            await notifications.notify([user_id] if user_id else [], "message")
    if not decision.allowed:
        raise MessageRefused([Refusal(relative_id, possible[relative_id].name, decision.message)])


async def remove_participant(principal: Principal, client_id: int, thread_id: int, relative_id: int) -> None:
    """The practice takes a relative out of a thread: they no longer see it or receive its messages."""
    await require_practice(principal, client_id, Action.CLIENTS_WRITE)
    await thread_of_client(client_id, thread_id)
    async with write_transaction():
        removed = (
            await ThreadParticipant.delete()
            .where((ThreadParticipant.thread == thread_id) & (ThreadParticipant.relative == relative_id))
            .returning(ThreadParticipant.id)
            if valid_id(relative_id)
            else []
        )
        if not removed:
            raise NotFound("This relative is not in the conversation.")
        await audit_thread(principal, "family.thread.participant.remove", client_id, thread_id, relative=relative_id)


# --------------------------------------------------------------------------- relatives


async def start_thread_as_relative(
    principal: Principal, client_id: int, data: dict[str, Any], attachments: Uploads = ()
) -> int:
    """A relative writes to the practice about one of their loved ones. They are the thread's only relative:
    only the practice adds others."""
    me = signed_in_person(principal)
    link = next((link for link in await message_links(principal) if link.client_id == client_id), None)
    if link is None:
        raise NotFound("Not found.")
    c = Checker(data)
    subject, body = _subject_and_body(c, data)
    c.done()
    check_uploads(attachments, field="attachments")
    async with write_transaction():
        thread_id = await _insert_thread(client_id, subject, me)
        message_id = await _insert_message(thread_id, me, body, attachments)
        await ThreadParticipant.insert(
            ThreadParticipant(
                thread=thread_id, relative=link.relative_id, added_by=me, added_at=utcnow(), last_read_at=utcnow()
            )
        )
        await audit_thread(
            principal,
            "family.thread.create",
            client_id,
            thread_id,
            message_id=message_id,
            by_relative=link.relative_id,
            attachments=len(attachments),
        )
    return thread_id


async def post_as_relative(principal: Principal, thread_id: int, body: Any, attachments: Uploads = ()) -> int:
    """A relative's reply: the practice and the thread's other relatives (active with messages) receive it."""
    me = signed_in_person(principal)
    link = await family_participation(principal, thread_id)
    text = _clean_body(body)
    check_uploads(attachments, field="attachments")
    people = (await participants_of([thread_id])).get(thread_id, [])
    async with write_transaction():
        message_id = await _insert_message(thread_id, me, text, attachments)
        # Their own message is read: it must not wait for them as unread.
        await ThreadParticipant.update({ThreadParticipant.last_read_at: utcnow()}).where(
            (ThreadParticipant.thread == thread_id) & (ThreadParticipant.relative == link.relative_id)
        )
        await audit_thread(
            principal,
            "family.message.create",
            link.client_id,
            thread_id,
            message_id=message_id,
            attachments=len(attachments),
        )
        await notifications.notify(_users_to_tell(people, me), "message")
    return message_id
