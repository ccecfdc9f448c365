"""Refunds, full or partial, with a reason: through Stripe for card and bank payments, recorded for offline ones.

A Stripe refund is recorded once, under its Stripe id (unique), whichever comes first: our own call's answer
or the `refund.created` / `charge.refunded` webhook. Payment.refunded_cents and Invoice.refunded_cents move
only when a refund row is inserted, so they never count one refund twice.
"""

from __future__ import annotations

from typing import Any

from portal.audit import services as audit
from portal.billing import gateway
from portal.billing.gateway import OfflineGateway, PaymentGateway
from portal.billing.tables import Invoice, Payment, Refund, StripeCall
from portal.clock import utcnow
from portal.db import is_sqlite, write_transaction
from portal.errors import Conflict, Invalid, NotFound
from portal.policy import Action, Principal, require
from portal.templating import money
from portal.validation import Checker

STRIPE_METHODS = {"card", "bank"}
STRIPE_REASONS = {
    "duplicate": "Duplicate payment (refunded in Stripe)",
    "fraudulent": "Fraudulent payment (refunded in Stripe)",
    "requested_by_customer": "Requested by the payer (refunded in Stripe)",
}


def went_through_stripe(payment: dict[str, Any]) -> bool:
    return bool(payment["stripe_payment_intent"] or payment["stripe_charge"]) or payment["method"] in STRIPE_METHODS


async def get_payment(payment_id: int) -> dict[str, Any]:
    row = await Payment.select().where(Payment.id == payment_id).first() if 0 < payment_id < 2**31 else None
    if row is None:
        raise NotFound("No such payment.")
    return row


def _refund_keys(payment_id: int) -> Any:
    return (StripeCall.purpose == "refund") & StripeCall.idempotency_key.like(f"portal-payment-{payment_id}-refund-%")


async def unfinished_refund_key(payment_id: int, amount: int) -> str | None:
    """The key of an earlier Stripe refund of this amount whose answer never came (a timeout, a crash): retrying
    with it makes Stripe answer with that refund instead of refunding again."""
    row = (
        await StripeCall.select(StripeCall.idempotency_key)
        .where(_refund_keys(payment_id) & StripeCall.completed_at.is_null())
        .order_by(StripeCall.id, ascending=False)
        .first()
    )
    key = str(row["idempotency_key"]) if row else None
    return key if key and key.endswith(f"-{amount}") else None


async def _new_refund_key(payment_id: int, amount: int) -> str:
    """Derived from our ids: the payment, how many refunds of it were asked of Stripe before, and the amount."""
    asked_before = await StripeCall.count().where(_refund_keys(payment_id))
    return f"portal-payment-{payment_id}-refund-{asked_before + 1}-{amount}"


def _check_refundable(payment: dict[str, Any], amount: int) -> dict[str, Any]:
    refundable = int(payment["amount_cents"]) - int(payment["refunded_cents"])
    if amount > refundable:
        raise Invalid(amount_cents=f"At most {money(refundable)} of this payment can still be refunded.")
    return payment


async def _locked_payment(payment_id: int) -> dict[str, Any]:
    query = Payment.select().where(Payment.id == payment_id)
    row = await (query if is_sqlite() else query.lock_rows()).first()
    if row is None:
        raise NotFound("No such payment.")
    return row


def _gateway_for(payment: dict[str, Any]) -> PaymentGateway:
    if not went_through_stripe(payment):
        return OfflineGateway()  # a check or a wire goes back the way it came; the portal records it
    current = gateway.current()
    if current.name != "stripe":
        raise Conflict("This payment was made through Stripe, and Stripe is not configured: refund it in Stripe.")
    if not (payment["stripe_payment_intent"] or payment["stripe_charge"]):
        raise Conflict("Stripe has not yet told the portal which charge paid this; try again in a few minutes.")
    return current


