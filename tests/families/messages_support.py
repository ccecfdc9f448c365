"""Helpers of the message and document tests: acting as someone, threads and documents made through the services,
a second active relative of Jordan, many messages at once, and the e-mails waiting in the outbox."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from portal.cases import clients
from portal.clock import utcnow
from portal.families import documents, message_posting
from portal.families.tables import AccessGrant, Message
from portal.mail.tables import OutboxMessage
from portal.policy import Principal, Role
from tests.families.conftest import family_release, grant, relative_of

# A small but real PDF (the files service sniffs the bytes), and one a little bigger made by pypdf.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XSS = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(2)>'
PAYLOAD = f"{XSS}{XSS_IMG}"
# What must never reach a page: a live element (escaped text such as &lt;script&gt; is fine).
LIVE = ["<script>alert(1)", "<img src=x", "onerror=alert(2)>"]


def real_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": "Discharge plan"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def acting(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role(person["role"]), email=person["email"], name=person["name"])


def assert_inert(html: str, where: str) -> None:
    for fragment in LIVE:
        assert fragment not in html, f"{fragment!r} is live on {where}"


async def start_thread(
    person: dict[str, Any],
    client: dict[str, Any],
    relative_ids: list[int],
    *,
    subject: str = "Visiting on Sunday",
    body: str = "Visiting hours are 2 to 4.\nBring photo ID.",
    attachments: list[tuple[bytes, str]] | None = None,
) -> message_posting.StartedThread:
    return await message_posting.start_thread_as_practice(
        acting(person), client["id"], {"subject": subject, "body": body}, relative_ids, attachments or []
    )


async def share_document(
    person: dict[str, Any],
    client: dict[str, Any],
    relative_ids: list[int],
    *,
    title: str = "Discharge plan",
    data: bytes = PDF_BYTES,
    name: str = "discharge plan.pdf",
) -> tuple[int, list[documents.NotShared]]:
    return await documents.upload_as_practice(
        acting(person), client["id"], {"title": title}, (data, name), relative_ids
    )


async def add_active_relative(client: dict[str, Any], name: str, email: str, user_id: int | None = None) -> int:
    """Another relative of the client with every part, a portal account when given, and a release."""
    from portal.cases.tables import Relative

    relative_id = await clients.add_relative(
        Principal.system("tests"), client["id"], {"name": name, "email": email, "relationship": "sibling"}
    )
    if user_id is not None:
        await Relative.update({Relative.user: user_id}).where(Relative.id == relative_id)
    await grant(relative_id)
    await family_release(client["id"], relative_id, ["family_communication"])
    return relative_id


async def make_sam_active_with_a_release(jordan: dict[str, Any]) -> int:
    """Sam as he was before the suspension: active, with a release for family communication."""
    sam = await relative_of(jordan["id"], "sam@example.com")
    await AccessGrant.update({AccessGrant.state: "active"}).where(AccessGrant.relative == sam["id"])
    await family_release(jordan["id"], sam["id"], ["family_communication"])
    return int(sam["id"])


async def suspend(relative_id: int) -> None:
    await AccessGrant.update({AccessGrant.state: "suspended"}).where(AccessGrant.relative == relative_id)


async def add_messages_in_bulk(thread_id: int, authors: list[int], count: int, *, end: datetime) -> None:
    """`count` messages one minute apart before `end`, the authors taking turns, in a few INSERTs."""
    rows = [
        Message(
            thread=thread_id,
            author=authors[index % len(authors)],
            body=f"Message {index}\nwith a second line",
            created_at=end - timedelta(minutes=count - index),
        )
        for index in range(count)
    ]
    for start in range(0, len(rows), 200):
        await Message.insert(*rows[start : start + 200])


async def outbox_for(email: str) -> list[dict[str, Any]]:
    return await OutboxMessage.select().where(OutboxMessage.to_address == email)


def now() -> datetime:
    return utcnow()
