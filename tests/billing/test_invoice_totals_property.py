"""A property of every invoice, whatever happens to it: its lines sum to its total, its counters agree with the
payment, refund and credit-note rows, and total = payments − refunds + credits + balance, in integer cents.

Each example runs the real services against the test database, in its own transaction that is rolled back (on
a loop of its own: Hypothesis drives a plain function)."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portal.billing import refunds
from portal.billing.invoicing import (
    LineDraft,
    add_credit_note,
    balance_of,
    create_invoice,
    issue_invoice,
    record_offline_payment,
)
from portal.billing.ledger import load_invoice_detail
from portal.billing.money import Period
from portal.billing.tables import CreditNote, Payment, Refund, RetainerAgreement
from portal.db import get_engine
from portal.errors import Conflict, Invalid
from tests.billing.conftest import bea_principal, make_agreement
from tests.support import people

lines_strategy = st.lists(
    st.tuples(st.sampled_from(["retainer", "overage", "expense"]), st.integers(min_value=0, max_value=2_000_000)),
    min_size=1,
    max_size=5,
)
operations_strategy = st.lists(
    st.tuples(st.sampled_from(["pay", "credit", "refund", "overpay"]), st.integers(min_value=1, max_value=3_000_000)),
    max_size=8,
)


class RollBack(Exception):
    pass


async def check(lines: list[tuple[str, int]], operations: list[tuple[str, int]]) -> None:
    engine: Any = get_engine()
    try:
        async with engine.transaction():
            await exercise(lines, operations)
            raise RollBack
    except RollBack:
        pass


async def exercise(lines: list[tuple[str, int]], operations: list[tuple[str, int]]) -> None:
    bea = await people.get("bea@example.com")
    jordan = await people.client_named("Jordan Rivera")
    principal = bea_principal(bea)
    agreement_id = await make_agreement(principal, jordan["id"])
    agreement = await RetainerAgreement.select().where(RetainerAgreement.id == agreement_id).first()
    drafts = [LineDraft(kind=kind, description=f"{kind} — November 2026", amount_cents=cents) for kind, cents in lines]
    invoice_id = await create_invoice(
        agreement=agreement,
        period=Period(2026, 11),
        lines=drafts,
        expense_ids=[],
        payer_name="Outside Payer",
        payer_email="payer@example.com",
    )
    await issue_invoice(invoice_id)
    for operation, amount in operations:
        detail = await load_invoice_detail(invoice_id)
        balance = detail.balance_cents
        try:
            if operation == "pay" and detail.invoice["status"] == "open":
                await record_offline_payment(
                    principal,
                    invoice_id,
                    {"amount_cents": min(amount, balance), "method": "check", "received_on": "2026-12-02"},
                )
            elif operation == "overpay" and detail.invoice["status"] == "open":
                before = await Payment.count()
                try:
                    await record_offline_payment(
                        principal,
                        invoice_id,
                        {"amount_cents": balance + amount, "method": "wire", "received_on": "2026-12-02"},
                    )
                except Invalid:
                    assert await Payment.count() == before
                else:
                    raise AssertionError("a payment above the balance was accepted")
            elif operation == "credit":
                limit = balance if detail.invoice["status"] == "open" else amount
                await add_credit_note(principal, invoice_id, min(amount, limit), "Correction")
            elif operation == "refund" and detail.payments:
                payment = detail.payments[amount % len(detail.payments)]
                left = int(payment["amount_cents"]) - int(payment["refunded_cents"])
                if left > 0:
                    await refunds.refund_payment(principal, payment["id"], min(amount, left), "Returned")
        except (Invalid, Conflict) as exc:
            # Only a refusal the rules call for: nothing to pay, nothing to credit, an amount of zero.
            assert balance <= 0 or "at least 1" in str(exc) or detail.invoice["status"] != "open", exc
        await assert_balanced(invoice_id)


async def assert_balanced(invoice_id: int) -> None:
    detail = await load_invoice_detail(invoice_id)
    invoice = detail.invoice
    payments = sum(int(p["amount_cents"]) for p in await Payment.select().where(Payment.invoice == invoice_id))
    credits = sum(int(c["amount_cents"]) for c in await CreditNote.select().where(CreditNote.invoice == invoice_id))
    refunded = sum(int(r["amount_cents"]) for r in await Refund.select().where(Refund.payment.invoice == invoice_id))
    assert all(isinstance(value, int) for value in (payments, credits, refunded, detail.balance_cents))
    assert sum(int(line["amount_cents"]) for line in detail.lines) == invoice["total_cents"]
    assert (invoice["paid_cents"], invoice["credited_cents"], invoice["refunded_cents"]) == (
        payments,
        credits,
        refunded,
    )
    assert invoice["total_cents"] == payments - refunded + credits + detail.balance_cents
    assert detail.balance_cents == balance_of(invoice)
    if invoice["status"] == "open":
        assert detail.balance_cents >= 0  # zero only for an invoice of nothing (a $0 line)
    if refunded == 0 and invoice["status"] == "paid":
        assert detail.balance_cents <= 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=lines_strategy, operations=operations_strategy)
@example(lines=[("retainer", 0)], operations=[("pay", 5), ("credit", 3)])
@example(
    lines=[("retainer", 850_000), ("overage", 87_500)], operations=[("pay", 900_000), ("refund", 1), ("overpay", 1)]
)
@example(lines=[("retainer", 100)], operations=[("credit", 100), ("credit", 5), ("pay", 1)])
def test_an_invoice_always_balances(lines: list[tuple[str, int]], operations: list[tuple[str, int]]) -> None:
    asyncio.run(check(lines, operations))
