"""The retention page's query count does not grow with the number of archived clients (no N+1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.cases import clients
from portal.operations import retention
from portal.policy import Principal, Role
from tests.support.queries import count_queries


async def _archive_new_client(principal: Principal, case_manager: dict[str, Any], name: str) -> None:
    client_id = await clients.create_client(
        principal,
        {"legal_name": name, "date_of_birth": date(2001, 1, 1), "status": "active"},
        primary_case_manager_id=case_manager["id"],
    )
    await retention.archive_client(principal, client_id)


async def test_retention_page_queries_do_not_grow_with_archived_clients(
    client: Any, olivia: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    owner = Principal(user_id=olivia["id"], role=Role.OWNER, email=olivia["email"], name=olivia["name"])
    await retention.archive_client(owner, jordan["id"])
    await retention.place_legal_hold(owner, jordan["id"], "Subpoena 114")
    await client.login_as(olivia)
    await client.get("/retention")

    with count_queries() as few:
        response = await client.get("/retention")
    assert response.status_code == 200
    await retention.archive_client(owner, taylor["id"])
    for number in range(4):
        await _archive_new_client(owner, casey, f"Archived Person {number}")
    with count_queries() as many:
        response = await client.get("/retention")

    assert response.status_code == 200 and response.text.count("Restore to active") == 6
    assert many.count == few.count
