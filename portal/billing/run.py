"""The monthly run: exactly one invoice per (agreement, period).

Each agreement is billed in its own transaction, and the unique index on (agreement, period) is the guarantee:
running a period again creates nothing, and a run killed midway is completed by running it again, without
duplicates or gaps (a rolled-back invoice gives its number back). Everything the run needs is loaded up front
in a fixed number of queries, so its cost grows linearly with the number of agreements.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from portal.audit import services as audit
from portal.billing import gateway
from portal.billing.invoicing import InvoiceExists, IssueNow, LineDraft, create_invoice, issue_invoice, lines_for
from portal.billing.money import Period, hours_balances
from portal.billing.tables import BillingRun, Expense, Invoice, RetainerAgreement
from portal.cases.tables import Client, Relative, TimeEntry
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import is_sqlite, write_transaction
from portal.errors import Invalid
from portal.policy import Action, Principal, require

Progress = Callable[[int, int], Awaitable[None]]
BATCH = 25  # invoices per transaction when they are issued offline (see _bill_in_batches)


@dataclass
class PlannedInvoice:
    agreement: dict[str, Any]
    payer_name: str
    payer_email: str
    lines: list[LineDraft]
    expense_ids: list[int]

    @property
    def agreement_id(self) -> int:
        return int(self.agreement["id"])

    @property
    def client_id(self) -> int:
        return int(self.agreement["client"])

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)


@dataclass
class RunSummary:
    period: str
    dry_run: bool
    created: int = 0
    existing: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    planned: list[PlannedInvoice] = field(default_factory=list)
    total_cents: int = 0


def parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise Invalid(period=str(exc)) from None


async def agreements_overlapping(period: Period) -> list[dict[str, Any]]:
    """Agreements in force for at least one day of the period, whatever their status (drafts included, to say
    why they were skipped)."""
    return (
        await RetainerAgreement.select()
        .where(
            (RetainerAgreement.start_date <= period.last_day)
            & (RetainerAgreement.end_date.is_null() | (RetainerAgreement.end_date >= period.first_day))
        )
        .order_by(RetainerAgreement.id)
    )


async def archived_clients(client_ids: list[int]) -> set[int]:
    if not client_ids:
        return set()
    rows = await Client.select(Client.id).where(
        Client.id.is_in(sorted(set(client_ids))) & Client.archived_at.is_not_null()
    )
    return {int(row["id"]) for row in rows}


async def usage_by_client_month(client_ids: list[int], since: date, until: date) -> dict[int, dict[Period, int]]:
    """Billable minutes per client and month, in one grouped query."""
    if not client_ids:
        return {}
    month = "strftime('%Y-%m', service_date)" if is_sqlite() else "to_char(service_date, 'YYYY-MM')"
    placeholders = ", ".join("{}" for _ in client_ids)
    rows = await TimeEntry.raw(
        f"SELECT client, {month} AS month, SUM(minutes) AS minutes FROM time_entries "  # noqa: S608
        f"WHERE billable = {{}} AND service_date >= {{}} AND service_date <= {{}} AND client IN ({placeholders}) "
        f"GROUP BY client, {month}",
        True,
        since,
        until,
        *client_ids,
    )
    usage: dict[int, dict[Period, int]] = {}
    for row in rows:
        usage.setdefault(int(row["client"]), {})[Period.parse(str(row["month"]))] = int(row["minutes"] or 0)
    return usage


async def unbilled_expenses(agreement_ids: list[int], until: date) -> dict[int, list[dict[str, Any]]]:
    if not agreement_ids:
        return {}
    rows = await Expense.select().where(
        Expense.agreement.is_in(agreement_ids) & Expense.invoice_line.is_null() & (Expense.incurred_on <= until)
    )
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(int(row["agreement"]), []).append(row)
    return grouped


async def payers_of(agreements: list[dict[str, Any]]) -> dict[int, tuple[str, str]]:
    """agreement id → (payer name, payer e-mail)."""
    relative_ids = [a["payer_relative"] for a in agreements if a["payer_relative"]]
    relatives = {}
    if relative_ids:
        relatives = {
            r["id"]: r
            for r in await Relative.select(Relative.id, Relative.name, Relative.email).where(
                Relative.id.is_in(relative_ids)
            )
        }
    payers = {}
    for agreement in agreements:
        relative = relatives.get(agreement["payer_relative"])
        if relative is not None:
            payers[agreement["id"]] = (relative["name"], relative["email"])
        else:
            payers[agreement["id"]] = (agreement["payer_name"], agreement["payer_email"])
    return payers


async def plan_period(period: Period) -> tuple[list[PlannedInvoice], list[dict[str, Any]], set[int]]:
    """What the period would bill: (planned invoices, skipped agreements with reasons, agreements already billed)."""
    agreements = await agreements_overlapping(period)
    existing = {
        row["agreement"]
        for row in await Invoice.select(Invoice.agreement).where(Invoice.period == str(period))
        if row["agreement"] is not None
    }
    # An archived client is hidden everywhere: the run names their agreement instead of billing a client nobody
    # can see (end the agreement, or bring the client back, to settle it).
    archived = await archived_clients([a["client"] for a in agreements])
    billable = [
        a
        for a in agreements
        if a["status"] in {"active", "ended"} and a["id"] not in existing and a["client"] not in archived
    ]
    skipped = [
        {
            "agreement": a["id"],
            "client": a["client"],
            "reason": "the client is archived"
            if a["client"] in archived
            else {"draft": "not active yet (draft)", "paused": "paused"}.get(a["status"], a["status"]),
        }
        for a in agreements
        if a["id"] not in existing and (a["status"] not in {"active", "ended"} or a["client"] in archived)
    ]
    earliest = min((a["start_date"] for a in billable), default=period.first_day)
    usage = await usage_by_client_month([a["client"] for a in billable], earliest, period.last_day)
    expenses = await unbilled_expenses([a["id"] for a in billable], period.last_day)
    payers = await payers_of(billable)
    planned = []
    for agreement in billable:
        name, email = payers[agreement["id"]]
        if not email:
            skipped.append(
                {
                    "agreement": agreement["id"],
                    "client": agreement["client"],
                    "reason": "the payer has no e-mail address",
                }
            )
            continue
        balances = hours_balances(
            start=agreement["start_date"],
            end=agreement["end_date"],
            included_minutes=agreement["included_minutes"],
            rollover_max_minutes=agreement["rollover_max_minutes"],
            used_by_period=usage.get(agreement["client"], {}),
            through=period,
        )
        overage = balances[-1].overage if balances else 0
        agreement_expenses = expenses.get(agreement["id"], [])
        lines = lines_for(agreement, period, overage_minutes=overage, expenses=agreement_expenses)
        planned.append(PlannedInvoice(agreement, name, email, lines, [e["id"] for e in agreement_expenses]))
    return planned, skipped, existing


async def run_monthly_billing(
    principal: Principal, period_text: str, *, dry_run: bool = False, progress: Progress | None = None
) -> RunSummary:
    require(principal, Action.BILLING_WRITE)
    period = parse_period(period_text)
    planned, skipped, existing = await plan_period(period)
    summary = RunSummary(period=str(period), dry_run=dry_run, existing=len(existing), skipped=skipped)
    if dry_run:
        summary.planned = planned
        summary.total_cents = sum(p.total_cents for p in planned)
        return summary
    total = len(planned)
    issue_now = await _issue_now()
    if issue_now is not None:
        await _bill_in_batches(planned, period, issue_now, summary, progress)
    else:
        for index, plan in enumerate(planned, start=1):
            invoice_id = await _bill_one(plan, period, None, summary)
            if invoice_id is not None:
                await issue_invoice(invoice_id)
            if progress is not None:
                await progress(index, total)
    # Invoices created by a run that was killed before issuing them are issued now.
    for row in await Invoice.select(Invoice.id).where((Invoice.period == str(period)) & (Invoice.status == "draft")):
        await issue_invoice(row["id"])
    await audit.record(
        principal,
        "billing.run",
        resource_type="billing_run",
        detail={
            "period": str(period),
            "created": summary.created,
            "existing": summary.existing,
            "skipped": len(summary.skipped),
        },
    )
    return summary


async def _bill_one(
    plan: PlannedInvoice, period: Period, issue_now: IssueNow | None, summary: RunSummary
) -> int | None:
    """Create one agreement's invoice (issued too, with `issue_now`); None when it exists already."""
    try:
        invoice_id = await create_invoice(
            agreement=plan.agreement,
            period=period,
            lines=plan.lines,
            expense_ids=plan.expense_ids,
            payer_name=plan.payer_name,
            payer_email=plan.payer_email,
            issue_now=issue_now,
        )
    except InvoiceExists:
        summary.existing += 1  # another run got there first
        return None
    summary.created += 1
    summary.total_cents += plan.total_cents
    return invoice_id


