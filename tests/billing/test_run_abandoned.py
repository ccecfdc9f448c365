"""A run whose worker died mid-way (killed, or the database went away before it could record the failure) does
not stay "running" on the billing page forever: after half an hour it is queued again and completed, and a run
that is merely slow is left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from portal.billing.run import ABANDONED_RUN_AFTER, run_queued_billing_runs
from portal.billing.tables import BillingRun, Invoice
from tests.billing.pages_support import DEC_1


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def stuck_run(started_ago: timedelta) -> int:
    rows = await BillingRun.insert(
        BillingRun(period="2026-11", status="running", created_at=DEC_1 - started_ago, started_at=DEC_1 - started_ago)
    ).returning(BillingRun.id)
    return int(rows[0]["id"])


async def test_an_abandoned_run_is_queued_again_and_completed(jordan_agreement: int) -> None:
    run_id = await stuck_run(ABANDONED_RUN_AFTER + timedelta(minutes=1))
    assert await run_queued_billing_runs() == 1
    run = await BillingRun.select().where(BillingRun.id == run_id).first()
    assert (run["status"], run["created"], run["error"]) == ("done", 1, "restarted after an interruption")
    assert await Invoice.count().where(Invoice.period == "2026-11") == 1


async def test_a_run_that_is_still_within_its_time_is_left_running(jordan_agreement: int) -> None:
    run_id = await stuck_run(ABANDONED_RUN_AFTER - timedelta(minutes=1))
    assert await run_queued_billing_runs() == 0
    run = await BillingRun.select().where(BillingRun.id == run_id).first()
    assert run["status"] == "running"
    assert await Invoice.count() == 0
