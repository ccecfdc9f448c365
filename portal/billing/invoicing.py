"""Invoices: gapless numbers, lines that never carry clinical words, issuing, payments, credits, voiding.

An issued invoice is never edited: corrections are credit notes. Totals obey, in integer cents,
total = paid − refunded + credited + balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from portal.audit import services as audit
from portal.billing.money import Period, describe_minutes, overage_amount, prorated_fee
from portal.billing.tables import CreditNote, Expense, Invoice, InvoiceLine, Payment
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import is_unique_violation, write_transaction
from portal.errors import Conflict, Invalid, NotFound
from portal.policy import Action, Principal, require
from portal.settings import get_settings
from portal.templating import money
from portal.validation import Checker

PAYMENT_METHODS = {
    "check": "Check",
    "wire": "Wire transfer",
    "ach": "ACH",
    "cash": "Cash",
    "card": "Card",
    "bank": "Bank debit",
}
OFFLINE_METHODS = {"check", "wire", "ach", "cash"}
EXPENSE_LINE_TEXT = "Pass-through expenses at cost"
DUE_DAYS = 14


def retainer_description(period: Period) -> str:
    # The one description an insurer, a payer and a card processor may all see: nothing clinical.
    return f"Case management services — {period.label}"


def overage_description(period: Period, minutes: int, rate_cents: int) -> str:
    return (
        f"Additional case management time — {period.label} ({describe_minutes(minutes)} at "
        f"${rate_cents // 100:,}.{rate_cents % 100:02d}/h)"
    )


@dataclass(frozen=True)
class LineDraft:
    kind: str
    description: str
    amount_cents: int
    quantity: int = 1
    unit_amount_cents: int = 0
    service_from: date | None = None
    service_to: date | None = None


def lines_for(
    agreement: dict[str, Any], period: Period, *, overage_minutes: int, expenses: list[dict[str, Any]]
) -> list[LineDraft]:
    """The lines of one agreement's invoice for one period (pure: the caller supplies usage and expenses)."""
    start, end = agreement["start_date"], agreement["end_date"]
    fee = prorated_fee(agreement["monthly_fee_cents"], period, start, end)
    lines = [
        LineDraft(
            kind="retainer",
            description=retainer_description(period),
            amount_cents=fee,
            unit_amount_cents=fee,
            service_from=max(period.first_day, start),
            service_to=min(period.last_day, end) if end else period.last_day,
        )
    ]
    if overage_minutes > 0 and agreement["overage_rate_cents"] > 0:
        lines.append(
            LineDraft(
                kind="overage",
                description=overage_description(period, overage_minutes, agreement["overage_rate_cents"]),
                amount_cents=overage_amount(overage_minutes, agreement["overage_rate_cents"]),
                quantity=overage_minutes,
                unit_amount_cents=agreement["overage_rate_cents"],
            )
        )
    if expenses:
        total = sum(int(expense["amount_cents"]) for expense in expenses)
        lines.append(
            LineDraft(
                kind="expense",
                description=f"{EXPENSE_LINE_TEXT} — {period.label}",
                amount_cents=total,
                quantity=len(expenses),
                unit_amount_cents=total,
            )
        )
    return lines


async def _next_number() -> int:
    """Take the next invoice number inside the caller's transaction. The counter row stays locked until that
    transaction ends, so concurrent creators queue and a rolled-back invoice gives its number back: no gaps."""
    rows = await Invoice.raw(
        "UPDATE invoice_counter SET last_number = last_number + 1 WHERE id = 1 RETURNING last_number"
    )
    return int(rows[0]["last_number"])


class InvoiceExists(Conflict):
    pass


@dataclass(frozen=True)
class IssueNow:
    """Issue in the same transaction as creating: for a gateway that issues without calling out (offline)."""

    issued_on: date
    practice_name: str


