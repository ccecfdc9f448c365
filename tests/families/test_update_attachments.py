"""Update attachments: only allowlisted types, downloaded as attachments that are never cached, every download
audited, for the staff and for the relatives who received the update."""

from __future__ import annotations

import json
from typing import Any

from portal.audit.tables import AuditEvent
from portal.families import update_feed, updates
from tests.families.updates_support import PDF_BYTES, acting, published_update, write_update


async def test_pat_downloads_an_attachment_as_a_file_never_cached_and_audited(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], pat: dict[str, Any]
) -> None:
    update_id = await published_update(casey, jordan, attachments=[(PDF_BYTES, "Discharge plan.pdf")])
    [attachment] = (await update_feed.read_update(acting(pat), update_id))["attachments"]
    await client.login_as(pat)
    page = (await client.get(f"/family/updates/{update_id}")).text
    path = f"/family/updates/{update_id}/attachments/{attachment['id']}"
    assert f'href="{path}"' in page and "Download Discharge plan.pdf" in page

    response = await client.get(path)

    assert response.status_code == 200 and response.content == PDF_BYTES
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.headers["content-disposition"].startswith('attachment; filename="Discharge plan.pdf"')
    assert response.headers["cache-control"] == "no-store"
    [event] = await AuditEvent.select().where(AuditEvent.action == "update.attachment.download")
    assert event["actor_id"] == pat["id"] and event["client_id"] == jordan["id"]
    assert event["resource_id"] == str(update_id)
    assert json.loads(event["detail"]) == {"attachment_id": attachment["id"]}
    # Another update's attachment id under this update's path is not found.
    assert (await client.get(f"/family/updates/{update_id}/attachments/{attachment['id'] + 1}")).status_code == 404


async def test_staff_attach_remove_and_download(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    update_id = await write_update(casey, jordan, attachments=[(PDF_BYTES, "one.pdf")])
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/updates/{update_id}"
    [first] = await updates.attachments_of(update_id)

    edited = await client.post(
        f"{base}/edit",
        data={
            "title": "With a new file",
            "body": "See the file.",
            "recipients": "all",
            "remove_attachments": str(first["id"]),
        },
        files={"attachments": ("two.pdf", PDF_BYTES, "application/pdf")},
    )

    assert edited.status_code == 303
    [second] = await updates.attachments_of(update_id)
    assert second["name"] == "two.pdf"
    download = await client.get(f"{base}/attachments/{second['id']}")
    assert download.status_code == 200 and download.headers["cache-control"] == "no-store"
    assert download.headers["content-disposition"].startswith('attachment; filename="two.pdf"')
    assert (await client.get(f"{base}/attachments/{second['id'] + 1}")).status_code == 404


async def test_html_and_disguised_files_are_refused(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    for name, data in (("page.html", b"<html><script>alert(1)</script></html>"), ("photo.png", PDF_BYTES)):
        response = await client.post(
            f"/clients/{jordan['id']}/updates",
            data={"title": "t", "body": "b", "recipients": "all"},
            files={"attachments": (name, data, "application/octet-stream")},
        )
        assert response.status_code == 400, name
        assert f"{name}: " in response.text
