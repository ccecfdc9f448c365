"""Helpers of the claim and family-superbill tests: Jordan's November 2026 superbill issued on December 3rd, paid
by Pat (active, with a release covering billing); Sam suspended; Robin a relative of Taylor only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.billing.superbills import issue_superbill
from portal.billing.tables import Superbill
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
