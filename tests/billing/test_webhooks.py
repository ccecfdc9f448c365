"""The Stripe webhook: only genuine, fresh deliveries change anything; each event is applied once; events that
arrive early, late or twice leave the invoice in the right state."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.billing import gateway
from portal.billing.invoicing import invoice_lines, issue_invoice
from portal.billing.tables import Invoice, Payment, StripeEvent
from portal.mail.tables import OutboxMessage
from tests.billing.stripe_support import WEBHOOK, bill, deliver, draft_invoice, invoice
from tests.support.fake_stripe import FakeStripe


@pytest.fixture
async def issued(fake_stripe: FakeStripe, bea: dict[str, Any], jordan_agreement: int) -> dict[str, Any]:
    """Jordan's November invoice, issued through the fake Stripe (Pat pays)."""
    return await bill(bea, jordan_agreement)


async def payments_of(invoice_id: int) -> list[dict[str, Any]]:
    return await Payment.select().where(Payment.invoice == invoice_id).order_by(Payment.id)


# --------------------------------------------------------------------------- signatures


@pytest.mark.parametrize("forgery", ["wrong secret", "stale", "missing", "garbage", "tampered body"])
async def test_an_unsigned_or_stale_delivery_is_refused_and_changes_nothing(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any], forgery: str
) -> None:
    event = fake_stripe.pay(issued["stripe_invoice_id"])
    payload, headers = fake_stripe.signed(event)
    if forgery == "wrong secret":
        headers["Stripe-Signature"] = fake_stripe.sign(payload, secret="whsec_someone_else")
    elif forgery == "stale":
        headers["Stripe-Signature"] = fake_stripe.sign(payload, timestamp=int(time.time()) - 301)
    elif forgery == "missing":
        del headers["Stripe-Signature"]
    elif forgery == "garbage":
        headers["Stripe-Signature"] = "t=abc,v1=nothing"
    else:
        payload = payload.replace('"amount_paid": 850000', '"amount_paid": 1')
    response = await client.post(WEBHOOK, content=payload, headers=headers, csrf=False)
    assert response.status_code == 400
    assert await StripeEvent.count() == 0
    assert (await invoice(issued["id"]))["status"] == "open" and await payments_of(issued["id"]) == []


async def test_a_signature_made_just_inside_the_tolerance_is_accepted(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any]
) -> None:
    event = fake_stripe.pay(issued["stripe_invoice_id"])
    response = await deliver(client, fake_stripe, event, timestamp=int(time.time()) - 290)
    assert response.status_code == 200


async def test_without_a_webhook_secret_every_delivery_is_refused(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any], settings_override: Any
) -> None:
    event = fake_stripe.pay(issued["stripe_invoice_id"])
    settings_override(stripe_webhook_secret=None)
    assert (await deliver(client, fake_stripe, event)).status_code == 400


async def test_stripe_needs_no_session_and_no_csrf_token_but_other_posts_do(client: Any) -> None:
    # The exemption is for this path only: the JSON API next to it still wants its token.
    response = await client.post("/api/v1/invoices/1/payments", json={}, csrf=False)
    assert response.status_code in {401, 403}


# --------------------------------------------------------------------------- once, and in the right order


async def test_the_same_event_delivered_twice_is_applied_once(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any]
) -> None:
    event = fake_stripe.pay(issued["stripe_invoice_id"])
    first = await deliver(client, fake_stripe, event)
    second = await deliver(client, fake_stripe, event)
    assert (first.status_code, first.json()["detail"]) == (200, "applied")
    assert (second.status_code, second.json()["detail"]) == (200, "already processed")
    [payment] = await payments_of(issued["id"])
    assert payment["amount_cents"] == issued["total_cents"] and payment["stripe_payment_intent"].startswith("pi_")
    paid = await invoice(issued["id"])
    assert (paid["status"], paid["paid_cents"]) == ("paid", issued["total_cents"])
    assert await StripeEvent.count() == 1


async def test_invoice_paid_before_the_portal_marked_it_open_still_ends_paid(
    fake_stripe: FakeStripe, client: Any, jordan_agreement: int
) -> None:
    invoice_id = await draft_invoice(jordan_agreement)
    # Stripe has the invoice finalized and paid while our issuing step has not committed "open" yet.
    result = await gateway.current().issue(await invoice(invoice_id), await invoice_lines(invoice_id))
    response = await deliver(client, fake_stripe, fake_stripe.pay(result.stripe_invoice_id))
    assert response.status_code == 200
    early = await invoice(invoice_id)
    assert (early["status"], early["stripe_invoice_id"], early["stripe_hosted_url"]) == (
        "paid",
        result.stripe_invoice_id,
        result.hosted_url,
    )
    assert early["issued_on"] is not None and early["due_on"] is not None

    await issue_invoice(invoice_id)  # the issuing step finishes afterwards
    assert (await invoice(invoice_id))["status"] == "paid"
    assert len(await payments_of(invoice_id)) == 1


