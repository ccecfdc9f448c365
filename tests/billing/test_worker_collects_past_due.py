"""The worker's round collects what is owed: an open invoice whose due date has passed is marked past due, a
scheduled payment attempt is made (offline: the payer is reminded instead), and an invoice past due for
OWNER_DECISION_AFTER_DAYS puts one decision in front of the owner."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from portal.billing import collections
from portal.billing.tables import BillingNotice, Invoice
from portal.mail.tables import OutboxMessage
from portal.worker import run_once
from tests.billing.pages_support import DEC_1, jordan_invoice


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def row(invoice_id: int) -> dict[str, Any]:
    found = await Invoice.select().where(Invoice.id == invoice_id).first()
    assert found is not None
    return found


async def test_the_worker_marks_overdue_invoices_past_due_and_asks_the_owner_once(
    clock: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    issued = await jordan_invoice(bea, jordan_agreement)
    assert issued["due_on"] == date(2026, 12, 15)

    clock.advance(days=14)  # December 15th: due today, not yet past due
    report = await run_once()
    assert report.collections["past_due"] == 0 and (await row(issued["id"]))["past_due_since"] is None

    clock.advance(days=1)
    report = await run_once()
    assert report.collections == {"past_due": 1, "charged": 0, "reminders": 0, "owner_notices": 0}
    assert (await row(issued["id"]))["past_due_since"] == date(2026, 12, 15)
    assert (await run_once()).collections["past_due"] == 0  # marked once

    clock.advance(days=collections.OWNER_DECISION_AFTER_DAYS - 2)
    assert (await run_once()).collections["owner_notices"] == 0
    clock.advance(days=1)
    assert (await run_once()).collections["owner_notices"] == 1
    assert (await run_once()).collections["owner_notices"] == 0
    [notice] = await BillingNotice.select()
    assert (notice["invoice"], notice["kind"]) == (issued["id"], collections.OWNER_DECISION)


async def test_a_scheduled_attempt_without_a_saved_card_reminds_the_payer(
    clock: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    issued = await jordan_invoice(bea, jordan_agreement)
    await Invoice.update({Invoice.next_payment_attempt_at: clock.now() + timedelta(days=3)}).where(
        Invoice.id == issued["id"]
    )
    assert (await run_once()).collections["reminders"] == 0  # not due yet
    clock.advance(days=3)
    report = await run_once()
    assert (report.collections["charged"], report.collections["reminders"]) == (0, 1)
    assert (await row(issued["id"]))["next_payment_attempt_at"] is None
    [reminder] = await OutboxMessage.select().where(OutboxMessage.subject.like(collections.REMINDER_SUBJECT + "%"))
    assert reminder["to_address"] == "pat@example.com" and f"#{issued['number']}" in reminder["body_text"]
    assert (await run_once()).collections["reminders"] == 0  # one reminder per scheduled attempt
