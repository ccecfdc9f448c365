"""Retainer hours: per client and month, used / included / rolled over / remaining, and the 80 % and 100 %
alerts that go out before overage accrues.

The figures come from the same arithmetic as the monthly run (money.hours_balances over billable time
entries), so what a case manager or payer sees is what the invoice will bill. Nothing here carries money:
case managers see hours, never fees or rates; and, when one of the client's invoices is past due, since when
(not how much), so they know why billing staff may call the family.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from portal.billing.money import HoursBalance, Period, describe_minutes, hours_balances
from portal.billing.run import archived_clients, payers_of, usage_by_client_month
from portal.billing.tables import HoursAlert, Invoice, RetainerAgreement
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import is_unique_violation, write_transaction
from portal.mail import services as mail
from portal.policy import Principal
from portal.settings import get_settings

THRESHOLDS = (80, 100)
# Agreements whose hours count: billed ones (an ended agreement still bills its last months).
COUNTING_STATUSES = ("active", "ended")


@dataclass(frozen=True)
class MonthHours:
    """One client's retainer time in one month, in minutes (no money)."""

    period: Period
    included: int
    rolled_over: int
    used: int
    has_included_hours: bool
    past_due_since: date | None = None  # the earliest due date of the client's unpaid, overdue invoices

    @classmethod
    def of(cls, balance: HoursBalance, has_included_hours: bool) -> MonthHours:
        return cls(balance.period, balance.included, balance.rolled_over, balance.used, has_included_hours)

    @property
    def available(self) -> int:
        return self.included + self.rolled_over

    @property
    def remaining(self) -> int:
        return max(0, self.available - self.used)

    @property
    def beyond(self) -> int:
        """Minutes beyond included and rolled-over time (what the invoice bills as additional time)."""
        return max(0, self.used - self.available) if self.has_included_hours else 0

    @property
    def percent_used(self) -> int:
        if self.available == 0:
            return 100 if self.used else 0
        return self.used * 100 // self.available

    @property
    def level(self) -> str:
        """ok, warn (80 % or more) or over (100 % or more): for the card's colour and wording."""
        if not self.has_included_hours:
            return "ok"
        return "over" if self.percent_used >= 100 else "warn" if self.percent_used >= 80 else "ok"

    def describe(self, minutes: int) -> str:
        return describe_minutes(minutes)


def agreement_in_force(agreements: list[dict[str, Any]], period: Period) -> dict[str, Any] | None:
    """The agreement whose hours count in `period` (the latest one starting by its end)."""
    candidates = [
        a
        for a in agreements
        if a["status"] in COUNTING_STATUSES
        and a["start_date"] <= period.last_day
        and (a["end_date"] is None or a["end_date"] >= period.first_day)
    ]
    return max(candidates, key=lambda a: (a["start_date"], a["id"]), default=None)


def month_hours(agreement: dict[str, Any], used_by_period: dict[Period, int], period: Period) -> MonthHours:
    balances = hours_balances(
        start=agreement["start_date"],
        end=agreement["end_date"],
        included_minutes=agreement["included_minutes"],
        rollover_max_minutes=agreement["rollover_max_minutes"],
        used_by_period=used_by_period,
        through=period,
    )
    return MonthHours.of(balances[-1], agreement["included_minutes"] is not None)


async def client_hours(
    client_id: int, period: Period | None = None, *, with_past_due: bool = True
) -> MonthHours | None:
    """The client's retainer hours for `period` (this month by default); None without an agreement in force.
    With `with_past_due`, also since when one of the client's invoices has been past due (for the staff side).

    No policy check here: callers decide who may see hours (the client overview for its case managers,
    `hours_for_payer` for a paying relative)."""
    today = local_today((await get_practice()).time_zone)
    if period is None:
        period = Period.of(today)
    agreements = await RetainerAgreement.select(
        RetainerAgreement.id,
        RetainerAgreement.status,
        RetainerAgreement.start_date,
        RetainerAgreement.end_date,
        RetainerAgreement.included_minutes,
        RetainerAgreement.rollover_max_minutes,
    ).where(RetainerAgreement.client == client_id)
    agreement = agreement_in_force(agreements, period)
    if agreement is None:
        return None
    usage = await usage_by_client_month([client_id], agreement["start_date"], period.last_day)
    hours = month_hours(agreement, usage.get(client_id, {}), period)
    if with_past_due:
        overdue = (
            await Invoice.select(Invoice.due_on)
            .where((Invoice.client == client_id) & (Invoice.status == "open") & (Invoice.due_on < today))
            .order_by(Invoice.due_on)
            .first()
        )
        if overdue is not None:
            hours = replace(hours, past_due_since=overdue["due_on"])
    return hours


async def hours_for_payer(principal: Principal, client_id: int, period: Period | None = None) -> MonthHours | None:
    """For the family side: the hours of a client whose invoices this relative pays and may see (a grant with
    billing access, and for an adult client a release covering billing: hours tell how much care there was).
    The disclosure is recorded. Anyone else gets NotFound, as for a client that does not exist."""
    from portal.errors import NotFound
    from portal.families.access import passes_consent_gate, require_family_part

    link = await require_family_part(principal, client_id, "billing")
    if not link.is_payer:
        raise NotFound("Not found.")
    hours = await client_hours(client_id, period, with_past_due=False)  # the billing page shows what is due
    if hours is None:
        return None
    if not await passes_consent_gate(
        principal, link, "billing", record=True, resource_type="retainer_hours", resource_id=str(hours.period)
    ):
        raise NotFound("Not found.")
    return hours


