"""Every route is either public by an explicit list or guarded by the policy module (DESIGN.md §4).

The checker is `portal.policy.unguarded_routes`; these tests run it on the real application, show with a
throwaway app that it notices a newly added unguarded route, and keep the public list honest.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Controller, Litestar, get, post
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from portal.app import route_handlers
from portal.policy import PUBLIC_ROUTES, Action, guard, unguarded_routes
from tests.support import people

# Marked here, not only by conftest's collection hook: that hook runs after anyio has expanded the items, and
# would drop this module's parametrized cases.


def test_every_route_of_the_portal_is_public_by_name_or_guarded(app: Any) -> None:
    unguarded = unguarded_routes(app)
    assert unguarded == [], (
        "These routes are neither on portal.policy.PUBLIC_ROUTES nor guarded with portal.policy.guard(): "
        + ", ".join(unguarded)
    )


def test_the_checker_reports_a_new_unguarded_route_and_only_that_one() -> None:
    @get("/throwaway/unguarded", sync_to_thread=False)
    def unguarded_page() -> str:
        return "anyone can read this"

    @get("/throwaway/guarded", guards=[guard(Action.STAFF_AREA)], sync_to_thread=False)
    def guarded_page() -> str:
        return "staff only"

    throwaway = Litestar(route_handlers=[unguarded_page, guarded_page], openapi_config=None)

    assert unguarded_routes(throwaway) == ["GET /throwaway/unguarded"]


def test_adding_an_unguarded_route_to_the_portal_makes_the_check_fail() -> None:
    # The portal's own route table plus one forgotten route: the checker names exactly the newcomer.
    @post("/api/v1/throwaway/export", sync_to_thread=False)
    def forgotten_export() -> str:
        return "every client's notes"

    app_with_a_hole = Litestar(route_handlers=[*route_handlers(), forgotten_export], openapi_config=None)

    assert unguarded_routes(app_with_a_hole) == ["POST /api/v1/throwaway/export"]


def test_a_guard_that_is_not_from_the_policy_module_does_not_count() -> None:
    # A hand-written guard may check anything (or nothing); only guard() ties a route to the policy rules.
    async def looks_like_a_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        return None

    @get("/throwaway/home-made", guards=[looks_like_a_guard], sync_to_thread=False)
    def home_made() -> str:
        return "?"

    assert unguarded_routes(Litestar(route_handlers=[home_made], openapi_config=None)) == ["GET /throwaway/home-made"]


def test_a_guard_on_the_controller_covers_each_of_its_routes() -> None:
    class StaffController(Controller):
        path = "/throwaway/staff"
        guards = [guard(Action.STAFF_AREA)]

        @get("/", sync_to_thread=False)
        def index(self) -> str:
            return "staff"

        @post("/things", sync_to_thread=False)
        def create(self) -> str:
            return "created"

    class HalfGuardedController(Controller):
        path = "/throwaway/half"

        @get("/", guards=[guard(Action.STAFF_AREA)], sync_to_thread=False)
        def index(self) -> str:
            return "staff"

        @post("/", sync_to_thread=False)
        def create(self) -> str:
            return "open"

    throwaway = Litestar(route_handlers=[StaffController, HalfGuardedController], openapi_config=None)

    assert unguarded_routes(throwaway) == ["POST /throwaway/half"]


def test_every_public_route_still_exists(app: Any) -> None:
    # A public entry whose route was renamed is a hole waiting to happen: the next route to take that path
    # would be public without anyone deciding so.
    paths = {route.path for route in app.routes}
    assert sorted(PUBLIC_ROUTES - paths) == []


def _public_requests(app: Any) -> list[tuple[str, str]]:
    """(method, concrete URL) for every public route of the app, with placeholder path parameters."""
    placeholders = {"token": "not-a-real-token", "file_path": "css/portal.css", "path": "openapi.json"}
    requests = []
    for route in app.routes:
        if route.path not in PUBLIC_ROUTES:
            continue
        url = re.sub(r"\{(\w+):\w+\}", lambda match: placeholders[match.group(1)], route.path)
        for handler in getattr(route, "route_handlers", []):
            requests.extend((method, url) for method in handler.http_methods if method in {"GET", "POST"})
    return sorted(set(requests))


async def test_public_routes_show_nothing_about_anyone_to_someone_signed_out(app: Any, client: Any) -> None:
    # Public routes are sign-in, reset, invitation, health, schema and static files. Signed out, none of
    # them may show anything about the people of the practice (names, e-mail addresses), whatever is asked.
    from portal.accounts.tables import User

    users = await User.select(User.name, User.email)
    assert len(users) >= len(people.PEOPLE)
    private = {value for user in users for value in (user["name"], user["email"])}

    requests = _public_requests(app)
    assert ("GET", "/login") in requests
    assert ("POST", "/api/v1/auth/login") in requests
    answered = []
    for method, url in requests:
        if method == "GET":
            response = await client.get(url)
        elif url.startswith("/api/"):
            response = await client.post(url, json={})
        else:
            response = await client.post(url, data={})
        assert response.status_code < 500, f"{method} {url} answered {response.status_code}"
        assert (await client.get("/api/v1/me")).status_code == 401, f"{method} {url} signed someone in"
        leaked = sorted(value for value in private if value.lower() in response.text.lower())
        assert leaked == [], f"{method} {url} shows {leaked} to someone signed out"
        answered.append(f"{method} {url}")
    assert len(answered) == len(requests)


@pytest.mark.parametrize("path", ["/api/v1/me", "/account", "/users", "/settings/practice", "/audit"])
async def test_guarded_routes_turn_away_someone_signed_out(client: Any, path: str) -> None:
    response = await client.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401
        assert response.json()["detail"]
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
