"""At 80 % and at 100 % of the month's included hours, the case manager gets a task (it shows on My day) and the
payer a content-free e-mail, once each, sent by the worker before overage accrues."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from portal.billing.hours import check_hours_alerts, client_hours
from portal.billing.money import Period
from portal.billing.tables import HoursAlert
from portal.cases.tables import Task
from portal.mail.tables import OutboxMessage
from portal.worker import run_once
from tests.billing.conftest import bea_principal, log_minutes, make_agreement

NOV_20 = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
BILLING_NOTICE = "You have a new billing notice from Harbor Case Management"


@pytest.fixture(autouse=True)
def november(clock: Any) -> Any:
    clock.set(NOV_20)
    return clock


async def notices_to(address: str) -> list[dict[str, Any]]:
    return await OutboxMessage.select().where(
        (OutboxMessage.to_address == address) & (OutboxMessage.subject == BILLING_NOTICE)
    )


async def test_alerts_at_80_and_100_percent_once_each(
    casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 3), 15 * 60)  # 75 %
    assert await check_hours_alerts() == 0

    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 10), 60)  # 80 %
    report = await run_once()
    assert report.hours_alerts == 1
    [task] = await Task.select().where(Task.client == jordan["id"])
    assert task["title"] == "Jordan has used 80 % of included hours"
    assert (task["assignee"], str(task["due_on"]), task["priority"]) == (casey["id"], "2026-11-20", "normal")
    assert "$" not in task["details"] and "16 h used of 20 h" in task["details"]
    [email] = await notices_to("pat@example.com")
    for text in (email["subject"], email["body_text"]):
        assert "Jordan" not in text and "Rivera" not in text and "hours" not in text and "%" not in text
    assert "/family/billing" in email["body_text"]

    assert await check_hours_alerts() == 0  # once
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 12), 3 * 60)  # 95 %
    assert await check_hours_alerts() == 0

    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 19), 60)  # 100 %: before any overage
    assert await check_hours_alerts() == 1
    titles = [t["title"] for t in await Task.select().where(Task.client == jordan["id"]).order_by(Task.id)]
    assert titles == ["Jordan has used 80 % of included hours", "Jordan has used 100 % of included hours"]
    assert len(await notices_to("pat@example.com")) == 2

    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 20), 120)  # overage now
    assert await check_hours_alerts() == 0 and await run_once() is not None
    assert len(await notices_to("pat@example.com")) == 2
    rows = await HoursAlert.select().where(HoursAlert.client == jordan["id"])
    assert sorted((r["period"], r["threshold"]) for r in rows) == [("2026-11", 80), ("2026-11", 100)]


async def test_the_task_shows_on_caseys_day(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 3), 17 * 60)
    await check_hours_alerts()
    await client.login_as(casey)
    assert "Jordan has used 80 % of included hours" in (await client.get("/my-day")).text


async def test_a_jump_past_100_percent_is_one_notice(
    casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 3), 25 * 60)
    assert await check_hours_alerts() == 1
    assert [t["title"] for t in await Task.select().where(Task.client == jordan["id"])] == [
        "Jordan has used 100 % of included hours"
    ]
    assert len(await notices_to("pat@example.com")) == 1
    assert await HoursAlert.count().where(HoursAlert.client == jordan["id"]) == 2  # 80 % will not follow


async def test_a_new_month_starts_again(
    clock: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 3), 17 * 60)
    assert await check_hours_alerts() == 1
    clock.set(datetime(2026, 12, 10, 17, 0, tzinfo=UTC))
    assert await check_hours_alerts() == 0
    await log_minutes(jordan["id"], casey["id"], date(2026, 12, 9), 16 * 60)
    assert await check_hours_alerts() == 1
    assert await HoursAlert.count().where(HoursAlert.period == "2026-12") == 1


async def test_rolled_over_hours_count_and_agreements_without_included_hours_never_alert(
    bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any], morgan: dict[str, Any]
) -> None:
    await make_agreement(bea_principal(bea), jordan["id"], included_hours=10, rollover_max_hours=5)
    await make_agreement(bea_principal(bea), taylor["id"], included_hours="")
    await log_minutes(jordan["id"], casey["id"], date(2026, 10, 5), 4 * 60)  # October: 6 h unused, 5 roll over
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 5), 11 * 60)  # 11 of 15 h: 73 %
    await log_minutes(taylor["id"], morgan["id"], date(2026, 11, 5), 90 * 60)
    hours = await client_hours(jordan["id"])
    assert hours is not None
    assert (hours.period, hours.included, hours.rolled_over, hours.used, hours.remaining) == (
        Period(2026, 11),
        600,
        300,
        660,
        240,
    )
    assert await check_hours_alerts() == 0
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 6), 60)  # 12 of 15 h: 80 %
    assert await check_hours_alerts() == 1
    assert await HoursAlert.count().where(HoursAlert.client == taylor["id"]) == 0
