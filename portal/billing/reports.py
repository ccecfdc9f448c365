"""Reports for billing staff and the accountant: accounts-receivable aging, revenue by month, CSV exports, and
the dashboard's figures. All money is integer cents; "today" is the practice's date (tests move the clock)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.billing.charts import BarChart, bar_chart
from portal.billing.invoicing import PAYMENT_METHODS, balance_of
from portal.billing.ledger import INVOICE_STATUSES, payer_key
from portal.billing.money import Period
from portal.billing.tables import BillingNotice, BillingRun, Invoice, Payment, Refund, RetainerAgreement
from portal.clock import local_today, to_local
from portal.core.services import get_practice
from portal.csv_export import safe_cell
from portal.errors import Invalid
from portal.policy import Action, Principal, require

# (key, label, first day past due, last day past due, bar colour)
AGING_BUCKETS = [
    ("current", "Current", None, 0, "#2563eb"),
    ("1_30", "1–30 days", 1, 30, "#f59e0b"),
    ("31_60", "31–60 days", 31, 60, "#ea580c"),
    ("61_90", "61–90 days", 61, 90, "#dc2626"),
    ("over_90", "Over 90 days", 91, None, "#7f1d1d"),
]
REVENUE_FILL = "#15803d"


def aging_bucket(due_on: date | None, today: date) -> str:
    """Which bucket an open balance falls in: by whole days past its due date (not yet due = current)."""
    days = (today - due_on).days if due_on is not None else 0
    for key, _, _, last, _ in AGING_BUCKETS:
        if last is None or days <= last:
            return key
    return AGING_BUCKETS[-1][0]  # pragma: no cover


@dataclass
class AgingRow:
    payer_key: str
    payer_name: str
    buckets: dict[str, int] = field(default_factory=lambda: {key: 0 for key, *_ in AGING_BUCKETS})
    invoices: int = 0

    @property
    def total_cents(self) -> int:
        return sum(self.buckets.values())


@dataclass
class Aging:
    as_of: date
    rows: list[AgingRow]
    totals: dict[str, int]
    counts: dict[str, int]

    @property
    def total_cents(self) -> int:
        return sum(self.totals.values())

    @property
    def labels(self) -> list[tuple[str, str]]:
        return [(key, label) for key, label, *_ in AGING_BUCKETS]

    def chart(self, *, width: int = 640, height: int = 240) -> BarChart:
        return bar_chart(
            "Accounts receivable by days past due",
            [(key, label, self.totals[key], fill, "") for key, label, _, _, fill in AGING_BUCKETS],
            width=width,
            height=height,
        )


async def practice_today() -> date:
    return local_today((await get_practice()).time_zone)


async def accounts_receivable_aging(principal: Principal, today: date | None = None) -> Aging:
    """Open balances by payer and by days past due: current, 1–30, 31–60, 61–90, over 90."""
    require(principal, Action.BILLING_READ)
    today = today or await practice_today()
    rows = await Invoice.select().where(Invoice.status == "open")
    totals = {key: 0 for key, *_ in AGING_BUCKETS}
    counts = {key: 0 for key, *_ in AGING_BUCKETS}
    by_payer: dict[str, AgingRow] = {}
    for row in rows:
        balance = balance_of(row)
        if balance <= 0:
            continue
        bucket = aging_bucket(row["due_on"], today)
        key = payer_key(row)
        entry = by_payer.setdefault(key, AgingRow(key, row["payer_name"]))
        entry.buckets[bucket] += balance
        entry.invoices += 1
        totals[bucket] += balance
        counts[bucket] += 1
    ordered = sorted(by_payer.values(), key=lambda entry: (-entry.total_cents, entry.payer_name.lower()))
    return Aging(today, ordered, totals, counts)


@dataclass(frozen=True)
class RevenueMonth:
    period: Period
    received_cents: int
    refunded_cents: int

    @property
    def net_cents(self) -> int:
        return self.received_cents - self.refunded_cents

    @property
    def short_label(self) -> str:
        return self.period.first_day.strftime("%b")

    @property
    def year_label(self) -> str:
        return str(self.period.year)


@dataclass
class Revenue:
    months: list[RevenueMonth]

    @property
    def received_cents(self) -> int:
        return sum(month.received_cents for month in self.months)

    @property
    def refunded_cents(self) -> int:
        return sum(month.refunded_cents for month in self.months)

    def chart(self, *, width: int = 640, height: int = 240) -> BarChart:
        return bar_chart(
            "Payments received by month",
            [
                (
                    str(m.period),
                    m.short_label,
                    m.received_cents,
                    REVENUE_FILL,
                    m.year_label if index == 0 or m.period.month == 1 else "",
                )
                for index, m in enumerate(self.months)
            ],
            width=width,
            height=height,
        )


def last_periods(today: date, count: int) -> list[Period]:
    periods = [Period.of(today)]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


async def revenue_by_month(principal: Principal, today: date | None = None, months: int = 12) -> Revenue:
    """Payments received (by the date received) and refunds (by the date made) in each of the last `months`
    months, this one included."""
    require(principal, Action.BILLING_READ)
    practice = await get_practice()
    today = today or local_today(practice.time_zone)
    periods = last_periods(today, months)
    since, until = periods[0].first_day, periods[-1].last_day
    received = {period: 0 for period in periods}
    refunded = {period: 0 for period in periods}
    for row in await Payment.select(Payment.received_on, Payment.amount_cents).where(
        (Payment.received_on >= since) & (Payment.received_on <= until)
    ):
        received[Period.of(row["received_on"])] += int(row["amount_cents"])
    for row in await Refund.select(Refund.created_at, Refund.amount_cents):
        period = Period.of(to_local(row["created_at"], practice.time_zone).date())
        if period in refunded:
            refunded[period] += int(row["amount_cents"])
    return Revenue([RevenueMonth(period, received[period], refunded[period]) for period in periods])


# --------------------------------------------------------------------------- CSV for the accountant


def dollars(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def check_range(data: dict[str, Any], today: date) -> tuple[Period, Period]:
    """`from` and `to` periods (YYYY-MM) of an export; the last twelve months when not given."""
    errors: dict[str, str] = {}
    default_from, default_to = last_periods(today, 12)[0], Period.of(today)
    bounds = []
    for name, default in (("from", default_from), ("to", default_to)):
        text = str(data.get(name) or "").strip()
        try:
            bounds.append(Period.parse(text) if text else default)
        except ValueError as exc:
            errors[name] = str(exc)
            bounds.append(default)
    if not errors and (bounds[0].year, bounds[0].month) > (bounds[1].year, bounds[1].month):
        errors["to"] = "The end of the range is before its start."
    if errors:
        raise Invalid(**errors)
    return bounds[0], bounds[1]


def _csv(header: list[str], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


INVOICE_CSV_HEADER = [
    "number",
    "period",
    "client_id",
    "client",
    "payer",
    "payer_email",
    "status",
    "issued_on",
    "due_on",
    "total",
    "paid",
    "refunded",
    "credited",
    "balance",
]


async def invoices_csv(principal: Principal, first: Period, last: Period) -> str:
    """Every issued invoice of the periods from `first` to `last`, amounts in dollars with two decimals."""
    require(principal, Action.BILLING_READ)
    rows = (
        await Invoice.select(*Invoice.all_columns(), Invoice.client.legal_name.as_alias("client_name"))
        .where((Invoice.period >= str(first)) & (Invoice.period <= str(last)) & (Invoice.status != "draft"))
        .order_by(Invoice.number)
    )
    return _csv(
        INVOICE_CSV_HEADER,
        (
            [
                row["number"],
                row["period"],
                row["client"],
                row["client_name"],
                row["payer_name"],
                row["payer_email"],
                INVOICE_STATUSES.get(row["status"], row["status"]),
                row["issued_on"].isoformat() if row["issued_on"] else "",
                row["due_on"].isoformat() if row["due_on"] else "",
                dollars(row["total_cents"]),
                dollars(row["paid_cents"]),
                dollars(row["refunded_cents"]),
                dollars(row["credited_cents"]),
                dollars(balance_of(row)),
            ]
            for row in rows
        ),
    )


PAYMENT_CSV_HEADER = ["received_on", "invoice_number", "period", "payer", "method", "reference", "amount", "refunded"]


async def payments_csv(principal: Principal, first: Period, last: Period) -> str:
    """Every payment received from the first day of `first` to the last day of `last`."""
    require(principal, Action.BILLING_READ)
    rows = (
        await Payment.select(
            *Payment.all_columns(),
            Payment.invoice.number.as_alias("invoice_number"),
            Payment.invoice.period.as_alias("period"),
            Payment.invoice.payer_name.as_alias("payer_name"),
        )
        .where((Payment.received_on >= first.first_day) & (Payment.received_on <= last.last_day))
        .order_by(Payment.received_on, Payment.id)
    )
    return _csv(
        PAYMENT_CSV_HEADER,
        (
            [
                row["received_on"].isoformat(),
                row["invoice_number"],
                row["period"],
                row["payer_name"],
                PAYMENT_METHODS.get(row["method"], row["method"]),
                row["reference"],
                dollars(row["amount_cents"]),
                dollars(row["refunded_cents"]),
            ]
            for row in rows
        ),
    )


# --------------------------------------------------------------------------- the dashboard


@dataclass
class Dashboard:
    today: date
    period: Period
    open_cents: int
    open_count: int
    past_due_cents: int
    past_due_count: int
    active_agreements: int
    period_invoices: int
    latest_run: dict[str, Any] | None
    aging: Aging
    notices: list[dict[str, Any]]

    @property
    def latest_run_skipped(self) -> int:
        from portal.billing.run_views import skipped_of

        return len(skipped_of(self.latest_run)) if self.latest_run else 0


async def dashboard(principal: Principal) -> Dashboard:
    require(principal, Action.BILLING_READ)
    today = await practice_today()
    period = Period.of(today)
    open_rows = await Invoice.select().where(Invoice.status == "open")
    balances = [(balance_of(row), row["due_on"]) for row in open_rows]
    past_due = [balance for balance, due_on in balances if due_on is not None and due_on < today and balance > 0]
    latest_run = (
        await BillingRun.select()
        .where((BillingRun.period == str(period)) & (BillingRun.dry_run == False))  # noqa: E712
        .order_by(BillingRun.id, ascending=False)
        .first()
    )
    notices = (
        await BillingNotice.select(*BillingNotice.all_columns(), BillingNotice.invoice.number.as_alias("number"))
        .where(BillingNotice.resolved_at.is_null())
        .order_by(BillingNotice.created_at, ascending=False)
        .limit(10)
    )
    return Dashboard(
        today=today,
        period=period,
        open_cents=sum(balance for balance, _ in balances),
        open_count=len(balances),
        past_due_cents=sum(past_due),
        past_due_count=len(past_due),
        active_agreements=await RetainerAgreement.count().where(RetainerAgreement.status == "active"),
        period_invoices=await Invoice.count().where(Invoice.period == str(period)),
        latest_run=latest_run,
        aging=await accounts_receivable_aging(principal, today),
        notices=notices,
    )
