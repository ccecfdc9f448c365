"""The program API: one program, its credentials (list and add), its vetting history, opening a review and
deciding it, and availability observations. Unknown ids are 404; bad bodies are 400 with the field named."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from portal.network import vetting
from portal.network.tables import Availability, VettingDecision
from tests.network.support import NOW, TODAY, acting, add_license, add_program, all_checks


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def test_get_a_program(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    body = (await client.get(f"/api/v1/programs/{program_id}")).json()
    assert body["id"] == program_id and body["name"] == "Pine Ridge Recovery"
    assert sorted(body["levels_of_care"]) == ["asam3:3.1", "asam3:3.5"]
    assert body["private_pay_cents"] == 3_200_000 and body["private_pay_unit"] == "month"
    assert body["in_network_insurers"] == ["Aetna", "Cigna"] and body["accepts_out_of_network"] is True
    assert body["vetting_status"] == "unvetted" and body["vetting_status_label"] == "Not vetted"
    assert body["age_min"] == 18 and body["age_max"] == 26
    assert (await client.get("/api/v1/programs/999999")).status_code == 404
    assert (await client.get(f"/api/v1/programs/{program_id}?fields=name")).status_code == 400


async def test_credentials_list_and_add(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await add_license(casey, program_id, TODAY + timedelta(days=30))
    await client.login_as(casey)
    response = await client.post(
        f"/api/v1/programs/{program_id}/credentials",
        json={"kind": "accreditation", "name": "CARF", "number": "C-9", "expires_on": "2028-01-31",
              "verified_on": "2026-11-19", "source": "carf.org"},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["verified_by"] == {"id": casey["id"], "name": "Casey Morales"}
    assert created["state"] == "current"
    listing = (await client.get(f"/api/v1/programs/{program_id}/credentials")).json()
    assert listing["total"] == 2
    assert [(c["kind"], c["state"], c["days_left"]) for c in listing["items"]] == [
        ("license", "expiring", 30),
        ("accreditation", "current", 437),
    ]
    bad = await client.post(
        f"/api/v1/programs/{program_id}/credentials", json={"kind": "license", "name": "X", "expires_on": "soon"}
    )
    assert bad.status_code == 400
    missing = await client.post("/api/v1/programs/999999/credentials", json={"kind": "license", "name": "X"})
    assert missing.status_code == 404


async def test_vetting_history_open_review_and_decide(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    decision = {
        "decision": "approved",
        "levels": ["asam3:3.5"],
        "populations": ["young_adults"],
        "rationale": "Clean desk review.",
        "next_review_on": "2027-11-01",
    }
    refused = await client.post(f"/api/v1/programs/{program_id}/vetting/decisions", json=decision)
    assert refused.status_code == 400 and "Open a review first" in refused.json()["detail"]

    opened = await client.post(
        f"/api/v1/programs/{program_id}/vetting/reviews", json={"reason": "initial", "intake_source": "API"}
    )
    assert opened.status_code == 201 and opened.json()["stage"] == "intake"
    again = await client.post(f"/api/v1/programs/{program_id}/vetting/reviews", json={"reason": "revisit"})
    assert again.status_code == 400 and again.json()["extra"] == {
        "reason": "A review of this program is already open: continue it."
    }
    await vetting.record_desk_checks(acting(casey), program_id, all_checks())

    bad = await client.post(
        f"/api/v1/programs/{program_id}/vetting/decisions", json={**decision, "levels": ["asam9:9"]}
    )
    assert bad.status_code == 400 and "levels" in bad.json()["extra"]
    decided = await client.post(f"/api/v1/programs/{program_id}/vetting/decisions", json=decision)
    assert decided.status_code == 201, decided.text
    body = decided.json()
    assert body["decision"] == "approved" and body["levels"] == ["asam3:3.5"]
    assert body["decided_by"]["name"] == "Casey Morales" and body["next_review_on"] == "2027-11-01"
    assert await VettingDecision.count() == 1

    history = (await client.get(f"/api/v1/programs/{program_id}/vetting")).json()
    assert history["vetting_status"] == "approved"
    review = history["reviews"][0]
    assert review["stage"] == "decided" and review["closed_at"] is not None
    assert len(review["desk_checks"]) == 11 and review["desk_checks"][0]["checked_by"]["name"] == "Casey Morales"
    assert (await client.get("/api/v1/programs/999999/vetting")).status_code == 404


async def test_record_availability(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    response = await client.post(
        f"/api/v1/programs/{program_id}/availability",
        json={"observed_on": "2026-11-20", "beds_available": 3, "waitlist_days": 14, "note": "called admissions"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["beds_available"] == 3 and body["observed_by"]["name"] == "Casey Morales"
    future = await client.post(
        f"/api/v1/programs/{program_id}/availability", json={"observed_on": "2027-01-01", "beds_available": 1}
    )
    assert future.status_code == 400 and "observed_on" in future.json()["extra"]
    negative = await client.post(
        f"/api/v1/programs/{program_id}/availability", json={"observed_on": "2026-11-20", "beds_available": -1}
    )
    assert negative.status_code == 400
    assert await Availability.count() == 1
