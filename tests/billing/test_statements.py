"""A statement per payer: every issued invoice of that payer (for any client), the payments, credits and refunds,
and the balance; outside payers are keyed by a hash of their e-mail, never the address itself."""

from __future__ import annotations

from typing import Any

import pytest

from portal.billing.invoicing import add_credit_note, record_offline_payment
from portal.billing.ledger import payer_key
from portal.billing.tables import Invoice
from tests.billing.conftest import bea_principal, make_agreement
from tests.billing.pages_support import DEC_1, issue_period


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def test_one_payer_for_two_clients(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    principal = bea_principal(bea)
    for client_row, fee in ((jordan, "8500"), (taylor, "1200")):
        await make_agreement(principal, client_row["id"], monthly_fee=fee, payer_email="Trustee@Example.com")
    await make_agreement(principal, jordan["id"], payer_name="Someone Else", payer_email="else@example.com")
    await issue_period(bea, "2026-11")
    invoices = await Invoice.select().where(Invoice.payer_email == "trustee@example.com").order_by(Invoice.id)
    await record_offline_payment(
        principal, invoices[0]["id"], {"amount_cents": 850_000, "method": "check", "received_on": "2026-12-01"}
    )
    await add_credit_note(principal, invoices[1]["id"], 20_000, "Discount")

    key = payer_key(invoices[0])
    assert key.startswith("payer-") and "trustee" not in key
    await client.login_as(bea)
    payers = (await client.get("/billing/payers")).text
    assert f"/billing/payers/{key}/statement" in payers and "Someone Else" in payers
    page = (await client.get(f"/billing/payers/{key}/statement")).text
    assert "Jordan Rivera" in page and "Taylor Brooks" in page
    assert "$9,700.00" in page  # billed
    assert "$1,000.00" in page  # balance: Taylor's $1,200 less the $200 credit
    assert "Discount" in page and "Someone Else" not in page
