"""The transition checklist of a placement: ticked and unticked with who and when, an optional note, audited."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases import placements
from portal.cases.tables import TransitionItem
from portal.errors import Invalid, NotFound
from tests.cases.coordination_support import NOW, XSS, acting, add_placement, audit_events


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def item(placement_id: int, key: str) -> dict[str, Any]:
    row = (
        await TransitionItem.select()
        .where((TransitionItem.placement == placement_id) & (TransitionItem.item == key))
        .first()
    )
    assert row is not None
    return row


async def test_ticking_records_who_and_when_and_unticking_clears_it(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    placement_id = await add_placement(casey, jordan)
    await client.login_as(casey)
    path = f"/clients/{jordan['id']}/placements/{placement_id}/checklist/family_briefed"

    ticked = await client.post(path, data={"done": "on"})
    assert ticked.status_code == 303
    row = await item(placement_id, "family_briefed")
    assert row["done_by"] == casey["id"] and row["done_at"] == NOW

    page = await client.get(f"/clients/{jordan['id']}/placements")
    assert "1 of 5 done" in page.text and "Done by Casey Morales" in page.text

    unticked = await client.post(path, data={"done": ""})
    assert unticked.status_code == 303
    row = await item(placement_id, "family_briefed")
    assert row["done_at"] is None and row["done_by"] is None

    actions = [
        (e["action"], e["client_id"], e["resource_id"]) for e in await audit_events(casey, "placement.checklist")
    ]
    assert actions == [
        ("placement.checklist.tick", jordan["id"], str(placement_id)),
        ("placement.checklist.untick", jordan["id"], str(placement_id)),
    ]
    assert "family_briefed" in (await audit_events(casey, "placement.checklist"))[0]["detail"]


async def test_ticking_twice_changes_nothing_and_is_not_audited_twice(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    placement_id = await add_placement(casey, jordan)
    who = acting(casey)
    await placements.set_checklist_item(who, jordan["id"], placement_id, "medications", done=True)
    first = await item(placement_id, "medications")
    await placements.set_checklist_item(who, jordan["id"], placement_id, "medications", done=True)
    assert (await item(placement_id, "medications"))["done_at"] == first["done_at"]
    assert len(await audit_events(casey, "placement.checklist")) == 1


async def test_a_note_on_an_item_is_kept_and_escaped(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    placement_id = await add_placement(casey, jordan)
    await client.login_as(casey)
    path = f"/clients/{jordan['id']}/placements/{placement_id}/checklist/first_appointments"
    response = await client.post(path, data={"done": "", "note": f"Psychiatrist on the 14th {XSS}"})
    assert response.status_code == 303
    assert (await item(placement_id, "first_appointments"))["note"].endswith(XSS)
    assert [e["action"] for e in await audit_events(casey, "placement.checklist")] == ["placement.checklist.note"]
    page = await client.get(f"/clients/{jordan['id']}/placements")
    assert "<script>alert" not in page.text
    assert "Psychiatrist on the 14th &lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_an_htmx_toggle_gets_the_item_back(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    placement_id = await add_placement(casey, jordan)
    await client.login_as(casey)
    path = f"/clients/{jordan['id']}/placements/{placement_id}/checklist/release_signed"
    response = await client.post(path, data={"done": "on"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<li") and 'aria-pressed="true"' in response.text
    assert "<html" not in response.text
    assert f'id="check-{placement_id}-release_signed"' in response.text
    # The "n of 5 done" count in the checklist's heading is updated out of band.
    assert f'<small id="checklist-count-{placement_id}" hx-swap-oob="true">1 of 5 done</small>' in response.text


async def test_a_note_longer_than_300_characters_is_refused(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    placement_id = await add_placement(casey, jordan)
    with pytest.raises(Invalid):
        await placements.set_checklist_item(
            acting(casey), jordan["id"], placement_id, "medications", done=True, note="x" * 301
        )
    await client.login_as(casey)
    path = f"/clients/{jordan['id']}/placements/{placement_id}/checklist/medications"
    response = await client.post(path, data={"done": "on", "note": "x" * 301}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "at most 300 characters" in response.text
    assert (await item(placement_id, "medications"))["done_at"] is None


async def test_unknown_items_and_other_clients_placements_are_not_found(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    mine = await add_placement(casey, jordan)
    taylors = await add_placement(morgan, taylor)
    with pytest.raises(NotFound):
        await placements.set_checklist_item(acting(casey), jordan["id"], mine, "astrology", done=True)
    with pytest.raises(NotFound):
        await placements.set_checklist_item(acting(casey), jordan["id"], taylors, "medications", done=True)
    await client.login_as(casey)
    for path in [
        f"/clients/{jordan['id']}/placements/{mine}/checklist/astrology",
        f"/clients/{jordan['id']}/placements/{taylors}/checklist/medications",
        f"/clients/{taylor['id']}/placements/{taylors}/checklist/medications",
    ]:
        assert (await client.post(path, data={"done": "on"})).status_code == 404, path
    assert (await item(taylors, "medications"))["done_at"] is None
