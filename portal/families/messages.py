"""Secure messages: threads between the practice and one or more relatives of a client.

The practice (everyone who may see the client) sees every thread of that client; a relative sees only the
threads they are in, and only while their grant is active with messages. Only the practice adds people to a
thread. For an adult client a message from the practice is a disclosure: before it is posted, the consent gate
is asked for every relative in the thread ("family communication", purpose "family involvement"), and the
message goes to all of them or to none: when one of them is refused the page says who and why, and the case
manager records a release or takes that relative out of the thread. So everything a relative can read in a
thread reached them through the gate (adding someone to a thread asks the gate for its history).

Unread counts come from ThreadParticipant.last_read_at (relatives) and StaffThreadRead (each staff member);
a message never counts as unread for its author.
"""

from __future__ import annotations

import functools
import operator
from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from portal.audit import services as audit
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import NotFound
from portal.families.access import FamilyLink, family_links
from portal.families.sharing import require_practice, signed_in_person, valid_id
from portal.families.tables import AccessGrant, Message, MessageAttachment, StaffThreadRead, Thread, ThreadParticipant
from portal.files import services as files
from portal.policy import Action, Principal, Role, require

MESSAGE_CATEGORIES = ["family_communication"]

# --------------------------------------------------------------------------- who may act


async def message_links(principal: Principal) -> list[FamilyLink]:
    """The signed-in relative's links whose grant includes messages."""
    require(principal, Action.FAMILY_PORTAL)
    return [link for link in await family_links(principal) if link.sees("messages")]


async def thread_of_client(client_id: int, thread_id: int) -> dict[str, Any]:
    row = None
    if valid_id(thread_id):
        row = await Thread.select().where((Thread.id == thread_id) & (Thread.client == client_id)).first()
    if row is None:
        raise NotFound("No such thread.")
    return row


async def family_participation(principal: Principal, thread_id: int) -> FamilyLink:
    """The signed-in relative's link through which they are in this thread; NotFound for anyone else."""
    links = {link.relative_id: link for link in await message_links(principal)}
    row = None
    if links and valid_id(thread_id):
        row = (
            await ThreadParticipant.select(
                ThreadParticipant.relative, ThreadParticipant.last_read_at, ThreadParticipant.thread.client
            )
            .where((ThreadParticipant.thread == thread_id) & ThreadParticipant.relative.is_in(list(links)))
            .first()
        )
    if row is None or links[row["relative"]].client_id != row["thread.client"]:
        raise NotFound("No such conversation.")
    return links[row["relative"]]


async def audit_thread(principal: Principal, action: str, client_id: int, thread_id: int | str, **detail: Any) -> None:
    """One audit event about a thread of this client (every read and write of messages has one)."""
    await audit.record(
        principal, action, resource_type="thread", resource_id=thread_id, client_id=client_id, detail=detail or None
    )


# --------------------------------------------------------------------------- reading


