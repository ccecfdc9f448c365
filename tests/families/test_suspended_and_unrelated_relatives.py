"""Sam (suspended after he was in a conversation and had a document) and Robin (Taylor's relative) get 404 for
Jordan's threads, messages, attachments and documents on every family page and API route, the same 403 as any
relative on the staff routes, and no notification when the practice writes or shares."""

from __future__ import annotations

from typing import Any

import pytest

from portal.families import documents
from portal.families.tables import MessageAttachment
from tests.families.messages_support import (
    PDF_BYTES,
    acting,
    make_sam_active_with_a_release,
    outbox_for,
    share_document,
    start_thread,
    suspend,
)
from tests.support import people


@pytest.fixture
async def jordans_things(
    casey: dict[str, Any], sam: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> dict[str, int]:
    """A thread with Pat and Sam (with an attachment), a document shared with both and Sam's own upload, made
    while Sam was active; then Sam is suspended."""
    sam_id = await make_sam_active_with_a_release(jordan)
    pat_id = jordan_family["pat"]["id"]
    started = await start_thread(casey, jordan, [pat_id, sam_id], attachments=[(PDF_BYTES, "schedule.pdf")])
    assert started.not_added == []
    attachment = await MessageAttachment.select(MessageAttachment.id).first()
    shared, refused = await share_document(casey, jordan, [pat_id, sam_id])
    assert refused == []
    own = await documents.upload_as_relative(acting(sam), jordan["id"], {"title": "Sam's letter"}, (PDF_BYTES, "l.pdf"))
    await suspend(sam_id)
    return {
        "client": jordan["id"],
        "thread": started.thread_id,
        "attachment": attachment["id"],
        "document": shared,
        "own_document": own,
    }


def family_routes(ids: dict[str, int]) -> list[tuple[str, str, Any]]:
    thread, client = ids["thread"], ids["client"]
    return [
        ("GET", f"/family/threads/{thread}", None),
        ("GET", f"/family/threads/{thread}/attachments/{ids['attachment']}", None),
        ("POST", f"/family/threads/{thread}/messages", {"body": "Hello?"}),
        ("GET", f"/family/threads?client={client}", None),
        ("GET", f"/family/documents?client={client}", None),
        ("GET", f"/family/documents/{ids['document']}", None),
        ("GET", f"/family/documents/{ids['own_document']}", None),
        ("POST", "/family/threads", {"client": str(client), "subject": "Hi", "body": "Hi"}),
        ("POST", "/family/documents", {"client": str(client), "title": "x"}),
        ("GET", f"/api/v1/family/threads/{thread}", None),
        ("GET", f"/api/v1/family/threads/{thread}/messages", None),
        ("POST", f"/api/v1/family/threads/{thread}/messages", {"body": "Hello?"}),
        ("GET", f"/api/v1/family/threads?client={client}", None),
        ("POST", "/api/v1/family/threads", {"client_id": client, "subject": "Hi", "body": "Hi"}),
        ("GET", f"/api/v1/family/documents?client={client}", None),
        ("GET", f"/api/v1/family/documents/{ids['document']}", None),
        ("GET", f"/api/v1/family/documents/{ids['own_document']}", None),
    ]


def staff_routes(ids: dict[str, int]) -> list[tuple[str, str, Any]]:
    base = f"/clients/{ids['client']}"
    return [
        ("GET", f"{base}/messages", None),
        ("GET", f"{base}/messages/{ids['thread']}", None),
        ("POST", f"{base}/messages/{ids['thread']}/messages", {"body": "x"}),
        ("GET", f"{base}/documents", None),
        ("GET", f"{base}/documents/{ids['document']}", None),
        ("GET", f"/api/v1/clients/{ids['client']}/threads", None),
        ("POST", f"/api/v1/clients/{ids['client']}/threads/{ids['thread']}/messages", {"body": "x"}),
    ]


async def send(client: Any, method: str, path: str, body: Any) -> int:
    if method == "GET":
        return int((await client.get(path)).status_code)
    if path.startswith("/api/"):
        return int((await client.post(path, json=body)).status_code)
    return int(
        (
            await client.post(
                path,
                data=body,
                files={"file": ("x.pdf", PDF_BYTES, "application/pdf")} if path == "/family/documents" else None,
            )
        ).status_code
    )


@pytest.mark.parametrize("email", ["sam@example.com", "robin@example.com"])
async def test_jordans_conversations_and_documents_are_not_found_for_them(
    client: Any, email: str, jordans_things: dict[str, int]
) -> None:
    await client.login_as(await people.get(email))
    for method, path, body in family_routes(jordans_things):
        assert await send(client, method, path, body) == 404, (email, method, path)
    for method, path, body in staff_routes(jordans_things):
        assert await send(client, method, path, body) == 403, (email, method, path)
    # Their own lists work and show nothing of Jordan's.
    for path in ("/family/threads", "/family/documents"):
        page = await client.get(path)
        assert page.status_code == 200 and "Visiting on Sunday" not in page.text and "Discharge plan" not in page.text
    for path in ("/api/v1/family/threads", "/api/v1/family/documents"):
        assert (await client.get(path)).json()["items"] == []


async def test_pat_is_told_of_new_messages_and_documents_and_they_never_are(
    client: Any,
    casey: dict[str, Any],
    jordan: dict[str, Any],
    jordan_family: dict[str, Any],
    jordans_things: dict[str, int],
) -> None:
    from portal.families import message_posting
    from portal.mail.tables import OutboxMessage

    await OutboxMessage.delete(force=True)
    await message_posting.post_as_practice(acting(casey), jordan["id"], jordans_things["thread"], "Update for you")
    await share_document(casey, jordan, [jordan_family["pat"]["id"]], title="Second letter")

    assert [m["subject"] for m in await outbox_for("pat@example.com")] == [
        "You have a new message from Harbor Case Management",
        "You have a new document from Harbor Case Management",
    ]
    assert await outbox_for("sam@example.com") == []
    assert await outbox_for("robin@example.com") == []
