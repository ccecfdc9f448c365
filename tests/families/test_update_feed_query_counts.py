"""Pat's feed (page and API) and the case manager's list of updates run the same number of SQL statements with 10
updates and with 500: no query per update."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portal.clock import utcnow
from tests.families.updates_support import add_published_in_bulk
from tests.support.queries import count_queries


async def measure(client: Any, paths: list[str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        with count_queries() as counter:
            response = await client.get(path)
        assert response.status_code == 200, path
        counts[path] = counter.count
    return counts


async def test_the_feed_does_not_grow_with_the_number_of_updates(
    client: Any,
    other_client: Any,
    jordan_family: dict[str, Any],
    casey: dict[str, Any],
    jordan: dict[str, Any],
    pat: dict[str, Any],
) -> None:
    pat_relative = jordan_family["pat"]["id"]
    family_paths = ["/family/updates", f"/family/updates?client={jordan['id']}", "/api/v1/family/updates"]
    staff_paths = [f"/clients/{jordan['id']}/updates", f"/api/v1/clients/{jordan['id']}/updates"]
    now = utcnow()
    await add_published_in_bulk(jordan, casey, [pat_relative], 10, end=now)
    await client.login_as(pat)
    await other_client.login_as(casey)
    await client.get("/family/updates")  # warm up: the session's first request
    await other_client.get(staff_paths[0])
    family_10 = await measure(client, family_paths)
    staff_10 = await measure(other_client, staff_paths)

    await add_published_in_bulk(jordan, casey, [pat_relative], 490, end=now - timedelta(days=30))
    family_500 = await measure(client, family_paths)
    staff_500 = await measure(other_client, staff_paths)

    print(
        f"\nSQL statements, 10 updates: {family_10} {staff_10}\nSQL statements, 500 updates: {family_500} {staff_500}"
    )
    assert family_10 == family_500
    assert staff_10 == staff_500
    page = (await client.get("/family/updates")).text
    assert "Page 1 of 25 · 500 in all" in page and "500 new" in page
    assert (await client.get("/api/v1/family/updates")).json()["total"] == 500
