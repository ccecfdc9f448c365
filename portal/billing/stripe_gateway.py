"""The Stripe gateway: every call the portal makes to Stripe lives here (DESIGN.md §3, §5).

What Stripe receives is limited to money and our own ids: line descriptions ("Case management services —
November 2026"), amounts in cents, and metadata such as `portal_invoice_id`. Never a name (the payer's surname
is often the client's), an e-mail address, a diagnosis, note text or a program name; a refund's reason stays
in the portal and Stripe is told only "requested_by_customer".

Every write carries an idempotency key derived from our ids (`portal-invoice-12-finalize`). The key is
committed to `stripe_calls` before the request leaves, so a retry after a 500, a timeout or a crash sends the
same key and Stripe answers with what it did the first time: one Stripe invoice per portal invoice, however
often issuing is retried. Completed calls are remembered with the object's id and not repeated. The SDK's own
retries are off (they would hide failures from us); we retry by running the operation again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import weakref
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import httpx
import stripe
from stripe import RequestOptions
from stripe.params import InvoiceCreateParams, InvoiceItemCreateParams, RefundCreateParams

from portal.billing.gateway import IssueResult, RefundResult
from portal.billing.invoicing import DUE_DAYS
from portal.billing.tables import RetainerAgreement, StripeCall, StripeCustomer
from portal.clock import utcnow
from portal.db import write_transaction

log = logging.getLogger("portal.billing.stripe")

REQUEST_TIMEOUT_SECONDS = 15.0
CONNECT_TIMEOUT_SECONDS = 5.0
CURRENCY = "usd"


class QuietHTTPXClient(stripe.HTTPXClient):
    """The SDK hands httpx the encoded form as `data=`, which httpx deprecates for raw bodies; send it as
    `content=` (same bytes on the wire, no warning)."""

    def _get_request_args_kwargs(self, method: str, url: str, headers: Any, post_data: Any) -> Any:
        args, kwargs = super()._get_request_args_kwargs(method, url, headers, post_data)
        if isinstance(kwargs.get("data"), str | bytes):
            kwargs["content"] = kwargs.pop("data")
        elif not kwargs.get("data"):
            kwargs.pop("data", None)
        return args, kwargs


# One StripeClient per configuration and event loop: its HTTP connection pool belongs to the loop it was opened on.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str | None, float], stripe.StripeClient]]
_clients = weakref.WeakKeyDictionary()


def _client_for(secret_key: str, api_base: str | None, timeout: float) -> stripe.StripeClient:
    per_loop = _clients.setdefault(asyncio.get_running_loop(), {})
    key = (secret_key, api_base, timeout)
    if key not in per_loop:
        http_client = QuietHTTPXClient(timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_SECONDS)))
        per_loop[key] = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=0,
            http_client=http_client,
        )
    return per_loop[key]


def payer_key(invoice: dict[str, Any]) -> str:
    """Our name for a payer at Stripe: the relative's id, or a hash of an outside payer's e-mail address."""
    if invoice.get("payer_relative"):
        return f"relative-{invoice['payer_relative']}"
    email = str(invoice["payer_email"]).strip().lower()
    return f"payer-{hashlib.sha256(email.encode()).hexdigest()}"


def invoice_key(invoice_id: int, step: str) -> str:
    return f"portal-invoice-{invoice_id}-{step}"


class StripeGateway:
    name = "stripe"

    def __init__(self, secret_key: str, api_base: str | None = None, *, timeout: float = REQUEST_TIMEOUT_SECONDS):
        self.secret_key = secret_key
        self.api_base = api_base
        self.timeout = timeout

    @property
    def client(self) -> stripe.StripeClient:
        return _client_for(self.secret_key, self.api_base, self.timeout)

    # ------------------------------------------------------------------ idempotency bookkeeping

    async def _remember(self, key: str, purpose: str) -> dict[str, Any] | None:
        """Commit the key before the call. Returns the earlier record when this call was made before."""
        async with write_transaction():
            inserted = (
                await StripeCall.insert(StripeCall(idempotency_key=key, purpose=purpose, created_at=utcnow()))
                .on_conflict(target=StripeCall.idempotency_key, action="DO NOTHING")
                .returning(StripeCall.id)
            )
        if inserted:
            return None
        return await StripeCall.select().where(StripeCall.idempotency_key == key).first()

    async def _completed(self, key: str, object_id: str) -> None:
        async with write_transaction():
            await StripeCall.update({StripeCall.object_id: object_id, StripeCall.completed_at: utcnow()}).where(
                StripeCall.idempotency_key == key
            )

    async def _once(self, key: str, purpose: str, call: Callable[[RequestOptions], Awaitable[Any]]) -> str:
        """Make a create-style call once: a completed earlier call is not repeated, an unfinished one is retried
        with the same key. Returns the Stripe object's id."""
        earlier = await self._remember(key, purpose)
        if earlier is not None and earlier["completed_at"] is not None and earlier["object_id"]:
            return str(earlier["object_id"])
        try:
            created = await call({"idempotency_key": key})
        except stripe.StripeError as exc:
            if exc.http_status in {400, 402, 404}:  # a definite answer: nothing was made, nothing is pending
                await self._completed(key, "")
            raise
        await self._completed(key, created.id)
        return str(created.id)

    # ------------------------------------------------------------------ customers

    async def ensure_customer(self, invoice: dict[str, Any]) -> dict[str, Any]:
        """The payer's Stripe customer, created once (metadata: our payer key only)."""
        key = payer_key(invoice)
        existing = await StripeCustomer.select().where(StripeCustomer.payer_key == key).first()
        if existing is not None:
            return existing
        customer_id = await self._once(
            f"portal-customer-{key}",
            "customer",
            lambda options: self.client.v1.customers.create_async({"metadata": {"portal_payer": key}}, options),
        )
        async with write_transaction():
            await StripeCustomer.insert(
                StripeCustomer(payer_key=key, stripe_customer_id=customer_id, created_at=utcnow())
            ).on_conflict(target=StripeCustomer.payer_key, action="DO NOTHING")
        row = await StripeCustomer.select().where(StripeCustomer.payer_key == key).first()
        assert row is not None
        return row

    # ------------------------------------------------------------------ invoices

    async def _autopay_method(self, invoice: dict[str, Any], customer: dict[str, Any]) -> str:
        """The saved payment method to charge, when the agreement has autopay and the payer saved one."""
        if not customer["default_payment_method"] or not invoice.get("agreement"):
            return ""
        agreement = (
            await RetainerAgreement.select(RetainerAgreement.autopay)
            .where(RetainerAgreement.id == invoice["agreement"])
            .first()
        )
        return str(customer["default_payment_method"]) if agreement and agreement["autopay"] else ""

    async def issue(self, invoice: dict[str, Any], lines: list[dict[str, Any]]) -> IssueResult:
        """Customer → draft invoice → one item per line → finalize (→ charge the saved method, with autopay)."""
        if int(invoice["total_cents"]) <= 0:
            return IssueResult()  # nothing to collect
        invoice_id = int(invoice["id"])
        customer = await self.ensure_customer(invoice)
        payment_method = await self._autopay_method(invoice, customer)
        params: InvoiceCreateParams = {
            "customer": customer["stripe_customer_id"],
            "currency": CURRENCY,
            "auto_advance": False,  # the portal sends the e-mail and runs the retry schedule itself
            "pending_invoice_items_behavior": "exclude",
            "metadata": {"portal_invoice_id": str(invoice_id), "portal_agreement_id": str(invoice["agreement"] or "")},
        }
        if payment_method:
            params["collection_method"] = "charge_automatically"
            params["default_payment_method"] = payment_method
        else:
            params["collection_method"] = "send_invoice"
            params["days_until_due"] = DUE_DAYS
        stripe_invoice_id = await self._once(
            invoice_key(invoice_id, "create"),
            "invoice.create",
            lambda options: self.client.v1.invoices.create_async(params, options),
        )
        for line in lines:
            item: InvoiceItemCreateParams = {
                "customer": customer["stripe_customer_id"],
                "invoice": stripe_invoice_id,
                "amount": int(line["amount_cents"]),
                "currency": CURRENCY,
                "description": line["description"],
                "metadata": {"portal_invoice_id": str(invoice_id), "portal_line_id": str(line["id"])},
            }
            await self._once(
                invoice_key(invoice_id, f"line-{line['id']}"),
                "invoiceitem.create",
                partial(self.client.v1.invoice_items.create_async, item),
            )
        finalized = await self._finalize(invoice_id, stripe_invoice_id)
        if payment_method and finalized.status == "open":
            try:
                await self.charge_saved_method({**invoice, "stripe_invoice_id": stripe_invoice_id})
            except stripe.StripeError as exc:
                # Issued all the same: the outcome arrives by webhook, and the retry schedule charges again.
                log.warning("autopay charge not completed", extra={"error_type": type(exc).__name__})
        return IssueResult(stripe_invoice_id=stripe_invoice_id, hosted_url=finalized.hosted_invoice_url or "")

    async def _finalize(self, invoice_id: int, stripe_invoice_id: str) -> Any:
        key = invoice_key(invoice_id, "finalize")
        await self._remember(key, "invoice.finalize")
        try:
            finalized = await self.client.v1.invoices.finalize_invoice_async(
                stripe_invoice_id, {"auto_advance": False}, {"idempotency_key": key}
            )
        except stripe.InvalidRequestError:
            # Stripe forgets idempotency keys after 24 hours: an invoice finalized by a much earlier attempt
            # is refused now, so look before giving up.
            finalized = await self.client.v1.invoices.retrieve_async(stripe_invoice_id)
            if finalized.status == "draft":
                raise
        await self._completed(key, stripe_invoice_id)
        return finalized

    async def void(self, invoice: dict[str, Any]) -> None:
        """Void the Stripe invoice (a draft left by an unfinished issue is deleted instead: Stripe cannot void it)."""
        invoice_id = int(invoice["id"])
        stripe_invoice_id = invoice["stripe_invoice_id"]
        if not stripe_invoice_id:
            earlier = (
                await StripeCall.select(StripeCall.object_id)
                .where(StripeCall.idempotency_key == invoice_key(invoice_id, "create"))
                .first()
            )
            stripe_invoice_id = earlier["object_id"] if earlier else ""
        if not stripe_invoice_id:
            return
        current = await self.client.v1.invoices.retrieve_async(stripe_invoice_id)
        if current.status == "draft":
            await self.client.v1.invoices.delete_async(stripe_invoice_id)
            return
        if current.status == "void":
            return
        key = invoice_key(invoice_id, "void")
        await self._remember(key, "invoice.void")
        await self.client.v1.invoices.void_invoice_async(stripe_invoice_id, options={"idempotency_key": key})
        await self._completed(key, stripe_invoice_id)

    async def charge_saved_method(self, invoice: dict[str, Any]) -> bool:
        """Charge the payer's saved payment method for an open Stripe invoice of an autopay agreement; True when it
        was paid. One key per attempt: a retried attempt is not charged twice, the next scheduled one is new."""
        if not invoice["stripe_invoice_id"]:
            return False
        customer = await StripeCustomer.select().where(StripeCustomer.payer_key == payer_key(invoice)).first()
        payment_method = await self._autopay_method(invoice, customer) if customer is not None else ""
        if not payment_method:
            return False  # no saved method, or the payer did not agree to automatic charges
        key = invoice_key(int(invoice["id"]), f"pay-{int(invoice['payment_attempts']) + 1}")
        await self._remember(key, "invoice.pay")
        try:
            paid = await self.client.v1.invoices.pay_async(
                invoice["stripe_invoice_id"],
                {"payment_method": payment_method, "off_session": True},
                {"idempotency_key": key},
            )
        except stripe.CardError:
            await self._completed(key, invoice["stripe_invoice_id"])
            return False  # declined: invoice.payment_failed arrives by webhook
        await self._completed(key, invoice["stripe_invoice_id"])
        return paid.status == "paid"

    # ------------------------------------------------------------------ refunds

    async def refund(self, payment: dict[str, Any], amount_cents: int, refund_key: str) -> RefundResult:
        """Refund part or all of a card or bank payment. Our reason is not sent: it is free text."""
        params: RefundCreateParams = {
            "amount": amount_cents,
            "reason": "requested_by_customer",
            "metadata": {"portal_payment_id": str(payment["id"]), "portal_invoice_id": str(payment["invoice"])},
        }
        if payment["stripe_payment_intent"]:
            params["payment_intent"] = payment["stripe_payment_intent"]
        elif payment["stripe_charge"]:
            params["charge"] = payment["stripe_charge"]
        else:
            raise ValueError("This payment did not go through Stripe.")
        refund_id = await self._once(
            refund_key, "refund", lambda options: self.client.v1.refunds.create_async(params, options)
        )
        return RefundResult(stripe_refund_id=refund_id)
