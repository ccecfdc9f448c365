"""The billing API: agreements (list, create), invoices (list by period, one invoice), offline payments, run
progress. Lists are pages; filters are an allowlist."""

from __future__ import annotations

from typing import Any

import pytest

from portal.billing.tables import Invoice
from tests.billing.conftest import bea_principal, make_agreement
from tests.billing.pages_support import DEC_1, issue_period


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def test_agreements(client: Any, bea: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]) -> None:
    await make_agreement(bea_principal(bea), taylor["id"], status="paused")
    await client.login_as(bea)
    created = await client.post(
        "/api/v1/agreements",
        json={
            "client_id": jordan["id"],
            "monthly_fee_cents": 850_050,
            "start_date": "2026-11-01",
            "payer_name": "Rivera Family Trust",
            "payer_email": "Trustee@Example.com",
            "included_hours": 20,
            "overage_rate_cents": 25_000,
            "rollover_max_hours": 4,
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["status"], body["monthly_fee_cents"], body["included_hours"], body["payer_email"]) == (
        "draft",
        850_050,
        20,
        "trustee@example.com",
    )
    listed = (await client.get("/api/v1/agreements")).json()
    assert (listed["total"], listed["page"], listed["per_page"]) == (2, 1, 25)
    assert [a["client_id"] for a in listed["items"]] == [jordan["id"], taylor["id"]]
    paused = (await client.get("/api/v1/agreements?status=paused")).json()
    assert [a["client_id"] for a in paused["items"]] == [taylor["id"]]
    assert (await client.get(f"/api/v1/agreements?client={jordan['id']}")).json()["total"] == 1
    assert (await client.get("/api/v1/agreements?sort=fee")).status_code == 400
    assert (await client.get("/api/v1/agreements?status=gone")).status_code == 400


async def test_invoices_and_offline_payments(
    client: Any, bea: dict[str, Any], jordan_agreement: int, taylor: dict[str, Any]
) -> None:
    await make_agreement(bea_principal(bea), taylor["id"], monthly_fee="1200")
    await issue_period(bea, "2026-10")
    await issue_period(bea, "2026-11")
    await client.login_as(bea)
    page = (await client.get("/api/v1/invoices?period=2026-11&per_page=1")).json()
    assert (page["total"], len(page["items"]), page["per_page"]) == (2, 1, 1)
    item = page["items"][0]
    assert set(item) >= {"id", "number", "period", "client_id", "total_cents", "status"}
    assert item["period"] == "2026-11" and item["status"] == "open"
    jordan_invoice = next(
        i for i in (await client.get("/api/v1/invoices?period=2026-11")).json()["items"] if i["total_cents"] == 850_000
    )
    assert (await client.get("/api/v1/invoices?period=November")).status_code == 400
    assert (await client.get("/api/v1/invoices?status=open")).json()["total"] == 4

    one = (await client.get(f"/api/v1/invoices/{jordan_invoice['id']}")).json()
    assert [line["description"] for line in one["lines"]] == ["Case management services — November 2026"]
    assert one["balance_cents"] == 850_000 and one["payments"] == []

    too_much = await client.post(
        f"/api/v1/invoices/{jordan_invoice['id']}/payments",
        json={"amount_cents": 850_001, "method": "check", "received_on": "2026-12-03"},
    )
    assert too_much.status_code == 400 and "amount_cents" in too_much.text
    wrong_method = await client.post(
        f"/api/v1/invoices/{jordan_invoice['id']}/payments",
        json={"amount_cents": 100, "method": "card", "received_on": "2026-12-03"},
    )
    assert wrong_method.status_code == 400 and "method" in wrong_method.text

    paid = await client.post(
        f"/api/v1/invoices/{jordan_invoice['id']}/payments",
        json={"amount_cents": 850_000, "method": "ach", "reference": "ACH 77", "received_on": "2026-12-03"},
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["invoice"]["status"] == "paid" and paid.json()["payment"]["reference"] == "ACH 77"
    again = await client.post(
        f"/api/v1/invoices/{jordan_invoice['id']}/payments",
        json={"amount_cents": 1, "method": "ach", "received_on": "2026-12-03"},
    )
    assert again.status_code == 409
    assert (await Invoice.select().where(Invoice.id == jordan_invoice["id"]).first())["paid_cents"] == 850_000
    missing = await client.post(
        "/api/v1/invoices/999999/payments", json={"amount_cents": 1, "method": "ach", "received_on": "2026-12-03"}
    )
    assert missing.status_code == 404


async def test_the_api_needs_billing_access(client: Any, casey: dict[str, Any], jordan_agreement: int) -> None:
    await client.login_as(casey)
    for path in ["/api/v1/agreements", "/api/v1/invoices", "/api/v1/invoices/1", "/api/v1/billing/runs/1"]:
        assert (await client.get(path)).status_code == 403, path
    assert (await client.post("/api/v1/billing/runs", json={"period": "2026-11"})).status_code == 403
