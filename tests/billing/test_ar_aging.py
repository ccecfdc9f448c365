"""Accounts-receivable aging: open balances by days past due (current, 1–30, 31–60, 61–90, over 90), as a table
and as an SVG bar chart, on the practice's date (the test moves the clock)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from portal.billing.invoicing import record_offline_payment
from portal.billing.reports import accounts_receivable_aging, aging_bucket
from portal.billing.run import run_monthly_billing
from portal.billing.tables import Invoice
from tests.billing.conftest import bea_principal, make_agreement


@pytest.mark.parametrize(
    ("due_on", "bucket"),
    [
        (date(2026, 12, 25), "current"),
        (date(2026, 12, 20), "current"),  # due today is not past due
        (date(2026, 12, 19), "1_30"),
        (date(2026, 11, 20), "1_30"),  # 30 days
        (date(2026, 11, 19), "31_60"),
        (date(2026, 10, 21), "31_60"),  # 60 days
        (date(2026, 10, 20), "61_90"),
        (date(2026, 9, 21), "61_90"),  # 90 days
        (date(2026, 9, 20), "over_90"),
        (None, "current"),
    ],
)
def test_a_balance_falls_in_the_bucket_of_its_days_past_due(due_on: date | None, bucket: str) -> None:
    assert aging_bucket(due_on, date(2026, 12, 20)) == bucket


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)  # noon in New York


async def bill_months(clock: Any, bea: dict[str, Any]) -> None:
    """August to November, each issued on the 1st of the next month (due on the 15th)."""
    for period, issued in [
        ("2026-08", date(2026, 9, 1)),
        ("2026-09", date(2026, 10, 1)),
        ("2026-10", date(2026, 11, 1)),
        ("2026-11", date(2026, 12, 1)),
    ]:
        clock.set(at(issued))
        await run_monthly_billing(bea_principal(bea), period)


async def test_aging_table_and_chart(
    client: Any, clock: Any, bea: dict[str, Any], jordan_agreement: int, taylor: dict[str, Any]
) -> None:
    await bill_months(clock, bea)
    await make_agreement(bea_principal(bea), taylor["id"], monthly_fee="1000", start_date="2026-12-01")
    clock.set(at(date(2026, 12, 20)))
    await run_monthly_billing(bea_principal(bea), "2026-12")  # Taylor's December: due January 3rd, current
    october = (
        await Invoice.select().where((Invoice.period == "2026-10") & (Invoice.agreement == jordan_agreement)).first()
    )
    await record_offline_payment(
        bea_principal(bea),
        october["id"],
        {"amount_cents": 50_000, "method": "ach", "reference": "", "received_on": "2026-12-10"},
    )

    aging = await accounts_receivable_aging(bea_principal(bea))
    assert aging.as_of == date(2026, 12, 20)
    assert aging.totals == {
        "current": 100_000 + 850_000,  # Taylor's December; Jordan's December (issued today, due Jan 3)
        "1_30": 850_000,  # November, due Dec 15: 5 days
        "31_60": 800_000,  # October, due Nov 15: 35 days, $500 paid
        "61_90": 850_000,  # September, due Oct 15: 66 days
        "over_90": 850_000,  # August, due Sep 15: 96 days
    }
    assert aging.counts["current"] == 2
    pat_row = next(row for row in aging.rows if row.payer_name == "Pat Rivera")
    assert pat_row.total_cents == 850_000 * 5 - 50_000

    await client.login_as(bea)
    page = (await client.get("/billing/reports")).text
    assert '<td class="num" data-bucket="31_60">$8,000.00</td>' in page
    assert '<td class="num" data-bucket="over_90">$8,500.00</td>' in page
    assert "$43,000.00" in page  # the total owed
    bars = dict(re.findall(r'<g class="bar" data-key="(\w+)" data-cents="(\d+)">', page))
    assert bars["current"] == "950000" and bars["61_90"] == "850000"
    heights = {
        key: float(height)
        for key, height in re.findall(
            r'data-key="(\w+)" data-cents="\d+">\s*<title>[^<]*</title>\s*<rect [^>]*height="([\d.]+)"', page
        )
    }
    assert heights["current"] > heights["1_30"] == heights["61_90"] > heights["31_60"] > 0

    dashboard = (await client.get("/billing")).text
    assert 'id="aging-mini"' in dashboard and "$43,000.00" in dashboard  # open total
    assert "$33,500.00" in dashboard  # past due: November, October (less $500), September, August
