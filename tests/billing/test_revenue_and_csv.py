"""Revenue by month (payments received, the last 12 months) as an SVG bar chart with one bar per month, and the
CSV exports of invoices and payments for the accountant."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from portal.billing.invoicing import record_offline_payment
from portal.billing.reports import revenue_by_month
from portal.billing.run import run_monthly_billing
from portal.billing.tables import Invoice
from tests.billing.conftest import bea_principal

JAN_10_2027 = datetime(2027, 1, 10, 17, 0, tzinfo=UTC)


async def pay(bea: dict[str, Any], invoice_id: int, cents: int, day: str, reference: str = "") -> None:
    await record_offline_payment(
        bea_principal(bea),
        invoice_id,
        {"amount_cents": cents, "method": "check", "reference": reference, "received_on": day},
    )


async def billed_and_paid(clock: Any, bea: dict[str, Any], agreement_id: int) -> dict[str, int]:
    ids = {}
    for period, issued in [
        ("2026-09", date(2026, 10, 1)),
        ("2026-10", date(2026, 11, 1)),
        ("2026-11", date(2026, 12, 1)),
    ]:
        clock.set(datetime(issued.year, issued.month, issued.day, 17, 0, tzinfo=UTC))
        await run_monthly_billing(bea_principal(bea), period)
        row = await Invoice.select().where((Invoice.agreement == agreement_id) & (Invoice.period == period)).first()
        ids[period] = row["id"]
    clock.set(JAN_10_2027)
    await pay(bea, ids["2026-09"], 850_000, "2026-10-05", "=HYPERLINK(1)")
    await pay(bea, ids["2026-10"], 300_000, "2026-11-03")
    await pay(bea, ids["2026-10"], 550_000, "2026-12-20")
    await pay(bea, ids["2026-11"], 100_000, "2026-12-21")
    return ids


async def test_revenue_by_month_has_a_bar_per_month(
    client: Any, clock: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    await billed_and_paid(clock, bea, jordan_agreement)
    revenue = await revenue_by_month(bea_principal(bea))
    assert [str(m.period) for m in revenue.months][:2] == ["2026-02", "2026-03"]
    assert str(revenue.months[-1].period) == "2027-01"
    by_month = {str(m.period): m.received_cents for m in revenue.months}
    assert (by_month["2026-10"], by_month["2026-11"], by_month["2026-12"], by_month["2027-01"]) == (
        850_000,
        300_000,
        650_000,
        0,
    )

    await client.login_as(bea)
    page = (await client.get("/billing/reports")).text
    svg = page[page.index('id="revenue-chart"') : page.index("</svg>", page.index('id="revenue-chart"'))]
    bars = re.findall(
        r'<g class="bar" data-key="([\d-]+)" data-cents="(\d+)">\s*<title>([^<]*)</title>\s*'
        r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"',
        svg,
    )
    assert len(bars) == 12
    assert [b[0] for b in bars] == [str(m.period) for m in revenue.months]
    heights = {b[0]: float(b[6]) for b in bars}
    assert heights["2026-10"] > heights["2026-12"] > heights["2026-11"] > 0
    assert heights["2026-06"] == heights["2027-01"] == 0
    # Heights are proportional to the amounts (to the rounding of one decimal).
    assert abs(heights["2026-10"] / heights["2026-11"] - 850 / 300) < 0.02
    assert "Oct: $8,500.00" in svg and ">2027<" in svg  # the year under January
    xs = [float(b[3]) for b in bars]
    assert xs == sorted(xs)  # left to right, oldest first
    assert 'style="' not in svg  # the CSP forbids style attributes


async def test_csv_exports_for_the_accountant(
    client: Any, clock: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    await billed_and_paid(clock, bea, jordan_agreement)
    await client.login_as(bea)

    response = await client.get("/billing/reports/invoices.csv?from=2026-09&to=2026-11")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "invoices-2026-09-to-2026-11.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["period"], r["status"], r["total"], r["paid"], r["balance"]) for r in rows] == [
        ("2026-09", "Paid", "8500.00", "8500.00", "0.00"),
        ("2026-10", "Paid", "8500.00", "8500.00", "0.00"),
        ("2026-11", "Open", "8500.00", "1000.00", "7500.00"),
    ]
    assert rows[0]["client"] == "Jordan Rivera" and rows[0]["payer"] == "Pat Rivera"

    only_october = await client.get("/billing/reports/invoices.csv?from=2026-10&to=2026-10")
    assert len(list(csv.DictReader(io.StringIO(only_october.text)))) == 1

    payments = await client.get("/billing/reports/payments.csv?from=2026-10&to=2026-12")
    rows = list(csv.DictReader(io.StringIO(payments.text)))
    assert [(r["received_on"], r["amount"], r["method"]) for r in rows] == [
        ("2026-10-05", "8500.00", "Check"),
        ("2026-11-03", "3000.00", "Check"),
        ("2026-12-20", "5500.00", "Check"),
        ("2026-12-21", "1000.00", "Check"),
    ]
    assert rows[0]["reference"] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet


@pytest.mark.parametrize(
    "query", ["from=November", "to=2026-13", "from=2026-12&to=2026-01", "period=2026-11", "from=" + "9" * 500]
)
async def test_bad_export_ranges_are_refused(client: Any, bea: dict[str, Any], query: str) -> None:
    await client.login_as(bea)
    for path in ["/billing/reports/invoices.csv", "/billing/reports/payments.csv"]:
        response = await client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
