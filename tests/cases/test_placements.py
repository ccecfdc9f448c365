"""Placements: recording an episode, the date rules, discharging it (with an outcome), the current placement and
its step-down target; everything audited with the client's id."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases import placements
from portal.cases.tables import Placement, TransitionItem
from portal.errors import Invalid
from tests.cases.coordination_support import (
    NOW,
    PLACEMENT_FORM,
    TODAY,
    acting,
    add_placement,
    audit_events,
)


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def test_casey_records_a_placement_with_its_checklist(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await client.post(f"/clients/{jordan['id']}/placements", data=PLACEMENT_FORM)
    assert response.status_code == 303
    row = await Placement.select().where(Placement.client == jordan["id"]).first()
    assert row["program_name"] == "Pine Ridge Recovery"
    assert row["level_of_care"] == "asam3:3.5"
    assert str(row["admitted_on"]) == "2026-01-05"
    assert row["program_id"] is None and row["created_by"] == casey["id"]
    items = await TransitionItem.select(TransitionItem.item).where(TransitionItem.placement == row["id"])
    assert sorted(i["item"] for i in items) == sorted(placements.TRANSITION_CHECKLIST)

    page = await client.get(f"/clients/{jordan['id']}/placements")
    assert page.status_code == 200
    assert "Pine Ridge Recovery" in page.text
    assert "3.5 Clinically managed high-intensity residential" in page.text
    assert "Release signed for the next provider" in page.text
    assert "0 of 5 done" in page.text
    assert [e["action"] for e in await audit_events(casey, "placement.")] == ["placement.create", "placement.list"]
    assert all(e["client_id"] == jordan["id"] for e in await audit_events(casey, "placement."))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"admitted_on": "2026-01-01", "referred_on": "2026-01-02"}, "admitted_on", "before the referral"),
        ({"expected_discharge_on": "2026-01-04"}, "expected_discharge_on", "before the admission"),
        (
            {"discharged_on": "2026-01-04", "discharge_type": "planned", "outcome": "completed"},
            "discharged_on",
            "before the admission",
        ),
        ({"discharged_on": "2026-02-01"}, "discharge_type", "Choose the discharge type"),
        ({"discharged_on": "2026-02-01", "discharge_type": "planned"}, "outcome", "Choose the outcome"),
        ({"discharge_type": "planned"}, "discharge_type", "Enter the discharge date"),
        (
            {"admitted_on": "", "discharged_on": "2026-02-01", "discharge_type": "planned", "outcome": "completed"},
            "admitted_on",
            "only an admitted client is discharged",
        ),
        ({"referred_on": "2026-03-11"}, "referred_on", "cannot be in the future"),
        (
            {"discharged_on": "2026-03-11", "discharge_type": "planned", "outcome": "completed"},
            "discharged_on",
            "cannot be in the future",
        ),
        ({"level_of_care": "asam9:9"}, "level_of_care", "Choose one of the listed options"),
        ({"level_of_care": ""}, "level_of_care", "Choose level of care"),
        ({"step_down_level": "somewhere"}, "step_down_level", "Choose one of the listed options"),
        ({"program_name": ""}, "program_name", "required"),
        ({"program_name": "P" * 201}, "program_name", "at most 200"),
        ({"admitted_on": "last tuesday"}, "admitted_on", "use a date like"),
        ({"outcome": "completed"}, "outcome", "enter the discharge date"),
    ],
)
async def test_bad_placement_input_is_a_form_error(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], changes: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        placements.check_placement_fields({**PLACEMENT_FORM, **changes}, TODAY)
    assert message in caught.value.field_errors[field]

    await client.login_as(casey)
    response = await client.post(f"/clients/{jordan['id']}/placements", data={**PLACEMENT_FORM, **changes})
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert await Placement.count().where(Placement.client == jordan["id"]) == 0


async def test_a_planned_admission_may_be_in_the_future_and_is_not_current(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await add_placement(casey, jordan, referred_on="2026-03-01", admitted_on="2026-03-16", expected_discharge_on="")
    assert await placements.current_placement_of(jordan["id"]) is None
    rows = await placements.list_placements(acting(casey), jordan["id"])
    assert rows[0]["status"] == "upcoming"


async def test_the_current_placement_and_its_step_down_target(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await add_placement(
        casey,
        jordan,
        discharged_on="2026-02-20",
        discharge_type="planned",
        outcome="stepped_down",
    )
    php = await add_placement(
        casey,
        jordan,
        program_name="Harbor Day Program",
        level_of_care="asam3:2.5",
        referred_on="2026-02-10",
        admitted_on="2026-02-21",
        expected_discharge_on="2026-03-20",
        step_down_level="asam3:2.1",
    )
    current = await placements.current_placement(acting(casey), jordan["id"])
    assert current is not None and current["id"] == php
    assert current["status"] == "current" and current["days_to_discharge"] == 10
    target = placements.step_down_target(current)
    assert target is not None and target.short == "IOP"
    assert current["checklist_total"] == 5 and current["checklist_done"] == 0
    events = await audit_events(casey, "placement.current.view")
    assert events[0]["client_id"] == jordan["id"] and events[0]["resource_id"] == str(php)


async def test_discharge_requires_the_date_type_and_outcome(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    placement_id = await add_placement(casey, jordan)
    await client.login_as(casey)
    path = f"/clients/{jordan['id']}/placements/{placement_id}/discharge"
    form = await client.get(path)
    assert form.status_code == 200 and "5 transition items still open" in form.text

    missing = await client.post(path, data={"discharged_on": "2026-02-20", "discharge_type": "planned"})
    assert missing.status_code == 400
    assert "Choose the outcome" in missing.text
    no_date = await client.post(path, data={"discharged_on": "", "discharge_type": "", "outcome": ""})
    assert no_date.status_code == 400 and "Enter the discharge date." in no_date.text
    assert "Choose the discharge type." in no_date.text
    before = await client.post(
        path, data={"discharged_on": "2026-01-01", "discharge_type": "planned", "outcome": "completed"}
    )
    assert before.status_code == 400 and "before the admission" in before.text
    row = await Placement.select().where(Placement.id == placement_id).first()
    assert row["discharged_on"] is None

    done = await client.post(
        path,
        data={
            "discharged_on": "2026-02-20",
            "discharge_type": "planned",
            "outcome": "completed",
            "outcome_note": "Engaged well; family program helped.",
            "step_down_level": "asam3:2.5",
            "aftercare_plan": "PHP at Harbor Day Program.",
        },
    )
    assert done.status_code == 303
    row = await Placement.select().where(Placement.id == placement_id).first()
    assert str(row["discharged_on"]) == "2026-02-20"
    assert (row["discharge_type"], row["outcome"]) == ("planned", "completed")
    assert row["outcome_note"] == "Engaged well; family program helped."
    assert row["aftercare_plan"] == "PHP at Harbor Day Program."
    events = await audit_events(casey, "placement.discharge")
    assert len(events) == 1 and events[0]["client_id"] == jordan["id"]

    again = await client.post(
        path, data={"discharged_on": "2026-02-21", "discharge_type": "planned", "outcome": "completed"}
    )
    assert again.status_code == 400 and "already discharged" in again.text
    page = await client.get(f"/clients/{jordan['id']}/placements")
    assert "Completed the program" in page.text and "Internal" in page.text


async def test_editing_a_placement_keeps_the_date_rules(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    placement_id = await add_placement(casey, jordan)
    await client.login_as(casey)
    path = f"/clients/{jordan['id']}/placements/{placement_id}/edit"
    page = await client.get(path)
    assert page.status_code == 200 and 'value="2026-01-05"' in page.text
    bad = await client.post(path, data={**PLACEMENT_FORM, "admitted_on": "2025-12-01"})
    assert bad.status_code == 400 and "before the referral" in bad.text
    good = await client.post(
        path, data={**PLACEMENT_FORM, "expected_discharge_on": "2026-02-27", "step_down_level": ""}
    )
    assert good.status_code == 303
    row = await Placement.select().where(Placement.id == placement_id).first()
    assert str(row["expected_discharge_on"]) == "2026-02-27" and row["step_down_level"] == ""
    update = (await audit_events(casey, "placement.update"))[0]
    assert update["client_id"] == jordan["id"]
    assert "expected_discharge_on" in update["detail"] and "step_down_level" in update["detail"]


async def test_a_past_placement_can_be_recorded_already_discharged(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    placement_id = await add_placement(
        casey,
        jordan,
        referred_on="2024-05-01",
        admitted_on="2024-05-10",
        expected_discharge_on="",
        discharged_on="2024-06-01",
        discharge_type="against_advice",
        outcome="left_early",
    )
    rows = await placements.list_placements(acting(casey), jordan["id"])
    assert rows[0]["id"] == placement_id and rows[0]["status"] == "discharged"
    assert rows[0]["discharge_type_label"] == "Against advice"


async def test_another_clients_placement_is_not_found(
    casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    from portal.errors import NotFound

    taylors = await add_placement(morgan, taylor)
    with pytest.raises(NotFound):
        await placements.get_placement(acting(casey), jordan["id"], taylors)
    with pytest.raises(NotFound):
        await placements.update_placement(acting(casey), jordan["id"], taylors, {"program_name": "Mine"})
    with pytest.raises(NotFound):
        await placements.list_placements(acting(casey), taylor["id"])
