"""Sam is suspended (a high-conflict family): the dashboard says "No updates yet." and nothing of Jordan, exactly as
for someone linked to nobody, never a hint that others still receive updates; Jordan's pages are 404."""

from __future__ import annotations

from typing import Any

from portal.accounts import services as accounts
from portal.policy import Principal, Role
from tests.families.family_data import add_thread, add_updates


async def test_a_suspended_relative_sees_no_updates_and_nothing_of_the_client(
    client: Any, casey: dict[str, Any], sam: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    both = [jordan_family["pat"]["id"], jordan_family["sam"]["id"]]
    # Delivered to Sam before the suspension, and to Pat since: none of it shows.
    await add_updates(jordan["id"], casey["id"], both, 4)
    await add_thread(jordan["id"], casey["id"], both, 2)
    await client.login_as(sam)
    response = await client.get("/family")
    assert response.status_code == 200
    html = response.text
    assert "No updates yet." in html
    for hint in ("Jordan", "Rivera ", "Week", "Pine Ridge", "unread", "suspended", "Suspended", "others", "access"):
        assert hint not in html, hint

    for path in (
        f"/family/clients/{jordan['id']}/timeline",
        f"/family?client={jordan['id']}",
    ):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/api/v1/family/clients")).json() == []


async def test_suspended_looks_exactly_like_linked_to_nobody(
    client: Any, other_client: Any, sam: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    nobody = await accounts.create_user(
        Principal.system("tests"), email="lee@example.com", name="Sam Lee", role=Role.FAMILY,
        password="correct horse battery staple 42",
    )  # fmt: skip
    await client.login_as(sam)
    await other_client.login_as(nobody)
    suspended = (await client.get("/family")).text
    unlinked = (await other_client.get("/family")).text
    # The same page, but for the CSRF token in the head.
    assert _body(suspended) == _body(unlinked)
    assert (await client.get("/family/clients/999999/timeline")).status_code == 404


def _body(html: str) -> str:
    return html.split("<main", 1)[1]
