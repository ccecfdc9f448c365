"""Every download of a family document or a message attachment, by the practice or by a relative, on a page or
through the API, writes its own audit event naming the client; each one, not only the first."""

from __future__ import annotations

from typing import Any

from portal.audit.tables import AuditEvent
from portal.families import documents
from portal.families.tables import MessageAttachment
from tests.families.messages_support import PDF_BYTES, acting, share_document, start_thread


async def events(action: str, client_id: int) -> int:
    return await AuditEvent.count().where((AuditEvent.action == action) & (AuditEvent.client_id == client_id))


async def test_each_download_is_audited_with_the_client(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat_id = jordan_family["pat"]["id"]
    shared, _ = await share_document(casey, jordan, [pat_id])
    own = await documents.upload_as_relative(acting(pat), jordan["id"], {"title": "Card"}, (PDF_BYTES, "card.pdf"))
    started = await start_thread(casey, jordan, [pat_id], attachments=[(PDF_BYTES, "map.pdf")])
    attachment = (await MessageAttachment.select(MessageAttachment.id).first())["id"]

    await client.login_as(pat)
    family_documents = [f"/family/documents/{shared}", f"/api/v1/family/documents/{shared}", f"/family/documents/{own}"]
    for path in family_documents + family_documents:
        response = await client.get(path)
        assert response.status_code == 200 and response.content == PDF_BYTES, path
    assert await events("family.document.download", jordan["id"]) == 6
    for _ in range(2):
        response = await client.get(f"/family/threads/{started.thread_id}/attachments/{attachment}")
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert await events("family.message.attachment.download", jordan["id"]) == 2

    await client.login_as(casey)
    for path in (f"/clients/{jordan['id']}/documents/{shared}", f"/clients/{jordan['id']}/documents/{own}"):
        response = await client.get(path)
        assert response.status_code == 200 and response.headers["content-disposition"].startswith("attachment")
    assert await events("family.document.download", jordan["id"]) == 8
    response = await client.get(f"/clients/{jordan['id']}/messages/{started.thread_id}/attachments/{attachment}")
    assert response.status_code == 200 and response.content == PDF_BYTES
    assert await events("family.message.attachment.download", jordan["id"]) == 3

    by_pat = await AuditEvent.count().where(
        (AuditEvent.action == "family.document.download") & (AuditEvent.actor_id == pat["id"])
    )
    assert by_pat == 6


async def test_a_refused_download_is_not_a_download(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    from tests.support import people

    shared, _ = await share_document(casey, jordan, [jordan_family["pat"]["id"]])
    await client.login_as(await people.get("robin@example.com"))
    assert (await client.get(f"/family/documents/{shared}")).status_code == 404
    assert await events("family.document.download", jordan["id"]) == 0
