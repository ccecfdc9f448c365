"""Only the people who place clients see the network: families (Pat) and billing (Bea) get 403 on every route
under /network and /api/v1/programs — pages, workflow forms, files, exports, the API — and no Network link."""

from __future__ import annotations

import re
from typing import Any

import pytest

from portal.network import contacts, vetting
from portal.network.tables import Credential, DeskCheck, SiteVisitPhoto
from tests.network.support import NOW, SITE_VISIT, TODAY, acting, add_license, add_program, approve, png_bytes


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


def network_routes(app: Any) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not (route.path.startswith("/network") or route.path.startswith("/api/v1/programs")):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods):
                if method not in {"OPTIONS", "HEAD"}:
                    found.append((method, route.path))
    return sorted(set(found))


def concrete(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+):\w+\}", lambda m: str(ids.get(m.group(1), 1)), path)


async def _fixtures(casey: dict[str, Any]) -> dict[str, int]:
    program_id = await add_program(casey)
    await add_license(casey, program_id, TODAY)
    await approve(casey, program_id)
    await vetting.record_site_visit(
        acting(casey), program_id, {**SITE_VISIT, "visitor": str(casey["id"])}, [(png_bytes(), "a.png")]
    )
    contact_id = await contacts.add_contact(acting(casey), program_id, {"role": "admissions", "name": "Alex"})
    photo = await SiteVisitPhoto.select(SiteVisitPhoto.id).first()
    credential = await Credential.select(Credential.id).first()
    check = await DeskCheck.select(DeskCheck.id).first()
    return {
        "program_id": program_id,
        "photo_id": photo["id"],
        "credential_id": credential["id"],
        "contact_id": contact_id,
        "check_id": check["id"],
    }


async def test_the_route_table_has_the_network(app: Any) -> None:
    paths = {path for _, path in network_routes(app)}
    assert {"/network", "/network/programs/{program_id:int}", "/api/v1/programs/{program_id:int}/vetting"} <= paths


@pytest.mark.parametrize("who", ["pat@example.com", "bea@example.com"])
async def test_families_and_billing_get_403_everywhere(app: Any, client: Any, casey: dict[str, Any], who: str) -> None:
    ids = await _fixtures(casey)
    assert (await client.login(who)).status_code == 200
    routes = network_routes(app)
    assert len(routes) > 25
    answers = {}
    for method, path in routes:
        url = concrete(path, ids)
        if method == "GET":
            response = await client.get(url)
        else:
            response = await client.request(method, url, json={})
        answers[f"{method} {path}"] = response.status_code
    assert {route: status for route, status in answers.items() if status != 403} == {}


async def test_families_and_billing_have_no_network_link_and_staff_do(
    client: Any, pat: dict[str, Any], bea: dict[str, Any], casey: dict[str, Any]
) -> None:
    for person, shown in ((pat, False), (bea, False), (casey, True)):
        await client.login_as(person)
        home = await client.get("/", follow_redirects=True)
        assert ('href="/network"' in home.text) is shown, person["email"]
        await client.logout()


async def test_signed_out_visitors_are_sent_to_sign_in(client: Any, casey: dict[str, Any]) -> None:
    ids = await _fixtures(casey)
    page = await client.get(f"/network/programs/{ids['program_id']}")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    api = await client.get(f"/api/v1/programs/{ids['program_id']}")
    assert api.status_code == 401
