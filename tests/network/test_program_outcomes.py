"""The outcome loop: placements linked to a program show on its page — how many, how many discharged, the
completion rate ((completed + stepped down) / discharged) and the outcome notes. Internal: a note shows only to
someone who may see that client; outcomes_for() tallies many programs in one query for the matching engine."""

from __future__ import annotations

from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.cases import placements
from portal.cases.tables import Placement
from portal.network.outcomes import outcomes_for
from tests.cases.coordination_support import PLACEMENT_FORM
from tests.network.support import NOW, acting, add_program
from tests.support.queries import count_queries


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


DISCHARGED = {"discharged_on": "2026-03-01", "discharge_type": "planned"}


async def _place(person: dict[str, Any], client: dict[str, Any], program_id: int, **changes: Any) -> int:
    return await placements.create_placement(
        acting(person), client["id"], {**PLACEMENT_FORM, "program_id": str(program_id), **changes}
    )


async def _three_placements(casey: dict[str, Any], morgan: dict[str, Any], jordan: Any, taylor: Any, pid: int) -> None:
    await _place(casey, jordan, pid, **DISCHARGED, outcome="completed", outcome_note="Finished strong; IOP next.")
    await _place(morgan, taylor, pid, **DISCHARGED, outcome="left_early", outcome_note="Left after a peer conflict.")
    await _place(casey, jordan, pid, admitted_on="2026-11-01", referred_on="2026-10-28", expected_discharge_on="")


async def test_the_program_page_shows_our_placements_and_outcomes(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], olivia: dict[str, Any], jordan: Any, taylor: Any
) -> None:
    program_id = await add_program(casey)
    await _three_placements(casey, morgan, jordan, taylor, program_id)

    await client.login_as(olivia)  # the owner sees every client
    section = (await client.get(f"/network/programs/{program_id}")).text.split('id="outcomes"')[1]
    assert '<span class="stat">3</span><span>placements</span>' in section
    assert '<span class="stat">2</span><span>discharged</span>' in section
    assert "50%" in section and "(1 of 2)" in section
    assert "Finished strong; IOP next." in section and "Left after a peer conflict." in section
    assert "Jordan" in section and "Taylor" in section

    await client.logout()
    await client.login_as(casey)  # Taylor is Morgan's client: Casey sees the outcome, not the note or the name
    section = (await client.get(f"/network/programs/{program_id}")).text.split('id="outcomes"')[1]
    assert "Finished strong; IOP next." in section and "Jordan" in section
    assert "Left after a peer conflict." not in section and "Taylor" not in section
    assert "Another case manager's client" in section
    assert "Note visible to the client's case managers" in section

    viewed = await AuditEvent.select(AuditEvent.client_id).where(
        (AuditEvent.action == "program.outcomes.view") & (AuditEvent.actor_id == casey["id"])
    )
    assert [e["client_id"] for e in viewed] == [jordan["id"]]


async def test_outcomes_for_many_programs_in_one_query(
    db: Any, casey: dict[str, Any], morgan: dict[str, Any], jordan: Any, taylor: Any
) -> None:
    first = await add_program(casey)
    second = await add_program(casey, name="Second Program")
    empty = await add_program(casey, name="Nobody Placed Here")
    await _three_placements(casey, morgan, jordan, taylor, first)
    await _place(casey, jordan, second, **DISCHARGED, outcome="stepped_down")
    with count_queries() as counter:
        result = await outcomes_for([first, second, empty])
    assert counter.count == 1
    assert (result[first].placements, result[first].discharged, result[first].completed) == (3, 2, 1)
    assert result[first].completion_rate == 0.5 and result[first].current == 1
    assert result[first].by_outcome == {"completed": 1, "left_early": 1}
    assert result[second].completion_rate == 1.0 and result[second].completion_percent == "100%"
    assert result[empty].placements == 0 and result[empty].completion_rate is None
    assert result[empty].completion_percent == "—"


async def test_the_placement_form_links_a_program_and_fills_in_its_name(
    client: Any, casey: dict[str, Any], jordan: Any
) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    form = (await client.get(f"/clients/{jordan['id']}/placements/new")).text
    assert 'hx-get="/network/programs/picker"' in form
    found = await client.get("/network/programs/picker?q=pine", headers={"hx-request": "true"})
    assert f"program_id={program_id}" in found.text
    chosen = await client.get(f"/network/programs/picker/choose?program_id={program_id}")
    assert f'name="program_id" value="{program_id}"' in chosen.text
    assert 'value="Pine Ridge Recovery — Young Adult Residential"' in chosen.text and "hx-swap-oob" in chosen.text

    data = {**PLACEMENT_FORM, "program_id": str(program_id), "program_name": ""}
    response = await client.post(f"/clients/{jordan['id']}/placements", data=data)
    assert response.status_code == 303
    row = await Placement.select().where(Placement.client == jordan["id"]).first()
    assert row["program_id"] == program_id
    assert row["program_name"] == "Pine Ridge Recovery — Young Adult Residential"

    edit = await client.get(f"/clients/{jordan['id']}/placements/{row['id']}/edit")
    assert "Linked to" in edit.text and f'href="/network/programs/{program_id}"' in edit.text
    # An unknown program is an error on the form, not a 500; unlinking clears the link.
    bad = await client.post(
        f"/clients/{jordan['id']}/placements/{row['id']}/edit", data={**PLACEMENT_FORM, "program_id": "999999"}
    )
    assert bad.status_code == 400 and "Choose a program from the network" in bad.text
    response = await client.post(
        f"/clients/{jordan['id']}/placements/{row['id']}/edit", data={**PLACEMENT_FORM, "program_id": ""}
    )
    assert response.status_code == 303
    assert (await Placement.select(Placement.program_id).where(Placement.id == row["id"]).first())["program_id"] is None
