"""Helpers of the claim and family-superbill tests: Jordan's November 2026 superbill issued on December 3rd, paid
by Pat (active, with a release covering billing); Sam suspended; Robin a relative of Taylor only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from portal.billing.superbills import issue_superbill
from portal.billing.tables import Superbill, SuperbillLine
from tests.billing.conftest import bea_principal, make_agreement
from tests.billing.family_billing_support import family
from tests.billing.superbill_support import ready_november

DEC_3 = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
# The earliest date of service in November is the 3rd; the plan's timely-filing limit is 180 days.
DEADLINE = "2027-05-02"


async def issued_november(
    bea: dict[str, Any],
    casey: dict[str, Any],
    jordan: dict[str, Any],
    taylor: dict[str, Any],
    clock: Any,
    *,
    release: bool = True,
) -> dict[str, Any]:
    clock.set(DEC_3)
    people = await family(jordan, taylor, release=release)
    agreement = await make_agreement(
        bea_principal(bea), jordan["id"], payer_relative=people["pat"]["id"], payer_name="", payer_email=""
    )
    await ready_november(bea, casey, jordan, agreement)
    superbill_id = await issue_superbill(bea_principal(bea), jordan["id"], "2026-11")
    row = await Superbill.select().where(Superbill.id == superbill_id).first()
    assert row is not None
    return {**people, "superbill": row, "superbill_id": superbill_id, "agreement": agreement}


async def add_issued_month(
    base: dict[str, Any],
    period: str,
    statement_number: int,
    *,
    charge_cents: int = 10_000,
    units: int = 4,
    service_day: int = 3,
) -> int:
    """Another issued superbill for `base`'s client and payer, paid in full, with one T1016 line of `units` 15-minute
    units on `service_day`: written straight to the tables, for estimates and lists across months."""
    year, month = (int(part) for part in period.split("-"))
    rows = await Superbill.insert(
        Superbill(client=base["client"], period=period, statement_number=statement_number, invoice=base["invoice"],
                  issued_on=date(year + month // 12, month % 12 + 1, 2), total_charge_cents=charge_cents,
                  total_paid_cents=charge_cents, created_at=base["created_at"])
    ).returning(Superbill.id)  # fmt: skip
    await SuperbillLine.insert(
        SuperbillLine(superbill=rows[0]["id"], service_date=date(year, month, service_day), place_of_service="11",
                      code="T1016", description="Case management", units=units, minutes=15 * units,
                      charge_cents=charge_cents)
    )  # fmt: skip
    return int(rows[0]["id"])
