"""Bad input on the billing pages and API gives form errors or a 400, never a 500: a fee of "lots", billing day
31, an end before the start, a period of "November"."""

from __future__ import annotations

from typing import Any

import pytest

from portal.billing.tables import BillingRun, RetainerAgreement
from tests.billing.test_agreement_pages import form


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"monthly_fee": "lots"}, "monthly_fee", "enter an amount in dollars"),
        ({"monthly_fee": "-5"}, "monthly_fee", "enter an amount in dollars"),
        ({"monthly_fee": "99999999999999"}, "monthly_fee", "too large"),
        ({"billing_day": "31"}, "billing_day", "at most 28"),
        ({"billing_day": "first"}, "billing_day", "whole number"),
        ({"start_date": "2026-11-01", "end_date": "2026-10-31"}, "end_date", "before the start date"),
        ({"start_date": "soon"}, "start_date", "use a date like"),
        ({"overage_rate": "$2.505"}, "overage_rate", "enter an amount in dollars"),
        ({"payer_name": "", "payer_email": "not-an-email"}, "payer_name", "is required"),
        ({"payer_email": "not-an-email"}, "payer_email", "valid e-mail"),
        ({"payer_relative": "999999"}, "payer_relative", "one of the client"),
        ({"client": "abc"}, "client", "whole number"),
        ({"included_hours": "", "rollover_max_hours": "4"}, "rollover_max_hours", "needs included hours"),
    ],
)
async def test_agreement_form_errors(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any], fields: dict[str, str], field: str, message: str
) -> None:
    await client.login_as(bea)
    response = await client.post("/billing/agreements", data=form(jordan["id"], **fields))
    assert response.status_code == 400, response.text[:300]
    assert f'id="f-{field}-error"' in response.text and message in response.text
    assert await RetainerAgreement.count() == 0


async def test_editing_with_bad_input_shows_the_form_again(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await client.login_as(bea)
    response = await client.post(
        f"/billing/agreements/{jordan_agreement}/edit", data=form(jordan["id"], monthly_fee="lots", billing_day="31")
    )
    assert response.status_code == 400
    assert 'id="f-monthly_fee-error"' in response.text and 'id="f-billing_day-error"' in response.text


@pytest.mark.parametrize("period", ["November", "2026-13", "26-11", "", "2026-11-01", "x" * 5000])
async def test_a_bad_period_is_a_form_error(client: Any, bea: dict[str, Any], period: str) -> None:
    await client.login_as(bea)
    for path in ["/billing/runs", "/billing/runs/preview"]:
        response = await client.post(path, data={"period": period})
        assert response.status_code == 400, (path, response.status_code)
        assert "A period looks like 2026-11" in response.text or "period" in response.text
    assert (await client.get(f"/billing/runs/preview?period={period[:100]}")).status_code == 400
    assert (await client.get(f"/billing/invoices?period={period[:100]}")).status_code in {200, 400}
    assert await BillingRun.count() == 0


@pytest.mark.parametrize(
    "query", ["period=November", "status=lost", "client=abc", "client=99999999999", "period=2026-11&status=open"]
)
async def test_invoice_filters(client: Any, bea: dict[str, Any], query: str) -> None:
    await client.login_as(bea)
    response = await client.get(f"/billing/invoices?{query}")
    api = await client.get(f"/api/v1/invoices?{query}")
    if query == "period=2026-11&status=open":
        assert response.status_code == 200 and api.status_code == 200
    else:
        assert response.status_code == 400 and 'aria-invalid="true"' in response.text
        assert api.status_code == 400


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"monthly_fee_cents": -1}, "monthly_fee_cents"),
        ({"billing_day": 31}, "billing_day"),
        ({"end_date": "2026-10-01"}, "end_date"),
        ({"client_id": 999999}, "client_id"),
        ({"monthly_fee_cents": "lots"}, "monthly_fee_cents"),
        ({"payer_email": "nobody"}, "payer_email"),
    ],
)
async def test_agreement_api_refusals_name_the_field(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any], body: dict[str, Any], named: str
) -> None:
    await client.login_as(bea)
    payload = {
        "client_id": jordan["id"],
        "monthly_fee_cents": 850_000,
        "start_date": "2026-11-01",
        "payer_name": "Outside Payer",
        "payer_email": "payer@example.com",
        **body,
    }
    response = await client.post("/api/v1/agreements", json=payload)
    assert response.status_code == 400, response.text
    assert named in response.text
    assert await RetainerAgreement.count() == 0


async def test_unknown_ids_are_not_found(client: Any, bea: dict[str, Any]) -> None:
    await client.login_as(bea)
    for path in [
        "/billing/agreements/999999",
        "/billing/agreements/99999999999999999",
        "/billing/agreements/999999/good-faith-estimate.pdf",
        "/billing/runs/99999999999",
        "/billing/payers/relative-99999999999/statement",
        "/billing/payers/payer-zzz/statement",
        "/billing/payers/nobody/statement.pdf",
        "/api/v1/billing/runs/99999999999",
        "/api/v1/invoices/99999999999",
    ]:
        assert (await client.get(path)).status_code == 404, path
