"""Placements through the JSON API: recording an episode with its transition checklist, changing it,
ticking checklist items and discharging it with an outcome."""

from __future__ import annotations

from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.cases.tables import Placement
from tests.cases.coordination_support import NOW

PLACEMENT_JSON: dict[str, Any] = {
    "program_name": "Pine Ridge Recovery",
    "level_of_care": "asam3:3.5",
    "referred_on": "2026-01-02",
    "admitted_on": "2026-01-05",
    "expected_discharge_on": "2026-03-20",
    "step_down_level": "asam3:2.5",
    "aftercare_plan": "IOP at Harbor Day Program; weekly therapy with Dana.",
}


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)  # 10 March 2026
    return clock


def placements_url(client: dict[str, Any]) -> str:
    return f"/api/v1/clients/{client['id']}/placements"


async def test_casey_records_a_placement_with_its_transition_checklist(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)

    response = await client.post(placements_url(jordan), json=PLACEMENT_JSON)

    assert response.status_code == 201, response.text
    placement = response.json()
    assert (placement["program_name"], placement["status"], placement["days_to_discharge"]) == (
        "Pine Ridge Recovery",
        "current",
        10,
    )
    assert placement["level_label"] and placement["step_down_level"] == "asam3:2.5"
    assert [item["item"] for item in placement["checklist"]] == [
        "aftercare_providers",
        "medications",
        "first_appointments",
        "family_briefed",
        "release_signed",
    ]
    assert not any(item["done"] for item in placement["checklist"])
    assert (await client.get(f"{placements_url(jordan)}/{placement['id']}")).json() == placement
    listed = (await client.get(placements_url(jordan))).json()
    assert [p["id"] for p in listed["items"]] == [placement["id"]]


async def test_invalid_placements_are_refused_naming_each_field(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    bad = {**PLACEMENT_JSON, "level_of_care": "asam9", "admitted_on": "2025-12-01", "outcome": "completed"}
    response = await client.post(placements_url(jordan), json=bad)
    assert response.status_code == 400
    assert set(response.json()["extra"]) == {"level_of_care", "admitted_on", "outcome"}
    assert await Placement.count() == 0


async def test_patch_changes_only_the_fields_sent(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    created = (await client.post(placements_url(jordan), json=PLACEMENT_JSON)).json()
    url = f"{placements_url(jordan)}/{created['id']}"

    patched = await client.request("PATCH", url, json={"expected_discharge_on": None, "program_name": "Pine Ridge"})

    assert patched.status_code == 200, patched.text
    assert (patched.json()["program_name"], patched.json()["expected_discharge_on"]) == ("Pine Ridge", None)
    assert patched.json()["aftercare_plan"] == PLACEMENT_JSON["aftercare_plan"]
    refused = await client.request("PATCH", url, json={"admitted_on": "2025-12-01"})
    assert refused.status_code == 400 and set(refused.json()["extra"]) == {"admitted_on"}


async def test_ticking_checklist_items_and_discharging(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    placement = (await client.post(placements_url(jordan), json=PLACEMENT_JSON)).json()
    url = f"{placements_url(jordan)}/{placement['id']}"

    ticked = await client.request("PUT", f"{url}/checklist/family_briefed", json={"done": True, "note": "Call Sunday"})
    assert ticked.status_code == 200, ticked.text
    item = ticked.json()
    assert (item["item"], item["done"], item["done_by_name"], item["note"]) == (
        "family_briefed",
        True,
        "Casey Morales",
        "Call Sunday",
    )
    unticked = await client.request("PUT", f"{url}/checklist/family_briefed", json={"done": False})
    assert (unticked.json()["done"], unticked.json()["note"]) == (False, "Call Sunday")
    unknown = await client.request("PUT", f"{url}/checklist/horoscope", json={"done": True})
    assert unknown.status_code == 404

    incomplete = await client.post(
        f"{url}/discharge", json={"discharged_on": "2026-03-09", "discharge_type": "planned", "outcome": ""}
    )
    assert incomplete.status_code == 400 and set(incomplete.json()["extra"]) == {"outcome"}
    discharged = await client.post(
        f"{url}/discharge",
        json={
            "discharged_on": "2026-03-09",
            "discharge_type": "planned",
            "outcome": "stepped_down",
            "outcome_note": "Did well in groups.",
        },
    )
    assert discharged.status_code == 200, discharged.text
    assert (discharged.json()["status"], discharged.json()["outcome"]) == ("discharged", "stepped_down")
    again = await client.post(
        f"{url}/discharge", json={"discharged_on": "2026-03-09", "discharge_type": "planned", "outcome": "completed"}
    )
    assert again.status_code == 400 and set(again.json()["extra"]) == {"discharged_on"}

    assert [p["id"] for p in (await client.get(f"{placements_url(jordan)}?status=discharged")).json()["items"]] == [
        placement["id"]
    ]
    assert (await client.get(f"{placements_url(jordan)}?status=current")).json()["total"] == 0
    actions = {
        r["action"] for r in await AuditEvent.select(AuditEvent.action).where(AuditEvent.client_id == jordan["id"])
    }
    assert {
        "placement.create",
        "placement.checklist.tick",
        "placement.checklist.untick",
        "placement.discharge",
    } <= actions
