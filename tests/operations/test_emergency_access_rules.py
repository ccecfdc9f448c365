"""Only the owner grants emergency access; a grant needs a case manager, a client, a reason and a sensible
length, and bad input is a form error, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from portal.operations.access_tables import EmergencyGrant
from tests.support import people


@pytest.mark.parametrize("email", ["casey@example.com", "morgan@example.com", "bea@example.com", "pat@example.com"])
async def test_only_the_owner_can_grant(client: Any, email: str, taylor: dict[str, Any]) -> None:
    person = await people.get(email)
    casey = await people.get("casey@example.com")
    await client.login_as(person)
    assert (await client.get("/emergency-access")).status_code == 403
    form = {"grantee": str(casey["id"]), "client": str(taylor["id"]), "reason": "let me in", "hours": "24"}
    assert (await client.post("/emergency-access", data=form)).status_code == 403
    assert await EmergencyGrant.count() == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Say why emergency access is needed."),
        ({"hours": "0"}, "hours", "Access lasts between 1 and 72 hours."),
        ({"hours": "73"}, "hours", "Access lasts between 1 and 72 hours."),
        ({"hours": "soon"}, "hours", "Access lasts between 1 and 72 hours."),
        ({"hours": "²"}, "hours", "Access lasts between 1 and 72 hours."),
        ({"hours": "9" * 5000}, "hours", "Access lasts between 1 and 72 hours."),
        ({"client": "99999999999"}, "client", "Choose a client."),
        ({"client": "abc"}, "client", "Choose a client."),
        ({"grantee": "BEA"}, "grantee", "Choose an active case manager."),
        ({"grantee": "OLIVIA"}, "grantee", "Choose an active case manager."),
        ({"reason": "x" * 1001}, "reason", "The reason must be at most 1000 characters of text."),
    ],
)
async def test_bad_input_is_a_form_error(
    client: Any,
    olivia: dict[str, Any],
    casey: dict[str, Any],
    bea: dict[str, Any],
    taylor: dict[str, Any],
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    await client.login_as(olivia)
    form = {"grantee": str(casey["id"]), "client": str(taylor["id"]), "reason": "Crisis call", "hours": "24"}
    form.update(change)
    form = {k: {"BEA": str(bea["id"]), "OLIVIA": str(olivia["id"])}.get(v, v) for k, v in form.items()}
    response = await client.post("/emergency-access", data=form)
    assert response.status_code == 400
    assert message in response.text and f'id="f-{field}-error"' in response.text
    assert await EmergencyGrant.count() == 0


async def test_the_form_defaults_to_24_hours(client: Any, olivia: dict[str, Any]) -> None:
    await client.login_as(olivia)
    page = await client.get("/emergency-access")
    assert page.status_code == 200
    assert 'name="hours" type="number" value="24"' in page.text


async def test_an_unknown_grant_cannot_be_ended(client: Any, olivia: dict[str, Any]) -> None:
    await client.login_as(olivia)
    for grant_id in ("424242", "2147483648"):
        assert (await client.post(f"/emergency-access/{grant_id}/revoke", data={})).status_code == 404
