"""Helpers of the family-page and dashboard tests: acting as someone, rows written straight into the family tables
(updates, threads and messages belong to other services; here they are only data), audit events."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from portal.audit.tables import AuditEvent
from portal.cases import clients
from portal.cases.tables import Relative
from portal.clock import utcnow
from portal.families.tables import AccessGrant, Message, Thread, ThreadParticipant, Update, UpdateRecipient
from portal.mail.tables import OutboxMessage
from portal.policy import Principal, Role

XSS = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(2)>'


def acting(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role(person["role"]), email=person["email"], name=person["name"])


async def add_updates(
    client_id: int, author_id: int, relative_ids: list[int], count: int, *, end: datetime | None = None
) -> list[int]:
    """`count` published updates, one an hour back from `end` (the newest first), each received by the relatives."""
    end = end or utcnow()
    rows = await Update.insert(
        *[
            Update(
                client=client_id,
                author=author_id,
                title=f"Week {count - n} at Pine Ridge",
                body_html="<p>Fine.</p>",
                body_text="Fine.",
                categories=["family_communication"],
                status="published",
                published_at=end - timedelta(hours=n),
                created_at=end - timedelta(hours=n),
                updated_at=end - timedelta(hours=n),
            )
            for n in range(count)
        ]
    ).returning(Update.id)
    ids = [int(row["id"]) for row in rows]
    if relative_ids:
        await UpdateRecipient.insert(
            *[UpdateRecipient(update=u, relative=r, delivered_at=end) for u in ids for r in relative_ids]
        )
    return ids


async def add_thread(
    client_id: int, author_id: int, relative_ids: list[int], messages: int, *, last_read_at: datetime | None = None
) -> int:
    now = utcnow()
    rows = await Thread.insert(
        Thread(client=client_id, subject="Visiting weekend", created_by=author_id, created_at=now, last_message_at=now)
    ).returning(Thread.id)
    thread_id = int(rows[0]["id"])
    await ThreadParticipant.insert(
        *[
            ThreadParticipant(thread=thread_id, relative=r, added_at=now, last_read_at=last_read_at)
            for r in relative_ids
        ]
    )
    if messages:
        await Message.insert(
            *[
                Message(thread=thread_id, author=author_id, body=f"Message {n}", created_at=now - timedelta(minutes=n))
                for n in range(messages)
            ]
        )
    return thread_id


async def grant_of(relative_id: int) -> dict[str, Any] | None:
    return await AccessGrant.select().where(AccessGrant.relative == relative_id).first()


async def events(action: str) -> list[dict[str, Any]]:
    return await AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.seq)


async def outbox_for(email: str) -> list[dict[str, Any]]:
    return await OutboxMessage.select().where(OutboxMessage.to_address == email)


async def second_client_of(case_manager: dict[str, Any], name: str = "Riley Rivera") -> int:
    """Another client of this case manager (Jordan's sibling, say)."""
    return await clients.create_client(
        acting(case_manager), {"legal_name": name, "preferred_name": name.split()[0], "status": "active"}
    )


async def relative_row(relative_id: int) -> dict[str, Any]:
    row = await Relative.select().where(Relative.id == relative_id).first()
    assert row is not None
    return row
