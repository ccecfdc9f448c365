"""Stripe webhooks: verify, then record the event id and apply the event in one transaction.

The signature is checked on the raw body with PORTAL_STRIPE_WEBHOOK_SECRET and a 300-second tolerance; anything
unsigned, mis-signed or stale is refused before the database is touched. The event id goes into `stripe_events`
(unique) in the same transaction that applies the event: a second delivery finds it there and changes nothing,
and two deliveries at the same moment queue on the unique index, so one applies and the other finds it done.
If applying fails, the id is rolled back with it and Stripe's next delivery tries again.

Events arrive late, twice and out of order, so each handler moves an invoice only forward: a payment is
recorded as "what Stripe says was paid minus what we have already recorded"; a late failure or void cannot
reopen a paid invoice; `invoice.paid` for an invoice we have not yet marked open still ends it paid.
Handlers are plain functions of the event dict, testable without HTTP.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import stripe

from portal.audit import services as audit
from portal.billing import collections, refunds
from portal.billing.invoicing import DUE_DAYS, apply_payment
from portal.billing.tables import Invoice, Payment, StripeCall, StripeCustomer, StripeEvent
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import is_sqlite, write_transaction
from portal.policy import Principal
from portal.settings import get_settings

log = logging.getLogger("portal.billing.webhooks")

SIGNATURE_TOLERANCE_SECONDS = 300
STRIPE = Principal.system("stripe")


class BadWebhook(Exception):
    """Not a genuine, fresh Stripe event: answered 400, nothing changes."""


def verify(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, if `payload` carries a valid Stripe signature made within the tolerance; else BadWebhook."""
    secret = get_settings().stripe_webhook_secret
    if not secret:
        raise BadWebhook("Stripe webhooks are not configured.")
    try:
        stripe.Webhook.construct_event(payload, signature, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError):  # ValueError: not UTF-8, not JSON
        raise BadWebhook("The signature is missing, invalid or too old.") from None
    data = event.get("data") if isinstance(event, dict) else None
    if not (
        isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(data, dict)
        and isinstance(data.get("object"), dict)
    ):
        raise BadWebhook("Not a Stripe event.")
    return event


async def receive(payload: bytes, signature: str | None) -> str:
    return await process_event(verify(payload, signature))


async def process_event(event: dict[str, Any]) -> str:
    """Apply a verified event once: "applied", "ignored" (a type or object we do not act on) or "duplicate"."""
    obj: dict[str, Any] = event["data"]["object"]
    async with write_transaction():
        first_time = (
            await StripeEvent.insert(
                StripeEvent(
                    event_id=event["id"][:100],
                    event_type=event["type"][:80],
                    stripe_object_id=str(obj.get("id") or "")[:100],
                    received_at=utcnow(),
                )
            )
            .on_conflict(target=StripeEvent.event_id, action="DO NOTHING")
            .returning(StripeEvent.id)
        )
        if not first_time:
            return "duplicate"
        handler = HANDLERS.get(event["type"])
        if handler is None:
            return "ignored"
        applied = await handler(event, obj)
    return "applied" if applied else "ignored"


# --------------------------------------------------------------------------- finding our records


async def _locked_invoice(invoice_id: int) -> dict[str, Any] | None:
    """The invoice, locked for the rest of the transaction on PostgreSQL (SQLite writers are serialised anyway),
    so two different events about one invoice apply one after the other."""
    query = Invoice.select().where(Invoice.id == invoice_id)
    return await (query if is_sqlite() else query.lock_rows()).first()


async def _invoice_for(stripe_invoice: dict[str, Any] | str) -> dict[str, Any] | None:
    """Our invoice for a Stripe invoice (object or id): by our id in its metadata, else by its Stripe id."""
    stripe_id = stripe_invoice if isinstance(stripe_invoice, str) else str(stripe_invoice.get("id") or "")
    metadata = {} if isinstance(stripe_invoice, str) else (stripe_invoice.get("metadata") or {})
    portal_id = str(metadata.get("portal_invoice_id") or "")
    invoice_id: int | None = int(portal_id) if portal_id.isdigit() and int(portal_id) < 2**31 else None
    if invoice_id is None and stripe_id:
        row = await Invoice.select(Invoice.id).where(Invoice.stripe_invoice_id == stripe_id).first()
        invoice_id = int(row["id"]) if row else await _invoice_id_from_create_call(stripe_id)
    if invoice_id is None:
        return None
    invoice = await _locked_invoice(invoice_id)
    if invoice is not None and invoice["stripe_invoice_id"] and invoice["stripe_invoice_id"] != stripe_id:
        log.warning("webhook names an invoice issued under another Stripe id", extra={"invoice": invoice_id})
        return None
    return invoice


async def _invoice_id_from_create_call(stripe_id: str) -> int | None:
    """Before issuing has recorded the Stripe id on our invoice, the create call's key knows whose it is."""
    row = (
        await StripeCall.select(StripeCall.idempotency_key)
        .where((StripeCall.purpose == "invoice.create") & (StripeCall.object_id == stripe_id))
        .first()
    )
    match = re.fullmatch(r"portal-invoice-(\d+)-create", str(row["idempotency_key"])) if row else None
    return int(match.group(1)) if match else None


