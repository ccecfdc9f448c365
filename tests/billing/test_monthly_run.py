"""The monthly run: one invoice per (agreement, period), running twice creates nothing, dry runs change nothing,
lines never carry anything clinical."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from portal.billing.invoicing import invoice_lines
from portal.billing.run import run_monthly_billing
from portal.billing.tables import Invoice
from portal.errors import Invalid
from portal.mail.tables import OutboxMessage
from tests.billing.conftest import bea_principal, log_minutes, make_agreement


async def test_a_run_bills_the_retainer_and_overage_once(
    bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 3), 20 * 60)
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 20), 3 * 60 + 30)
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 21), 600, billable=False)
    summary = await run_monthly_billing(bea_principal(bea), "2026-11")
    assert (summary.created, summary.existing, summary.skipped) == (1, 0, [])
    [invoice] = await Invoice.select().where(Invoice.agreement == jordan_agreement)
    assert (invoice["period"], invoice["status"], invoice["total_cents"]) == ("2026-11", "open", 850_000 + 87_500)
    assert invoice["payer_email"] == "pat@example.com" and invoice["number"] >= 1
    lines = await invoice_lines(invoice["id"])
    assert [line["description"] for line in lines] == [
        "Case management services — November 2026",
        "Additional case management time — November 2026 (3 h 30 min at $250.00/h)",
    ]
    assert sum(line["amount_cents"] for line in lines) == invoice["total_cents"]

    again = await run_monthly_billing(bea_principal(bea), "2026-11")
    assert (again.created, again.existing) == (0, 1)
    assert await Invoice.count().where(Invoice.agreement == jordan_agreement) == 1


async def test_the_payer_is_emailed_a_link_and_nothing_else(bea: dict[str, Any], jordan_agreement: int) -> None:
    await run_monthly_billing(bea_principal(bea), "2026-11")
    [message] = await OutboxMessage.select().where(OutboxMessage.to_address == "pat@example.com")
    assert message["subject"] == "A new invoice from Harbor Case Management"
    assert "Jordan" not in message["body_text"] and "/family/billing" in message["body_text"]


async def test_a_dry_run_says_what_it_would_bill_and_writes_nothing(bea: dict[str, Any], jordan_agreement: int) -> None:
    summary = await run_monthly_billing(bea_principal(bea), "2026-11", dry_run=True)
    assert len(summary.planned) == 1 and summary.total_cents == 850_000
    assert await Invoice.count() == 0


async def test_paused_and_draft_agreements_are_skipped_with_a_reason(
    bea: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    await make_agreement(bea_principal(bea), jordan["id"], status="paused")
    await make_agreement(bea_principal(bea), taylor["id"], status="draft")
    summary = await run_monthly_billing(bea_principal(bea), "2026-11")
    assert summary.created == 0
    assert sorted(s["reason"] for s in summary.skipped) == ["not active yet (draft)", "paused"]


async def test_agreements_outside_the_period_are_not_billed(bea: dict[str, Any], jordan: dict[str, Any]) -> None:
    await make_agreement(bea_principal(bea), jordan["id"], start_date="2026-12-01")
    await make_agreement(bea_principal(bea), jordan["id"], start_date="2026-01-01", end_date="2026-10-31")
    summary = await run_monthly_billing(bea_principal(bea), "2026-11")
    assert summary.created == 0 and summary.skipped == []


async def test_an_agreement_ending_inside_the_period_is_prorated(bea: dict[str, Any], jordan: dict[str, Any]) -> None:
    agreement = await make_agreement(bea_principal(bea), jordan["id"], start_date="2026-01-01", end_date="2026-12-10")
    await run_monthly_billing(bea_principal(bea), "2026-12")
    [invoice] = await Invoice.select().where(Invoice.agreement == agreement)
    assert invoice["total_cents"] == 274_194


async def test_rolled_over_hours_reduce_overage(
    bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    agreement = await make_agreement(bea_principal(bea), jordan["id"], start_date="2026-10-01", rollover_max_hours=5)
    await log_minutes(jordan["id"], casey["id"], date(2026, 10, 10), 12 * 60)  # 8 h unused, 5 roll over
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 10), 26 * 60)  # 25 h available: 1 h overage
    await run_monthly_billing(bea_principal(bea), "2026-11")
    [invoice] = await Invoice.select().where(Invoice.agreement == agreement)
    assert invoice["total_cents"] == 850_000 + 25_000


async def test_expenses_are_billed_at_cost_once_without_their_details(
    bea: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    from portal.billing.agreements import add_expense

    await add_expense(
        bea_principal(bea),
        jordan_agreement,
        {"incurred_on": "2026-11-12", "kind": "travel", "description": "Drive to Blue Ridge", "amount": "182.40"},
    )
    await run_monthly_billing(bea_principal(bea), "2026-11")
    await run_monthly_billing(bea_principal(bea), "2026-12")
    invoices = await Invoice.select().where(Invoice.agreement == jordan_agreement).order_by(Invoice.period)
    november_lines = await invoice_lines(invoices[0]["id"])
    assert november_lines[-1]["description"] == "Pass-through expenses at cost — November 2026"
    assert november_lines[-1]["amount_cents"] == 18_240
    assert "Blue Ridge" not in " ".join(line["description"] for line in november_lines)
    assert invoices[1]["total_cents"] == 850_000  # not billed twice


async def test_invoice_numbers_are_consecutive(
    bea: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    for client in (jordan, taylor, jordan):
        await make_agreement(bea_principal(bea), client["id"])
    await run_monthly_billing(bea_principal(bea), "2026-11")
    numbers = sorted(row["number"] for row in await Invoice.select(Invoice.number))
    assert numbers == list(range(numbers[0], numbers[0] + 3))


async def test_a_bad_period_is_a_clear_error(bea: dict[str, Any]) -> None:
    with pytest.raises(Invalid, match="2026-11"):
        await run_monthly_billing(bea_principal(bea), "November")


async def test_only_billing_staff_and_the_owner_may_run_billing(casey: dict[str, Any]) -> None:
    from litestar.exceptions import PermissionDeniedException

    from portal.policy import Principal, Role

    with pytest.raises(PermissionDeniedException):
        await run_monthly_billing(
            Principal(user_id=casey["id"], role=Role.CASE_MANAGER, email=casey["email"], name=casey["name"]), "2026-11"
        )
