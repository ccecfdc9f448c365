"""/family/billing runs the same number of SQL statements with 10 invoices and with 200: no query per invoice
(the page shows 24 at a time, and the next payment and the totals come from grouped queries)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from portal.billing.money import Period
from portal.billing.tables import Invoice
from portal.clock import utcnow
from tests.billing.family_billing_support import DEC_1, family, november_invoice
from tests.support.queries import count_queries


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def add_invoices(template: dict[str, Any], first: int, count: int) -> None:
    """`count` earlier months of the same agreement, half paid and half open (written straight into the table)."""
    start = Period(2026, 10)
    rows = []
    for n in range(first, first + count):
        period = start
        for _ in range(n):
            period = period.previous()
        paid = n % 2 == 0
        rows.append(
            Invoice(
                number=100_000 + n,
                agreement=template["agreement"],
                client=template["client"],
                period=str(period),
                status="paid" if paid else "open",
                payer_name=template["payer_name"],
                payer_email=template["payer_email"],
                payer_relative=template["payer_relative"],
                issued_on=period.last_day,
                due_on=date(2026, 12, 20),
                total_cents=850_000,
                paid_cents=850_000 if paid else 0,
                created_at=utcnow(),
            )
        )
    await Invoice.insert(*rows)


async def test_the_billing_page_query_count_does_not_grow_with_invoices(
    client: Any, bea: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    relatives = await family(jordan, taylor)
    november = await november_invoice(bea, jordan, relatives["pat"]["id"])
    await add_invoices(november, 0, 9)
    await client.login_as(pat)
    await client.get("/family/billing")  # warm up: the session's first request

    with count_queries() as small:
        first = await client.get("/family/billing")
    await add_invoices(november, 9, 190)
    with count_queries() as large:
        second = await client.get("/family/billing")

    assert first.status_code == second.status_code == 200
    assert first.text.count('class="invoice-card-link"') == 10 and second.text.count('class="invoice-card-link"') == 24
    assert "Open balance on all invoices: $42,500.00" in first.text  # 4 earlier open months and November
    assert "Open balance on all invoices: $850,000.00" in second.text  # 99 earlier open months and November
    print(f"\nSQL statements for /family/billing with 10 invoices: {small.count}, with 200: {large.count}")
    assert small.count == large.count