async def test_invoice_payment_paid_before_the_stripe_id_was_recorded_still_finds_our_invoice(
    fake_stripe: FakeStripe, client: Any, jordan_agreement: int
) -> None:
    invoice_id = await draft_invoice(jordan_agreement)
    result = await gateway.current().issue(await invoice(invoice_id), await invoice_lines(invoice_id))
    paid = fake_stripe.pay(result.stripe_invoice_id)
    # The InvoicePayment names only Stripe's invoice id, which our invoice does not carry yet.
    response = await deliver(client, fake_stripe, fake_stripe.last_event("invoice_payment.paid"))
    assert response.json()["detail"] == "applied"
    assert (await deliver(client, fake_stripe, paid)).json()["detail"] == "applied"
    [payment] = await payments_of(invoice_id)
    assert payment["stripe_payment_intent"].startswith("pi_")
    assert (await invoice(invoice_id))["status"] == "paid"


async def test_an_older_event_arriving_after_a_newer_one_does_not_reopen_a_paid_invoice(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any]
) -> None:
    stripe_invoice = fake_stripe.objects["invoice"][issued["stripe_invoice_id"]]
    earlier = int(time.time()) - 3600
    failed = fake_stripe.event("invoice.payment_failed", stripe_invoice, created=earlier)
    voided = fake_stripe.event("invoice.voided", {**stripe_invoice, "status": "void"}, created=earlier)
    paid = fake_stripe.pay(issued["stripe_invoice_id"])
    for event in (paid, failed, voided):
        assert (await deliver(client, fake_stripe, event)).status_code == 200
    after = await invoice(issued["id"])
    assert (after["status"], after["payment_attempts"], after["past_due_since"]) == ("paid", 0, None)
    assert await OutboxMessage.count().where(OutboxMessage.subject.like("Your payment did not go through%")) == 0


async def test_invoice_payment_paid_supplies_the_payment_intent_when_invoice_paid_lacks_it(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any]
) -> None:
    paid = fake_stripe.pay(issued["stripe_invoice_id"])
    paid["data"]["object"].pop("payments")  # since API 2025-03-31 Stripe leaves `payments` out unless expanded
    invoice_payment = fake_stripe.last_event("invoice_payment.paid")
    assert (await deliver(client, fake_stripe, paid)).status_code == 200
    [payment] = await payments_of(issued["id"])
    assert payment["stripe_payment_intent"] == ""
    assert (await deliver(client, fake_stripe, invoice_payment)).status_code == 200
    [payment] = await payments_of(issued["id"])
    assert payment["stripe_payment_intent"] == invoice_payment["data"]["object"]["payment"]["payment_intent"]


async def test_invoice_payment_paid_first_then_invoice_paid_records_one_payment(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any]
) -> None:
    paid = fake_stripe.pay(issued["stripe_invoice_id"])
    for event in (fake_stripe.last_event("invoice_payment.paid"), paid):
        assert (await deliver(client, fake_stripe, event)).status_code == 200
    assert len(await payments_of(issued["id"])) == 1
    assert (await invoice(issued["id"]))["status"] == "paid"


async def test_an_invoice_voided_in_stripe_is_void_here(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any]
) -> None:
    stripe_invoice = {**fake_stripe.objects["invoice"][issued["stripe_invoice_id"]], "status": "void"}
    response = await deliver(client, fake_stripe, fake_stripe.event("invoice.voided", stripe_invoice))
    assert response.json()["detail"] == "applied"
    assert (await invoice(issued["id"]))["status"] == "void"


async def test_events_about_other_things_are_acknowledged_and_ignored(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any]
) -> None:
    unrelated = fake_stripe.event("customer.updated", {"id": "cus_other", "object": "customer"})
    stranger = fake_stripe.event("invoice.paid", {"id": "in_not_ours", "object": "invoice", "amount_paid": 100})
    for event in (unrelated, stranger):
        response = await deliver(client, fake_stripe, event)
        assert (response.status_code, response.json()["detail"]) == (200, "ignored")
    assert await Payment.count() == 0


async def test_a_delivery_that_fails_to_apply_is_not_marked_processed(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.billing import webhooks

    event = fake_stripe.pay(issued["stripe_invoice_id"])

    async def broken(event: dict[str, Any], obj: dict[str, Any]) -> bool:
        await Invoice.update({Invoice.status: "paid"}).where(Invoice.id == issued["id"])
        raise RuntimeError("the database went away")

    monkeypatch.setitem(webhooks.HANDLERS, "invoice.paid", broken)
    assert (await deliver(client, fake_stripe, event)).status_code == 500
    assert await StripeEvent.count() == 0 and (await invoice(issued["id"]))["status"] == "open"
    monkeypatch.undo()
    assert (await deliver(client, fake_stripe, event)).json()["detail"] == "applied"  # Stripe's retry


async def test_applied_events_are_audited_with_their_event_id(
    fake_stripe: FakeStripe, client: Any, issued: dict[str, Any]
) -> None:
    event = fake_stripe.pay(issued["stripe_invoice_id"])
    await deliver(client, fake_stripe, event)
    rows = await AuditEvent.select().where(AuditEvent.action == "invoice.paid")
    assert [json.loads(row["detail"])["event"] for row in rows] == [event["id"]]
    assert rows[0]["actor_label"] == "system:stripe"


async def test_the_retry_delay_grows_and_then_stops(fake_stripe: FakeStripe) -> None:
    from portal.billing.collections import next_attempt_after

    assert [next_attempt_after(n) for n in range(1, 5)] == [timedelta(days=3), timedelta(days=5), timedelta(7), None]