async def create_invoice(
    *,
    agreement: dict[str, Any],
    period: Period,
    lines: list[LineDraft],
    expense_ids: list[int],
    payer_name: str,
    payer_email: str,
    issue_now: IssueNow | None = None,
) -> int:
    """One invoice for (agreement, period) — a second attempt raises InvoiceExists (the unique index says so).

    A draft, which `issue_invoice` then issues through the gateway; or, with `issue_now`, created open, dated and
    e-mailed to the payer in one transaction (the monthly run's offline path: one unit of work per invoice)."""
    from portal.billing import notices

    now = utcnow()
    issued_on = issue_now.issued_on if issue_now else None
    try:
        async with write_transaction():
            number = await _next_number()
            rows = await Invoice.insert(
                Invoice(
                    number=number,
                    agreement=agreement["id"],
                    client=agreement["client"],
                    period=str(period),
                    status="open" if issue_now else "draft",
                    payer_name=payer_name,
                    payer_email=payer_email,
                    payer_relative=agreement["payer_relative"],
                    issued_on=issued_on,
                    due_on=issued_on + timedelta(days=DUE_DAYS) if issued_on else None,
                    total_cents=sum(line.amount_cents for line in lines),
                    created_at=now,
                )
            ).returning(Invoice.id)
            invoice_id = int(rows[0]["id"])
            line_rows = await InvoiceLine.insert(
                *[
                    InvoiceLine(
                        invoice=invoice_id,
                        position=position,
                        kind=line.kind,
                        description=line.description,
                        quantity=line.quantity,
                        unit_amount_cents=line.unit_amount_cents,
                        amount_cents=line.amount_cents,
                        service_from=line.service_from,
                        service_to=line.service_to,
                    )
                    for position, line in enumerate(lines)
                ]
            ).returning(InvoiceLine.id, InvoiceLine.kind)
            expense_line = next((row["id"] for row in line_rows if row["kind"] == "expense"), None)
            if expense_ids and expense_line is not None:
                await Expense.update({Expense.invoice_line: expense_line}).where(Expense.id.is_in(expense_ids))
            # Issued at once, the creation and the issue are one event (detail "issued"): one append to the chain.
            await audit.record(
                Principal.system("billing"),
                "invoice.issue" if issue_now else "invoice.create",
                resource_type="invoice",
                resource_id=invoice_id,
                client_id=agreement["client"],
                detail={"number": number, "period": str(period), **({"issued": True} if issue_now else {})},
            )
            if issue_now is not None:
                await notices.email_payer_new_invoice(
                    {"payer_email": payer_email}, practice_name=issue_now.practice_name
                )
    except Exception as exc:
        if is_unique_violation(exc):
            raise InvoiceExists(f"An invoice for {period} already exists for this agreement.") from None
        raise
    return invoice_id


async def get_invoice(invoice_id: int) -> dict[str, Any]:
    row = await Invoice.select().where(Invoice.id == invoice_id).first()
    if row is None:
        raise NotFound("No such invoice.")
    return row


async def invoice_lines(invoice_id: int) -> list[dict[str, Any]]:
    return await InvoiceLine.select().where(InvoiceLine.invoice == invoice_id).order_by(InvoiceLine.position)


def balance_of(invoice: dict[str, Any]) -> int:
    if invoice["status"] in {"void", "uncollectible"}:
        return 0
    return int(invoice["total_cents"] - invoice["paid_cents"] + invoice["refunded_cents"] - invoice["credited_cents"])


async def issue_invoice(invoice_id: int) -> dict[str, Any]:
    """draft → open: dated, due in two weeks, e-mailed to the payer (a link only), sent to the gateway."""
    from portal.billing import gateway, notices

    invoice = await get_invoice(invoice_id)
    if invoice["status"] != "draft":
        return invoice
    practice = await get_practice()
    today = local_today(practice.time_zone)
    result = await gateway.current().issue(invoice, await invoice_lines(invoice_id))
    async with write_transaction():
        updated = (
            await Invoice.update(
                {
                    Invoice.status: "open",
                    Invoice.issued_on: today,
                    Invoice.due_on: today + timedelta(days=DUE_DAYS),
                    Invoice.stripe_invoice_id: result.stripe_invoice_id,
                    Invoice.stripe_hosted_url: result.hosted_url,
                }
            )
            .where((Invoice.id == invoice_id) & (Invoice.status == "draft"))
            .returning(Invoice.id)
        )
        if updated:
            await notices.email_payer_new_invoice(invoice)
            await audit.record(
                Principal.system("billing"),
                "invoice.issue",
                resource_type="invoice",
                resource_id=invoice_id,
                client_id=invoice["client"],
            )
    return await get_invoice(invoice_id)


async def apply_payment(
    invoice_id: int,
    amount_cents: int,
    *,
    method: str,
    reference: str = "",
    received_on: date,
    recorded_by: int | None = None,
    stripe_payment_intent: str = "",
    stripe_charge: str = "",
) -> int:
    """Record money received and move the invoice to paid when nothing is left (call in a transaction)."""
    invoice = await get_invoice(invoice_id)
    rows = await Payment.insert(
        Payment(
            invoice=invoice_id,
            amount_cents=amount_cents,
            method=method,
            reference=reference,
            received_on=received_on,
            stripe_payment_intent=stripe_payment_intent,
            stripe_charge=stripe_charge,
            recorded_by=recorded_by,
            created_at=utcnow(),
        )
    ).returning(Payment.id)
    paid = int(invoice["paid_cents"]) + amount_cents
    changes: dict[Any, Any] = {Invoice.paid_cents: paid}
    after = {**invoice, "paid_cents": paid}
    if balance_of(after) <= 0 and invoice["status"] in {"open", "draft"}:
        changes.update({Invoice.status: "paid", Invoice.paid_at: utcnow(), Invoice.past_due_since: None})
    await Invoice.update(changes).where(Invoice.id == invoice_id)
    return int(rows[0]["id"])


