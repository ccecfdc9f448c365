"""Server-side sessions: idle and absolute timeouts, and deactivation ending every session at once."""

from __future__ import annotations

from typing import Any

from portal.accounts.tables import UserSession


async def test_a_session_ends_after_30_idle_minutes(client: Any, clock: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    clock.advance(minutes=29)
    assert (await client.get("/api/v1/me")).status_code == 200
    clock.advance(minutes=29)  # active 29 minutes ago: still alive
    assert (await client.get("/api/v1/me")).status_code == 200
    clock.advance(minutes=30, seconds=1)
    assert (await client.get("/api/v1/me")).status_code == 401
    assert await UserSession.count().where(UserSession.user == casey["id"]) == 0


async def test_a_session_ends_after_12_hours_however_active(client: Any, clock: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    for _ in range(24):  # a request every 29 minutes for 11.6 hours
        clock.advance(minutes=29)
        assert (await client.get("/api/v1/me")).status_code == 200
    clock.advance(minutes=25)  # 12 h 1 min after sign-in
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_timeouts_come_from_settings(
    client: Any, clock: Any, casey: dict[str, Any], settings_override: Any
) -> None:
    settings_override(session_idle_minutes=5)
    await client.login_as(casey)
    clock.advance(minutes=5, seconds=1)
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_deactivation_ends_that_persons_sessions_at_once(
    client: Any, other_client: Any, olivia: dict[str, Any], casey: dict[str, Any]
) -> None:
    await other_client.login_as(casey)
    assert (await other_client.get("/api/v1/me")).status_code == 200
    await client.login_as(olivia)
    response = await client.post(f"/users/{casey['id']}/deactivate", data={})
    assert response.status_code == 303
    assert await UserSession.count().where(UserSession.user == casey["id"]) == 0
    assert (await other_client.get("/api/v1/me")).status_code == 401


async def test_a_role_change_ends_the_old_sessions(
    client: Any, other_client: Any, olivia: dict[str, Any], bea: dict[str, Any]
) -> None:
    await other_client.login_as(bea)
    await client.login_as(olivia)
    await client.post(f"/users/{bea['id']}/role", data={"role": "case_manager"})
    assert (await other_client.get("/api/v1/me")).status_code == 401
    await other_client.login_as(bea)
    assert (await other_client.get("/api/v1/me")).json()["role"] == "case_manager"


async def test_changing_the_password_signs_out_other_sessions_but_not_this_one(
    client: Any, other_client: Any, casey: dict[str, Any]
) -> None:
    from tests.support.people import PASSWORD

    await other_client.login_as(casey)
    await client.login_as(casey)
    new_password = "another long and fine phrase"
    response = await client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": new_password,
            "new_password_confirm": new_password,
        },
    )
    assert response.status_code == 303
    assert (await client.get("/api/v1/me")).status_code == 200
    assert (await other_client.get("/api/v1/me")).status_code == 401
    assert (await other_client.login(casey["email"], new_password)).status_code == 200


async def test_a_wrong_current_password_is_shown_next_to_its_field(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    response = await client.post(
        "/account/password",
        data={
            "current_password": "not it at all!",
            "new_password": "x" * 14,
            "new_password_confirm": "x" * 14,
        },
    )
    assert response.status_code == 400
    assert 'id="f-current_password-error"' in response.text
    assert "Your current password is incorrect." in response.text
