"""The staff overview of superbills: clients with a retainer (archived ones left out), by name, a page at a
time, each with its latest issued superbill and how many it has; its query count does not grow with the page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.audit.tables import AuditEvent
from portal.billing.tables import Superbill
from portal.cases.tables import Client
from tests.billing.conftest import bea_principal, make_agreement
from tests.support.queries import count_queries


async def add_clients_with_retainers(bea: dict[str, Any], count: int) -> list[int]:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    clients = [Client(legal_name=f"Zed Client {n:03d}", status="active", created_at=now, updated_at=now)
               for n in range(count)]  # fmt: skip
    rows = await Client.insert(*clients).returning(Client.id)
    ids = [int(row["id"]) for row in rows]
    for client_id in ids:
        await make_agreement(bea_principal(bea), client_id)
    return ids


async def issue_row(client_id: int, period: str, number: int) -> None:
    await Superbill.insert(
        Superbill(client=client_id, period=period, statement_number=number, status="issued",
                  issued_on=datetime(2026, 12, 2).date(), created_at=datetime(2026, 12, 2, tzinfo=UTC))
    )  # fmt: skip


async def test_each_client_with_its_latest_superbill_a_page_at_a_time(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any], jordan_agreement: int
) -> None:
    await make_agreement(bea_principal(bea), taylor["id"])
    await issue_row(jordan["id"], "2026-10", 7)
    await issue_row(jordan["id"], "2026-11", 9)
    await Client.update({Client.archived_at: datetime(2026, 11, 2, tzinfo=UTC)}).where(Client.id == taylor["id"])
    await client.login_as(bea)

    page = await client.get("/billing/superbills")
    assert page.status_code == 200
    assert f'href="/billing/superbills/clients/{jordan["id"]}"' in page.text
    assert "November 2026 · No. 9" in page.text and ">2</td>" in page.text
    assert f'/billing/superbills/clients/{taylor["id"]}"' not in page.text  # archived: hidden everywhere

    await add_clients_with_retainers(bea, 30)
    first = await client.get("/billing/superbills?per_page=25")
    second = await client.get("/billing/superbills?page=2&per_page=25")
    assert first.text.count('href="/billing/superbills/clients/') == 25
    assert second.text.count('href="/billing/superbills/clients/') == 6  # 31 clients in all
    assert "Zed Client 029" in second.text and "Zed Client 029" not in first.text
    assert (await client.get("/billing/superbills?colour=blue")).status_code == 400
    assert await AuditEvent.count().where(AuditEvent.action == "superbill.overview") == 3


async def test_the_overview_query_count_does_not_grow_with_the_page(
    client: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    await client.login_as(bea)
    await client.get("/billing/superbills")
    with count_queries() as one:
        await client.get("/billing/superbills")
    ids = await add_clients_with_retainers(bea, 20)
    for number, client_id in enumerate(ids, start=100):
        await issue_row(client_id, "2026-11", number)
    with count_queries() as many:
        await client.get("/billing/superbills")
    assert many.count == one.count
