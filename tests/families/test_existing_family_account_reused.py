"""One relative, two clients (two siblings in care): Pat's existing family account is reused for Riley, and Pat
sees each client separately, each with its own grant."""

from __future__ import annotations

from typing import Any

from portal.accounts.tables import User
from portal.cases.tables import Relative
from tests.families.family_data import grant_of, outbox_for, second_client_of


async def invite_pat_for(client: Any, riley_id: int, **fields: str) -> int:
    response = await client.post(
        f"/clients/{riley_id}/family/relatives",
        data={"name": "Pat Rivera", "relationship": "parent", "email": "PAT@example.com", "invite": "on", **fields},
    )
    assert response.status_code == 303, response.text
    row = await Relative.select().where(Relative.client == riley_id).first()
    assert row is not None
    return int(row["id"])


async def test_an_existing_family_account_is_reused_for_a_second_client(
    client: Any,
    other_client: Any,
    casey: dict[str, Any],
    pat: dict[str, Any],
    jordan: dict[str, Any],
    jordan_family: dict[str, Any],
) -> None:
    riley_id = await second_client_of(casey)
    users_before = await User.count()
    await client.login_as(casey)
    relative_id = await invite_pat_for(client, riley_id)

    assert await User.count() == users_before  # no second account
    assert await outbox_for("pat@example.com") == []  # Pat signs in as before: no invitation
    assert (await Relative.select(Relative.user).where(Relative.id == relative_id).first()) == {"user": pat["id"]}
    riley_grant = await grant_of(relative_id)
    assert riley_grant is not None and riley_grant["sees_timeline"] is False and riley_grant["sees_billing"] is False

    # Riley's family tab shows only Riley's link to Pat; Jordan's shows Jordan's.
    riley_page = (await client.get(f"/clients/{riley_id}/family")).text
    assert "Pat Rivera" in riley_page and "Sam Rivera" not in riley_page and "Active" in riley_page

    await other_client.login_as(pat)
    board = (await other_client.get("/family")).text
    assert 'id="client-{}-h">Jordan<'.format(jordan["id"]) in board
    assert f'id="client-{riley_id}-h">Riley<' in board
    # Each separately: the switcher, and one client at a time.
    only_riley = (await other_client.get(f"/family?client={riley_id}")).text
    assert "Riley" in only_riley and f'id="client-{jordan["id"]}-h"' not in only_riley
    api = (await other_client.get("/api/v1/family/clients")).json()
    assert {row["name"]: row["parts"] for row in api} == {
        "Jordan": ["updates", "messages", "documents", "timeline", "billing"],
        # No release of Riley's names Pat yet: Riley is listed, with nothing open.
        "Riley": [],
    }


async def test_suspending_pat_for_one_client_leaves_the_other(
    client: Any,
    other_client: Any,
    casey: dict[str, Any],
    pat: dict[str, Any],
    jordan: dict[str, Any],
    jordan_family: dict[str, Any],
) -> None:
    riley_id = await second_client_of(casey)
    await client.login_as(casey)
    relative_id = await invite_pat_for(client, riley_id)
    await client.post(
        f"/clients/{riley_id}/family/relatives/{relative_id}/grant",
        data={"parts": ["updates", "messages"], "state": "suspended"},
    )
    await other_client.login_as(pat)
    board = (await other_client.get("/family")).text
    assert "Jordan" in board and "Riley" not in board
    assert (await other_client.get(f"/family?client={riley_id}")).status_code == 404
    assert [row["name"] for row in (await other_client.get("/api/v1/family/clients")).json()] == ["Jordan"]


async def test_the_same_account_twice_for_one_client_is_refused(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/family/relatives",
        data={"name": "Pat R.", "relationship": "parent", "email": "pat@example.com", "invite": "on"},
    )
    assert response.status_code == 400
    assert "Another relative of this client already signs in with this address." in response.text
    assert await Relative.count().where((Relative.client == jordan["id"]) & (Relative.name == "Pat R.")) == 0
