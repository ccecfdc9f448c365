"""The demo's retainer billing, replayed on the demo's story clock after the family portal (portal/demo.py).

Bea, the practice's biller, writes a retainer agreement on each client's intake day and activates it: Jordan's
($8,500 a month, 20 included hours, additional time at $250 an hour, paid by Pat, with the Good Faith Estimate
handed out as a PDF that day), and Morgan's clients Taylor's and Riley's (outside payers; their estimates are
made when first downloaded). On the first of each of the four months before this one she makes the monthly run
(the real one); a client who arrived in the middle of a month is billed, prorated, by running that month again the
next morning, which creates only the missing invoice. The payers pay about nine days after each invoice and Bea
records the payments (ACH, wire, check), except for Riley's latest invoice, which is past due. This month's run
is left for Bea to make.

The demo's invoices are made with the offline gateway whatever the configuration (nothing months old goes to
Stripe), and nobody is e-mailed about them: what the runs queued is taken out of the outbox again, as the family
story keeps its notifications quiet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from portal.billing import agreements, gateway, gfe, invoicing
from portal.billing.money import Period
from portal.billing.run import run_monthly_billing
from portal.billing.tables import Invoice
from portal.cases.demo_work import Cast
from portal.demo_story import Story
from portal.mail.tables import OutboxMessage
from portal.policy import Principal

BILLING_ACCOUNTS = {"bea": "bea@example.com"}
BILLED_MONTHS = 4  # the four months before the current one
RUN_AT = "09:00"  # the monthly run, on the first of the month
PAID_AFTER_DAYS = 9  # payers pay this long after an invoice is issued
PAID_AT = "11:30"


@dataclass(frozen=True)
class AgreementSpec:
    client: str
    opened_days_ago: int  # the client's intake (portal/cases/demo.py): the agreement starts that day
    form: dict[str, Any]
    payer_relative: str = ""  # a key of cast.relatives
    method: str = "check"
    reference: str = ""  # e.g. "Check {number}" (the invoice number)
    # The estimate PDF handed out when the agreement is signed (and kept). Others are made, and kept, when first
    # downloaded: rendering a PDF costs about a second, and the demo should load in a few.
    estimate_given_out: bool = False


AGREEMENTS = [
    AgreementSpec(
        "jordan",
        123,
        {"monthly_fee": "8,500", "included_hours": 20, "overage_rate": "250", "rollover_max_hours": 0},
        payer_relative="pat",
        estimate_given_out=True,
        method="ach",
        reference="ACH from P. Rivera, invoice {number}",
    ),
    AgreementSpec(
        "taylor",
        47,
        {
            "monthly_fee": "6,200",
            "included_hours": 20,
            "overage_rate": "250",
            "rollover_max_hours": 0,
            "payer_name": "Brooks Family Trust",
            "payer_email": "trust.brooks@example.com",
        },
        method="wire",
        reference="Wire {number}, Brooks Family Trust",
    ),
    AgreementSpec(
        "riley",
        59,
        {
            "monthly_fee": "5,500",
            "included_hours": 15,
            "overage_rate": "225",
            "rollover_max_hours": 5,
            "payer_name": "Grace Chen",
            "payer_email": "grace.chen@example.com",
        },
        method="check",
        reference="Check for invoice {number}",
    ),
]
# Riley's latest invoice is left unpaid: past due (its due date is at least two weeks behind today).
UNPAID_CLIENT = "riley"


@dataclass
class BillingIds:
    """What the billing story has created so far."""

    agreements: dict[str, int] = field(default_factory=dict)
    invoices: dict[str, dict[str, int]] = field(default_factory=dict)  # client key -> period -> invoice id
    # When each month's invoice will be paid in full, known as soon as the story is planned: (client key, period).
    paid_at: dict[tuple[str, str], datetime] = field(default_factory=dict)


def billed_periods(story: Story) -> list[Period]:
    """The four months before the current one, oldest first."""
    periods = [Period.of(story.today).previous()]
    while len(periods) < BILLED_MONTHS:
        periods.insert(0, periods[0].previous())
    return periods


def days_ago(story: Story, day: date) -> int:
    return (story.today - day).days


class BillingWork:
    def __init__(self, story: Story, cast: Cast, ids: BillingIds) -> None:
        self.story, self.cast, self.ids = story, cast, ids

    @property
    def bea(self) -> Principal:
        return self.cast.principals["bea"]

    def agreement(self, spec: AgreementSpec) -> datetime:
        """Bea writes the agreement on the client's intake day, activates it and gives out its estimate; returns
        when (the client's relatives are added at 08:50, so the payer exists)."""
        moment = self.story.moment(spec.opened_days_ago, "10:00")

        async def step() -> None:
            data: dict[str, Any] = {
                **spec.form,
                "client": self.cast.clients[spec.client],
                "start_date": self.story.day(spec.opened_days_ago).isoformat(),
                "billing_day": 1,
            }
            if spec.payer_relative:
                data["payer_relative"] = self.cast.relatives[spec.payer_relative]
            agreement_id = await agreements.create_agreement(self.bea, data)
            await agreements.set_status(self.bea, agreement_id, "active")
            if spec.estimate_given_out:
                await gfe.good_faith_estimate_pdf(self.bea, agreement_id)
            self.ids.agreements[spec.client] = agreement_id

        self.story.at(moment, step)
        return moment

    def run(self, moment: datetime, period: Period) -> None:
        """Bea's monthly run of `period` (offline, whatever the configuration)."""

        async def step() -> None:
            before = await _last_outbox_id()
            with gateway.using(gateway.OfflineGateway()):
                await run_monthly_billing(self.bea, str(period))
            # Months-old invoices are not e-mailed to anyone when the worker first runs.
            await OutboxMessage.delete().where(OutboxMessage.id > before)
            by_agreement = {agreement_id: key for key, agreement_id in self.ids.agreements.items()}
            for row in await Invoice.select(Invoice.id, Invoice.agreement).where(Invoice.period == str(period)):
                key = by_agreement.get(row["agreement"])
                if key is not None:
                    self.ids.invoices.setdefault(key, {})[str(period)] = int(row["id"])

        self.story.at(moment, step)

    def payment(self, moment: datetime, spec: AgreementSpec, period: Period) -> None:
        async def step() -> None:
            invoice_id = self.ids.invoices[spec.client][str(period)]
            invoice = await invoicing.get_invoice(invoice_id)
            await invoicing.record_offline_payment(
                self.bea,
                invoice_id,
                {
                    "amount_cents": invoicing.balance_of(invoice),
                    "method": spec.method,
                    "reference": spec.reference.format(number=invoice["number"]),
                    "received_on": moment.astimezone(self.story.zone).date().isoformat(),
                },
            )

        self.story.at(moment, step)


async def _last_outbox_id() -> int:
    row = await OutboxMessage.select(OutboxMessage.id).order_by(OutboxMessage.id, ascending=False).first()
    return int(row["id"]) if row else 0


def plan_billing_work(story: Story, cast: Cast) -> BillingIds:
    """Schedule the demo's billing on the story that already holds the case work and the family portal."""
    ids = BillingIds()
    work = BillingWork(story, cast, ids)
    periods = billed_periods(story)

    async def meet_bea() -> None:
        await cast.meet(BILLING_ACCOUNTS)

    story.at(story.moment(max(spec.opened_days_ago for spec in AGREEMENTS), "09:45"), meet_bea)
    signed = {spec.client: work.agreement(spec) for spec in AGREEMENTS}

    # Each month is run on its first day; a month is run again the morning after an agreement that started in
    # it was signed (after that month's run), which bills just the new agreement, prorated.
    regular = {period: story.moment(days_ago(story, period.first_day), RUN_AT) for period in periods}
    runs = [(moment, period) for period, moment in regular.items() if any(s < moment for s in signed.values())]
    for spec in AGREEMENTS:
        period = Period.of(story.day(spec.opened_days_ago))
        if period in regular and signed[spec.client] > regular[period]:
            runs.append((story.moment(spec.opened_days_ago - 1, RUN_AT), period))
    # A month run again the morning after a late agreement can fall on the next month's regular run (an agreement
    # signed on the last day of a month): the older month goes first, so invoice numbers follow the months.
    runs.sort(key=lambda run: (run[0], run[1].first_day))
    for moment, period in runs:
        work.run(moment, period)

    # Which run billed each agreement's month: the first one after it was signed.
    issued: dict[tuple[str, Period], datetime] = {}
    for moment, period in runs:
        for spec in AGREEMENTS:
            if signed[spec.client] < moment and story.day(spec.opened_days_ago) <= period.last_day:
                issued.setdefault((spec.client, period), moment)
    # Each invoice is paid about nine days after it is issued; Riley's latest is not (past due).
    unpaid = max((p for (client, p) in issued if client == UNPAID_CLIENT), key=lambda p: (p.year, p.month))
    specs = {spec.client: spec for spec in AGREEMENTS}
    for (client, period), moment in sorted(issued.items(), key=lambda item: item[1]):
        if (client, period) != (UNPAID_CLIENT, unpaid):
            paid_on = days_ago(story, moment.astimezone(story.zone).date()) - PAID_AFTER_DAYS
            paid_at = story.moment(paid_on, PAID_AT)
            ids.paid_at[(client, str(period))] = paid_at
            work.payment(paid_at, specs[client], period)
    return ids