async def _bill_in_batches(
    planned: list[PlannedInvoice], period: Period, issue_now: IssueNow, summary: RunSummary, progress: Progress | None
) -> None:
    """Offline: BATCH invoices per transaction, each in a savepoint of its own. An invoice that already exists
    rolls back only its savepoint; a run killed midway loses the uncommitted batch whole (numbers included), which
    the next run bills. Opening a transaction (on SQLite, a connection) per invoice cost more than the invoice."""
    for start in range(0, len(planned), BATCH):
        before = (summary.created, summary.existing, summary.total_cents)
        try:
            async with write_transaction():
                for plan in planned[start : start + BATCH]:
                    await _bill_one(plan, period, issue_now, summary)
        except BaseException:
            summary.created, summary.existing, summary.total_cents = before
            raise
        if progress is not None:
            await progress(min(start + BATCH, len(planned)), len(planned))


async def _issue_now() -> IssueNow | None:
    """With a gateway that issues without calling out (offline), each invoice is created and issued in one
    transaction; with Stripe, the calls happen between two transactions, never while one is open."""
    if not getattr(gateway.current(), "issues_locally", False):
        return None
    practice = await get_practice()
    return IssueNow(issued_on=local_today(practice.time_zone), practice_name=practice.name)


# --------------------------------------------------------------------------- runs started from the billing page


