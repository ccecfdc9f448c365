"""My day shows exactly what is due for the signed-in case manager's own clients, at the edges of each window
(an injected clock), never another case manager's clients; "/" sends case managers there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from portal.cases import myday
from portal.cases.tables import Client
from portal.core.tables import Practice
from tests.cases.coordination_support import (
    NOW,
    TODAY,
    XSS,
    acting,
    add_consent,
    add_note,
    add_placement,
    add_task,
    audit_events,
)


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def test_tasks_due_today_or_overdue_and_nothing_else(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await add_task(casey, client=jordan, title="Due yesterday", due_on=TODAY - timedelta(days=1))
    await add_task(casey, title="Due today", due_on=TODAY)
    await add_task(casey, title="Due tomorrow", due_on=TODAY + timedelta(days=1))
    await add_task(casey, title="No date")
    await add_task(casey, title="Done", due_on=TODAY, done_at=NOW)
    day = await myday.my_day(acting(casey))
    assert [(t["title"], t["is_overdue"]) for t in day.tasks] == [("Due yesterday", True), ("Due today", False)]
    assert day.overdue_count == 1


async def test_no_contact_means_no_contact_note_in_the_window(
    casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any]
) -> None:
    async def quiet() -> list[str]:
        return [c["name"] for c in (await myday.my_day(acting(casey))).quiet_clients]

    assert await quiet() == ["Jordan Rivera"]  # never contacted
    await add_note(jordan, casey, NOW - timedelta(days=8), "call")
    day = await myday.my_day(acting(casey))
    assert [(c["client"], c["days_since"]) for c in day.quiet_clients] == [(jordan["id"], 8)]
    # A note to the file is not contact.
    await add_note(jordan, casey, NOW - timedelta(days=1), "internal")
    assert await quiet() == ["Jordan Rivera"]
    await add_note(jordan, casey, NOW - timedelta(days=6), "email")
    assert await quiet() == []


async def test_days_since_contact_counts_calendar_days_in_the_practice_time_zone(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    # Now is 11:00 on March 10 in New York; the call was at 20:00 on March 1 (01:00 UTC on March 2). Elapsed time
    # is 8 days 10 hours, but a person says the call was 9 days ago.
    evening_call = datetime(2026, 3, 1, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    await add_note(jordan, casey, evening_call.astimezone(UTC), "call")
    day = await myday.my_day(acting(casey))
    assert [(c["name"], c["days_since"]) for c in day.quiet_clients] == [("Jordan Rivera", 9)]


async def test_no_contact_follows_the_practice_setting(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await add_note(jordan, casey, NOW - timedelta(days=8), "call")
    await Practice.update({Practice.no_contact_alert_days: 10}).where(Practice.id == 1)
    day = await myday.my_day(acting(casey))
    assert day.quiet_clients == [] and day.no_contact_days == 10


async def test_discharged_clients_need_no_contact(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await Client.update({Client.status: "discharged"}).where(Client.id == jordan["id"])
    assert (await myday.my_day(acting(casey))).quiet_clients == []


async def test_releases_expiring_within_30_days(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    in_29 = await add_consent(jordan, expires_on=TODAY + timedelta(days=29))
    today = await add_consent(jordan, expires_on=TODAY)
    await add_consent(jordan, expires_on=TODAY + timedelta(days=31))
    await add_consent(jordan, expires_on=TODAY - timedelta(days=1))
    await add_consent(jordan, expires_on=TODAY + timedelta(days=5), revoked_at=NOW)
    await add_consent(jordan, expires_on=None, until_revoked=True, covers_part2=True)
    day = await myday.my_day(acting(casey))
    assert [(c["id"], c["days_left"]) for c in day.consents] == [(today, 0), (in_29, 29)]
    assert day.consents[0]["recipient_label"] == "my treating providers"


async def test_placements_discharging_within_14_days(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    in_13 = await add_placement(casey, jordan, expected_discharge_on=str(TODAY + timedelta(days=13)))
    await add_placement(casey, jordan, program_name="Later", expected_discharge_on=str(TODAY + timedelta(days=15)))
    await add_placement(
        casey,
        jordan,
        program_name="Gone",
        expected_discharge_on=str(TODAY + timedelta(days=2)),
        discharged_on=str(TODAY - timedelta(days=1)),
        discharge_type="transfer",
        outcome="transferred",
    )
    day = await myday.my_day(acting(casey))
    assert [(p["id"], p["days_left"]) for p in day.discharges] == [(in_13, 13)]
    assert day.discharges[0]["checklist_done"] == 0 and day.discharges[0]["checklist_total"] == 5


async def test_crisis_notes_of_the_last_48_hours(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    recent = await add_note(jordan, casey, NOW - timedelta(hours=47), "crisis", subject="Called 988")
    await add_note(jordan, casey, NOW - timedelta(hours=49), "crisis", subject="Older crisis")
    await add_note(jordan, casey, NOW - timedelta(hours=2), "call", subject="Not a crisis")
    day = await myday.my_day(acting(casey))
    assert [n["id"] for n in day.crisis_notes] == [recent]


async def test_the_page_shows_each_section_and_audits_one_read(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await add_task(casey, client=jordan, title="Call Pine Ridge", due_on=TODAY - timedelta(days=1))
    await add_note(jordan, casey, NOW - timedelta(hours=3), "crisis", subject="Safety plan reviewed")
    await add_placement(casey, jordan, expected_discharge_on=str(TODAY + timedelta(days=3)))
    await add_consent(jordan, expires_on=TODAY + timedelta(days=10))
    await client.login_as(casey)
    response = await client.get("/my-day")
    assert response.status_code == 200
    html = response.text
    for text in [
        "Call Pine Ridge",
        "Overdue",
        "Safety plan reviewed",
        "Pine Ridge Recovery",
        "in 3 days",
        "10 days left",
    ]:
        assert text in html, text
    assert "Every client has been contacted" in html  # the crisis note 3 hours ago is contact
    events = await audit_events(casey, "myday.view")
    assert len(events) == 1 and events[0]["client_id"] is None
    assert f"[{jordan['id']}]" in events[0]["detail"]


async def test_caseys_day_never_shows_morgans_clients(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    await Client.update({Client.preferred_name: "Tay"}).where(Client.id == taylor["id"])
    await add_task(morgan, client=taylor, title="Taylor task", due_on=TODAY)
    await add_note(taylor, morgan, NOW - timedelta(hours=1), "crisis", subject="Taylor crisis")
    await add_placement(
        morgan, taylor, program_name="Taylor program", expected_discharge_on=str(TODAY + timedelta(days=2))
    )
    await add_consent(taylor, expires_on=TODAY + timedelta(days=3))
    await client.login_as(casey)
    html = (await client.get("/my-day")).text
    for text in ["Taylor", "Tay", "Brooks", f"/clients/{taylor['id']}"]:
        assert text not in html, text
    day = await myday.my_day(acting(casey))
    assert taylor["id"] not in day.client_ids
    # Morgan sees them all.
    morgans = await myday.my_day(acting(morgan))
    assert morgans.client_ids == [taylor["id"]]
    assert len(morgans.tasks) == len(morgans.crisis_notes) == len(morgans.discharges) == len(morgans.consents) == 1


async def test_the_owner_sees_only_their_own_day(
    client: Any, olivia: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await add_note(jordan, casey, NOW - timedelta(hours=1), "crisis", subject="Casey's client")
    await add_task(olivia, title="Payroll", due_on=TODAY)
    await client.login_as(olivia)
    response = await client.get("/my-day")
    assert response.status_code == 200
    assert "Payroll" in response.text and "Casey&#39;s client" not in response.text
    home = await client.get("/")
    assert home.status_code == 200  # the owner keeps the practice home page


async def test_case_managers_start_on_my_day_and_find_it_in_the_navigation(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    home = await client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/my-day"
    page = await client.get("/my-day")
    nav = page.text[page.text.index('<nav class="site-nav"') : page.text.index("</nav>")]
    assert nav.index(">Home<") < nav.index(">My day<") < nav.index(">Clients<")
    assert 'href="/my-day" aria-current="page"' in nav


@pytest.mark.parametrize("email", ["bea@example.com", "pat@example.com"])
async def test_billing_and_families_have_no_my_day(client: Any, email: str) -> None:
    await client.login(email)
    assert (await client.get("/my-day")).status_code == 403
    assert "/my-day" not in (await client.get("/")).text


async def test_names_and_subjects_are_escaped(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await Client.update({Client.preferred_name: XSS}).where(Client.id == jordan["id"])
    await add_note(jordan, casey, NOW - timedelta(hours=1), "crisis", subject=XSS)
    await add_placement(casey, jordan, program_name=XSS, expected_discharge_on=str(TODAY + timedelta(days=3)))
    await add_task(casey, client=jordan, title=XSS, due_on=TODAY)
    await client.login_as(casey)
    html = (await client.get("/my-day")).text
    assert "<script>alert" not in html and html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
