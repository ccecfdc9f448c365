"""The claim API: list a superbill's claims, record one, change its status; bad input gets a 4xx naming it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.billing.claim_support import DEADLINE, issued_november


@pytest.fixture
async def november(bea: Any, casey: Any, jordan: Any, taylor: Any, clock: Any) -> dict[str, Any]:
    return await issued_november(bea, casey, jordan, taylor, clock)


async def test_record_list_and_update_a_claim(client: Any, bea: Any, november: dict[str, Any]) -> None:
    await client.login_as(bea)
    sid = november["superbill_id"]
    created = await client.post(
        f"/api/v1/superbills/{sid}/claims",
        json={"submitted_on": "2026-12-03", "claim_number": "HZN-1", "allowed_cents": 50_000},
    )
    assert created.status_code == 201, created.text
    claim = created.json()
    assert (claim["status"], claim["filing_deadline"], claim["allowed_cents"]) == ("submitted", DEADLINE, 50_000)
    assert [h["status"] for h in claim["history"]] == ["submitted"]

    listed = await client.get(f"/api/v1/claims?superbill={sid}")
    assert listed.status_code == 200
    assert [c["claim_number"] for c in listed.json()["items"]] == ["HZN-1"]

    updated = await client.request(
        "PATCH", f"/api/v1/claims/{claim['id']}", json={"status": "paid", "reimbursed_cents": 31_500, "note": "EOB"}
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert (body["status"], body["reimbursed_cents"], body["claim_number"]) == ("paid", 31_500, "HZN-1")
    assert [(h["status"], h["note"]) for h in body["history"]] == [("submitted", ""), ("paid", "EOB")]


async def test_bad_input_is_a_4xx_with_a_message(client: Any, bea: Any, november: dict[str, Any]) -> None:
    await client.login_as(bea)
    sid = november["superbill_id"]
    cases = [
        ("POST", f"/api/v1/superbills/{sid}/claims", {"status": "lost"}, 400, "status"),
        ("POST", f"/api/v1/superbills/{sid}/claims", {"submitted_on": "2030-01-01"}, 400, "future"),
        ("POST", f"/api/v1/superbills/{sid}/claims", {"status": "paid"}, 400, "reimbursed"),
        ("POST", f"/api/v1/superbills/{sid}/claims", {"allowed_cents": -5}, 400, "allowed_cents"),
        ("POST", f"/api/v1/superbills/{sid}/claims", {"surprise": 1}, 400, "surprise"),
        ("POST", "/api/v1/superbills/999999/claims", {}, 404, "superbill"),
        ("POST", f"/api/v1/superbills/{sid}/claims", {"reimbursed_cents": 10**11}, 400, "total charge"),
        ("PATCH", "/api/v1/claims/999999", {"status": "paid"}, 404, "claim"),
    ]
    for method, path, body, status, word in cases:
        response = await client.request(method, path, json=body)
        assert response.status_code == status, (path, body, response.text)
        assert word in response.text.lower() or word in response.text, (body, response.text)
    missing = await client.get("/api/v1/claims")
    assert missing.status_code == 400
    assert (await client.get("/api/v1/claims?superbill=abc")).status_code == 400
    assert (await client.get(f"/api/v1/claims?superbill={sid}&x=1")).status_code == 400


async def test_the_api_is_for_billing_staff(client: Any, casey: Any, pat: Any, november: dict[str, Any]) -> None:
    for person in (casey, pat):
        await client.login_as(person)
        response = await client.get(f"/api/v1/claims?superbill={november['superbill_id']}")
        assert response.status_code == 403