async def participants_of(thread_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """thread id -> its relatives (name, account, when added and last read, grant state), in two queries."""
    if not thread_ids:
        return {}
    rows = (
        await ThreadParticipant.select(
            ThreadParticipant.thread,
            ThreadParticipant.relative.as_alias("relative_id"),
            ThreadParticipant.relative.name.as_alias("name"),
            ThreadParticipant.relative.user.as_alias("user_id"),
            ThreadParticipant.added_at,
            ThreadParticipant.last_read_at,
        )
        .where(ThreadParticipant.thread.is_in(thread_ids) & ThreadParticipant.relative.removed_at.is_null())
        .order_by(ThreadParticipant.id)
    )
    grants = {
        g["relative"]: g
        for g in await AccessGrant.select(AccessGrant.relative, AccessGrant.state, AccessGrant.sees_messages).where(
            AccessGrant.relative.is_in(sorted({r["relative_id"] for r in rows}) or [-1])
        )
    }
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grant = grants.get(row["relative_id"])
        row["receives"] = bool(grant and grant["state"] == "active" and grant["sees_messages"])
        row["access"] = (
            "active" if row["receives"] else ("suspended" if grant and grant["state"] != "active" else "none")
        )
        found.setdefault(row["thread"], []).append(row)
    return found


async def _unread_counts(reader_id: int, last_read: dict[int, datetime | None]) -> dict[int, int]:
    """thread id -> messages not written by the reader after they last read it, in one query."""
    if not last_read:
        return {}
    conditions = [
        (Message.thread == thread_id) & (Message.created_at > moment)
        if moment is not None
        else (Message.thread == thread_id)
        for thread_id, moment in last_read.items()
    ]
    rows = (
        await Message.select(Message.thread, Count(alias="n"))
        .where((Message.author != reader_id) & functools.reduce(operator.or_, conditions))
        .group_by(Message.thread)
    )
    return {row["thread"]: row["n"] for row in rows}


async def thread_messages(thread_id: int, only: int | None = None) -> list[dict[str, Any]]:
    """The thread's messages (or just message `only`), oldest first, with author and attachments (two queries)."""
    where: Any = Message.thread == thread_id
    on_thread = MessageAttachment.message.thread == thread_id
    if only is not None:
        where &= Message.id == only
    messages = (
        await Message.select(
            Message.id,
            Message.author,
            Message.author.name.as_alias("author_name"),
            Message.author.role.as_alias("author_role"),
            Message.body,
            Message.created_at,
        )
        .where(where)
        .order_by(Message.created_at)
        .order_by(Message.id)
    )
    attachments = (
        await MessageAttachment.select(
            MessageAttachment.id,
            MessageAttachment.message,
            MessageAttachment.file.original_name.as_alias("name"),
            MessageAttachment.file.size_bytes.as_alias("size_bytes"),
            MessageAttachment.file.content_type.as_alias("content_type"),
        )
        .where(on_thread if only is None else on_thread & (MessageAttachment.message == only))
        .order_by(MessageAttachment.id)
    )
    by_message: dict[int, list[dict[str, Any]]] = {}
    for attachment in attachments:
        by_message.setdefault(attachment["message"], []).append(attachment)
    for message in messages:
        message["from_practice"] = message["author_role"] != Role.FAMILY.value
        message["attachments"] = by_message.get(message["id"], [])
    return messages


def read_receipts(messages: list[dict[str, Any]], participants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each relative: whether they have read the latest message written by someone else, and when."""
    receipts = []
    for person in participants:
        latest = next((m for m in reversed(messages) if m["author"] != person["user_id"]), None)
        seen = person["last_read_at"]
        receipts.append(
            {
                **person,
                "read": latest is not None and seen is not None and seen >= latest["created_at"],
                "read_at": seen,
            }
        )
    return receipts


async def client_threads(
    principal: Principal, client_id: int, *, page: int = 1, per_page: int = 25
) -> tuple[list[dict[str, Any]], int]:
    """The practice's view: the client's threads, latest activity first, with people and my unread count."""
    me = await require_practice(principal, client_id)
    threads = (
        await Thread.select(*Thread.all_columns(), Thread.created_by.name.as_alias("created_by_name"))
        .where(Thread.client == client_id)
        .order_by(Thread.last_message_at, ascending=False)
        .order_by(Thread.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    total = await Thread.count().where(Thread.client == client_id)
    ids = [t["id"] for t in threads]
    reads: dict[int, datetime | None] = dict.fromkeys(ids)
    if ids:
        for row in await StaffThreadRead.select(StaffThreadRead.thread, StaffThreadRead.last_read_at).where(
            (StaffThreadRead.user == me) & StaffThreadRead.thread.is_in(ids)
        ):
            known = reads[row["thread"]]
            reads[row["thread"]] = row["last_read_at"] if known is None else max(known, row["last_read_at"])
    unread = await _unread_counts(me, reads)
    people = await participants_of(ids)
    for thread in threads:
        thread["unread"] = unread.get(thread["id"], 0)
        thread["participants"] = people.get(thread["id"], [])
    return threads, total


async def _mark_read_by_staff(thread_id: int, user_id: int) -> None:
    now = utcnow()
    async with write_transaction():
        updated = (
            await StaffThreadRead.update({StaffThreadRead.last_read_at: now})
            .where((StaffThreadRead.thread == thread_id) & (StaffThreadRead.user == user_id))
            .returning(StaffThreadRead.id)
        )
        if not updated:
            await StaffThreadRead.insert(StaffThreadRead(thread=thread_id, user=user_id, last_read_at=now))


async def staff_thread(principal: Principal, client_id: int, thread_id: int) -> dict[str, Any]:
    """One thread as the practice sees it (messages, people, read receipts); marks it read for this person."""
    me = await require_practice(principal, client_id)
    thread = await thread_of_client(client_id, thread_id)
    thread["messages"] = await thread_messages(thread_id)
    thread["participants"] = read_receipts(thread["messages"], (await participants_of([thread_id])).get(thread_id, []))
    await _mark_read_by_staff(thread_id, me)
    await audit_thread(principal, "family.thread.view", client_id, thread_id)
    return thread


async def family_threads(
    principal: Principal, *, client_id: int | None = None, page: int = 1, per_page: int = 25
) -> tuple[list[dict[str, Any]], int]:
    """The relative's threads across their loved ones (or one of them), latest first, with unread counts."""
    me = signed_in_person(principal)
    links = await message_links(principal)
    if client_id is not None:
        links = [link for link in links if link.client_id == client_id]
        if not links:
            raise NotFound("Not found.")
    if not links:
        return [], 0
    by_relative = {link.relative_id: link for link in links}
    where = ThreadParticipant.relative.is_in(list(by_relative))
    rows = (
        await ThreadParticipant.select(
            ThreadParticipant.relative,
            ThreadParticipant.last_read_at,
            ThreadParticipant.thread.id.as_alias("id"),
            ThreadParticipant.thread.subject.as_alias("subject"),
            ThreadParticipant.thread.client.as_alias("client_id"),
            ThreadParticipant.thread.created_at.as_alias("created_at"),
            ThreadParticipant.thread.last_message_at.as_alias("last_message_at"),
        )
        .where(where)
        .order_by(ThreadParticipant.thread.last_message_at, ascending=False)
        .order_by(ThreadParticipant.thread.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    total = await ThreadParticipant.count().where(where)
    unread = await _unread_counts(me, {row["id"]: row["last_read_at"] for row in rows})
    for row in rows:
        row["unread"] = unread.get(row["id"], 0)
        row["client_name"] = by_relative[row["relative"]].client_name
    for client in sorted({row["client_id"] for row in rows}):
        await audit_thread(principal, "family.thread.list", client, "")
    return rows, total


async def family_thread(principal: Principal, thread_id: int) -> dict[str, Any]:
    """One of the relative's threads with its messages; marks it read."""
    link = await family_participation(principal, thread_id)
    thread = await Thread.select().where(Thread.id == thread_id).first()
    assert thread is not None
    thread["client_name"] = link.client_name
    thread["messages"] = await thread_messages(thread_id)
    people = (await participants_of([thread_id])).get(thread_id, [])
    thread["others"] = [p["name"] for p in people if p["relative_id"] != link.relative_id]
    thread["relative_id"] = link.relative_id
    async with write_transaction():
        await ThreadParticipant.update({ThreadParticipant.last_read_at: utcnow()}).where(
            (ThreadParticipant.thread == thread_id) & (ThreadParticipant.relative == link.relative_id)
        )
        await audit_thread(principal, "family.thread.view", link.client_id, thread_id)
    return thread


async def unread_messages(principal: Principal) -> int:
    """How many messages wait for this relative across all their threads (for badges and the dashboard)."""
    links = await message_links(principal)
    if not links or principal.user_id is None:
        return 0
    rows = await ThreadParticipant.select(ThreadParticipant.thread, ThreadParticipant.last_read_at).where(
        ThreadParticipant.relative.is_in([link.relative_id for link in links])
    )
    counts = await _unread_counts(principal.user_id, {row["thread"]: row["last_read_at"] for row in rows})
    return sum(counts.values())


# --------------------------------------------------------------------------- attachments


async def _attachment(thread_id: int, attachment_id: int) -> files.FileInfo:
    row = None
    if valid_id(attachment_id):
        row = (
            await MessageAttachment.select(MessageAttachment.file)
            .where((MessageAttachment.id == attachment_id) & (MessageAttachment.message.thread == thread_id))
            .first()
        )
    if row is None:
        raise NotFound("No such attachment.")
    return await files.get_info(row["file"])


async def attachment_for_practice(
    principal: Principal, client_id: int, thread_id: int, attachment_id: int
) -> files.FileInfo:
    await require_practice(principal, client_id)
    await thread_of_client(client_id, thread_id)
    info = await _attachment(thread_id, attachment_id)
    await audit_thread(
        principal, "family.message.attachment.download", client_id, thread_id, attachment_id=attachment_id
    )
    return info


async def attachment_for_relative(principal: Principal, thread_id: int, attachment_id: int) -> files.FileInfo:
    link = await family_participation(principal, thread_id)
    info = await _attachment(thread_id, attachment_id)
    await audit_thread(
        principal, "family.message.attachment.download", link.client_id, thread_id, attachment_id=attachment_id
    )
    return info
