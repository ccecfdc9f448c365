"""Time entries through the JSON API: standalone time in, filtered lists out, changing and deleting one's own
entries; time that belongs to a note changes only with the note."""

from __future__ import annotations

from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.cases.tables import TimeEntry
from tests.cases.coordination_support import NOW
from tests.cases.notes_support import signed_note, write_note

TRAVEL = {"service_date": "2026-03-04", "minutes": 90, "activity": "travel", "description": "Drove to Blue Ridge"}


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


def entries_url(client: dict[str, Any]) -> str:
    return f"/api/v1/clients/{client['id']}/time-entries"


async def test_casey_adds_standalone_time_for_herself(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)

    response = await client.post(entries_url(jordan), json=TRAVEL)

    assert response.status_code == 201, response.text
    entry = response.json()
    assert (entry["service_date"], entry["minutes"], entry["activity"], entry["billable"]) == (
        "2026-03-04",
        90,
        "travel",
        True,
    )
    assert entry["case_manager"] == {"id": casey["id"], "name": "Casey Morales"}
    assert entry["note_id"] is None and entry["changeable"] is True
    actions = await AuditEvent.select(AuditEvent.action).where(AuditEvent.client_id == jordan["id"])
    assert [a["action"] for a in actions if a["action"].startswith("time_entry")] == ["time_entry.create"]


async def test_invalid_time_is_refused_naming_each_field(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    bad = {**TRAVEL, "service_date": "2026-03-11", "minutes": 0, "activity": "golf", "case_manager_id": morgan["id"]}

    response = await client.post(entries_url(jordan), json=bad)

    assert response.status_code == 400
    assert set(response.json()["extra"]) == {"service_date", "minutes", "activity", "case_manager_id"}
    assert await TimeEntry.count() == 0


async def test_the_owner_enters_time_for_the_clients_case_manager(
    client: Any, olivia: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    response = await client.post(entries_url(jordan), json={**TRAVEL, "case_manager_id": casey["id"]})
    assert response.status_code == 201, response.text
    assert response.json()["case_manager"]["name"] == "Casey Morales"


async def test_the_list_filters_by_dates_activity_and_billable(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    for body in (
        TRAVEL,
        {"service_date": "2026-02-27", "minutes": 30, "activity": "research", "billable": False},
        {"service_date": "2026-03-09", "minutes": 45, "activity": "report_writing"},
    ):
        assert (await client.post(entries_url(jordan), json=body)).status_code == 201

    async def dates(query: str) -> list[str]:
        response = await client.get(f"{entries_url(jordan)}?{query}")
        assert response.status_code == 200, response.text
        return [item["service_date"] for item in response.json()["items"]]

    assert await dates("") == ["2026-03-09", "2026-03-04", "2026-02-27"]
    assert await dates("since=2026-03-01") == ["2026-03-09", "2026-03-04"]
    assert await dates("since=2026-03-04&until=2026-03-04") == ["2026-03-04"]
    assert await dates("activity=research") == ["2026-02-27"]
    assert await dates("billable=false") == ["2026-02-27"]
    assert await dates("billable=true&until=2026-03-05") == ["2026-03-04"]
    event = (
        await AuditEvent.select(AuditEvent.detail)
        .where(AuditEvent.action == "time_entry.list")
        .order_by(AuditEvent.id, ascending=False)
        .first()
    )
    assert event is not None and "billable" in str(event["detail"]) and "until" in str(event["detail"])


async def test_patch_changes_only_the_fields_sent_and_delete_removes_the_entry(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    entry = (await client.post(entries_url(jordan), json=TRAVEL)).json()
    url = f"{entries_url(jordan)}/{entry['id']}"

    patched = await client.request("PATCH", url, json={"minutes": 75, "billable": False})

    assert patched.status_code == 200, patched.text
    assert (patched.json()["minutes"], patched.json()["billable"]) == (75, False)
    for kept in ("service_date", "activity", "description", "case_manager"):
        assert patched.json()[kept] == entry[kept], kept
    refused = await client.request("PATCH", url, json={"minutes": 0})
    assert refused.status_code == 400 and set(refused.json()["extra"]) == {"minutes"}

    deleted = await client.request("DELETE", url)
    assert deleted.status_code == 204
    assert (await client.get(entries_url(jordan))).json()["total"] == 0
    assert (await client.request("DELETE", url)).status_code == 404


async def test_time_from_a_note_changes_only_with_the_note(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await write_note(casey, jordan, occurred_at="2026-03-02T10:00")
    await signed_note(casey, jordan, occurred_at="2026-03-03T10:00")
    await client.login_as(casey)
    items = (await client.get(entries_url(jordan))).json()["items"]
    assert [(i["changeable"], i["note_id"] is not None) for i in items] == [(False, True), (False, True)]

    for item in items:
        url = f"{entries_url(jordan)}/{item['id']}"
        assert (await client.request("PATCH", url, json={"minutes": 5})).status_code == 409
        assert (await client.request("DELETE", url)).status_code == 409
    assert await TimeEntry.count().where(TimeEntry.minutes == 25) == 2


async def test_casey_cannot_change_the_time_the_owner_entered_for_herself(
    client: Any, olivia: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    entry = (await client.post(entries_url(jordan), json=TRAVEL)).json()
    await client.logout()
    await client.login_as(casey)
    url = f"{entries_url(jordan)}/{entry['id']}"
    assert (await client.request("PATCH", url, json={"minutes": 5})).status_code == 403
    assert (await client.request("DELETE", url)).status_code == 403
