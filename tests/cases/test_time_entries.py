"""Standalone time (travel, research, report writing): adding, totals per month, who may change what, and the
billable minutes of a month for billing."""

from __future__ import annotations

from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.cases import clients, time_entries
from portal.cases.tables import TimeEntry
from portal.errors import Conflict, Forbidden, Invalid
from tests.cases.notes_support import acting, day, write_note

ENTRY = {
    "service_date": "2025-03-04",
    "minutes": "90",
    "activity": "travel",
    "description": "Drove to Blue Ridge for the family session",
    "billable": "on",
}


async def test_casey_adds_time_on_the_page_and_sees_hours_per_month(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/time"
    page = await client.get(base)
    assert page.status_code == 200 and "No time recorded yet." in page.text

    assert (await client.post(base, data=ENTRY)).status_code == 303
    assert (await client.post(base, data={**ENTRY, "minutes": "45", "billable": ""})).status_code == 303
    assert (await client.post(base, data={**ENTRY, "service_date": "2025-02-27", "minutes": "30"})).status_code == 303

    entry = await TimeEntry.select().where(TimeEntry.minutes == 90).first()
    assert entry["case_manager"] == casey["id"] and entry["note"] is None
    assert entry["service_date"] == day("2025-03-04") and entry["billable"] is True
    page = await client.get(base)
    assert "Drove to Blue Ridge for the family session" in page.text
    march = page.text.index("March 2025")
    assert '<td class="num">2.25</td><td class="num">1.50</td>' in page.text[march:]  # 135 min, 90 billable
    assert '<td class="num">0.50</td><td class="num">0.50</td>' in page.text[page.text.index("February 2025") :]
    assert march < page.text.index("February 2025")
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "time_entry.list") & (AuditEvent.client_id == jordan["id"])
    )


async def test_monthly_minutes_counts_billable_minutes_of_that_month_only(
    casey: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any], morgan: dict[str, Any]
) -> None:
    principal = acting(casey)
    for service_date, minutes, billable in [
        ("2025-02-28", 10, "on"),
        ("2025-03-01", 20, "on"),
        ("2025-03-31", 30, "on"),
        ("2025-03-15", 40, ""),
        ("2025-04-01", 50, "on"),
    ]:
        await time_entries.add_time_entry(
            principal,
            jordan["id"],
            {**ENTRY, "service_date": service_date, "minutes": str(minutes), "billable": billable},
        )
    await write_note(casey, jordan, occurred_at="2025-03-31T23:30", minutes="25")  # 1 April in UTC
    await time_entries.add_time_entry(acting(morgan), taylor["id"], {**ENTRY, "service_date": "2025-03-10"})

    assert await time_entries.monthly_minutes(jordan["id"], 2025, 3) == 20 + 30 + 25
    assert await time_entries.monthly_minutes(jordan["id"], 2025, 2) == 10
    assert await time_entries.monthly_minutes(jordan["id"], 2025, 4) == 50
    assert await time_entries.monthly_minutes(jordan["id"], 2025, 12) == 0


