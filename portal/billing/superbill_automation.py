"""Monthly automation: once a month's invoice is paid in full, its superbill is issued and the payer told that a
new superbill is ready in the portal (the e-mail names no client and nothing clinical).

A worker job, idempotent: it looks for paid invoices of ended months (paid in the last 90 days) whose client has
insurance on file and has no issued superbill for that month, and issues one with a system principal. Issuing
is guarded by the superbill's own unique constraints, so two workers never issue or e-mail twice. A refusal
(a missing NPI, a name that does not match the card …) becomes one BillingNotice for billing staff, with every
reason; it is retried at most once a day, updating that notice rather than adding another, and resolved once
the superbill is issued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from portal.billing.money import Period
from portal.billing.superbills import SuperbillAlreadyIssued, SuperbillRefused, issue_superbill
from portal.billing.tables import BillingNotice, ClientInsurance, Invoice, Superbill
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.mail import services as mail
from portal.policy import Principal
from portal.settings import get_settings

log = logging.getLogger("portal.billing.superbill_automation")

NOTICE_KIND = "superbill_refused"
RETRY_AFTER = timedelta(days=1)
LOOK_BACK = timedelta(days=90)


@dataclass
class AutomationReport:
    issued: int = 0
    refused: int = 0


async def _candidates() -> list[dict[str, Any]]:
    """(client, period, invoice, payer e-mail) of paid invoices of ended months with no issued superbill yet."""
    today = local_today((await get_practice()).time_zone)
    insured = ClientInsurance.select(ClientInsurance.client)
    rows = (
        await Invoice.select(Invoice.id, Invoice.client, Invoice.period, Invoice.payer_email)
        .where(
            (Invoice.status == "paid")
            & (Invoice.paid_at >= utcnow() - LOOK_BACK)
            & Invoice.client.is_in(insured)
            & (Invoice.period < f"{today.year:04d}-{today.month:02d}")  # the month has ended
        )
        .order_by(Invoice.id)
    )
    if not rows:
        return []
    issued = {
        (row["client"], row["period"])
        for row in await Superbill.select(Superbill.client, Superbill.period).where(
            Superbill.client.is_in(sorted({row["client"] for row in rows})) & (Superbill.status == "issued")
        )
    }
    seen: set[tuple[int, str]] = set()
    result = []
    for row in rows:
        key = (row["client"], row["period"])
        if key in issued or key in seen:
            continue
        seen.add(key)
        result.append(row)
    return result


async def _open_notices(invoice_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = await BillingNotice.select().where(
        BillingNotice.invoice.is_in(invoice_ids or [-1])
        & (BillingNotice.kind == NOTICE_KIND)
        & BillingNotice.resolved_at.is_null()
    )
    return {row["invoice"]: row for row in rows}


async def issue_paid_superbills() -> AutomationReport:
    """The worker job: issue the superbills of months paid in full, notify payers, record refusals once."""
    report = AutomationReport()
    candidates = await _candidates()
    if not candidates:
        return report
    notices = await _open_notices([row["id"] for row in candidates])
    system = Principal.system("superbill-automation")
    for row in candidates:
        notice = notices.get(row["id"])
        if notice is not None and notice["created_at"] > utcnow() - RETRY_AFTER:
            continue  # refused recently: staff have the notice; try again tomorrow
        try:
            await issue_superbill(system, row["client"], row["period"])
        except SuperbillAlreadyIssued:
            continue  # another worker was first
        except SuperbillRefused as exc:
            report.refused += 1
            await _record_refusal(row, exc.problems, notice)
            continue
        report.issued += 1
        async with write_transaction():
            if notice is not None:
                await BillingNotice.update(
                    {BillingNotice.resolved_at: utcnow(), BillingNotice.resolution: "Superbill issued."}
                ).where(BillingNotice.id == notice["id"])
            if row["payer_email"]:
                await _email_payer(row["payer_email"])
    return report


async def _record_refusal(row: dict[str, Any], problems: list[str], notice: dict[str, Any] | None) -> None:
    label = Period.parse(row["period"]).label
    message = f"The superbill for {label} could not be issued: " + " ".join(problems)
    async with write_transaction():
        if notice is None:
            await BillingNotice.insert(
                BillingNotice(invoice=row["id"], kind=NOTICE_KIND, message=message, created_at=utcnow())
            )
        else:
            await BillingNotice.update({BillingNotice.message: message, BillingNotice.created_at: utcnow()}).where(
                BillingNotice.id == notice["id"]
            )


async def _email_payer(email: str) -> None:
    practice = await get_practice()
    link = f"{get_settings().base_url}/family/billing/superbills"
    await mail.enqueue(
        email,
        f"A new superbill is ready — {practice.name}",
        "A new superbill is ready in the portal, for you to send to your insurance plan.\n\n"
        f"Sign in to download it:\n{link}\n",
    )
