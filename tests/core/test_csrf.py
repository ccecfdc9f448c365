"""CSRF: every unsafe request carries the caller's own token, as x-csrftoken header or _csrf_token field.

The token is double-submit: the csrftoken cookie (signed by the server) and the header or form field must
carry the same signed value. A request that fails the check is refused before any handler runs.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from portal.accounts.tables import User, UserSession
from portal.app import CSRF_EXEMPT_PATHS
from portal.audit.tables import AuditEvent
from tests.support.people import PASSWORD

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
LOGIN = {"email": "olivia@example.com", "password": PASSWORD}


async def _sessions_of(person: dict[str, Any]) -> int:
    return await UserSession.count().where(UserSession.user == person["id"])


def _assert_refused_as_json(response: Any) -> None:
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/json")
    assert "CSRF" in response.json()["detail"]


async def test_a_json_post_without_the_header_is_refused_and_signs_no_one_in(
    client: Any, olivia: dict[str, Any]
) -> None:
    await client.csrf_token()  # the browser has its cookie; only the header is missing
    response = await client.post("/api/v1/auth/login", json=LOGIN, csrf=False)
    _assert_refused_as_json(response)
    assert "portal_session" not in response.cookies
    assert await _sessions_of(olivia) == 0
    assert await AuditEvent.count().where(AuditEvent.action.like("auth.login%")) == 0
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_a_json_post_with_the_header_works(client: Any, olivia: dict[str, Any]) -> None:
    response = await client.post("/api/v1/auth/login", json=LOGIN)
    assert response.status_code == 200
    assert await _sessions_of(olivia) == 1


async def test_a_form_post_without_the_token_is_refused_with_a_page(client: Any, olivia: dict[str, Any]) -> None:
    await client.csrf_token()
    response = await client.post("/login", data=LOGIN, csrf=False)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    # The portal's own error page, in words a person understands: no stack trace, no framework internals.
    assert "Your form expired" in response.text
    assert "Traceback" not in response.text
    assert "PermissionDeniedException" not in response.text
    assert "portal_session" not in response.cookies
    assert await _sessions_of(olivia) == 0


async def test_a_form_post_with_the_token_field_works(client: Any, olivia: dict[str, Any]) -> None:
    response = await client.post("/login", data=LOGIN)
    assert response.status_code == 303
    assert await _sessions_of(olivia) == 1


async def test_the_token_on_the_sign_in_page_is_the_one_the_form_needs(client: Any, olivia: dict[str, Any]) -> None:
    # What a browser does: load the page, submit the form with the hidden field the page gave it.
    page = await client.get("/login")
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, "the sign-in form has no CSRF field"
    response = await client.http.post("/login", data={**LOGIN, "_csrf_token": match.group(1)})
    assert response.status_code == 303
    assert await _sessions_of(olivia) == 1


async def test_a_token_from_another_browser_does_not_work(
    client: Any, other_client: Any, olivia: dict[str, Any]
) -> None:
    # The attacker has a perfectly valid token of their own, but it is not the victim's cookie.
    attacker_token = await other_client.csrf_token()
    victim_token = await client.csrf_token()
    assert attacker_token != victim_token

    as_header = await client.http.post("/api/v1/auth/login", json=LOGIN, headers={"x-csrftoken": attacker_token})
    _assert_refused_as_json(as_header)

    as_field = await client.http.post("/login", data={**LOGIN, "_csrf_token": attacker_token})
    assert as_field.status_code == 403
    assert await _sessions_of(olivia) == 0


async def test_a_token_without_any_cookie_does_not_work(client: Any, other_client: Any, olivia: dict[str, Any]) -> None:
    # A cross-site form can send a field but cannot read or set the victim's cookie.
    token = await other_client.csrf_token()
    assert client.cookies.get("csrftoken") is None
    response = await client.http.post("/api/v1/auth/login", json=LOGIN, headers={"x-csrftoken": token})
    _assert_refused_as_json(response)
    assert await _sessions_of(olivia) == 0


async def test_a_made_up_token_sent_as_both_cookie_and_header_does_not_work(
    client: Any, olivia: dict[str, Any]
) -> None:
    # Someone able to plant a cookie (a sibling subdomain) still cannot forge the server's signature.
    forged = secrets.token_hex(32) + secrets.token_hex(32)
    client.cookies.set("csrftoken", forged, domain="testserver")
    response = await client.http.post("/api/v1/auth/login", json=LOGIN, headers={"x-csrftoken": forged})
    _assert_refused_as_json(response)
    assert await _sessions_of(olivia) == 0


def _unsafe_requests(app: Any, placeholders: dict[str, str]) -> list[tuple[str, str]]:
    requests = set()
    for route in app.routes:
        if route.path in CSRF_EXEMPT_PATHS:
            continue
        url = re.sub(r"\{(\w+):\w+\}", lambda match: placeholders.get(match.group(1), "1"), route.path)
        for handler in getattr(route, "route_handlers", []):
            requests.update((method, url) for method in handler.http_methods if method in UNSAFE_METHODS)
    return sorted(requests)


async def test_every_unsafe_route_refuses_a_request_without_the_token(
    app: Any, client: Any, olivia: dict[str, Any], morgan: dict[str, Any]
) -> None:
    # Signed in as the owner, who may do everything: the only thing missing is the token.
    await client.login_as(olivia)
    audit_events = await AuditEvent.count()
    sessions = await UserSession.count()

    requests = _unsafe_requests(app, {"user_id": str(morgan["id"]), "token": "some-token"})
    assert ("POST", "/api/v1/auth/logout") in requests
    assert ("POST", f"/users/{morgan['id']}/deactivate") in requests
    for method, url in requests:
        if url.startswith("/api/"):
            response = await client.request(method, url, json={}, csrf=False)
            _assert_refused_as_json(response)
        else:
            response = await client.request(method, url, data={"name": "x", "role": "owner"}, csrf=False)
            assert response.status_code == 403, f"{method} {url} answered {response.status_code}"
            assert "Your form expired" in response.text, f"{method} {url}"

    # Nothing was done: no audit event, Morgan still active, Olivia still signed in.
    assert await AuditEvent.count() == audit_events
    assert await UserSession.count() == sessions
    assert (await User.select(User.active).where(User.id == morgan["id"]).first()) == {"active": True}
    assert (await client.get("/api/v1/me")).status_code == 200