async def test_casey_edits_and_deletes_her_own_standalone_time(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    entry_id = await time_entries.add_time_entry(acting(casey), jordan["id"], ENTRY)
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/time"
    form = await client.get(f"{base}/{entry_id}/edit")
    assert form.status_code == 200 and 'value="90"' in form.text

    saved = await client.post(f"{base}/{entry_id}/edit", data={**ENTRY, "minutes": "75", "activity": "research"})
    assert saved.status_code == 303
    row = await TimeEntry.select().where(TimeEntry.id == entry_id).first()
    assert (row["minutes"], row["activity"]) == (75, "research")

    deleted = await client.post(f"{base}/{entry_id}/delete", data={})
    assert deleted.status_code == 303
    assert await TimeEntry.count().where(TimeEntry.id == entry_id) == 0
    event = await AuditEvent.select(AuditEvent.detail).where(AuditEvent.action == "time_entry.delete").first()
    assert "75" in str(event["detail"])


async def test_time_of_another_case_manager_is_changed_only_by_the_owner(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], olivia: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await clients.add_secondary_case_manager(acting(olivia), jordan["id"], morgan["id"])
    morgans = await time_entries.add_time_entry(acting(morgan), jordan["id"], ENTRY)
    with pytest.raises(Forbidden):
        await time_entries.update_time_entry(acting(casey), jordan["id"], morgans, {**ENTRY, "minutes": "5"})
    await client.login_as(casey)
    page = await client.get(f"/clients/{jordan['id']}/time")
    assert f"/time/{morgans}/edit" not in page.text
    assert (await client.post(f"/clients/{jordan['id']}/time/{morgans}/delete", data={})).status_code == 403

    await time_entries.update_time_entry(acting(olivia), jordan["id"], morgans, {**ENTRY, "minutes": "5"})
    row = await TimeEntry.select(TimeEntry.minutes, TimeEntry.case_manager).where(TimeEntry.id == morgans).first()
    assert (row["minutes"], row["case_manager"]) == (5, morgan["id"])


async def test_the_owner_enters_time_for_a_case_manager_but_a_case_manager_only_for_herself(
    casey: dict[str, Any], morgan: dict[str, Any], olivia: dict[str, Any], jordan: dict[str, Any]
) -> None:
    entry_id = await time_entries.add_time_entry(
        acting(olivia), jordan["id"], {**ENTRY, "case_manager": str(casey["id"])}
    )
    assert (await TimeEntry.select().where(TimeEntry.id == entry_id).first())["case_manager"] == casey["id"]
    with pytest.raises(Invalid) as refused:
        await time_entries.add_time_entry(acting(casey), jordan["id"], {**ENTRY, "case_manager": str(morgan["id"])})
    assert "case_manager" in refused.value.field_errors
    with pytest.raises(Invalid):  # Morgan does not work with Jordan
        await time_entries.add_time_entry(acting(olivia), jordan["id"], {**ENTRY, "case_manager": str(morgan["id"])})


async def test_time_from_a_note_is_changed_through_the_note(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await write_note(casey, jordan)
    entry = await TimeEntry.select().first()
    with pytest.raises(Conflict, match="draft note"):
        await time_entries.delete_time_entry(acting(casey), jordan["id"], entry["id"])
    await client.login_as(casey)
    page = await client.get(f"/clients/{jordan['id']}/time")
    assert f"/time/{entry['id']}/edit" not in page.text and f"/notes/{entry['note']}" in page.text
    assert (await client.get(f"/clients/{jordan['id']}/time/{entry['id']}/edit")).status_code == 409


BAD_INPUT = [
    ({"minutes": "0"}, "minutes", "Minutes must be at least 1."),
    ({"minutes": "-5"}, "minutes", "Minutes must be at least 1."),
    ({"minutes": "abc"}, "minutes", "Minutes must be a whole number."),
    ({"minutes": "1441"}, "minutes", "Minutes must be at most 1440."),
    ({"minutes": ""}, "minutes", "Minutes is required."),
    ({"service_date": "yesterday"}, "service_date", "Date: use a date like"),
    ({"service_date": "2150-01-01"}, "service_date", "cannot be in the future"),
    ({"activity": "golf"}, "activity", "Choose one of the listed options for an activity."),
    ({"activity": ""}, "activity", "Choose an activity."),
    ({"description": "d" * 201}, "description", "Description must be at most 200 characters."),
    ({"case_manager": "99999999999999999999"}, "case_manager", "Case manager must be at most"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
async def test_bad_time_input_is_a_form_error_never_a_500(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], change: dict[str, str], field: str, message: str
) -> None:
    await client.login_as(casey)
    response = await client.post(f"/clients/{jordan['id']}/time", data={**ENTRY, **change})
    assert response.status_code == 400
    assert f'id="f-{field}-error"' in response.text or (field == "case_manager" and message in response.text)
    assert message in response.text
    assert await TimeEntry.count() == 0
