"""The family's placement timeline: program, level of care, admission and discharge dates and the step-down target,
as a list and as the SVG drawing; never an outcome, an outcome note, the discharge type, the aftercare plan, a
referral that did not lead to an admission, or anything of the notes. Grant and release required; else 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portal.cases import placements
from portal.cases.tables import Disclosure, Note
from portal.clock import utcnow
from tests.families.family_data import XSS, acting


async def test_pat_sees_the_placements_and_nothing_internal(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    today = utcnow().date()
    me = acting(casey)
    await placements.create_placement(
        me,
        jordan["id"],
        {"program_name": "Blue Mesa Wilderness", "level_of_care": "mh:wilderness",
         "admitted_on": str(today - timedelta(days=120)), "discharged_on": str(today - timedelta(days=60)),
         "discharge_type": "against_advice", "outcome": "left_early",
         "outcome_note": "Internal: eloped twice", "step_down_level": "asam3:3.5"},
    )  # fmt: skip
    await placements.create_placement(
        me,
        jordan["id"],
        {"program_name": "Pine Ridge Recovery", "level_of_care": "asam3:3.5",
         "referred_on": str(today - timedelta(days=62)), "admitted_on": str(today - timedelta(days=59)),
         "step_down_level": "asam3:2.5", "aftercare_plan": "Aftercare plan text stays inside"},
    )  # fmt: skip
    await placements.create_placement(
        me, jordan["id"], {"program_name": "Never Admitted Ranch", "level_of_care": "mh:residential_treatment_center",
                           "referred_on": str(today - timedelta(days=3))},
    )  # fmt: skip
    await Note.insert(
        Note(client=jordan["id"], author=casey["id"], kind="crisis", occurred_at=utcnow(),
             subject="Crisis call subject", created_at=utcnow(), updated_at=utcnow())
    )  # fmt: skip
    before = await Disclosure.count()

    await client.login_as(pat)
    response = await client.get(f"/family/clients/{jordan['id']}/timeline")
    assert response.status_code == 200
    html = response.text
    for shown in ("Blue Mesa Wilderness", "Wilderness", "Pine Ridge Recovery", "Residential 3.5",
                  "Next step: 2.5 Partial hospitalization", "Next step: 3.5 Clinically managed", "<svg"):  # fmt: skip
        assert shown in html, shown
    for hidden in ("eloped", "Left early", "left_early", "Against advice", "against", "Aftercare plan text",
                   "Never Admitted Ranch", "Crisis", "crisis", "NOTES", "Notes", "note"):  # fmt: skip
        assert hidden not in html, hidden
    # Opening it passed the consent gate, which recorded the disclosure.
    assert await Disclosure.count() == before + 1


async def test_program_names_are_escaped(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    today = utcnow().date()
    await placements.create_placement(
        acting(casey),
        jordan["id"],
        {"program_name": XSS, "level_of_care": "asam3:3.5", "admitted_on": str(today - timedelta(days=9))},
    )
    await client.login_as(pat)
    for path in (f"/family/clients/{jordan['id']}/timeline", "/family"):
        html = (await client.get(path)).text
        assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


async def test_no_placements_yet(
    client: Any, pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(pat)
    response = await client.get(f"/family/clients/{jordan['id']}/timeline")
    assert response.status_code == 200 and "No placements to show yet." in response.text