async def queue_billing_run(principal: Principal, period_text: str) -> int:
    """The billing page's button: the worker runs it and updates its progress."""
    require(principal, Action.BILLING_WRITE)
    period = parse_period(period_text)
    async with write_transaction():
        rows = await BillingRun.insert(
            BillingRun(period=str(period), status="queued", started_by=principal.user_id, created_at=utcnow())
        ).returning(BillingRun.id)
    return int(rows[0]["id"])


# A run still "running" this long after it started lost its worker (killed, or the database went away before it
# could record the failure). Running a period again is safe — it creates only what is missing — so it is queued
# again rather than left spinning on the billing page forever.
ABANDONED_RUN_AFTER = timedelta(minutes=30)


async def requeue_abandoned_runs() -> int:
    async with write_transaction():
        requeued = (
            await BillingRun.update({BillingRun.status: "queued", BillingRun.error: "restarted after an interruption"})
            .where(
                (BillingRun.status == "running")
                & (BillingRun.started_at.is_not_null())
                & (BillingRun.started_at < utcnow() - ABANDONED_RUN_AFTER)
            )
            .returning(BillingRun.id)
        )
    return len(requeued)


async def run_queued_billing_runs() -> int:
    """Called by the worker: runs every queued run, recording progress as it goes."""
    await requeue_abandoned_runs()
    done = 0
    for run in await BillingRun.select().where(BillingRun.status == "queued").order_by(BillingRun.id):
        async with write_transaction():
            claimed = (
                await BillingRun.update({BillingRun.status: "running", BillingRun.started_at: utcnow()})
                .where((BillingRun.id == run["id"]) & (BillingRun.status == "queued"))
                .returning(BillingRun.id)
            )
        if not claimed:
            continue

        written = [0]  # the last count recorded: a write every 10 invoices at most (the run reports per batch)

        async def progress(index: int, total: int, run_id: int = run["id"], written: list[int] = written) -> None:
            if index == total or index - written[0] >= 10:
                written[0] = index
                async with write_transaction():
                    await BillingRun.update({BillingRun.done: index, BillingRun.total: total}).where(
                        BillingRun.id == run_id
                    )

        try:
            summary = await run_monthly_billing(Principal.system("billing-run"), run["period"], progress=progress)
        except Exception as exc:  # the run is retried by starting it again; nothing half-written stays
            async with write_transaction():
                await BillingRun.update(
                    {
                        BillingRun.status: "failed",
                        BillingRun.error: type(exc).__name__,
                        BillingRun.finished_at: utcnow(),
                    }
                ).where(BillingRun.id == run["id"])
            continue
        async with write_transaction():
            await BillingRun.update(
                {
                    BillingRun.status: "done",
                    BillingRun.created: summary.created,
                    BillingRun.existing: summary.existing,
                    BillingRun.skipped: summary.skipped,
                    BillingRun.finished_at: utcnow(),
                }
            ).where(BillingRun.id == run["id"])
        done += 1
    return done