async def record_offline_payment(principal: Principal, invoice_id: int, data: dict[str, Any]) -> int:
    """Billing staff record a check, wire, ACH or cash payment with its reference and date."""
    require(principal, Action.BILLING_WRITE)
    c = Checker(data)
    amount = c.integer("amount_cents", required=True, minimum=1, maximum=100_000_000, label="Amount")
    method = c.choice("method", OFFLINE_METHODS, label="Method")
    reference = c.text("reference", max_length=120, label="Reference")
    received_on = c.date("received_on", required=True, label="Date received")
    c.done()
    assert amount is not None and received_on is not None
    async with write_transaction():
        invoice = await get_invoice(invoice_id)
        if invoice["status"] not in {"open"}:
            raise Conflict(f"A payment can only be recorded against an open invoice (this one is {invoice['status']}).")
        if amount > balance_of(invoice):
            raise Invalid(amount_cents=f"More than the balance of {money(balance_of(invoice))}.")
        payment_id = await apply_payment(
            invoice_id,
            amount,
            method=method,
            reference=reference,
            received_on=received_on,
            recorded_by=principal.user_id,
        )
        await audit.record(
            principal,
            "payment.record",
            resource_type="invoice",
            resource_id=invoice_id,
            client_id=invoice["client"],
            detail={"payment_id": payment_id, "method": method},
        )
    return payment_id


async def add_credit_note(principal: Principal, invoice_id: int, amount_cents: int, reason: str) -> int:
    require(principal, Action.BILLING_WRITE)
    c = Checker({"amount_cents": amount_cents, "reason": reason})
    amount = c.integer("amount_cents", required=True, minimum=1, label="Amount")
    reason = c.text("reason", required=True, max_length=300, label="Reason")
    c.done()
    assert amount is not None
    async with write_transaction():
        invoice = await get_invoice(invoice_id)
        if invoice["status"] not in {"open", "paid"}:
            raise Conflict("Only an issued invoice can be credited.")
        if invoice["status"] == "open" and amount > balance_of(invoice):
            raise Invalid(amount_cents="A credit cannot exceed the balance of an open invoice.")
        rows = await CreditNote.insert(
            CreditNote(
                invoice=invoice_id,
                amount_cents=amount,
                reason=reason,
                created_by=principal.user_id,
                created_at=utcnow(),
            )
        ).returning(CreditNote.id)
        credited = int(invoice["credited_cents"]) + amount
        changes: dict[Any, Any] = {Invoice.credited_cents: credited}
        if invoice["status"] == "open" and balance_of({**invoice, "credited_cents": credited}) <= 0:
            changes.update({Invoice.status: "paid", Invoice.paid_at: utcnow()})
        await Invoice.update(changes).where(Invoice.id == invoice_id)
        await audit.record(
            principal,
            "invoice.credit",
            resource_type="invoice",
            resource_id=invoice_id,
            client_id=invoice["client"],
            detail={"credit_note": rows[0]["id"]},
        )
    return int(rows[0]["id"])


async def void_invoice(principal: Principal, invoice_id: int) -> None:
    from portal.billing import gateway

    require(principal, Action.BILLING_WRITE)
    invoice = await get_invoice(invoice_id)
    if invoice["status"] not in {"draft", "open"} or invoice["paid_cents"] > 0:
        raise Conflict("Only an unpaid draft or open invoice can be voided; credit a paid one instead.")
    # Also without a Stripe id: an issue that failed half-way may have left a Stripe draft, which the gateway removes.
    await gateway.current().void(invoice)
    async with write_transaction():
        await Invoice.update({Invoice.status: "void", Invoice.voided_at: utcnow()}).where(Invoice.id == invoice_id)
        await audit.record(
            principal, "invoice.void", resource_type="invoice", resource_id=invoice_id, client_id=invoice["client"]
        )


async def mark_uncollectible(principal: Principal, invoice_id: int) -> None:
    require(principal, Action.BILLING_DECIDE)
    async with write_transaction():
        invoice = await get_invoice(invoice_id)
        if invoice["status"] != "open":
            raise Conflict("Only an open invoice can be written off.")
        await Invoice.update({Invoice.status: "uncollectible"}).where(Invoice.id == invoice_id)
        await audit.record(
            principal,
            "invoice.uncollectible",
            resource_type="invoice",
            resource_id=invoice_id,
            client_id=invoice["client"],
        )


def invoice_link(invoice_id: int) -> str:
    return f"{get_settings().base_url}/family/billing/invoices/{invoice_id}"
