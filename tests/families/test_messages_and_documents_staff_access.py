"""The practice's message and document pages follow the client: a case manager gets 404 for a client she is not
assigned to (and for another client's thread or document under her own client's address), billing staff get 403."""

from __future__ import annotations

from typing import Any

import pytest

from portal.families.tables import MessageAttachment
from tests.families.conftest import family_release
from tests.families.messages_support import PDF_BYTES, share_document, start_thread


@pytest.fixture
async def taylors(morgan: dict[str, Any], taylor: dict[str, Any], jordan_family: dict[str, Any]) -> dict[str, int]:
    robin = jordan_family["robin"]["id"]
    await family_release(
        taylor["id"], robin, ["family_communication"], signed_by_name="Taylor Brooks", esignature_name="Taylor Brooks"
    )
    started = await start_thread(morgan, taylor, [robin], attachments=[(PDF_BYTES, "a.pdf")])
    attachment = await MessageAttachment.select(MessageAttachment.id).first()
    document, refused = await share_document(morgan, taylor, [robin])
    assert started.not_added == [] and refused == []
    return {"client": taylor["id"], "thread": started.thread_id, "document": document, "attachment": attachment["id"]}


def object_paths(client_id: int, ids: dict[str, int]) -> list[tuple[str, str]]:
    """Routes about one thread or document (ids of Taylor's, under `client_id`'s address)."""
    base = f"/clients/{client_id}"
    thread = f"{base}/messages/{ids['thread']}"
    return [
        ("GET", thread),
        ("POST", f"{thread}/messages"),
        ("POST", f"{thread}/participants"),
        ("POST", f"{thread}/participants/1/remove"),
        ("GET", f"{thread}/attachments/{ids['attachment']}"),
        ("GET", f"{base}/documents/{ids['document']}"),
        ("POST", f"{base}/documents/{ids['document']}/shares"),
        ("POST", f"{base}/documents/{ids['document']}/remove"),
        ("GET", f"/api/v1/clients/{client_id}/threads/{ids['thread']}"),
        ("POST", f"/api/v1/clients/{client_id}/threads/{ids['thread']}/messages"),
    ]


def paths(client_id: int, ids: dict[str, int]) -> list[tuple[str, str]]:
    base = f"/clients/{client_id}"
    lists = [
        ("GET", f"{base}/messages"),
        ("POST", f"{base}/messages"),
        ("GET", f"{base}/documents"),
        ("POST", f"{base}/documents"),
        ("GET", f"/api/v1/clients/{client_id}/threads"),
    ]
    return lists + object_paths(client_id, ids)


async def status(client: Any, method: str, path: str) -> int:
    if method == "GET":
        return int((await client.get(path)).status_code)
    if path.startswith("/api/"):
        return int((await client.post(path, json={"body": "Hello"})).status_code)
    return int((await client.post(path, data={"body": "Hello", "subject": "Hi", "relative": "1"})).status_code)


async def test_casey_gets_404_on_taylors_messages_and_documents(
    client: Any, casey: dict[str, Any], taylors: dict[str, int]
) -> None:
    await client.login_as(casey)
    for method, path in paths(taylors["client"], taylors):
        assert await status(client, method, path) == 404, (method, path)


async def test_taylors_thread_and_document_are_not_found_under_jordans_address(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], taylors: dict[str, int]
) -> None:
    await client.login_as(casey)
    for method, path in object_paths(jordan["id"], taylors):
        assert await status(client, method, path) == 404, (method, path)


async def test_bea_gets_403_everywhere(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any], taylors: dict[str, int]
) -> None:
    await client.login_as(bea)
    for client_id in (jordan["id"], taylors["client"]):
        for method, path in paths(client_id, taylors):
            assert await status(client, method, path) == 403, (method, path)
    for path in ("/family/threads", "/family/documents", "/api/v1/family/threads", "/api/v1/family/documents"):
        assert (await client.get(path)).status_code == 403, path


async def test_morgan_sees_taylors_pages(client: Any, morgan: dict[str, Any], taylors: dict[str, int]) -> None:
    await client.login_as(morgan)
    base = f"/clients/{taylors['client']}"
    for path in (f"{base}/messages", f"{base}/messages/{taylors['thread']}", f"{base}/documents"):
        assert (await client.get(path)).status_code == 200, path
