"""The cases JSON API: clients, care team, consents and disclosures, paginated, filtered on an allowlist,
404 for every client one may not see."""

from __future__ import annotations

from typing import Any

import pytest


async def test_clients_list_is_paginated_and_has_names_and_ids(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await client.get("/api/v1/clients?page=1&per_page=10")
    assert response.status_code == 200
    body = response.json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 10, 1)
    [item] = body["items"]
    assert item["id"] == jordan["id"]
    assert (item["legal_name"], item["preferred_name"]) == ("Jordan Rivera", "Jordan")
    assert item["primary_case_manager"]["name"] == "Casey Morales"


async def test_unknown_filters_are_refused(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    response = await client.get("/api/v1/clients?case_manager=3")
    assert response.status_code == 400
    assert "Unknown query parameter 'case_manager'" in response.json()["detail"]
    assert (await client.get("/api/v1/clients?per_page=1000")).status_code == 400


async def test_create_get_and_patch_a_client(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    created = await client.post("/api/v1/clients", json={"legal_name": "Avery Stone", "date_of_birth": "2001-05-05"})
    assert created.status_code == 201, created.text
    client_id = created.json()["id"]
    patched = await client.request("PATCH", f"/api/v1/clients/{client_id}", json={"status": "active", "city": "Albany"})
    assert patched.status_code == 200
    assert (patched.json()["status"], patched.json()["city"], patched.json()["legal_name"]) == (
        "active",
        "Albany",
        "Avery Stone",
    )
    got = await client.get(f"/api/v1/clients/{client_id}")
    assert got.json()["date_of_birth"] == "2001-05-05"


async def test_validation_errors_name_the_field(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    response = await client.request("PATCH", f"/api/v1/clients/{jordan['id']}", json={"state": "Jersey"})
    assert response.status_code == 400
    assert response.json()["extra"] == {"state": "Use a two-letter US state code such as NY."}


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("PATCH", ""),
        ("GET", "/care-team"),
        ("POST", "/care-team"),
        ("GET", "/consents"),
        ("POST", "/consents"),
        ("GET", "/disclosures"),
        ("POST", "/consents/1/revoke"),
    ],
)
async def test_casey_gets_404_for_morgans_client_everywhere(
    client: Any, casey: dict[str, Any], taylor: dict[str, Any], method: str, suffix: str
) -> None:
    await client.login_as(casey)
    bodies = {
        "": {"status": "paused"},
        "/care-team": {"name": "X", "party_type": "school"},
        "/consents/1/revoke": {},
        "/consents": {
            "recipient_type": "party",
            "categories": ["placements"],
            "purposes": ["treatment"],
            "effective_on": "2026-01-01",
            "signed_by_name": "T",
            "signed_on": "2026-01-01",
            "esignature_name": "T",
            "recipient_party": 1,
            "expires_on": "2026-12-31",
        },
    }
    response = await client.request(
        method, f"/api/v1/clients/{taylor['id']}{suffix}", json=bodies.get(suffix) if method != "GET" else None
    )
    missing = await client.request(
        method, f"/api/v1/clients/2147483600{suffix}", json=bodies.get(suffix) if method != "GET" else None
    )
    assert response.status_code == missing.status_code == 404
    assert "Taylor" not in response.text


async def test_billing_sees_no_clients(client: Any, bea: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(bea)
    assert (await client.get("/api/v1/clients")).status_code == 403
    assert (await client.get(f"/api/v1/clients/{jordan['id']}")).status_code == 403


async def test_consents_and_disclosures_through_the_api(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    team = (await client.get(f"/api/v1/clients/{jordan['id']}/care-team")).json()["items"]
    [therapist] = team
    assert therapist["name"] == "Dana Reyes" and therapist["is_health_care_provider"] is True
    created = await client.post(
        f"/api/v1/clients/{jordan['id']}/consents",
        json={
            "recipient_type": "party",
            "recipient_party": therapist["party_id"],
            "categories": ["coordination_notes"],
            "purposes": ["care_coordination"],
            "effective_on": "2026-01-01",
            "expires_on": "2030-12-31",
            "signed_by_name": "Jordan Rivera",
            "signed_on": "2026-01-01",
            "esignature_name": "Jordan Rivera",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "active" and created.json()["recipient"] == "Dana Reyes"
    listed = (await client.get(f"/api/v1/clients/{jordan['id']}/consents?status=active")).json()
    assert listed["total"] == 1
    revoked = await client.post(
        f"/api/v1/clients/{jordan['id']}/consents/{created.json()['id']}/revoke", json={"note": "phone call"}
    )
    assert revoked.json()["status"] == "revoked"
    disclosures = await client.get(f"/api/v1/clients/{jordan['id']}/disclosures")
    assert disclosures.status_code == 200 and disclosures.json()["items"] == []


async def test_a_list_item_says_what_the_client_record_says(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    patched = await client.request(
        "PATCH", f"/api/v1/clients/{jordan['id']}", json={"sex": "male", "pronouns": "he/him", "city": "Montclair"}
    )
    assert patched.status_code == 200, patched.text
    detail = (await client.get(f"/api/v1/clients/{jordan['id']}")).json()
    [item] = [i for i in (await client.get("/api/v1/clients")).json()["items"] if i["id"] == jordan["id"]]
    assert (item["sex"], item["pronouns"], item["city"]) == ("male", "he/him", "Montclair")
    assert item == detail