async def refund_payment(principal: Principal, payment_id: int, amount_cents: int, reason: str) -> int:
    """Refund `amount_cents` of a payment (all of what is left, or part of it). Returns the refund's id."""
    require(principal, Action.BILLING_WRITE)
    c = Checker({"amount_cents": amount_cents, "reason": reason})
    amount = c.integer("amount_cents", required=True, minimum=1, maximum=100_000_000, label="Amount")
    reason = c.text("reason", required=True, max_length=300, label="Reason")
    c.done()
    assert amount is not None
    payment = await get_payment(payment_id)
    chosen = _gateway_for(payment)
    key = await unfinished_refund_key(payment_id, amount)
    if key is None:  # a new refund (not the retry of one whose outcome we never heard)
        _check_refundable(payment, amount)
        key = await _new_refund_key(payment_id, amount)
    result = await chosen.refund(payment, amount, key)
    async with write_transaction():
        if result.stripe_refund_id is None:  # offline: check again under the lock, so two at once cannot overdraw
            payment = _check_refundable(await _locked_payment(payment_id), amount)
        refund_id, recorded = await record_refund(
            payment, amount, reason=reason, stripe_refund=result.stripe_refund_id, created_by=principal.user_id
        )
        if not recorded:  # the webhook recorded this Stripe refund first: keep our reason and author
            await Refund.update({Refund.reason: reason, Refund.created_by: principal.user_id}).where(
                Refund.id == refund_id
            )
        await audit.record(
            principal,
            "payment.refund",
            resource_type="invoice",
            resource_id=payment["invoice"],
            client_id=await _client_of(payment),
            detail={"payment_id": payment_id, "refund_id": refund_id, "amount_cents": amount},
        )
    return refund_id


async def record_refund(
    payment: dict[str, Any], amount: int, *, reason: str, stripe_refund: str | None, created_by: int | None
) -> tuple[int, bool]:
    """Insert a refund and move the totals (in the caller's transaction). Returns (refund id, inserted): a Stripe
    refund already on record is not inserted again and moves nothing."""
    inserted = (
        await Refund.insert(
            Refund(
                payment=payment["id"],
                amount_cents=amount,
                reason=reason[:300],
                stripe_refund=stripe_refund,
                created_by=created_by,
                created_at=utcnow(),
            )
        )
        .on_conflict(target=Refund.stripe_refund, action="DO NOTHING")
        .returning(Refund.id)
    )
    if not inserted:
        existing = await Refund.select(Refund.id).where(Refund.stripe_refund == stripe_refund).first()
        assert existing is not None
        return int(existing["id"]), False
    # Relative updates: concurrent refunds of one payment add up instead of overwriting each other.
    await Payment.update({Payment.refunded_cents: Payment.refunded_cents + amount}).where(Payment.id == payment["id"])
    await Invoice.update({Invoice.refunded_cents: Invoice.refunded_cents + amount}).where(
        Invoice.id == payment["invoice"]
    )
    return int(inserted[0]["id"]), True


async def record_stripe_refund(refund: dict[str, Any], *, event_id: str) -> None:
    """A refund Stripe tells us about by webhook (ours, or one made in Stripe's dashboard)."""
    if refund.get("status") in {"failed", "canceled"} or not refund.get("id"):
        return
    payment = await _payment_for(refund)
    if payment is None:
        return  # not a payment the portal knows
    _, inserted = await record_refund(
        payment,
        int(refund.get("amount") or 0),
        reason=STRIPE_REASONS.get(str(refund.get("reason")), "Refunded in Stripe"),
        stripe_refund=str(refund["id"]),
        created_by=None,
    )
    if inserted:
        await audit.record(
            Principal.system("stripe"),
            "payment.refund",
            resource_type="invoice",
            resource_id=payment["invoice"],
            client_id=await _client_of(payment),
            detail={"payment_id": payment["id"], "stripe_refund": refund["id"], "event": event_id},
        )


async def _payment_for(refund: dict[str, Any]) -> dict[str, Any] | None:
    metadata = refund.get("metadata") or {}
    portal_id = str(metadata.get("portal_payment_id") or "")
    if portal_id.isdigit():
        row = await Payment.select().where(Payment.id == int(portal_id)).first()
        if row is not None:
            return row
    for column, value in (
        (Payment.stripe_payment_intent, refund.get("payment_intent")),
        (Payment.stripe_charge, refund.get("charge")),
    ):
        if isinstance(value, str) and value:
            row = await Payment.select().where(column == value).first()
            if row is not None:
                return row
    return None


async def _client_of(payment: dict[str, Any]) -> int | None:
    row = await Invoice.select(Invoice.client).where(Invoice.id == payment["invoice"]).first()
    return int(row["client"]) if row else None