# --------------------------------------------------------------------------- alerts at 80 % and 100 %


def first_name(client: dict[str, Any]) -> str:
    return str(client.get("preferred_name") or str(client.get("legal_name") or "").split(" ")[0] or "The client")


async def email_payer_billing_notice(email: str) -> None:
    """Content-free, like every family e-mail: no name, no hours, no amount."""
    practice = await get_practice()
    link = f"{get_settings().base_url}/family/billing"
    await mail.enqueue(
        email,
        f"You have a new billing notice from {practice.name}",
        f"You have a new billing notice from {practice.name}.\n\nSign in to read it:\n{link}\n",
    )


async def _warn_case_manager(client: dict[str, Any], case_manager_id: int, hours: MonthHours, threshold: int) -> None:
    from portal.cases import tasks

    name = first_name(client)
    title = f"{name} has used {threshold} % of included hours"
    details = (
        f"{hours.describe(hours.used)} used of {hours.describe(hours.available)} available in {hours.period.label}"
        + (f" ({hours.describe(hours.rolled_over)} rolled over)" if hours.rolled_over else "")
        + ". Time beyond the included hours is billed to the family as additional time; the payer has been told "
        "that a billing notice is waiting."
    )
    await tasks.create_task(
        Principal.system("billing-hours"),
        {
            "title": title,
            "details": details,
            "due_on": local_today((await get_practice()).time_zone).isoformat(),
            "priority": "high" if threshold >= 100 else "normal",
            "assignee": case_manager_id,
        },
        client_id=int(client["id"]),
    )


async def check_hours_alerts(today: date | None = None) -> int:
    """Called by the worker: for every active agreement with included hours, record and send the 80 % and
    100 % alerts of this month that are due and not yet sent. Returns how many clients were alerted.

    Each (client, month, threshold) alert is a row under a unique index, written in the same transaction as
    the case manager's task and the payer's e-mail: it goes out once, even with several workers."""
    from portal.cases.clients import primary_case_managers
    from portal.cases.tables import Client

    practice = await get_practice()
    today = today or local_today(practice.time_zone)
    period = Period.of(today)
    agreements = await RetainerAgreement.select().where(
        (RetainerAgreement.status == "active")
        & RetainerAgreement.included_minutes.is_not_null()
        & (RetainerAgreement.start_date <= today)
        & (RetainerAgreement.end_date.is_null() | (RetainerAgreement.end_date >= today))
    )
    archived = await archived_clients([a["client"] for a in agreements])  # hidden everywhere: no alert either
    by_client: dict[int, dict[str, Any]] = {}
    for agreement in agreements:
        if agreement["client"] not in archived:
            by_client.setdefault(agreement["client"], agreement)
    if not by_client:
        return 0
    sent = {
        (row["client"], row["threshold"])
        for row in await HoursAlert.select(HoursAlert.client, HoursAlert.threshold).where(
            (HoursAlert.period == str(period)) & HoursAlert.client.is_in(list(by_client))
        )
    }
    earliest = min(a["start_date"] for a in by_client.values())
    usage = await usage_by_client_month(list(by_client), earliest, period.last_day)
    due: list[tuple[dict[str, Any], MonthHours, list[int]]] = []
    for client_id, agreement in by_client.items():
        hours = month_hours(agreement, usage.get(client_id, {}), period)
        if hours.available == 0:
            continue
        reached = [t for t in THRESHOLDS if hours.percent_used >= t and (client_id, t) not in sent]
        if reached:
            due.append((agreement, hours, reached))
    if not due:
        return 0
    client_ids = [int(agreement["client"]) for agreement, _, _ in due]
    clients = {
        row["id"]: row
        for row in await Client.select(Client.id, Client.legal_name, Client.preferred_name).where(
            Client.id.is_in(client_ids)
        )
    }
    case_managers = await primary_case_managers(client_ids)
    payers = await payers_of([agreement for agreement, _, _ in due])
    alerted = 0
    for agreement, hours, reached in due:
        client_id = int(agreement["client"])
        try:
            async with write_transaction():
                now = utcnow()
                for threshold in reached:
                    await HoursAlert.insert(
                        HoursAlert(client=client_id, period=str(period), threshold=threshold, created_at=now)
                    )
                # One message for the highest threshold reached: a jump from 50 % to 110 % is one notice.
                case_manager = case_managers.get(client_id)
                if case_manager is not None:
                    await _warn_case_manager(clients[client_id], int(case_manager["id"]), hours, max(reached))
                _, email = payers[agreement["id"]]
                if email:
                    await email_payer_billing_notice(email)
        except Exception as exc:
            if is_unique_violation(exc):
                continue  # another worker sent it
            raise
        alerted += 1
    return alerted