def _payment_ids(payment: dict[str, Any]) -> tuple[str, str]:
    """(payment intent, charge) of an InvoicePayment's `payment`."""
    intent, charge = payment.get("payment_intent"), payment.get("charge")
    intent = intent.get("id") if isinstance(intent, dict) else intent
    charge = charge.get("id") if isinstance(charge, dict) else charge
    return str(intent or ""), str(charge or "")


def _invoice_payment_ids(stripe_invoice: dict[str, Any]) -> tuple[str, str]:
    """The paying payment intent and charge: from `payments` when Stripe included it (API 2025-03-31 and later),
    else from the older `payment_intent` / `charge` fields; ("", "") when the event carries neither."""
    payments = stripe_invoice.get("payments")
    if isinstance(payments, dict):
        for item in payments.get("data") or []:
            if isinstance(item, dict) and item.get("status") == "paid" and isinstance(item.get("payment"), dict):
                return _payment_ids(item["payment"])
    return _payment_ids(stripe_invoice)


async def _local_date(timestamp: Any) -> Any:
    practice = await get_practice()
    if isinstance(timestamp, int) and timestamp > 0:
        return datetime.fromtimestamp(timestamp, UTC).astimezone(ZoneInfo(practice.time_zone)).date()
    return local_today(practice.time_zone)


async def _stripe_paid_cents(invoice_id: int) -> int:
    rows = await Payment.select(Payment.amount_cents).where(
        (Payment.invoice == invoice_id) & Payment.method.is_in(sorted(refunds.STRIPE_METHODS))
    )
    return sum(int(row["amount_cents"]) for row in rows)


# --------------------------------------------------------------------------- handlers


async def _adopt_if_still_draft(invoice: dict[str, Any], stripe_invoice: dict[str, Any]) -> None:
    """Stripe finished the invoice before our issue step committed "open": record what issuing would have."""
    if invoice["status"] != "draft":
        return
    issued_on = await _local_date((stripe_invoice.get("status_transitions") or {}).get("finalized_at"))
    await Invoice.update(
        {
            Invoice.stripe_invoice_id: str(stripe_invoice.get("id") or ""),
            Invoice.stripe_hosted_url: str(stripe_invoice.get("hosted_invoice_url") or "")[:500],
            Invoice.issued_on: invoice["issued_on"] or issued_on,
            Invoice.due_on: invoice["due_on"] or issued_on + timedelta(days=DUE_DAYS),
        }
    ).where(Invoice.id == invoice["id"])


async def invoice_paid(event: dict[str, Any], obj: dict[str, Any]) -> bool:
    invoice = await _invoice_for(obj)
    if invoice is None or invoice["status"] == "void":
        return False
    await _adopt_if_still_draft(invoice, obj)
    intent, charge = _invoice_payment_ids(obj)
    already = intent and await Payment.exists().where(
        (Payment.invoice == invoice["id"]) & (Payment.stripe_payment_intent == intent)
    )
    amount = int(obj.get("amount_paid") or 0) - await _stripe_paid_cents(invoice["id"])
    if amount > 0 and not already:
        await apply_payment(
            invoice["id"],
            amount,
            method="card",
            reference=str(obj.get("number") or "")[:120],
            received_on=await _local_date((obj.get("status_transitions") or {}).get("paid_at")),
            stripe_payment_intent=intent,
            stripe_charge=charge,
        )
    # Stripe's word settles it (a credit in the portal may make our balance differ): the invoice is paid.
    await Invoice.update(
        {Invoice.status: "paid", Invoice.past_due_since: None, Invoice.next_payment_attempt_at: None}
    ).where((Invoice.id == invoice["id"]) & Invoice.status.is_in(["draft", "open", "uncollectible"]))
    await Invoice.update({Invoice.paid_at: utcnow()}).where((Invoice.id == invoice["id"]) & Invoice.paid_at.is_null())
    await _audit("invoice.paid", invoice, event, amount_cents=max(amount, 0))
    return True


async def invoice_payment_paid(event: dict[str, Any], obj: dict[str, Any]) -> bool:
    """One payment toward an invoice, with its payment intent: the ids refunds need."""
    stripe_invoice = obj.get("invoice")
    if isinstance(stripe_invoice, dict):
        stripe_invoice = str(stripe_invoice.get("id") or "")
    if not isinstance(stripe_invoice, str) or not stripe_invoice:
        return False
    invoice = await _invoice_for(stripe_invoice)
    intent, charge = _payment_ids(obj.get("payment") or {})
    amount = int(obj.get("amount_paid") or 0)
    if invoice is None or invoice["status"] == "void" or amount <= 0 or not (intent or charge):
        return False
    same = Payment.stripe_payment_intent == intent if intent else Payment.stripe_charge == charge
    if await Payment.exists().where((Payment.invoice == invoice["id"]) & same):
        return False
    unlabelled = (
        await Payment.select(Payment.id)
        .where(
            (Payment.invoice == invoice["id"])
            & Payment.method.is_in(sorted(refunds.STRIPE_METHODS))
            & (Payment.stripe_payment_intent == "")
            & (Payment.stripe_charge == "")
            & (Payment.amount_cents == amount)
        )
        .first()
    )
    if unlabelled is not None:  # invoice.paid came first and recorded it without the ids
        await Payment.update({Payment.stripe_payment_intent: intent, Payment.stripe_charge: charge}).where(
            Payment.id == unlabelled["id"]
        )
        return True
    await apply_payment(
        invoice["id"],
        amount,
        method="card",
        received_on=await _local_date((obj.get("status_transitions") or {}).get("paid_at")),
        stripe_payment_intent=intent,
        stripe_charge=charge,
    )
    await _audit("invoice.payment", invoice, event, amount_cents=amount)
    return True


