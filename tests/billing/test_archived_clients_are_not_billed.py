"""An archived client is hidden from every list: the monthly run names their still-active agreement as skipped
(instead of invoicing a client nobody can see) and the worker sends no hours alert for them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from portal.billing.hours import check_hours_alerts
from portal.billing.run import run_monthly_billing
from portal.billing.tables import HoursAlert, Invoice
from portal.cases.tables import Client
from portal.operations.retention import archive_client, unarchive_client
from portal.policy import Principal, Role
from tests.billing.conftest import bea_principal, log_minutes


def olivia_principal(olivia: dict[str, Any]) -> Principal:
    return Principal(user_id=olivia["id"], role=Role.OWNER, email=olivia["email"], name=olivia["name"])


async def test_the_run_skips_an_archived_clients_agreement_and_says_why(
    olivia: dict[str, Any], bea: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await archive_client(olivia_principal(olivia), jordan["id"])
    preview = await run_monthly_billing(bea_principal(bea), "2026-11", dry_run=True)
    assert preview.planned == [] and [s["reason"] for s in preview.skipped] == ["the client is archived"]
    summary = await run_monthly_billing(bea_principal(bea), "2026-11")
    assert summary.created == 0 and await Invoice.count() == 0

    await unarchive_client(olivia_principal(olivia), jordan["id"])  # back in care: billed as usual
    assert (await run_monthly_billing(bea_principal(bea), "2026-11")).created == 1
    assert await Invoice.count().where(Invoice.agreement == jordan_agreement) == 1


async def test_no_hours_alert_for_an_archived_client(
    olivia: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int, clock: Any
) -> None:
    clock.set(datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 3), 20 * 60)  # 100 % of the included hours
    await archive_client(olivia_principal(olivia), jordan["id"])
    assert await check_hours_alerts() == 0 and await HoursAlert.count() == 0
    await Client.update({Client.archived_at: None}).where(Client.id == jordan["id"])
    assert await check_hours_alerts() == 1
