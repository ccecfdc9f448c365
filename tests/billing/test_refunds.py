"""Refunds, full or partial, with a reason: through Stripe for card payments (one idempotency key per refund,
recorded once even when the webhook reports it too), recorded for offline ones; audited; billing staff only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import stripe
from litestar.exceptions import PermissionDeniedException

from portal.audit.tables import AuditEvent
from portal.billing.invoicing import record_offline_payment
from portal.billing.refunds import refund_payment
from portal.billing.tables import Payment, Refund
from portal.errors import Conflict, Invalid
from portal.policy import Principal, Role
from tests.billing.conftest import bea_principal
from tests.billing.stripe_support import bill, deliver, invoice
from tests.support.fake_stripe import FakeStripe


@pytest.fixture
async def card_payment(
    fake_stripe: FakeStripe, client: Any, bea: dict[str, Any], jordan_agreement: int
) -> dict[str, Any]:
    """Pat paid November's $8,500 by card on Stripe's page; the webhook recorded it."""
    issued = await bill(bea, jordan_agreement)
    assert (await deliver(client, fake_stripe, fake_stripe.pay(issued["stripe_invoice_id"]))).status_code == 200
    row = await Payment.select().where(Payment.invoice == issued["id"]).first()
    assert row is not None and row["stripe_payment_intent"]
    return row


def charge_of(fake: FakeStripe, paid: dict[str, Any]) -> dict[str, Any]:
    intent = fake.objects["payment_intent"][paid["stripe_payment_intent"]]
    return fake.objects["charge"][intent["latest_charge"]]


async def payment(payment_id: int) -> dict[str, Any]:
    row = await Payment.select().where(Payment.id == payment_id).first()
    assert row is not None
    return row


async def test_a_partial_refund_goes_through_stripe_and_is_recorded_with_its_reason(
    fake_stripe: FakeStripe, bea: dict[str, Any], card_payment: dict[str, Any]
) -> None:
    refund_id = await refund_payment(bea_principal(bea), card_payment["id"], 25_000, "One hour billed twice")
    [call] = fake_stripe.calls("POST", "/v1/refunds")
    assert call.idempotency_key == f"portal-payment-{card_payment['id']}-refund-1-25000"
    assert call.params["payment_intent"] == card_payment["stripe_payment_intent"]
    assert (call.params["amount"], call.params["reason"]) == ("25000", "requested_by_customer")
    [refund] = await Refund.select().where(Refund.id == refund_id)
    assert (refund["amount_cents"], refund["reason"], refund["created_by"]) == (
        25_000,
        "One hour billed twice",
        bea["id"],
    )
    assert refund["stripe_refund"] in fake_stripe.objects["refund"]
    assert (await payment(card_payment["id"]))["refunded_cents"] == 25_000
    assert (await invoice(card_payment["invoice"]))["refunded_cents"] == 25_000
    [audit] = await AuditEvent.select().where(AuditEvent.action == "payment.refund")
    assert (audit["actor_id"], audit["resource_id"]) == (bea["id"], str(card_payment["invoice"]))


async def test_a_full_refund_after_a_partial_one_refunds_the_rest(
    fake_stripe: FakeStripe, bea: dict[str, Any], card_payment: dict[str, Any]
) -> None:
    await refund_payment(bea_principal(bea), card_payment["id"], 25_000, "One hour billed twice")
    await refund_payment(bea_principal(bea), card_payment["id"], 825_000, "Agreement ended before the month began")
    assert [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/refunds")] == [
        f"portal-payment-{card_payment['id']}-refund-1-25000",
        f"portal-payment-{card_payment['id']}-refund-2-825000",
    ]
    assert (await payment(card_payment["id"]))["refunded_cents"] == 850_000
    charge = charge_of(fake_stripe, card_payment)
    assert charge["refunded"] is True
    with pytest.raises(Invalid, match=r"At most \$0\.00"):
        await refund_payment(bea_principal(bea), card_payment["id"], 1, "Nothing left")


async def test_the_webhooks_about_our_own_refund_do_not_count_it_twice(
    fake_stripe: FakeStripe, client: Any, bea: dict[str, Any], card_payment: dict[str, Any]
) -> None:
    await refund_payment(bea_principal(bea), card_payment["id"], 25_000, "One hour billed twice")
    for kind in ("refund.created", "charge.refunded"):
        response = await deliver(client, fake_stripe, fake_stripe.last_event(kind))
        assert response.status_code == 200
    assert await Refund.count() == 1
    assert (await payment(card_payment["id"]))["refunded_cents"] == 25_000
    assert (await invoice(card_payment["invoice"]))["refunded_cents"] == 25_000


async def test_a_retried_refund_already_reported_by_webhook_is_not_refunded_again(
    fake_stripe: FakeStripe, client: Any, bea: dict[str, Any], card_payment: dict[str, Any]
) -> None:
    # Our refund call times out after Stripe made the refund, Stripe's refund.created is recorded, and Bea
    # tries again: the retry reuses the unfinished call's key and gets the same refund back.
    from portal.billing import gateway
    from portal.billing.stripe_gateway import StripeGateway

    gateway.use(StripeGateway("sk_test_portal", fake_stripe.url, timeout=0.5))
    try:
        fake_stripe.fail_next("/v1/refunds", mode="timeout", delay=1.5)
        with pytest.raises(stripe.APIConnectionError):
            await refund_payment(bea_principal(bea), card_payment["id"], 25_000, "One hour billed twice")
        await deliver(client, fake_stripe, fake_stripe.last_event("refund.created"))
        assert (await payment(card_payment["id"]))["refunded_cents"] == 25_000
        await refund_payment(bea_principal(bea), card_payment["id"], 25_000, "One hour billed twice")
    finally:
        gateway.use(None)
    [made] = fake_stripe.objects["refund"].values()
    [refund] = await Refund.select()
    assert (refund["stripe_refund"], refund["reason"], refund["created_by"]) == (
        made["id"],
        "One hour billed twice",
        bea["id"],
    )
    assert (await payment(card_payment["id"]))["refunded_cents"] == 25_000


async def test_a_refund_made_in_stripes_dashboard_is_recorded_from_the_webhook(
    fake_stripe: FakeStripe, client: Any, card_payment: dict[str, Any]
) -> None:
    charge = charge_of(fake_stripe, card_payment)
    refund = {"id": "re_dashboard", "object": "refund", "amount": 10_000, "charge": charge["id"], "status": "succeeded",
              "payment_intent": charge["payment_intent"], "reason": "duplicate", "metadata": {}}  # fmt: skip
    refunded = {**charge, "amount_refunded": 10_000, "refunds": {"object": "list", "data": [refund]}}
    for event in (fake_stripe.event("charge.refunded", refunded), fake_stripe.event("refund.created", refund)):
        assert (await deliver(client, fake_stripe, event)).status_code == 200
    [row] = await Refund.select()
    assert (row["amount_cents"], row["reason"], row["created_by"]) == (
        10_000,
        "Duplicate payment (refunded in Stripe)",
        None,
    )
    assert (await payment(card_payment["id"]))["refunded_cents"] == 10_000


async def test_a_charge_refunded_event_without_its_refund_list_records_the_difference(
    fake_stripe: FakeStripe, client: Any, card_payment: dict[str, Any]
) -> None:
    charge = charge_of(fake_stripe, card_payment)
    bare = {key: value for key, value in charge.items() if key != "refunds"} | {"amount_refunded": 5_000}
    for _ in range(2):
        assert (await deliver(client, fake_stripe, fake_stripe.event("charge.refunded", bare))).status_code == 200
    assert (await payment(card_payment["id"]))["refunded_cents"] == 5_000


async def test_a_timed_out_refund_retried_reuses_its_key_and_refunds_once(
    fake_stripe: FakeStripe, bea: dict[str, Any], card_payment: dict[str, Any]
) -> None:
    from portal.billing import gateway
    from portal.billing.stripe_gateway import StripeGateway

    gateway.use(StripeGateway("sk_test_portal", fake_stripe.url, timeout=0.5))
    try:
        fake_stripe.fail_next("/v1/refunds", mode="timeout", delay=1.5)
        with pytest.raises(stripe.APIConnectionError):
            await refund_payment(bea_principal(bea), card_payment["id"], 25_000, "One hour billed twice")
        assert await Refund.count() == 0
        await refund_payment(bea_principal(bea), card_payment["id"], 25_000, "One hour billed twice")
    finally:
        gateway.use(None)
    assert len(fake_stripe.objects["refund"]) == 1
    assert len({c.idempotency_key for c in fake_stripe.calls("POST", "/v1/refunds")}) == 1
    assert (await payment(card_payment["id"]))["refunded_cents"] == 25_000


async def test_an_offline_payment_is_refunded_by_record(
    bea: dict[str, Any], jordan_agreement: int, fake_stripe: FakeStripe
) -> None:
    issued = await bill(bea, jordan_agreement)
    payment_id = await record_offline_payment(
        bea_principal(bea),
        issued["id"],
        {"amount_cents": 850_000, "method": "check", "reference": "1042", "received_on": date(2026, 11, 20)},
    )
    await refund_payment(bea_principal(bea), payment_id, 850_000, "Paid twice; check returned")
    assert fake_stripe.calls("POST", "/v1/refunds") == []
    [refund] = await Refund.select()
    assert (refund["stripe_refund"], refund["amount_cents"]) == (None, 850_000)
    assert (await payment(payment_id))["refunded_cents"] == 850_000


async def test_an_offline_refund_needs_no_stripe_at_all(bea: dict[str, Any], jordan_agreement: int) -> None:
    issued = await bill(bea, jordan_agreement)
    payment_id = await record_offline_payment(
        bea_principal(bea),
        issued["id"],
        {"amount_cents": 100_000, "method": "wire", "reference": "W-1", "received_on": date(2026, 11, 20)},
    )
    await refund_payment(bea_principal(bea), payment_id, 40_000, "Partial return")
    assert (await payment(payment_id))["refunded_cents"] == 40_000
    assert (await invoice(issued["id"]))["refunded_cents"] == 40_000


async def test_a_card_payment_cannot_be_refunded_when_stripe_is_not_configured(
    bea: dict[str, Any], card_payment: dict[str, Any], settings_override: Any
) -> None:
    settings_override(stripe_secret_key=None)
    with pytest.raises(Conflict, match="refund it in Stripe"):
        await refund_payment(bea_principal(bea), card_payment["id"], 100, "Test")


@pytest.mark.parametrize(("amount", "reason"), [(0, "Reason"), (850_001, "Too much"), (100, ""), (100, "x" * 301)])
async def test_a_refund_needs_an_amount_within_the_payment_and_a_reason(
    bea: dict[str, Any], card_payment: dict[str, Any], amount: int, reason: str
) -> None:
    with pytest.raises(Invalid):
        await refund_payment(bea_principal(bea), card_payment["id"], amount, reason)
    assert await Refund.count() == 0


async def test_only_billing_staff_and_the_owner_refund(casey: dict[str, Any], card_payment: dict[str, Any]) -> None:
    case_manager = Principal(user_id=casey["id"], role=Role.CASE_MANAGER, email=casey["email"], name=casey["name"])
    with pytest.raises(PermissionDeniedException):
        await refund_payment(case_manager, card_payment["id"], 100, "Not mine to give")
