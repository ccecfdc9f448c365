"""Money and PHI stay apart: with Jordan's record full of clinical detail, a month of billing through Stripe —
issuing with overage and expenses, autopay, paying, refunding, voiding — sends Stripe nothing of it. Every
recorded request (method, path, headers and body) is scanned."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from portal.billing.agreements import add_expense
from portal.billing.invoicing import void_invoice
from portal.billing.refunds import refund_payment
from portal.billing.tables import Payment, RetainerAgreement, StripeCustomer
from portal.cases.tables import Diagnosis, Note, Placement
from portal.clock import utcnow
from tests.billing.conftest import bea_principal, log_minutes, make_agreement
from tests.billing.stripe_support import bill, deliver
from tests.support.fake_stripe import FakeStripe

DIAGNOSIS_CODE = re.compile(r"(?<![\w-])[A-TV-Z][0-9][0-9AB]\.?[0-9A-TV-Z]{0,4}(?![\w-])")
NOTE_TEXT = "Discussed relapse risk after the weekend pass"
PROGRAM = "Blue Ridge Recovery"
FORBIDDEN = ["Jordan", "Rivera", "Taylor", "Brooks", "Montclair", "2004-03-14", NOTE_TEXT, "relapse", PROGRAM,
             "Blue Ridge", "Alcohol", "dependence", "pat@example.com", "payer@example.com", "Dana Reyes"]  # fmt: skip


async def plant_clinical_record(client_id: int, author_id: int) -> None:
    now = utcnow()
    await Diagnosis.insert(
        Diagnosis(
            client=client_id,
            code="F10.20",
            description="Alcohol dependence, uncomplicated",
            is_primary=True,
            diagnosed_on=date(2026, 6, 1),
            created_at=now,
        )
    )
    await Note.insert(
        Note(
            client=client_id,
            author=author_id,
            kind="call",
            occurred_at=now,
            minutes=60,
            billable=True,
            subject="Call with Blue Ridge Recovery",
            body_html=f"<p>{NOTE_TEXT}</p>",
            body_text=NOTE_TEXT,
            created_at=now,
            updated_at=now,
        )
    )
    await Placement.insert(
        Placement(client=client_id, program_name=PROGRAM, level_of_care="residential", created_at=now, updated_at=now)
    )


async def test_nothing_clinical_or_identifying_reaches_stripe(
    fake_stripe: FakeStripe,
    client: Any,
    bea: dict[str, Any],
    casey: dict[str, Any],
    jordan: dict[str, Any],
    taylor: dict[str, Any],
    jordan_agreement: int,
) -> None:
    await plant_clinical_record(jordan["id"], casey["id"])
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 4), 23 * 60)
    await add_expense(
        bea_principal(bea),
        jordan_agreement,
        {"incurred_on": "2026-11-12", "kind": "site_visit", "description": f"Visit to {PROGRAM}", "amount": "182.40"},
    )
    taylors = await make_agreement(bea_principal(bea), taylor["id"], payer_name="Robin Brooks")

    # November: issued (customer, invoice, three items, finalize), paid on the hosted page, partly refunded.
    november = await bill(bea, jordan_agreement, "2026-11")
    assert (await deliver(client, fake_stripe, fake_stripe.pay(november["stripe_invoice_id"]))).status_code == 200
    [payment] = await Payment.select().where(Payment.invoice == november["id"])
    await refund_payment(bea_principal(bea), payment["id"], 25_000, f"Overbilled: {PROGRAM} visit (F10.20) for Jordan")
    # December: autopay with a saved method; Taylor's invoice is voided.
    await StripeCustomer.update({StripeCustomer.default_payment_method: "pm_1"}).where(StripeCustomer.id > 0)
    await RetainerAgreement.update({RetainerAgreement.autopay: True}).where(RetainerAgreement.id == jordan_agreement)
    await bill(bea, jordan_agreement, "2026-12")
    await void_invoice(bea_principal(bea), (await bill(bea, taylors, "2026-12"))["id"])

    requests = fake_stripe.calls()
    paths = {re.sub(r"in_\w+", "in_…", r.path) for r in requests}
    assert paths >= {"/v1/customers", "/v1/invoices", "/v1/invoiceitems", "/v1/invoices/in_…/finalize",
                     "/v1/invoices/in_…/pay", "/v1/invoices/in_…/void", "/v1/refunds"}  # fmt: skip
    for request in requests:
        text = "\n".join([request.method, request.path, *map(str, request.headers.items()), request.body])
        for word in FORBIDDEN:
            assert word.lower() not in text.lower(), f"{word!r} was sent to Stripe: {request.method} {request.path}"
        assert not DIAGNOSIS_CODE.search(text), f"a diagnosis-like code was sent: {DIAGNOSIS_CODE.search(text)}"
    # What Stripe does get: our ids and non-clinical descriptions.
    descriptions = {r.params["description"] for r in fake_stripe.calls("POST", "/v1/invoiceitems")}
    assert descriptions == {
        "Case management services — November 2026",
        "Additional case management time — November 2026 (3 h at $250.00/h)",
        "Pass-through expenses at cost — November 2026",
        "Case management services — December 2026",
    }
    metadata_keys = {key for r in requests for key in r.params.get("metadata", {})}
    assert metadata_keys == {"portal_payer", "portal_invoice_id", "portal_agreement_id", "portal_line_id",
                             "portal_payment_id"}  # fmt: skip
    assert {r.params["reason"] for r in fake_stripe.calls("POST", "/v1/refunds")} == {"requested_by_customer"}
