"""Signing in and out, in JSON and HTML, and what the session cookie looks like."""

from __future__ import annotations

from typing import Any

from portal.accounts.tables import UserSession
from portal.audit.tables import AuditEvent
from tests.support.people import PASSWORD


async def test_api_login_sets_a_session_and_me_answers(client: Any, casey: dict[str, Any]) -> None:
    response = await client.login("casey@example.com")
    assert response.status_code == 200
    assert response.json()["role"] == "case_manager"

    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json() | {"id": 0} == {
        "id": 0,
        "email": "casey@example.com",
        "name": "Casey Morales",
        "role": "case_manager",
        "mfa_enabled": False,
        "mfa_enrollment_required": False,
    }


async def test_email_is_case_insensitive(client: Any, casey: dict[str, Any]) -> None:
    response = await client.login("  Casey@Example.COM ")
    assert response.status_code == 200


async def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client: Any) -> None:
    wrong_password = await client.login("casey@example.com", "not the right password")
    unknown_account = await client.login("nobody@example.com", "not the right password")
    assert wrong_password.status_code == unknown_account.status_code == 401
    assert wrong_password.json()["detail"] == unknown_account.json()["detail"]
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_sign_in_success_and_failure_are_audited(client: Any, casey: dict[str, Any]) -> None:
    await client.login("casey@example.com", "not the right password")
    await client.login("casey@example.com")
    actions = await AuditEvent.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.ip).where(
        AuditEvent.action.like("auth.login%")
    )
    assert {"action": "auth.login.failure", "actor_id": casey["id"], "ip": "127.0.0.1"} in actions
    assert {"action": "auth.login.success", "actor_id": casey["id"], "ip": "127.0.0.1"} in actions


async def test_deactivated_people_cannot_sign_in(client: Any, olivia: dict[str, Any], morgan: dict[str, Any]) -> None:
    await client.login_as(olivia)
    await client.post(f"/users/{morgan['id']}/deactivate", data={})
    other = await client.login("morgan@example.com")
    assert other.status_code == 401


async def test_a_cookie_planted_before_login_is_not_the_session_after_login(client: Any, casey: dict[str, Any]) -> None:
    planted = "attacker-chosen-session-value"
    client.cookies.set("portal_session", planted, domain="testserver")
    response = await client.login("casey@example.com")
    issued = response.cookies.get("portal_session")
    assert issued and issued != planted
    # The planted value does not sign anyone in.
    client.cookies.clear()
    client.cookies.set("portal_session", planted, domain="testserver")
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_a_session_id_from_an_earlier_sign_in_is_dropped_at_the_next(client: Any, casey: dict[str, Any]) -> None:
    first = (await client.login("casey@example.com")).cookies["portal_session"]
    second = (await client.login("casey@example.com")).cookies["portal_session"]
    assert first != second
    client.cookies.clear()
    client.cookies.set("portal_session", first, domain="testserver")
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_logout_ends_the_session_on_the_server(client: Any, casey: dict[str, Any]) -> None:
    token = (await client.login("casey@example.com")).cookies["portal_session"]
    assert await UserSession.count().where(UserSession.user == casey["id"]) == 1
    response = await client.logout()
    assert response.status_code == 204
    assert await UserSession.count().where(UserSession.user == casey["id"]) == 0
    # Replaying the old cookie after logout does not work.
    client.cookies.set("portal_session", token, domain="testserver")
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_session_cookie_is_httponly_and_samesite_lax(client: Any) -> None:
    response = await client.login("casey@example.com")
    header = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "portal_session" in v)
    assert "HttpOnly" in header
    assert "SameSite=lax" in header or "SameSite=Lax" in header
    assert "Secure" not in header  # http base URL in tests


async def test_session_cookie_is_secure_when_the_base_url_is_https(client: Any, settings_override: Any) -> None:
    settings_override(base_url="https://portal.example.org")
    response = await client.login("casey@example.com")
    header = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "portal_session" in v)
    assert "Secure" in header


async def test_html_sign_in_redirects_to_the_page_asked_for(client: Any, olivia: dict[str, Any]) -> None:
    page = await client.get("/users")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fusers"
    login_page = await client.get("/login?next=/users")
    assert 'name="next" value="/users"' in login_page.text
    response = await client.post("/login", data={"email": "olivia@example.com", "password": PASSWORD, "next": "/users"})
    assert response.status_code == 303
    assert response.headers["location"] == "/users"
    assert (await client.get("/users")).status_code == 200


async def test_html_sign_in_never_redirects_off_site(client: Any, olivia: dict[str, Any]) -> None:
    response = await client.post(
        "/login", data={"email": "olivia@example.com", "password": PASSWORD, "next": "//evil.example.com/x"}
    )
    assert response.headers["location"] == "/"


async def test_html_sign_in_error_is_shown_on_the_page(client: Any) -> None:
    response = await client.post("/login", data={"email": "olivia@example.com", "password": "wrong password!!"})
    assert response.status_code == 400
    assert "The e-mail address or password is incorrect." in response.text
    assert 'value="olivia@example.com"' in response.text


async def test_html_logout(client: Any, olivia: dict[str, Any]) -> None:
    await client.login_as(olivia)
    response = await client.post("/logout", data={})
    assert response.status_code == 303
    assert (await client.get("/api/v1/me")).status_code == 401
