"""Helpers of the Stripe tests: issue an invoice through the fake, deliver signed webhooks to the app."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from portal.billing.invoicing import LineDraft, create_invoice
from portal.billing.money import Period
from portal.billing.run import run_monthly_billing
from portal.billing.tables import Invoice, RetainerAgreement
from tests.billing.conftest import bea_principal
from tests.support.fake_stripe import FakeStripe

WEBHOOK = "/api/v1/billing/stripe/webhook"


async def bill(bea: dict[str, Any], agreement_id: int, period: str = "2026-11") -> dict[str, Any]:
    """Run the month and return the agreement's invoice."""
    await run_monthly_billing(bea_principal(bea), period)
    row = await Invoice.select().where((Invoice.agreement == agreement_id) & (Invoice.period == period)).first()
    assert row is not None
    return row


async def invoice(invoice_id: int) -> dict[str, Any]:
    row = await Invoice.select().where(Invoice.id == invoice_id).first()
    assert row is not None
    return row


async def deliver(client: Any, fake: FakeStripe, event: dict[str, Any], **signing: Any) -> httpx.Response:
    """POST a signed delivery of `event` to the webhook, without a session or a CSRF token, as Stripe does."""
    payload, headers = fake.signed(event, **signing)
    response: httpx.Response = await client.post(WEBHOOK, content=payload, headers=headers, csrf=False)
    return response


async def draft_invoice(agreement_id: int) -> int:
    """A November draft (retainer and expenses) of the agreement, not yet issued."""
    agreement = await RetainerAgreement.select().where(RetainerAgreement.id == agreement_id).first()
    assert agreement is not None
    period = Period(2026, 11)
    return await create_invoice(
        agreement=agreement,
        period=period,
        lines=[
            LineDraft("retainer", f"Case management services — {period.label}", 850_000, 1, 850_000, date(2026, 11, 1)),
            LineDraft("expense", f"Pass-through expenses at cost — {period.label}", 18_240, 1, 18_240),
        ],
        expense_ids=[],
        payer_name="Pat Rivera",
        payer_email="pat@example.com",
    )
