"""A failed payment: the payer is told (without anything about the client), the invoice is past due, the next
attempt is scheduled (3, 5, then 7 days on), and after OWNER_DECISION_AFTER_DAYS the owner is asked to decide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from portal.billing import collections
from portal.billing.tables import BillingNotice, Invoice, RetainerAgreement, StripeCustomer
from portal.clock import local_today
from portal.core.services import get_practice
from portal.mail.tables import OutboxMessage
from tests.billing.stripe_support import bill, deliver, invoice
from tests.support.fake_stripe import FakeStripe


@pytest.fixture
async def issued(fake_stripe: FakeStripe, clock: Any, bea: dict[str, Any], jordan_agreement: int) -> dict[str, Any]:
    return await bill(bea, jordan_agreement)


async def fail_once(client: Any, fake: FakeStripe, issued: dict[str, Any]) -> dict[str, Any]:
    event = fake.event("invoice.payment_failed", fake.objects["invoice"][issued["stripe_invoice_id"]])
    response = await deliver(client, fake, event)
    assert response.status_code == 200
    return await invoice(issued["id"])


async def failure_mails() -> list[dict[str, Any]]:
    return await OutboxMessage.select().where(OutboxMessage.subject.like("Your payment did not go through%"))


async def test_a_failed_payment_tells_the_payer_marks_past_due_and_schedules_the_next_attempt(
    fake_stripe: FakeStripe, client: Any, clock: Any, issued: dict[str, Any]
) -> None:
    after = await fail_once(client, fake_stripe, issued)
    today = local_today((await get_practice()).time_zone)
    assert (after["status"], after["payment_attempts"], after["past_due_since"]) == ("open", 1, today)
    assert after["next_payment_attempt_at"] == clock.now() + timedelta(days=3)
    [mail] = await failure_mails()
    assert mail["to_address"] == "pat@example.com"
    assert mail["subject"] == "Your payment did not go through — Harbor Case Management"
    assert f"#{issued['number']}" in mail["body_text"] and "/family/billing" in mail["body_text"]
    for word in ("Jordan", "Rivera", "case management services"):
        assert word.lower() not in (mail["subject"] + mail["body_text"]).lower()


async def test_each_further_failure_waits_longer_and_the_fourth_stops_retrying(
    fake_stripe: FakeStripe, client: Any, clock: Any, issued: dict[str, Any]
) -> None:
    first = await fail_once(client, fake_stripe, issued)
    waits = []
    for _ in range(3):
        clock.advance(days=1)
        row = await fail_once(client, fake_stripe, issued)
        waits.append(row["next_payment_attempt_at"] - clock.now() if row["next_payment_attempt_at"] else None)
    assert waits == [timedelta(days=5), timedelta(days=7), None]
    assert row["payment_attempts"] == 4 and row["past_due_since"] == first["past_due_since"]
    assert len(await failure_mails()) == 4


async def test_the_owner_is_asked_to_decide_once_after_the_configured_days(
    fake_stripe: FakeStripe, client: Any, clock: Any, issued: dict[str, Any]
) -> None:
    await fail_once(client, fake_stripe, issued)
    clock.advance(days=collections.OWNER_DECISION_AFTER_DAYS - 1)
    await fail_once(client, fake_stripe, issued)
    assert await BillingNotice.count() == 0
    clock.advance(days=1)
    after = await fail_once(client, fake_stripe, issued)
    [notice] = await BillingNotice.select()
    assert (notice["invoice"], notice["kind"], notice["resolved_at"]) == (issued["id"], "owner_decision", None)
    assert f"#{issued['number']}" in notice["message"] and "Jordan" not in notice["message"]
    assert after["owner_decision_requested_at"] == clock.now()
    clock.advance(days=3)
    await fail_once(client, fake_stripe, issued)
    assert await BillingNotice.count() == 1


async def test_the_daily_job_marks_overdue_invoices_and_asks_the_owner_without_any_webhook(
    fake_stripe: FakeStripe, clock: Any, issued: dict[str, Any]
) -> None:
    clock.advance(days=15)  # due in 14 days
    counts = await collections.collect_past_due()
    assert counts["past_due"] == 1
    assert (await invoice(issued["id"]))["past_due_since"] == issued["due_on"]
    clock.advance(days=collections.OWNER_DECISION_AFTER_DAYS)
    assert (await collections.collect_past_due())["owner_notices"] == 1
    assert (await collections.collect_past_due())["owner_notices"] == 0


async def test_a_scheduled_retry_charges_the_saved_method_with_a_new_key(
    fake_stripe: FakeStripe, client: Any, clock: Any, issued: dict[str, Any]
) -> None:
    await StripeCustomer.update({StripeCustomer.default_payment_method: "pm_1"}).where(StripeCustomer.id > 0)
    await RetainerAgreement.update({RetainerAgreement.autopay: True}).where(RetainerAgreement.id == issued["agreement"])
    await fail_once(client, fake_stripe, issued)
    assert (await collections.collect_past_due())["charged"] == 0  # not due yet
    clock.advance(days=3)
    assert (await collections.collect_past_due())["charged"] == 1
    [pay] = fake_stripe.calls("POST", rf"/v1/invoices/{issued['stripe_invoice_id']}/pay")
    assert pay.idempotency_key == f"portal-invoice-{issued['id']}-pay-2"
    assert (await deliver(client, fake_stripe, fake_stripe.last_event("invoice.paid"))).status_code == 200
    paid = await invoice(issued["id"])
    assert (paid["status"], paid["past_due_since"], paid["next_payment_attempt_at"]) == ("paid", None, None)


async def test_a_due_retry_without_autopay_reminds_the_payer_and_charges_nothing(
    fake_stripe: FakeStripe, client: Any, clock: Any, issued: dict[str, Any]
) -> None:
    # A saved card alone is no permission to charge it: the agreement has no autopay.
    await StripeCustomer.update({StripeCustomer.default_payment_method: "pm_1"}).where(StripeCustomer.id > 0)
    await fail_once(client, fake_stripe, issued)
    clock.advance(days=3, minutes=1)
    assert (await collections.collect_past_due())["reminders"] == 1
    [reminder] = await OutboxMessage.select().where(OutboxMessage.subject.like("A reminder about your invoice%"))
    assert reminder["to_address"] == "pat@example.com" and "Jordan" not in reminder["body_text"]
    assert (await invoice(issued["id"]))["next_payment_attempt_at"] is None
    assert await Invoice.count().where(Invoice.status == "open") == 1
    assert fake_stripe.calls("POST", r"/v1/invoices/in_\w+/pay") == []
