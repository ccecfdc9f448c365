"""Case managers see only the clients assigned to them; the owner sees all; billing and families see none.
An id one may not see answers 404, exactly like an id that does not exist."""

from __future__ import annotations

from typing import Any

import pytest

CLIENT_PAGES = [
    "",
    "/edit",
    "/assessment",
    "/case-managers",
    "/care-team",
    "/consents",
    "/consents/new",
    "/disclosures",
    "/disclosures/export.csv",
]


@pytest.mark.parametrize("suffix", CLIENT_PAGES)
async def test_casey_cannot_open_morgans_client(
    client: Any, casey: dict[str, Any], taylor: dict[str, Any], suffix: str
) -> None:
    await client.login_as(casey)
    hidden = await client.get(f"/clients/{taylor['id']}{suffix}")
    missing = await client.get(f"/clients/999999{suffix}")
    assert hidden.status_code == missing.status_code == 404
    assert "Taylor" not in hidden.text


@pytest.mark.parametrize("suffix", CLIENT_PAGES)
async def test_casey_opens_her_own_client(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], suffix: str
) -> None:
    await client.login_as(casey)
    response = await client.get(f"/clients/{jordan['id']}{suffix}")
    assert response.status_code == 200


async def test_the_owner_sees_every_client(
    client: Any, olivia: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    listing = await client.get("/clients")
    assert "Jordan" in listing.text and "Taylor Brooks" in listing.text
    assert (await client.get(f"/clients/{taylor['id']}")).status_code == 200


async def test_the_list_and_search_show_only_ones_own_clients(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    await client.login_as(casey)
    listing = await client.get("/clients")
    assert "Jordan" in listing.text and "Taylor" not in listing.text
    searched = await client.get("/clients?q=taylor")
    assert f"/clients/{taylor['id']}" not in searched.text
    assert "No clients match." in searched.text
    found = await client.get("/clients?q=RIVERA")
    assert f"/clients/{jordan['id']}" in found.text


@pytest.mark.parametrize("email", ["bea@example.com", "pat@example.com", "sam@example.com"])
async def test_billing_and_families_see_no_clinical_pages(client: Any, email: str, jordan: dict[str, Any]) -> None:
    await client.login(email)
    assert (await client.get("/clients")).status_code == 403
    assert (await client.get(f"/clients/{jordan['id']}")).status_code in {403, 404}


async def test_casey_cannot_write_to_morgans_client(client: Any, casey: dict[str, Any], taylor: dict[str, Any]) -> None:
    from portal.cases.tables import Client, Diagnosis

    await client.login_as(casey)
    posts = [
        (f"/clients/{taylor['id']}/edit", {"legal_name": "Changed"}),
        (f"/clients/{taylor['id']}/diagnoses", {"code": "F10.20", "diagnosed_on": "2026-01-01"}),
        (f"/clients/{taylor['id']}/relatives", {"name": "Someone", "relationship": "parent"}),
        (f"/clients/{taylor['id']}/care-team", {"name": "X", "party_type": "therapist"}),
        (f"/clients/{taylor['id']}/handoff", {"to_case_manager": str(casey["id"]), "summary": "mine now"}),
    ]
    for path, data in posts:
        assert (await client.post(path, data=data)).status_code == 404, path
    row = await Client.select(Client.legal_name).where(Client.id == taylor["id"]).first()
    assert row["legal_name"] == "Taylor Brooks"
    assert await Diagnosis.count().where(Diagnosis.client == taylor["id"]) == 0


async def test_reads_are_audited_with_the_client_id(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    from portal.audit.tables import AuditEvent

    await client.login_as(casey)
    await client.get(f"/clients/{jordan['id']}/consents")
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.client_id, AuditEvent.detail).where(
        (AuditEvent.actor_id == casey["id"]) & (AuditEvent.client_id == jordan["id"])
    )
    assert {"client.view", "consent.list"} <= {e["action"] for e in events}