async def invoice_payment_failed(event: dict[str, Any], obj: dict[str, Any]) -> bool:
    invoice = await _invoice_for(obj)
    if invoice is None or invoice["status"] not in {"draft", "open"}:
        return False  # a late failure never reopens a paid, void or written-off invoice
    await collections.record_failed_payment(invoice, event_id=event["id"])
    return True


async def invoice_voided(event: dict[str, Any], obj: dict[str, Any]) -> bool:
    invoice = await _invoice_for(obj)
    if invoice is None or invoice["status"] not in {"draft", "open"} or invoice["paid_cents"] > 0:
        return False
    await Invoice.update(
        {Invoice.status: "void", Invoice.voided_at: utcnow(), Invoice.next_payment_attempt_at: None}
    ).where(Invoice.id == invoice["id"])
    await _audit("invoice.void", invoice, event)
    return True


async def invoice_marked_uncollectible(event: dict[str, Any], obj: dict[str, Any]) -> bool:
    invoice = await _invoice_for(obj)
    if invoice is None or invoice["status"] != "open":
        return False
    await Invoice.update({Invoice.status: "uncollectible", Invoice.next_payment_attempt_at: None}).where(
        Invoice.id == invoice["id"]
    )
    await _audit("invoice.uncollectible", invoice, event)
    return True


async def refund_created(event: dict[str, Any], obj: dict[str, Any]) -> bool:
    await refunds.record_stripe_refund(obj, event_id=event["id"])
    return True


async def charge_refunded(event: dict[str, Any], obj: dict[str, Any]) -> bool:
    """The charge's refunds, when the event lists them (webhook endpoints can expand `refunds`). Without the
    list, only what the charge says was refunded beyond our records, and only while no refund of ours is in
    flight for it (that one is recorded by our own call, or by `refund.created`, under its Stripe id)."""
    listed = obj.get("refunds")
    if isinstance(listed, dict) and isinstance(listed.get("data"), list) and listed["data"]:
        for refund in listed["data"]:
            if isinstance(refund, dict):
                await refunds.record_stripe_refund(
                    {"charge": obj.get("id"), "payment_intent": obj.get("payment_intent"), **refund},
                    event_id=event["id"],
                )
        return True
    payment = None
    for column, value in (
        (Payment.stripe_charge, obj.get("id")),
        (Payment.stripe_payment_intent, obj.get("payment_intent")),
    ):
        if isinstance(value, str) and value:
            payment = payment or await Payment.select().where(column == value).first()
    if payment is None:
        return False
    in_flight = await StripeCall.exists().where(
        (StripeCall.purpose == "refund")
        & StripeCall.completed_at.is_null()
        & StripeCall.idempotency_key.like(f"portal-payment-{payment['id']}-refund-%")
    )
    missing = int(obj.get("amount_refunded") or 0) - int(payment["refunded_cents"])
    if in_flight or missing <= 0:
        return False
    await refunds.record_refund(payment, missing, reason="Refunded in Stripe", stripe_refund=None, created_by=None)
    return True


async def setup_intent_succeeded(event: dict[str, Any], obj: dict[str, Any]) -> bool:
    """The payer saved a payment method (for autopay): remember it as the customer's default."""
    customer, method = obj.get("customer"), obj.get("payment_method")
    if not (isinstance(customer, str) and isinstance(method, str) and customer and method):
        return False
    updated = (
        await StripeCustomer.update({StripeCustomer.default_payment_method: method[:100]})
        .where(StripeCustomer.stripe_customer_id == customer)
        .returning(StripeCustomer.id)
    )
    return bool(updated)


async def _audit(action: str, invoice: dict[str, Any], event: dict[str, Any], **detail: Any) -> None:
    await audit.record(
        STRIPE,
        action,
        resource_type="invoice",
        resource_id=invoice["id"],
        client_id=invoice["client"],
        detail={"event": event["id"], **detail},
    )


HANDLERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], Awaitable[bool]]] = {
    "invoice.paid": invoice_paid,
    "invoice_payment.paid": invoice_payment_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "invoice.voided": invoice_voided,
    "invoice.marked_uncollectible": invoice_marked_uncollectible,
    "refund.created": refund_created,
    "charge.refunded": charge_refunded,
    "setup_intent.succeeded": setup_intent_succeeded,
}
