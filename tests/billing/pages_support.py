"""Helpers of the billing page tests: an issued invoice for Jordan, the clock set inside November 2026."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.billing.run import run_monthly_billing
from portal.billing.tables import Invoice
from tests.billing.conftest import bea_principal

# Mid-afternoon in New York on December 1st, 2026: November's invoices are issued today, due December 15th.
DEC_1 = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)


async def issue_period(bea: dict[str, Any], period: str = "2026-11") -> list[dict[str, Any]]:
    await run_monthly_billing(bea_principal(bea), period)
    return await Invoice.select().where(Invoice.period == period).order_by(Invoice.id)


async def jordan_invoice(bea: dict[str, Any], agreement_id: int, period: str = "2026-11") -> dict[str, Any]:
    await run_monthly_billing(bea_principal(bea), period)
    row = await Invoice.select().where((Invoice.agreement == agreement_id) & (Invoice.period == period)).first()
    assert row is not None
    return row
