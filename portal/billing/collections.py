"""Collecting what is owed: failed payments, the retry schedule, "past due", and asking the owner to decide.

A failed payment (a declined autopay charge, or a card refused on Stripe's page) counts an attempt, marks the
invoice past due from that day, schedules the next attempt (3, 5, then 7 days later) and tells the payer, in a
line without anything about the client. An invoice past due for OWNER_DECISION_AFTER_DAYS days puts one
notice in front of the owner, who decides: keep collecting, arrange a plan, or write it off (the number of days is
a billing setting, `owner_decision_after_days`; OWNER_DECISION_AFTER_DAYS is its default).
`collect_past_due()` is the periodic job (the worker's) that marks overdue invoices, runs due retries and
raises owner notices when no webhook comes along to do it.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from portal.audit import services as audit
from portal.billing import notices
from portal.billing.profile import DEFAULT_OWNER_DECISION_DAYS, get_profile
from portal.billing.tables import BillingNotice, Invoice
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.policy import Principal

log = logging.getLogger("portal.billing.collections")

RETRY_AFTER_DAYS = (3, 5, 7)  # after the 1st, 2nd and 3rd failed attempt; none after that
OWNER_DECISION_AFTER_DAYS = DEFAULT_OWNER_DECISION_DAYS
PAYMENT_FAILED_SUBJECT = "Your payment did not go through"
PAYMENT_FAILED_LINE = (
    "A payment for your invoice {number} could not be completed. Please check your payment details; "
    "we will try again on {retry}."
)
PAYMENT_FAILED_LAST_LINE = (
    "A payment for your invoice {number} could not be completed. Please check your payment details."
)
REMINDER_SUBJECT = "A reminder about your invoice"
REMINDER_LINE = "Your invoice {number} is past due."
OWNER_DECISION = "owner_decision"


def next_attempt_after(attempts: int) -> timedelta | None:
    """How long after the `attempts`-th failed attempt the next one is made (None: no more automatic attempts)."""
    if 1 <= attempts <= len(RETRY_AFTER_DAYS):
        return timedelta(days=RETRY_AFTER_DAYS[attempts - 1])
    return None


async def record_failed_payment(invoice: dict[str, Any], *, event_id: str) -> None:
    """A payment attempt failed (call in the webhook's transaction). Paid, void and written-off invoices are
    left alone: a late failure event cannot undo a payment."""
    if invoice["status"] not in {"draft", "open"}:
        return
    practice = await get_practice()
    today = local_today(practice.time_zone)
    attempts = int(invoice["payment_attempts"]) + 1
    delay = next_attempt_after(attempts)
    next_at = utcnow() + delay if delay else None
    past_due_since = invoice["past_due_since"] or today
    await Invoice.update(
        {
            Invoice.payment_attempts: attempts,
            Invoice.past_due_since: past_due_since,
            Invoice.next_payment_attempt_at: next_at,
        }
    ).where(Invoice.id == invoice["id"])
    number = f"#{invoice['number']}"
    if next_at is not None:
        retry_on = next_at.astimezone(ZoneInfo(practice.time_zone)).date()
        line = PAYMENT_FAILED_LINE.format(number=number, retry=f"{retry_on:%B} {retry_on.day}, {retry_on.year}")
    else:
        line = PAYMENT_FAILED_LAST_LINE.format(number=number)
    await notices.email_payer(invoice["payer_email"], PAYMENT_FAILED_SUBJECT, line)
    await audit.record(
        Principal.system("stripe"),
        "invoice.payment_failed",
        resource_type="invoice",
        resource_id=invoice["id"],
        client_id=invoice["client"],
        detail={"attempts": attempts, "event": event_id},
    )
    await ask_owner_when_long_past_due({**invoice, "past_due_since": past_due_since}, today)


async def owner_decision_after_days() -> int:
    """The billing setting: days past due before the owner is asked to decide."""
    return (await get_profile()).owner_decision_after_days


async def ask_owner_when_long_past_due(invoice: dict[str, Any], today: date, after_days: int | None = None) -> bool:
    """One notice asking the owner to decide, once the invoice has been past due long enough (in a transaction)."""
    since = invoice["past_due_since"]
    if since is None or invoice["status"] not in {"draft", "open"} or invoice["owner_decision_requested_at"]:
        return False
    days = (today - since).days
    if days < (after_days if after_days is not None else await owner_decision_after_days()):
        return False
    claimed = (
        await Invoice.update({Invoice.owner_decision_requested_at: utcnow()})
        .where((Invoice.id == invoice["id"]) & Invoice.owner_decision_requested_at.is_null())
        .returning(Invoice.id)
    )
    if not claimed:
        return False
    await BillingNotice.insert(
        BillingNotice(
            invoice=invoice["id"],
            kind=OWNER_DECISION,
            message=(
                f"Invoice #{invoice['number']} has been past due since {since.isoformat()} ({days} days, "
                f"{invoice['payment_attempts']} failed payment attempts). Decide whether to keep collecting, "
                "arrange a payment plan or write it off."
            ),
            created_at=utcnow(),
        )
    )
    return True


async def collect_past_due() -> dict[str, int]:
    """The periodic job: mark overdue invoices past due, make the scheduled attempts, ask the owner when due."""
    from portal.billing import gateway

    practice = await get_practice()
    today = local_today(practice.time_zone)
    counts = {"past_due": 0, "charged": 0, "reminders": 0, "owner_notices": 0}
    async with write_transaction():
        marked = (
            await Invoice.update({Invoice.past_due_since: Invoice.due_on})
            .where((Invoice.status == "open") & Invoice.past_due_since.is_null() & (Invoice.due_on < today))
            .returning(Invoice.id)
        )
        counts["past_due"] = len(marked)
    due = await Invoice.select().where(
        (Invoice.status == "open")
        & Invoice.next_payment_attempt_at.is_not_null()
        & (Invoice.next_payment_attempt_at <= utcnow())
    )
    for invoice in due:
        async with write_transaction():
            claimed = (
                await Invoice.update({Invoice.next_payment_attempt_at: None})
                .where(
                    (Invoice.id == invoice["id"])
                    & (Invoice.next_payment_attempt_at == invoice["next_payment_attempt_at"])
                )
                .returning(Invoice.id)
            )
        if not claimed:
            continue  # another worker took it
        paid = False
        try:
            paid = await gateway.current().charge_saved_method(invoice)
        except Exception as exc:  # the attempt is lost, not the job: the payer is reminded instead
            log.warning("scheduled payment attempt failed", extra={"error_type": type(exc).__name__})
        if paid:
            counts["charged"] += 1
            continue
        async with write_transaction():
            await notices.email_payer(
                invoice["payer_email"], REMINDER_SUBJECT, REMINDER_LINE.format(number=f"#{invoice['number']}")
            )
        counts["reminders"] += 1
    after_days = await owner_decision_after_days()
    for invoice in await Invoice.select().where(
        (Invoice.status == "open")
        & (Invoice.past_due_since <= today - timedelta(days=after_days))
        & Invoice.owner_decision_requested_at.is_null()
    ):
        async with write_transaction():
            if await ask_owner_when_long_past_due(invoice, today, after_days):
                counts["owner_notices"] += 1
    return counts
