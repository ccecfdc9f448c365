"""The communication plan: the cadence in words ("A weekly update on Fridays"), who to call for what, edited on the
Family tab, shown to the family; audited; bad input is a form error, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest

from portal.families import plan
from portal.families.tables import CommunicationPlan
from tests.families.family_data import events

PLAN_FORM = {
    "cadence_days": "7",
    "cadence_weekday": "4",
    "contact-0-for_what": "Case manager",
    "contact-0-name": "Casey Morales",
    "contact-0-phone": "+1 973 555 0100",
    "contact-0-email": "casey@example.com",
    "contact-1-for_what": "After-hours crisis line",
    "contact-1-phone": "(800) 555-0199",
    "contact-2-for_what": "Program contact",  # a label alone is an empty row
}


@pytest.mark.parametrize(
    ("days", "weekday", "sentence"),
    [
        (7, 4, "A weekly update on Fridays"),
        (7, None, "A weekly update"),
        (14, 0, "An update every two weeks, on Mondays"),
        (28, None, "An update every four weeks"),
        (1, None, "A daily update"),
        (3, None, "An update every 3 days"),
    ],
)
def test_the_cadence_in_words(days: int, weekday: int | None, sentence: str) -> None:
    assert plan.cadence_sentence(days, weekday) == sentence


async def test_the_case_manager_agrees_a_plan_and_the_family_sees_it(
    client: Any, other_client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any],
    jordan_family: dict[str, Any],
) -> None:  # fmt: skip
    await client.login_as(casey)
    first = (await client.get(f"/clients/{jordan['id']}/family")).text
    assert "No plan yet." in first and 'value="Casey Morales"' in first  # the first draft names the case manager
    response = await client.post(f"/clients/{jordan['id']}/family/plan", data=PLAN_FORM)
    assert response.status_code == 303
    row = await CommunicationPlan.select().where(CommunicationPlan.client == jordan["id"]).first()
    assert row is not None
    assert (row["cadence_days"], row["cadence_weekday"], row["cadence_text"]) == (7, 4, "A weekly update on Fridays")
    contacts = json.loads(row["contacts"]) if isinstance(row["contacts"], str) else row["contacts"]
    assert [c["for_what"] for c in contacts] == ["Case manager", "After-hours crisis line"]
    page = (await client.get(f"/clients/{jordan['id']}/family")).text
    assert "A weekly update on Fridays." in page and 'value="(800) 555-0199"' in page
    [event] = await events("family.plan.create")
    assert json.loads(event["detail"]) == {"cadence_days": 7, "contacts": 2}

    await client.post(f"/clients/{jordan['id']}/family/plan", data={**PLAN_FORM, "cadence_days": "14"})
    [changed] = await events("family.plan.update")
    assert json.loads(changed["detail"])["cadence_days"] == 14

    await other_client.login_as(pat)
    board = (await other_client.get("/family")).text
    assert "An update every two weeks, on Fridays, as agreed." in board
    assert 'href="tel:(800)555-0199"' in board and 'href="mailto:casey@example.com"' in board


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cadence_days": "weekly"}, "cadence_days", "Days between updates must be a whole number."),
        ({"cadence_days": ""}, "cadence_days", "Days between updates is required."),
        ({"cadence_days": "0"}, "cadence_days", "Days between updates must be at least 1."),
        ({"cadence_days": "99999999999999999999"}, "cadence_days", "Days between updates must be at most 90."),
        ({"cadence_days": "10"}, "cadence_weekday", "A day of the week goes with a cadence in whole weeks"),
        ({"cadence_weekday": "friday"}, "cadence_weekday", "Choose one of the listed options"),
        ({"contact-1-phone": "call me"}, "contact-1-phone", "Enter a phone number using digits"),
        ({"contact-0-email": "casey at example"}, "contact-0-email", "Enter a valid e-mail address."),
        ({"contact-1-phone": "", "contact-1-name": "Night nurse"}, "contact-1-phone", "Give a phone number or an"),
        ({"contact-0-for_what": ""}, "contact-0-for_what", "What to call about is required."),
        ({"contact-0-name": "x" * 121}, "contact-0-name", "Name must be at most 120 characters."),
    ],
)
async def test_bad_plan_input_is_a_form_error(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], changes: dict[str, str], field: str, message: str
) -> None:
    await client.login_as(casey)
    response = await client.post(f"/clients/{jordan['id']}/family/plan", data={**PLAN_FORM, **changes})
    assert response.status_code == 400
    assert f'id="f-{field}-error">{message}' in response.text
    assert await CommunicationPlan.count().where(CommunicationPlan.client == jordan["id"]) == 0
