"""My day shows the case manager's clients whose family has waited longer than the communication plan's cadence
for a published update (with no update yet, counted from when the plan was agreed); drafts do not count, and
another case manager's clients never appear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from portal.cases import myday
from portal.families import plan
from portal.families.tables import CommunicationPlan, Update
from tests.families.family_data import XSS, acting, add_updates

# Tuesday 10 March 2026, 15:00 UTC (11:00 in New York, the practice's time zone).
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def agree_plan(person: dict[str, Any], client_id: int, *, days: int = 7, agreed: datetime = NOW) -> None:
    await plan.save_plan(acting(person), client_id, {"cadence_days": str(days)})
    await CommunicationPlan.update({CommunicationPlan.created_at: agreed}).where(CommunicationPlan.client == client_id)


async def overdue(person: dict[str, Any]) -> list[tuple[str, int]]:
    return [(row["name"], row["days_late"]) for row in (await myday.my_day(acting(person))).overdue_updates]


async def test_a_plan_without_updates_is_overdue_from_the_day_it_was_agreed(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    assert await overdue(casey) == []  # no plan: nothing to be late for
    await agree_plan(casey, jordan["id"], agreed=NOW - timedelta(days=7))
    assert await overdue(casey) == []  # seven days: due today, not late
    await agree_plan(casey, jordan["id"], agreed=NOW - timedelta(days=8))
    assert await overdue(casey) == [("Jordan Rivera", 1)]


async def test_days_since_the_last_published_update(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await agree_plan(casey, jordan["id"], agreed=NOW - timedelta(days=60))
    await add_updates(jordan["id"], casey["id"], [], 1, end=NOW - timedelta(days=10))
    assert await overdue(casey) == [("Jordan Rivera", 3)]
    # A draft written since is not an update the family has had.
    await Update.insert(
        Update(client=jordan["id"], author=casey["id"], title="Draft", status="draft", created_at=NOW, updated_at=NOW)
    )
    assert await overdue(casey) == [("Jordan Rivera", 3)]
    await add_updates(jordan["id"], casey["id"], [], 1, end=NOW - timedelta(days=2))
    assert await overdue(casey) == []


async def test_only_my_working_clients(
    casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    from portal.cases.tables import Client

    await agree_plan(morgan, taylor["id"], agreed=NOW - timedelta(days=30))
    assert await overdue(casey) == []
    assert await overdue(morgan) == [("Taylor Brooks", 23)]
    await Client.update({Client.status: "discharged"}).where(Client.id == taylor["id"])
    assert await overdue(morgan) == []


async def test_my_day_page_lists_overdue_family_updates(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    from portal.cases.tables import Client

    await Client.update({Client.preferred_name: XSS}).where(Client.id == jordan["id"])
    await agree_plan(casey, jordan["id"], days=14, agreed=NOW - timedelta(days=20))
    await client.login_as(casey)
    html = (await client.get("/my-day")).text
    assert "update overdue" in html and "Family updates overdue" in html
    assert "6 days late" in html and "No update yet; plan agreed 20 days ago" in html
    assert "An update every two weeks" in html
    assert f'href="/clients/{jordan["id"]}/updates"' in html
    assert XSS not in html and "&lt;script&gt;" in html


async def test_the_query_count_does_not_grow_with_plans_or_updates(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    from portal.cases import clients
    from tests.support.queries import count_queries

    await agree_plan(casey, jordan["id"], agreed=NOW - timedelta(days=30))
    await client.login_as(casey)
    await client.get("/my-day")  # warm up: the session's first request
    with count_queries() as one:
        await client.get("/my-day")
    for number in range(10):
        other = await clients.create_client(acting(casey), {"legal_name": f"Client {number}", "status": "active"})
        await agree_plan(casey, other, agreed=NOW - timedelta(days=40))
        await add_updates(other, casey["id"], [], 20, end=NOW - timedelta(days=9))
    with count_queries() as eleven:
        html = (await client.get("/my-day")).text
    assert "Client 9" in html and "2 days late" in html
    print(f"\nSQL statements for /my-day with 1 plan: {one.count}, with 11 plans and 200 updates: {eleven.count}")
    assert one.count == eleven.count
