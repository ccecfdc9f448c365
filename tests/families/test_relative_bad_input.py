"""Bad input on the Family tab and its API (a bad e-mail, an unknown relationship, a phone in words, an unknown part
of the portal) is a form error or a 400, never a 500, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases.tables import Relative
from tests.families.family_data import grant_of

GOOD = {"name": "Alex Rivera", "relationship": "sibling", "legal_authority": "none", "email": "alex@example.net"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "alex-at-example"}, "email", "Enter a valid e-mail address."),
        ({"relationship": "cousin"}, "relationship", "Choose one of the listed options for relationship."),
        ({"legal_authority": "king"}, "legal_authority", "Choose one of the listed options for legal authority."),
        ({"phone": "call me"}, "phone", "Enter a phone number using digits"),
        ({"name": ""}, "name", "Name is required."),
        ({"name": "x" * 201}, "name", "Name must be at most 200 characters."),
        ({"name": "Nul\x00byte"}, "name", "Name contains characters that are not allowed."),
    ],
)
async def test_adding_a_relative_with_bad_input_shows_the_error(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], changes: dict[str, str], field: str, message: str
) -> None:
    await client.login_as(casey)
    before = await Relative.count()
    response = await client.post(f"/clients/{jordan['id']}/family/relatives", data={**GOOD, **changes, "invite": "on"})
    assert response.status_code == 400
    assert f'id="f-{field}-error">{message}' in response.text
    assert '<details class="inline-form-panel after-form" open>' in response.text  # the form stays open
    assert await Relative.count() == before


async def test_editing_with_bad_input_shows_the_errors(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat = jordan_family["pat"]
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/family/relatives/{pat['id']}/edit",
        data={**GOOD, "name": "Pat Rivera", "email": "pat@@example", "relationship": "uncle"},
    )
    assert response.status_code == 400
    assert 'id="f-email-error">Enter a valid e-mail address.' in response.text
    assert 'id="f-relationship-error">' in response.text
    row = await Relative.select(Relative.email, Relative.relationship).where(Relative.id == pat["id"]).first()
    assert row == {"email": "pat@example.com", "relationship": "parent"}


async def test_an_unknown_part_or_state_changes_no_grant(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat = jordan_family["pat"]
    before = await grant_of(pat["id"])
    await client.login_as(casey)
    for data in ({"parts": ["updates", "diagnoses"], "state": "active"}, {"parts": "updates", "state": "paused"}):
        response = await client.post(f"/clients/{jordan['id']}/family/relatives/{pat['id']}/grant", data=data)
        assert response.status_code == 303
        assert "error" in (await client.get(response.headers["location"])).text
    for body in (
        {"parts": ["diagnoses"], "state": "active"},
        {"parts": ["updates"], "state": "paused"},
        {"parts": "updates", "state": "active"},
        {"parts": ["updates"], "state": "active", "relative": 3},
        {"parts": ["updates"] * 6, "state": "active"},
    ):
        response = await client.request("PUT", f"/api/v1/clients/{jordan['id']}/relatives/{pat['id']}/grant", json=body)
        assert response.status_code == 400, body
    assert await grant_of(pat["id"]) == before
