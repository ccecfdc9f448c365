"""Issuing through Stripe: a customer per payer, the invoice, one item per line, finalization; each write with an
idempotency key derived from our ids and stored before the call; autopay charges the saved method; voiding."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.billing.invoicing import invoice_lines, void_invoice
from portal.billing.tables import RetainerAgreement, StripeCall, StripeCustomer
from tests.billing.conftest import bea_principal, log_minutes
from tests.billing.stripe_support import bill, deliver, invoice
from tests.support.fake_stripe import FakeStripe


async def test_issuing_sends_customer_invoice_items_and_finalize_with_keys_from_our_ids(
    fake_stripe: FakeStripe, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 3), 21 * 60)
    ours = await bill(bea, jordan_agreement)
    lines = await invoice_lines(ours["id"])
    assert len(lines) == 2  # retainer and one hour of overage

    [stripe_invoice] = fake_stripe.invoices()
    sid, iid = stripe_invoice["id"], ours["id"]
    assert [(r.method, r.path) for r in fake_stripe.calls()] == [
        ("POST", "/v1/customers"),
        ("POST", "/v1/invoices"),
        ("POST", "/v1/invoiceitems"),
        ("POST", "/v1/invoiceitems"),
        ("POST", f"/v1/invoices/{sid}/finalize"),
    ]
    relative = f"relative-{ours['payer_relative']}"
    assert [r.idempotency_key for r in fake_stripe.calls()] == [
        f"portal-customer-{relative}",
        f"portal-invoice-{iid}-create",
        f"portal-invoice-{iid}-line-{lines[0]['id']}",
        f"portal-invoice-{iid}-line-{lines[1]['id']}",
        f"portal-invoice-{iid}-finalize",
    ]
    # Every key was stored before its call and is marked done with the object it made.
    calls = {row["idempotency_key"]: row for row in await StripeCall.select()}
    assert set(calls) == {r.idempotency_key for r in fake_stripe.calls()}
    assert all(row["completed_at"] is not None for row in calls.values())
    assert calls[f"portal-invoice-{iid}-create"]["object_id"] == sid

    create = fake_stripe.calls("POST", "/v1/invoices")[0].params
    assert create["metadata"] == {"portal_invoice_id": str(iid), "portal_agreement_id": str(jordan_agreement)}
    assert (create["collection_method"], create["days_until_due"], create["currency"]) == ("send_invoice", "14", "usd")
    items = [r.params for r in fake_stripe.calls("POST", "/v1/invoiceitems")]
    assert [(i["amount"], i["description"], i["invoice"]) for i in items] == [
        (str(line["amount_cents"]), line["description"], sid) for line in lines
    ]
    customer = fake_stripe.calls("POST", "/v1/customers")[0].params
    assert customer == {"metadata": {"portal_payer": relative}}  # no name, no e-mail address

    assert stripe_invoice["status"] == "open" and stripe_invoice["total"] == ours["total_cents"]
    assert (ours["status"], ours["stripe_invoice_id"]) == ("open", sid)
    assert ours["stripe_hosted_url"] == f"{fake_stripe.url}/hosted/{sid}"


async def test_the_next_month_reuses_the_payers_customer(
    fake_stripe: FakeStripe, bea: dict[str, Any], jordan_agreement: int
) -> None:
    await bill(bea, jordan_agreement, "2026-11")
    await bill(bea, jordan_agreement, "2026-12")
    assert len(fake_stripe.calls("POST", "/v1/customers")) == 1
    assert len(fake_stripe.invoices()) == 2
    assert await StripeCustomer.count() == 1


async def test_an_outside_payer_is_known_to_stripe_by_a_hash_of_the_address(
    fake_stripe: FakeStripe, bea: dict[str, Any], taylor: dict[str, Any]
) -> None:
    from tests.billing.conftest import make_agreement

    agreement = await make_agreement(bea_principal(bea), taylor["id"], payer_email="Payer@Example.com")
    await bill(bea, agreement)
    [customer] = await StripeCustomer.select()
    assert customer["payer_key"].startswith("payer-") and len(customer["payer_key"]) == 6 + 64
    assert "example" not in fake_stripe.calls("POST", "/v1/customers")[0].body.lower()


async def test_autopay_with_a_saved_method_charges_it_on_issue(
    fake_stripe: FakeStripe, client: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    await bill(bea, jordan_agreement, "2026-10")  # creates the customer
    [customer] = await StripeCustomer.select()
    saved = fake_stripe.event(
        "setup_intent.succeeded",
        {
            "id": "seti_1",
            "object": "setup_intent",
            "customer": customer["stripe_customer_id"],
            "payment_method": "pm_1",
        },
    )
    assert (await deliver(client, fake_stripe, saved)).status_code == 200
    await RetainerAgreement.update({RetainerAgreement.autopay: True}).where(RetainerAgreement.id == jordan_agreement)

    ours = await bill(bea, jordan_agreement, "2026-11")
    sid = ours["stripe_invoice_id"]
    create = fake_stripe.calls("POST", "/v1/invoices")[-1].params
    assert (create["collection_method"], create["default_payment_method"]) == ("charge_automatically", "pm_1")
    [pay] = fake_stripe.calls("POST", f"/v1/invoices/{sid}/pay")
    assert pay.idempotency_key == f"portal-invoice-{ours['id']}-pay-1"
    assert pay.params == {"payment_method": "pm_1", "off_session": "true"}
    assert fake_stripe.objects["invoice"][sid]["status"] == "paid"
    # The portal learns of the payment from the webhook.
    assert (await deliver(client, fake_stripe, fake_stripe.last_event("invoice.paid"))).status_code == 200
    assert (await invoice(ours["id"]))["status"] == "paid"


async def test_a_declined_autopay_charge_still_issues_the_invoice(
    fake_stripe: FakeStripe, bea: dict[str, Any], jordan_agreement: int
) -> None:
    await bill(bea, jordan_agreement, "2026-10")
    await StripeCustomer.update({StripeCustomer.default_payment_method: "pm_1"}).where(StripeCustomer.id > 0)
    await RetainerAgreement.update({RetainerAgreement.autopay: True}).where(RetainerAgreement.id == jordan_agreement)
    fake_stripe.decline_next_payments()
    ours = await bill(bea, jordan_agreement, "2026-11")
    assert ours["status"] == "open"
    assert fake_stripe.objects["invoice"][ours["stripe_invoice_id"]]["attempt_count"] == 1


async def test_voiding_an_issued_invoice_voids_it_at_stripe(
    fake_stripe: FakeStripe, bea: dict[str, Any], jordan_agreement: int
) -> None:
    ours = await bill(bea, jordan_agreement)
    await void_invoice(bea_principal(bea), ours["id"])
    [void] = fake_stripe.calls("POST", rf"/v1/invoices/{ours['stripe_invoice_id']}/void")
    assert void.idempotency_key == f"portal-invoice-{ours['id']}-void"
    assert fake_stripe.objects["invoice"][ours["stripe_invoice_id"]]["status"] == "void"
    assert (await invoice(ours["id"]))["status"] == "void"
