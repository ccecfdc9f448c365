"""Every billing page opens for Bea (billing) and Olivia (owner); Casey (case manager) and Pat (family) get 403 on
every one of them, and see no Billing link."""

from __future__ import annotations

from typing import Any

import pytest

from portal.billing.tables import Payment
from tests.billing.pages_support import DEC_1, jordan_invoice


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def page_paths(bea: dict[str, Any], agreement_id: int) -> list[str]:
    invoice = await jordan_invoice(bea, agreement_id)
    from portal.billing.invoicing import record_offline_payment
    from tests.billing.conftest import bea_principal

    await record_offline_payment(
        bea_principal(bea),
        invoice["id"],
        {"amount_cents": 100_000, "method": "check", "reference": "1001", "received_on": "2026-12-01"},
    )
    payment = await Payment.select().first()
    invoice_id = invoice["id"]
    key = f"relative-{invoice['payer_relative']}"
    return [
        "/billing",
        "/billing/agreements",
        "/billing/agreements/new",
        f"/billing/agreements/{agreement_id}",
        f"/billing/agreements/{agreement_id}/edit",
        f"/billing/agreements/{agreement_id}/good-faith-estimate.pdf",
        "/billing/runs",
        "/billing/runs/preview?period=2026-12",
        "/billing/invoices",
        "/billing/invoices?period=2026-11&status=open",
        f"/billing/invoices/{invoice_id}",
        f"/billing/invoices/{invoice_id}/pdf",
        f"/billing/invoices/{invoice_id}/payments/{payment['id']}/receipt",
        "/billing/payers",
        f"/billing/payers/{key}/statement",
        f"/billing/payers/{key}/statement.pdf",
        "/billing/reports",
        "/billing/reports/invoices.csv",
        "/billing/reports/payments.csv",
        "/billing/settings",
    ]


@pytest.mark.parametrize("who", ["bea", "olivia"])
async def test_billing_staff_open_every_page(
    client: Any, who: str, bea: dict[str, Any], olivia: dict[str, Any], jordan_agreement: int
) -> None:
    paths = await page_paths(bea, jordan_agreement)
    await client.login_as({"bea": bea, "olivia": olivia}[who])
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    home = await client.get("/billing")
    assert 'href="/billing"' in home.text and "Billing" in home.text


@pytest.mark.parametrize("who", ["casey", "pat"])
async def test_case_managers_and_families_are_forbidden(
    client: Any, who: str, bea: dict[str, Any], casey: dict[str, Any], pat: dict[str, Any], jordan_agreement: int
) -> None:
    paths = await page_paths(bea, jordan_agreement)
    person = {"casey": casey, "pat": pat}[who]
    await client.login_as(person)
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 403, (path, response.status_code)
    for path in ["/billing/runs", "/billing/agreements", f"/billing/agreements/{jordan_agreement}/status"]:
        assert (await client.post(path, data={"period": "2026-11", "status": "paused"})).status_code == 403
    for path in ["/api/v1/agreements", "/api/v1/invoices"]:
        assert (await client.get(path)).status_code == 403
    landing = await client.get("/" if who == "casey" else "/family", follow_redirects=True)
    assert 'href="/billing"' not in landing.text
