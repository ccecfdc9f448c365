"""The family dashboard runs the same number of SQL statements with 10 updates and with 500 (and with 2 messages
and with 200): no query per update or message."""

from __future__ import annotations

from typing import Any

from portal.families import plan
from tests.families.family_data import acting, add_thread, add_updates
from tests.families.test_family_dashboard import add_current_placement
from tests.support.queries import count_queries


async def test_the_dashboard_query_count_does_not_grow_with_updates(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    relatives = [jordan_family["pat"]["id"], jordan_family["sam"]["id"]]
    await add_current_placement(casey, jordan)
    await plan.save_plan(
        acting(casey), jordan["id"], {"cadence_days": "7", "contact-0-for_what": "Case manager",
                                       "contact-0-phone": "+1 973 555 0100"},
    )  # fmt: skip
    await add_updates(jordan["id"], casey["id"], relatives, 10)
    await add_thread(jordan["id"], casey["id"], relatives, 2)
    await client.login_as(pat)
    await client.get("/family")  # warm up: the session's first request

    with count_queries() as small:
        first = await client.get("/family")
    await add_updates(jordan["id"], casey["id"], relatives, 490)
    await add_thread(jordan["id"], casey["id"], relatives, 198)
    with count_queries() as large:
        second = await client.get("/family")

    assert first.status_code == second.status_code == 200
    assert "Week 10 at Pine Ridge" in first.text and "Week 490 at Pine Ridge" in second.text
    assert ">200</span> unread messages" in second.text and "Pine Ridge Recovery" in second.text
    print(f"\nSQL statements for /family with 10 updates: {small.count}, with 500 updates: {large.count}")
    assert small.count == large.count
