"""The family's settings: how they are told about new things, and the way to two-step sign-in; when the practice
requires MFA for relatives, a relative who has not enrolled is sent to enrol before anything else."""

from __future__ import annotations

from typing import Any

from portal.core.tables import Practice
from portal.families import notifications


async def test_the_dashboard_links_to_settings_which_link_to_two_step_sign_in(
    client: Any, pat: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(pat)
    assert 'href="/family/settings"' in (await client.get("/family")).text
    settings = await client.get("/family/settings")
    assert settings.status_code == 200
    assert 'href="/account"' in settings.text and "Two-step sign-in" in settings.text
    assert 'value="immediate" checked' in settings.text
    account = await client.get("/account")
    assert account.status_code == 200 and 'href="/account/mfa"' in account.text


async def test_a_relative_chooses_a_daily_summary(client: Any, pat: dict[str, Any]) -> None:
    await client.login_as(pat)
    response = await client.post("/family/settings", data={"mode": "daily"})
    assert response.status_code == 303
    assert await notifications.preference_of(pat["id"]) == "daily"
    bad = await client.post("/family/settings", data={"mode": "hourly"})
    assert bad.status_code == 400 and "Choose how you want to be told." in bad.text
    assert await notifications.preference_of(pat["id"]) == "daily"


async def test_required_mfa_sends_a_relative_to_enrol_first(
    client: Any, pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await Practice.update({Practice.require_family_mfa: True}).where(Practice.id == 1)
    await client.login_as(pat)
    for path in ("/family", f"/family/clients/{jordan['id']}/timeline", "/family/settings", "/"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/account/mfa", path
    assert (await client.get("/api/v1/family/clients")).status_code == 403
    enrol = await client.get("/account/mfa")
    assert enrol.status_code == 200
