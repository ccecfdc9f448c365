"""The outcome loop through the pages, from a match to the program's record: Morgan places Taylor from her match
list, closes the placement on the discharge page (which asks for the outcome and a note, and refuses a discharge
without an outcome), and the program page then shows the placement, the completion rate and the note — to staff
only — while Taylor's next match list counts it. (test_program_outcomes.py covers the tallies, who sees which
note, and the family timeline tests that families never see an outcome.)"""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases.tables import Placement
from tests.cases.coordination_support import PLACEMENT_FORM
from tests.network.matching_support import make_taylor_matchable, small_network
from tests.network.support import NOW


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


NOTE = "Finished the 60 days; the family program helped. Stepping down to IOP near home."


async def test_a_placement_closed_with_an_outcome_feeds_the_program_and_the_next_match(
    client: Any, morgan: dict[str, Any], taylor: dict[str, Any], bea: dict[str, Any], pat: dict[str, Any]
) -> None:
    await make_taylor_matchable(morgan, taylor)
    ids = await small_network(morgan)
    pine = ids["pine"]
    await client.login_as(morgan)

    place = await client.get(f"/clients/{taylor['id']}/program-matches/{pine}/place")
    assert f'name="program_id" value="{pine}"' in place.text
    data = {**PLACEMENT_FORM, "program_id": str(pine), "program_name": "Pine Ridge Recovery — Young Adult Residential"}
    assert (await client.post(f"/clients/{taylor['id']}/placements", data=data)).status_code == 303
    placement = await Placement.select().where(Placement.client == taylor["id"]).first()

    # Closing it asks for the outcome and a note (internal), and refuses a discharge without an outcome.
    path = f"/clients/{taylor['id']}/placements/{placement['id']}/discharge"
    form = (await client.get(path)).text
    assert 'name="outcome"' in form and "Completed the program" in form
    assert 'name="outcome_note"' in form and "Outcome note (internal)" in form
    refused = await client.post(
        path, data={"discharged_on": "2026-03-01", "discharge_type": "planned", "outcome": "", "outcome_note": NOTE}
    )
    assert refused.status_code == 400 and "Choose the outcome" in refused.text
    closed = await client.post(
        path,
        data={"discharged_on": "2026-03-01", "discharge_type": "planned", "outcome": "completed", "outcome_note": NOTE},
    )
    assert closed.status_code == 303

    # The program's record: our placement there, the completion rate and the note.
    section = (await client.get(f"/network/programs/{pine}")).text.split('id="outcomes"')[1]
    assert '<span class="stat">1</span><span>placement</span>' in section
    assert "100%" in section and "(1 of 1)" in section
    assert NOTE in section and "Taylor" in section

    # Taylor's next match list counts it (and the completion raises Pine Ridge's outcome points to the full 5).
    body = (await client.get(f"/api/v1/clients/{taylor['id']}/program-matches")).json()
    pine_item = next(i for i in body["items"] if i["program_id"] == pine)
    assert (pine_item["our_placements"], pine_item["our_discharged"], pine_item["completion_rate"]) == (1, 1, 1.0)
    outcomes = next(p for p in pine_item["parts"] if p["part"] == "outcomes")
    assert outcomes["points"] == 5 and "1 of 1 completed (100%)" in outcomes["reasons"]
    page = (await client.get(f"/clients/{taylor['id']}/program-matches")).text
    assert "Our clients here: 1 placed, 1 of 1 completed (100%)." in page
    assert NOTE not in page  # the match list carries counts, never a client's note

    # Internal: billing and families get no program page.
    for person in (bea, pat):
        await client.logout()
        await client.login_as(person)
        response = await client.get(f"/network/programs/{pine}")
        assert response.status_code == 403 and NOTE not in response.text
