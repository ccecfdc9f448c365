"""My day and Jordan's overview run the same number of SQL statements with 10 notes and with 1,000 (and My day
the same with one client and with twenty): no query per row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from portal.cases import clients
from portal.cases.tables import Client
from tests.cases.coordination_support import (
    NOW,
    TODAY,
    acting,
    add_consent,
    add_note,
    add_notes_in_bulk,
    add_placement,
    add_task,
)
from tests.support.queries import count_queries

PAGES = ["/my-day", "/clients/{jordan}", "/clients/{jordan}/timeline", "/clients/{jordan}/placements"]


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def measure(client: Any, jordan: dict[str, Any]) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        path = page.format(jordan=jordan["id"])
        with count_queries() as counter:
            response = await client.get(path)
        assert response.status_code == 200, path
        counts[page] = counter.count
    return counts


async def test_query_counts_do_not_grow_with_notes(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await add_placement(casey, jordan, expected_discharge_on=str(TODAY + timedelta(days=5)))
    await add_task(casey, client=jordan, title="Overdue", due_on=TODAY - timedelta(days=2))
    await add_consent(jordan, expires_on=TODAY + timedelta(days=9))
    await add_notes_in_bulk(jordan, casey, 10, end=NOW)
    await client.login_as(casey)
    await client.get("/my-day")  # warm up: the session's first request
    with_10 = await measure(client, jordan)

    await add_notes_in_bulk(jordan, casey, 990, end=NOW - timedelta(minutes=30))
    with_1000 = await measure(client, jordan)
    print(f"\nSQL statements with 10 notes: {with_10}\nSQL statements with 1,000 notes: {with_1000}")
    assert with_10 == with_1000
    html = (await client.get(f"/clients/{jordan['id']}/timeline")).text
    assert "1000 notes" in html


async def test_my_day_query_count_does_not_grow_with_clients(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    async def add_client_with_everything(name: str) -> None:
        client_id = await clients.create_client(acting(casey), {"legal_name": name, "status": "active"})
        row = await Client.select().where(Client.id == client_id).first()
        await add_placement(casey, row, expected_discharge_on=str(TODAY + timedelta(days=4)))
        await add_task(casey, client=row, title=f"Call {name}", due_on=TODAY)
        await add_consent(row, expires_on=TODAY + timedelta(days=20))
        await add_note(row, casey, NOW - timedelta(hours=5), "crisis")
        await add_note(row, casey, NOW - timedelta(days=12), "call")

    await client.login_as(casey)
    await client.get("/my-day")
    await add_client_with_everything("Client One")
    with count_queries() as one:
        small = await client.get("/my-day")
    for number in range(19):
        await add_client_with_everything(f"Client {number + 2}")
    with count_queries() as twenty:
        large = await client.get("/my-day")
    assert "Client One" in small.text and "Client 20" in large.text
    print(f"\nSQL statements for /my-day with 1 client: {one.count}, with 20 clients: {twenty.count}")
    assert one.count == twenty.count
