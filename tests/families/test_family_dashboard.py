"""Pat's dashboard: the latest update (Pat's own deliveries only), unread messages, where Jordan is now and the next
step (only with the timeline granted and a release covering placements; recorded as a disclosure), who to call;
nothing about payments until billing answers the hook."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from piccolo.query.methods.update import Update as UpdateQuery

from portal.cases import placements
from portal.cases.tables import Disclosure
from portal.clock import utcnow
from portal.families import plan
from portal.families.tables import AccessGrant, UpdateRecipient
from tests.families.conftest import family_release, grant, relative_of
from tests.families.family_data import acting, add_thread, add_updates


async def add_current_placement(casey: dict[str, Any], jordan: dict[str, Any]) -> int:
    today = utcnow().date()
    return await placements.create_placement(
        acting(casey),
        jordan["id"],
        {
            "program_name": "Pine Ridge Recovery",
            "level_of_care": "asam3:3.5",
            "referred_on": str(today - timedelta(days=40)),
            "admitted_on": str(today - timedelta(days=30)),
            "expected_discharge_on": str(today + timedelta(days=10)),
            "step_down_level": "asam3:2.5",
            "aftercare_plan": "Secret aftercare detail",
        },
    )


async def test_pat_sees_the_latest_update_unread_messages_placement_and_who_to_call(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat_relative, sam_relative = jordan_family["pat"]["id"], jordan_family["sam"]["id"]
    await add_updates(jordan["id"], casey["id"], [pat_relative], 3)  # "Week 3 …" is the newest
    newer = utcnow() + timedelta(minutes=5)
    await add_updates(jordan["id"], casey["id"], [sam_relative], 1, end=newer)  # Sam's alone: not Pat's
    await add_thread(jordan["id"], casey["id"], [pat_relative], 2)
    await add_thread(jordan["id"], pat["id"], [pat_relative], 1)  # Pat's own message is not unread
    await add_current_placement(casey, jordan)
    await plan.save_plan(
        acting(casey),
        jordan["id"],
        {"cadence_days": "7", "cadence_weekday": "4",
         "contact-0-for_what": "Case manager", "contact-0-name": "Casey Morales", "contact-0-phone": "+1 973 555 0100",
         "contact-1-for_what": "After-hours crisis line", "contact-1-phone": "988 000 0000"},
    )  # fmt: skip
    disclosures_before = await Disclosure.count()

    await client.login_as(pat)
    response = await client.get("/family")
    assert response.status_code == 200
    html = response.text
    assert "Week 3 at Pine Ridge" in html and "Week 1 at Pine Ridge" not in html
    assert ">3</span> unread messages" not in html and ">2</span> unread messages" in html
    assert "3 not read yet" in html
    assert "Pine Ridge Recovery" in html and "Residential 3.5" in html
    assert "Next step:</span> 2.5 Partial hospitalization" in html
    assert "A weekly update on Fridays, as agreed." in html
    assert "Casey Morales" in html and 'href="tel:+19735550100"' in html and "After-hours crisis line" in html
    for secret in ("Secret aftercare", "Expected discharge", "payment", "Payment", "coming soon"):
        assert secret not in html
    # Showing the placement passed the consent gate: one disclosure to Pat, of placements.
    [disclosure] = await Disclosure.select().where(Disclosure.id > 0).order_by(Disclosure.id, ascending=False).limit(1)
    assert await Disclosure.count() == disclosures_before + 1
    assert disclosure["recipient_relative"] == pat_relative and "placements" in str(disclosure["categories"])


async def test_without_the_timeline_there_is_no_placement_and_no_disclosure(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await add_current_placement(casey, jordan)
    await AccessGrant.update({AccessGrant.sees_timeline: False}).where(
        AccessGrant.relative == jordan_family["pat"]["id"]
    )
    before = await Disclosure.count()
    await client.login_as(pat)
    html = (await client.get("/family")).text
    assert "Pine Ridge Recovery" not in html and "Placement history" not in html
    assert await Disclosure.count() == before
    assert (await client.get(f"/family/clients/{jordan['id']}/timeline")).status_code == 404


async def test_without_a_release_covering_placements_there_is_no_placement(
    client: Any, casey: dict[str, Any], sam: dict[str, Any], jordan: dict[str, Any]
) -> None:
    sam_relative = await relative_of(jordan["id"], "sam@example.com")
    await grant(sam_relative["id"])  # everything granted
    await family_release(jordan["id"], sam_relative["id"], ["family_communication"])  # placements not covered
    await add_current_placement(casey, jordan)
    await client.login_as(sam)
    html = (await client.get("/family")).text
    assert "Jordan" in html and "Pine Ridge Recovery" not in html and "Placement history" not in html
    assert (await client.get(f"/family/clients/{jordan['id']}/timeline")).status_code == 404


async def test_a_read_update_is_not_new_and_no_updates_says_so(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(pat)
    html = (await client.get("/family")).text
    assert "No updates yet." in html and "No unread messages" in html
    [update_id] = await add_updates(jordan["id"], casey["id"], [jordan_family["pat"]["id"]], 1)
    assert ">New</span>" in (await client.get("/family")).text
    # UpdateRecipient's column `update` hides Table.update(): the UPDATE query is built directly.
    await (
        UpdateQuery(table=UpdateRecipient)
        .values({UpdateRecipient.read_at: utcnow()})
        .where(UpdateRecipient.update == update_id)
    )
    html = (await client.get("/family")).text
    assert "Week 1 at Pine Ridge" in html and ">New</span>" not in html


async def test_the_dashboard_view_is_audited_with_the_clients_shown(
    client: Any, pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    from tests.families.family_data import events

    await client.login_as(pat)
    await client.get("/family")
    [event] = await events("family.dashboard.view")
    assert event["actor_id"] == pat["id"] and str(jordan["id"]) in event["detail"]
