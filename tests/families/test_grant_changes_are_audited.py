"""Every change of an access grant is audited with the parts changed (never a name); a change that changes
nothing is not an event; suspending hides everything at once."""

from __future__ import annotations

import json
from typing import Any

from tests.families.family_data import add_updates, events, grant_of


async def test_a_grant_change_is_audited_with_the_parts_changed_and_no_names(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat = jordan_family["pat"]
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/family/relatives/{pat['id']}/grant",
        data={"parts": ["updates", "documents", "billing"], "state": "active"},
    )
    assert response.status_code == 303
    grant = await grant_of(pat["id"])
    assert grant is not None and (grant["sees_messages"], grant["sees_timeline"]) == (False, False)
    assert grant["changed_by"] == casey["id"]

    [event] = await events("family.grant.change")
    assert event["actor_id"] == casey["id"] and event["client_id"] == jordan["id"]
    assert json.loads(event["detail"]) == {
        "relative_id": pat["id"],
        "turned_on": [],
        "turned_off": ["messages", "timeline"],
    }
    for name in ("Pat", "Rivera", "Jordan"):
        assert name not in event["detail"]


async def test_suspending_and_reactivating_are_audited_and_nothing_else_is(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    sam = jordan_family["sam"]
    url = f"/clients/{jordan['id']}/family/relatives/{sam['id']}/grant"
    all_parts = ["updates", "messages", "documents", "timeline", "billing"]
    await client.login_as(casey)
    await client.post(url, data={"parts": all_parts, "state": "suspended"})  # what it already is
    assert await events("family.grant.change") == []
    await client.post(url, data={"parts": all_parts, "state": "active"})
    await client.post(url, data={"parts": ["updates"], "state": "suspended"})
    details = [json.loads(e["detail"]) for e in await events("family.grant.change")]
    assert details == [
        {"relative_id": sam["id"], "turned_on": [], "turned_off": [], "state": "active"},
        {"relative_id": sam["id"], "turned_on": [],
         "turned_off": ["messages", "documents", "timeline", "billing"], "state": "suspended"},
    ]  # fmt: skip


async def test_the_api_changes_a_grant_and_is_audited_the_same_way(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    sam = jordan_family["sam"]
    await client.login_as(casey)
    response = await client.request(
        "PUT",
        f"/api/v1/clients/{jordan['id']}/relatives/{sam['id']}/grant",
        json={"parts": ["updates", "messages"], "state": "active"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["grant"] == {
        "parts": ["updates", "messages"],
        "state": "active",
        "changed_at": body["grant"]["changed_at"],
    }
    # Active, but no release names Sam: the gate still holds everything back, and the API says so.
    assert body["sees"] == []
    assert body["consent_notes"] == ["No release names Sam Rivera: updates and messages will not reach Sam Rivera."]
    [event] = await events("family.grant.change")
    assert json.loads(event["detail"])["state"] == "active"


async def test_suspending_hides_everything_at_once(
    client: Any,
    other_client: Any,
    casey: dict[str, Any],
    pat: dict[str, Any],
    jordan: dict[str, Any],
    jordan_family: dict[str, Any],
) -> None:
    await add_updates(jordan["id"], casey["id"], [jordan_family["pat"]["id"]], 3)
    await other_client.login_as(pat)
    assert "Week 3 at Pine Ridge" in (await other_client.get("/family")).text
    assert (await other_client.get(f"/family/clients/{jordan['id']}/timeline")).status_code == 200

    await client.login_as(casey)
    await client.post(
        f"/clients/{jordan['id']}/family/relatives/{jordan_family['pat']['id']}/grant",
        data={"parts": ["updates", "messages", "documents", "timeline", "billing"], "state": "suspended"},
    )
    board = await other_client.get("/family")
    assert board.status_code == 200
    assert "Week 3" not in board.text and "Jordan" not in board.text and "No updates yet." in board.text
    assert (await other_client.get(f"/family/clients/{jordan['id']}/timeline")).status_code == 404
    assert (await other_client.get("/api/v1/family/clients")).json() == []
