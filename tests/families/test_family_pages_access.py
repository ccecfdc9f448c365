"""Who reaches the Family tab, the family dashboard, the family timeline and their API, in one table: an invisible
client answers 404 like a missing one; a role without the right answers 403."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import people

# (person, path template, expected status). {jordan}, {taylor}, {pat_relative} are filled in per test.
STAFF_PAGES = [
    "GET /clients/{jordan}/family",
    "GET /clients/{jordan}/family/relatives/{pat_relative}/edit",
    "POST /clients/{jordan}/family/relatives/{pat_relative}/grant",
    "POST /clients/{jordan}/family/relatives/{pat_relative}/resend",
    "POST /clients/{jordan}/family/relatives/{pat_relative}/invite",
    "POST /clients/{jordan}/family/relatives",
    "POST /clients/{jordan}/family/plan",
    "GET /api/v1/clients/{jordan}/relatives",
    "PUT /api/v1/clients/{jordan}/relatives/{pat_relative}/grant",
]
EXPECTED_STAFF = {
    "olivia@example.com": {200, 303, 400},  # the owner sees every client
    "casey@example.com": {200, 303, 400},  # assigned
    "morgan@example.com": {404},  # not assigned: Jordan does not exist for Morgan
    "bea@example.com": {403},  # billing: no family management at all
    "pat@example.com": {403},  # a relative is not staff
    "robin@example.com": {403},
}

FAMILY_PAGES = ["GET /family?client={jordan}", "GET /family/clients/{jordan}/timeline"]
EXPECTED_FAMILY = {
    "pat@example.com": {200},
    "sam@example.com": {404},  # suspended
    "robin@example.com": {404},  # Taylor's relative: nothing of Jordan
    "casey@example.com": {403},  # staff have their own pages
    "bea@example.com": {403},
}


async def _call(client: Any, line: str, ids: dict[str, int]) -> int:
    method, template = line.split(" ", 1)
    path = template.format(**ids)
    if method == "GET":
        return (await client.get(path)).status_code
    if path.startswith("/api/"):
        body = {"parts": ["updates"], "state": "active"}
        return (await client.request(method, path, json=body)).status_code
    data = {"parts": "updates", "state": "active", "cadence_days": "7", "name": "X", "relationship": "parent"}
    return (await client.post(path, data=data)).status_code


@pytest.mark.parametrize("email", sorted(EXPECTED_STAFF))
async def test_staff_family_pages(
    client: Any, email: str, jordan: dict[str, Any], taylor: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(await people.get(email))
    ids = {"jordan": jordan["id"], "taylor": taylor["id"], "pat_relative": jordan_family["pat"]["id"]}
    for line in STAFF_PAGES:
        assert await _call(client, line, ids) in EXPECTED_STAFF[email], (email, line)


@pytest.mark.parametrize("email", sorted(EXPECTED_FAMILY))
async def test_family_pages(client: Any, email: str, jordan: dict[str, Any], jordan_family: dict[str, Any]) -> None:
    await client.login_as(await people.get(email))
    for line in FAMILY_PAGES:
        assert await _call(client, line, {"jordan": jordan["id"]}) in EXPECTED_FAMILY[email], (email, line)


async def test_casey_cannot_open_taylors_family_tab(
    client: Any, casey: dict[str, Any], taylor: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    robin = jordan_family["robin"]
    await client.login_as(casey)
    for path in (
        f"/clients/{taylor['id']}/family",
        f"/clients/{taylor['id']}/family/relatives/{robin['id']}/edit",
        f"/api/v1/clients/{taylor['id']}/relatives",
    ):
        assert (await client.get(path)).status_code == 404, path
    response = await client.request(
        "PUT", f"/api/v1/clients/{taylor['id']}/relatives/{robin['id']}/grant", json={"parts": [], "state": "suspended"}
    )
    assert response.status_code == 404


async def test_a_relative_of_another_client_is_not_found_under_jordan(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    robin = jordan_family["robin"]
    await client.login_as(casey)
    assert (await client.get(f"/clients/{jordan['id']}/family/relatives/{robin['id']}/edit")).status_code == 404
    changed = await client.post(
        f"/clients/{jordan['id']}/family/relatives/{robin['id']}/grant", data={"parts": "updates", "state": "active"}
    )
    assert changed.status_code == 404
    for relative_id in (0, 2**31, 10**20):
        response = await client.request(
            "PUT",
            f"/api/v1/clients/{jordan['id']}/relatives/{relative_id}/grant",
            json={"parts": [], "state": "active"},
        )
        assert response.status_code == 404, relative_id


async def test_robin_gets_404_for_everything_of_jordan(
    client: Any, robin: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(robin)
    for path in (f"/family?client={jordan['id']}", f"/family/clients/{jordan['id']}/timeline"):
        assert (await client.get(path)).status_code == 404, path
    board = (await client.get("/family")).text
    assert "Taylor" in board and "Jordan" not in board
    assert [row["id"] for row in (await client.get("/api/v1/family/clients")).json()] == [taylor["id"]]
