"""Suspended Sam receives nothing, is told nothing, and sees exactly what someone with no updates at all sees."""

from __future__ import annotations

from typing import Any

from portal.families.tables import AccessGrant, UpdateRecipient
from portal.mail.tables import OutboxMessage
from tests.families.updates_support import published_update


async def test_sam_is_not_a_recipient_and_gets_no_email(
    jordan_family: dict[str, Any],
    casey: dict[str, Any],
    jordan: dict[str, Any],
    pat: dict[str, Any],
    sam: dict[str, Any],
) -> None:
    update_id = await published_update(casey, jordan)

    recipients = await UpdateRecipient.select(UpdateRecipient.relative).where(UpdateRecipient.update == update_id)
    assert [r["relative"] for r in recipients] == [jordan_family["pat"]["id"]]
    assert await OutboxMessage.count().where(OutboxMessage.to_address == sam["email"]) == 0
    assert await OutboxMessage.count().where(OutboxMessage.to_address == pat["email"]) == 1


async def test_sam_sees_no_updates_and_every_update_url_is_a_plain_404(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], sam: dict[str, Any]
) -> None:
    update_id = await published_update(casey, jordan)
    await client.login_as(sam)

    feed = await client.get("/family/updates")
    assert feed.status_code == 200
    assert "No updates yet." in feed.text
    assert "Jordan" not in feed.text and "Brookside" not in feed.text
    missing = await client.get("/family/updates/999999")
    for path in (f"/family/updates/{update_id}", f"/family/updates?client={jordan['id']}"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.text == missing.text.replace("/family/updates/999999", path)  # no hint either way
    api_feed = await client.get("/api/v1/family/updates")
    assert api_feed.json()["items"] == [] and api_feed.json()["total"] == 0
    assert (await client.get(f"/api/v1/family/updates/{update_id}")).status_code == 404
    assert (await client.get(f"/api/v1/family/updates?client={jordan['id']}")).status_code == 404


async def test_suspending_pat_after_publishing_hides_what_pat_already_received(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], pat: dict[str, Any]
) -> None:
    update_id = await published_update(casey, jordan)
    await client.login_as(pat)
    assert (await client.get(f"/family/updates/{update_id}")).status_code == 200

    await AccessGrant.update({AccessGrant.state: "suspended"}).where(AccessGrant.relative == jordan_family["pat"]["id"])

    assert "No updates yet." in (await client.get("/family/updates")).text
    assert (await client.get(f"/family/updates/{update_id}")).status_code == 404


async def test_turning_updates_off_for_pat_hides_them_too(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], pat: dict[str, Any]
) -> None:
    update_id = await published_update(casey, jordan)
    await AccessGrant.update({AccessGrant.sees_updates: False}).where(
        AccessGrant.relative == jordan_family["pat"]["id"]
    )
    await client.login_as(pat)

    assert "No updates yet." in (await client.get("/family/updates")).text
    assert (await client.get(f"/family/updates/{update_id}")).status_code == 404
