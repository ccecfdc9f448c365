"""The fake Stripe the billing tests rely on behaves like Stripe where it matters: the SDK's form encoding,
idempotency replay and misuse, and a hosted page whose Pay button sends a signed webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import stripe

from portal.billing.stripe_gateway import QuietHTTPXClient
from tests.support.fake_stripe import FakeStripe, parse_form


def test_form_parsing_nests_keys_like_the_sdk_encodes_them() -> None:
    assert parse_form("a=1&metadata%5Bportal_invoice_id%5D=12&expand%5B0%5D=x&expand%5B1%5D=y&b%5Bc%5D%5Bd%5D=") == {
        "a": "1",
        "metadata": {"portal_invoice_id": "12"},
        "expand": ["x", "y"],
        "b": {"c": {"d": ""}},
    }


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    server = FakeStripe().start()
    yield server
    server.stop()


def client_for(fake: FakeStripe) -> stripe.StripeClient:
    return stripe.StripeClient(
        "sk_test_x", base_addresses={"api": fake.url}, max_network_retries=0, http_client=QuietHTTPXClient()
    )


async def test_the_same_key_replays_the_stored_answer_and_other_parameters_are_refused(fake: FakeStripe) -> None:
    client = client_for(fake)
    first = await client.v1.customers.create_async({"metadata": {"k": "1"}}, {"idempotency_key": "key-1"})
    again = await client.v1.customers.create_async({"metadata": {"k": "1"}}, {"idempotency_key": "key-1"})
    assert first.id == again.id and len(fake.objects["customer"]) == 1
    with pytest.raises(stripe.IdempotencyError):
        await client.v1.customers.create_async({"metadata": {"k": "2"}}, {"idempotency_key": "key-1"})


async def test_a_wrong_api_key_is_refused(fake: FakeStripe) -> None:
    client = stripe.StripeClient("rk_wrong", base_addresses={"api": fake.url}, http_client=QuietHTTPXClient())
    with pytest.raises(stripe.AuthenticationError):
        await client.v1.customers.create_async({})


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.received.append((self.headers.get("stripe-signature", ""), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


async def test_the_hosted_page_pays_and_posts_a_signed_invoice_paid_webhook(fake: FakeStripe) -> None:
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        fake.webhook_url = f"http://127.0.0.1:{receiver.server_address[1]}/api/v1/billing/stripe/webhook"
        client = client_for(fake)
        customer = await client.v1.customers.create_async({})
        draft = await client.v1.invoices.create_async({"customer": customer.id, "collection_method": "send_invoice"})
        await client.v1.invoice_items.create_async(
            {"customer": customer.id, "invoice": draft.id, "amount": 850_000, "currency": "usd"}
        )
        opened = await client.v1.invoices.finalize_invoice_async(draft.id)
        async with httpx.AsyncClient() as browser:
            page = await browser.get(opened.hosted_invoice_url or "")
            assert "Pay $8,500.00" in page.text
            paid_page = await browser.post(f"{opened.hosted_invoice_url}/pay")
            assert "This invoice is paid." in paid_page.text
    finally:
        receiver.shutdown()
        receiver.server_close()
    [(signature, body)] = Receiver.received
    event = stripe.Webhook.construct_event(body, signature, fake.webhook_secret, tolerance=300)
    assert event.type == "invoice.paid"
    assert json.loads(body)["data"]["object"]["amount_paid"] == 850_000
    assert fake.deliveries == [(event.id, 200)]
