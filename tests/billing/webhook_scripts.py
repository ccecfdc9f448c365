"""Run in a subprocess against a scratch database (real commits, real connections):

python -m tests.billing.webhook_scripts concurrent-delivery

Seeds one open invoice, then sends the same signed `invoice.paid` delivery to the app twice at the same moment,
each request in its own transaction on its own connection. Applying is slowed down so the second delivery
arrives while the first transaction is still open. Prints a JSON summary.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import httpx
import stripe

from portal.accounts import services as accounts
from portal.billing import agreements, webhooks
from portal.billing.invoicing import LineDraft, create_invoice
from portal.billing.money import Period
from portal.billing.tables import Invoice, Payment, RetainerAgreement, StripeEvent
from portal.cases import clients
from portal.db import close_pool, start_pool
from portal.policy import Principal, Role

SECRET = "whsec_concurrency"


async def seed() -> int:
    system = Principal.system("tests")
    manager = await accounts.create_user(
        system, email="cm@example.com", name="Case Manager", role=Role.CASE_MANAGER, password="a long enough password"
    )
    client_id = await clients.create_client(system, {"legal_name": "Client 1"}, primary_case_manager_id=manager["id"])
    agreement_id = await agreements.create_agreement(
        system,
        {
            "client": client_id,
            "payer_name": "Payer",
            "payer_email": "payer@example.com",
            "monthly_fee": "8500",
            "start_date": "2026-01-01",
        },
    )
    await agreements.set_status(system, agreement_id, "active")
    agreement = await RetainerAgreement.select().where(RetainerAgreement.id == agreement_id).first()
    assert agreement is not None
    invoice_id = await create_invoice(
        agreement=agreement,
        period=Period(2026, 11),
        lines=[
            LineDraft(kind="retainer", description="Case management services — November 2026", amount_cents=850_000)
        ],
        expense_ids=[],
        payer_name="Payer",
        payer_email="payer@example.com",
    )
    await Invoice.update({Invoice.status: "open", Invoice.stripe_invoice_id: "in_concurrent"}).where(
        Invoice.id == invoice_id
    )
    return invoice_id


def paid_event(invoice_id: int) -> dict[str, Any]:
    return {
        "id": "evt_concurrent",
        "object": "event",
        "type": "invoice.paid",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": "in_concurrent",
                "object": "invoice",
                "status": "paid",
                "amount_paid": 850_000,
                "metadata": {"portal_invoice_id": str(invoice_id)},
                "payments": {
                    "object": "list",
                    "data": [
                        {
                            "object": "invoice_payment",
                            "status": "paid",
                            "amount_paid": 850_000,
                            "payment": {"type": "payment_intent", "payment_intent": "pi_concurrent"},
                        }
                    ],
                },
            }
        },
    }


async def concurrent_delivery() -> None:
    from portal.app import create_app

    await start_pool()
    try:
        invoice_id = await seed()
        applying = webhooks.HANDLERS["invoice.paid"]
        entered: list[float] = []

        async def slow(event: dict[str, Any], obj: dict[str, Any]) -> bool:
            entered.append(time.monotonic())
            await asyncio.sleep(0.5)  # hold the first transaction open while the second delivery arrives
            return await applying(event, obj)

        webhooks.HANDLERS["invoice.paid"] = slow
        payload = json.dumps(paid_event(invoice_id))
        headers = {
            "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(payload, SECRET),
            "Content-Type": "application/json",
        }
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as http:

            async def post() -> tuple[int, str, float]:
                response = await http.post("/api/v1/billing/stripe/webhook", content=payload, headers=headers)
                return response.status_code, response.json().get("detail", ""), time.monotonic()

            started = time.monotonic()
            answers = await asyncio.gather(post(), post())
        invoice = await Invoice.select().where(Invoice.id == invoice_id).first()
        assert invoice is not None
        print(
            json.dumps(
                {
                    "answers": sorted([status, detail] for status, detail, _ in answers),
                    "handler_runs": len(entered),
                    "seconds": round(max(at for *_, at in answers) - started, 2),
                    "payments": await Payment.count().where(Payment.invoice == invoice_id),
                    "events": await StripeEvent.count(),
                    "status": invoice["status"],
                    "paid_cents": invoice["paid_cents"],
                }
            )
        )
    finally:
        await close_pool()


if __name__ == "__main__":
    asyncio.run({"concurrent-delivery": concurrent_delivery}[sys.argv[1]]())
