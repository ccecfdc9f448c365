"""Corrections are follow-ups: a new update linked to the published one, offered to the same relatives, and shown
linked both ways to the relatives who received both (and to nobody else)."""

from __future__ import annotations

from typing import Any

import pytest

from portal.errors import Conflict
from portal.families import updates
from portal.families.tables import AccessGrant
from tests.families.conftest import family_release
from tests.families.updates_support import published_update, write_update


async def test_a_follow_up_is_linked_both_ways_for_pat(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], pat: dict[str, Any]
) -> None:
    original = await published_update(casey, jordan, title="Discharge on Friday")
    follow_up = await published_update(
        casey,
        jordan,
        title="Correction: discharge on Saturday",
        body="It is Saturday, not Friday.",
        follows_up=original,
    )
    row = await updates.update_row(jordan["id"], follow_up)
    assert row["follows_up"] == original and row["follows_up_title"] == "Discharge on Friday"

    await client.login_as(pat)
    page = (await client.get(f"/family/updates/{follow_up}")).text
    assert f'This follows up on <a href="/family/updates/{original}">Discharge on Friday</a>' in page
    earlier = (await client.get(f"/family/updates/{original}")).text
    assert f'<a href="/family/updates/{follow_up}">Correction: discharge on Saturday</a>' in earlier
    feed = (await client.get("/family/updates")).text
    assert feed.index("Correction: discharge on Saturday") < feed.index("Discharge on Friday")  # newest first
    api = (await client.get(f"/api/v1/family/updates/{follow_up}")).json()
    assert api["follows_up"]["id"] == original

    await client.logout()
    await client.login_as(casey)
    staff = (await client.get(f"/clients/{jordan['id']}/updates/{original}")).text
    assert "Follow-ups" in staff and f"/clients/{jordan['id']}/updates/{follow_up}" in staff


async def test_the_follow_up_form_starts_from_the_original_and_its_recipients(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    original = await published_update(casey, jordan, title="Discharge on Friday", categories=["placements"])
    await client.login_as(casey)

    form = (await client.get(f"/clients/{jordan['id']}/updates/new?follows_up={original}")).text

    assert 'value="Follow-up: Discharge on Friday"' in form
    assert f'name="follows_up" value="{original}"' in form
    assert 'value="placements" checked' in form
    assert 'value="chosen" checked' in form
    assert f'value="{jordan_family["pat"]["id"]}" checked' in form
    response = await client.post(
        f"/clients/{jordan['id']}/updates",
        data={
            "title": "Follow-up: Discharge on Friday",
            "body": "Saturday after all.",
            "follows_up": str(original),
            "recipients": "chosen",
            "relatives": str(jordan_family["pat"]["id"]),
        },
    )
    assert response.status_code == 303
    follow_up = int(response.headers["location"].rsplit("/", 1)[1])
    assert (await updates.update_row(jordan["id"], follow_up))["follows_up"] == original


async def test_a_relative_who_did_not_receive_the_original_sees_no_trace_of_it(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], sam: dict[str, Any]
) -> None:
    original = await published_update(casey, jordan, title="Discharge on Friday")  # Sam suspended: Pat only
    await AccessGrant.update({AccessGrant.state: "active"}).where(AccessGrant.relative == jordan_family["sam"]["id"])
    await family_release(jordan["id"], jordan_family["sam"]["id"], ["family_communication"])
    follow_up = await published_update(casey, jordan, title="Saturday now", body="Saturday.", follows_up=original)

    await client.login_as(sam)
    page = (await client.get(f"/family/updates/{follow_up}")).text
    assert "Discharge on Friday" not in page and "follows up" not in page
    assert (await client.get(f"/api/v1/family/updates/{follow_up}")).json()["follows_up"] is None


async def test_only_a_published_update_can_be_followed_up(
    jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], client: Any
) -> None:
    draft = await write_update(casey, jordan)
    with pytest.raises(Conflict):
        await write_update(casey, jordan, follows_up=draft)
    await client.login_as(casey)
    assert (await client.get(f"/clients/{jordan['id']}/updates/new?follows_up={draft}")).status_code == 409
    assert (await updates.update_row(jordan["id"], draft))["status"] == "draft"
