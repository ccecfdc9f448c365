"""Stripe failing or slow in the middle of issuing: the error surfaces, the invoice stays a draft, and issuing
again reuses the same idempotency keys, so exactly one Stripe invoice exists for our invoice afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from portal.billing import gateway
from portal.billing.invoicing import invoice_lines, issue_invoice, void_invoice
from portal.billing.stripe_gateway import StripeGateway
from portal.billing.tables import StripeCall
from portal.mail.tables import OutboxMessage
from tests.billing.conftest import bea_principal
from tests.billing.stripe_support import draft_invoice, invoice
from tests.support.fake_stripe import FakeStripe


@pytest.fixture
def impatient_gateway(fake_stripe: FakeStripe) -> Iterator[StripeGateway]:
    """The Stripe gateway with a half-second timeout, so a held-back answer times out quickly."""
    chosen = StripeGateway("sk_test_portal", fake_stripe.url, timeout=0.5)
    gateway.use(chosen)
    yield chosen
    gateway.use(None)


def keys(fake: FakeStripe, path: str) -> list[str | None]:
    return [r.idempotency_key for r in fake.calls("POST", path)]


async def test_a_500_on_finalize_surfaces_and_a_retry_leaves_one_stripe_invoice(
    fake_stripe: FakeStripe, jordan_agreement: int
) -> None:
    invoice_id = await draft_invoice(jordan_agreement)
    fake_stripe.fail_next(r"/v1/invoices/in_\w+/finalize", mode="error")
    with pytest.raises(stripe.APIError):
        await issue_invoice(invoice_id)
    assert (await invoice(invoice_id))["status"] == "draft"
    assert await OutboxMessage.count() == 0  # the payer hears of it only once it is issued

    await issue_invoice(invoice_id)
    [stripe_invoice] = fake_stripe.invoices()
    assert stripe_invoice["status"] == "open" and len(stripe_invoice["lines"]["data"]) == 2
    assert keys(fake_stripe, r"/v1/invoices/in_\w+/finalize") == [f"portal-invoice-{invoice_id}-finalize"] * 2
    # Calls that had completed are not repeated; the customer, the invoice and its items exist once.
    assert len(fake_stripe.calls("POST", "/v1/customers")) == 1
    assert len(fake_stripe.calls("POST", "/v1/invoices")) == 1
    assert len(fake_stripe.calls("POST", "/v1/invoiceitems")) == 2
    ours = await invoice(invoice_id)
    assert (ours["status"], ours["stripe_invoice_id"]) == ("open", stripe_invoice["id"])


async def test_a_timeout_on_finalize_surfaces_and_a_retry_leaves_one_stripe_invoice(
    fake_stripe: FakeStripe, impatient_gateway: StripeGateway, jordan_agreement: int
) -> None:
    invoice_id = await draft_invoice(jordan_agreement)
    # Stripe finalizes the invoice but its answer arrives after the client gave up.
    fake_stripe.fail_next(r"/v1/invoices/in_\w+/finalize", mode="timeout", delay=1.5)
    with pytest.raises(stripe.APIConnectionError):
        await issue_invoice(invoice_id)
    assert (await invoice(invoice_id))["status"] == "draft"
    assert fake_stripe.invoices()[0]["status"] == "open"

    await issue_invoice(invoice_id)
    [stripe_invoice] = fake_stripe.invoices()
    assert keys(fake_stripe, r"/v1/invoices/in_\w+/finalize") == [f"portal-invoice-{invoice_id}-finalize"] * 2
    assert (await invoice(invoice_id))["stripe_hosted_url"] == stripe_invoice["hosted_invoice_url"]
    assert stripe_invoice["number"] == "FAKE-0001"  # finalized once: the retry got the stored answer


async def test_a_timeout_on_creating_the_invoice_is_replayed_not_repeated(
    fake_stripe: FakeStripe, impatient_gateway: StripeGateway, jordan_agreement: int
) -> None:
    invoice_id = await draft_invoice(jordan_agreement)
    fake_stripe.fail_next(r"/v1/invoices", mode="timeout", delay=1.5)
    with pytest.raises(stripe.APIConnectionError):
        await issue_invoice(invoice_id)
    [created] = fake_stripe.invoices()  # Stripe did create it
    [call] = await StripeCall.select().where(StripeCall.idempotency_key == f"portal-invoice-{invoice_id}-create")
    assert call["completed_at"] is None  # stored before the call, not known to be done

    await issue_invoice(invoice_id)
    assert [i["id"] for i in fake_stripe.invoices()] == [created["id"]]
    assert keys(fake_stripe, "/v1/invoices") == [f"portal-invoice-{invoice_id}-create"] * 2
    assert (await invoice(invoice_id))["stripe_invoice_id"] == created["id"]


async def test_a_failure_between_items_adds_each_item_once(fake_stripe: FakeStripe, jordan_agreement: int) -> None:
    invoice_id = await draft_invoice(jordan_agreement)
    lines = await invoice_lines(invoice_id)
    fake_stripe.fail_next("/v1/invoiceitems", mode="error")
    with pytest.raises(stripe.APIError):
        await issue_invoice(invoice_id)
    await issue_invoice(invoice_id)
    [stripe_invoice] = fake_stripe.invoices()
    assert [line["amount"] for line in stripe_invoice["lines"]["data"]] == [line["amount_cents"] for line in lines]
    assert keys(fake_stripe, "/v1/invoiceitems") == [
        f"portal-invoice-{invoice_id}-line-{lines[0]['id']}",
        f"portal-invoice-{invoice_id}-line-{lines[0]['id']}",
        f"portal-invoice-{invoice_id}-line-{lines[1]['id']}",
    ]


async def test_an_idempotency_key_forgotten_by_stripe_finds_the_invoice_already_finalized(
    fake_stripe: FakeStripe, jordan_agreement: int
) -> None:
    invoice_id = await draft_invoice(jordan_agreement)
    await issue_invoice(invoice_id)
    # Over 24 hours later Stripe has pruned the key: a repeated finalize is refused, so the gateway looks.
    fake_stripe._stored.clear()
    result = await StripeGateway("sk_test_portal", fake_stripe.url).issue(
        await invoice(invoice_id), await invoice_lines(invoice_id)
    )
    assert result.stripe_invoice_id == fake_stripe.invoices()[0]["id"] and len(fake_stripe.invoices()) == 1
    assert fake_stripe.calls("GET", rf"/v1/invoices/{result.stripe_invoice_id}")


async def test_voiding_a_draft_left_by_a_failed_issue_removes_the_stripe_draft(
    fake_stripe: FakeStripe, bea: dict[str, Any], jordan_agreement: int
) -> None:
    invoice_id = await draft_invoice(jordan_agreement)
    fake_stripe.fail_next(r"/v1/invoices/in_\w+/finalize", mode="error")
    with pytest.raises(stripe.APIError):
        await issue_invoice(invoice_id)
    [left_over] = fake_stripe.invoices()
    await void_invoice(bea_principal(bea), invoice_id)
    assert fake_stripe.calls("DELETE", rf"/v1/invoices/{left_over['id']}") and fake_stripe.invoices() == []
    assert (await invoice(invoice_id))["status"] == "void"
