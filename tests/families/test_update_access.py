"""Who may open which update page: staff see the updates of the clients they work with (others are 404), billing
staff and relatives never reach the staff pages (403), and a relative sees only updates they received (404)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.families.conftest import family_release
from tests.families.updates_support import PDF_BYTES, acting, published_update, write_update


async def jordan_and_taylor_updates(
    casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> dict[str, int]:
    """Jordan's published update (with an attachment) and draft; Taylor's published update (Robin received it)."""
    return {
        "jordan_published": await published_update(casey, jordan, attachments=[(PDF_BYTES, "plan.pdf")]),
        "jordan_draft": await write_update(casey, jordan, title="Draft for later"),
        "taylor_published": await published_update(morgan, taylor, title="Taylor's week", body="Taylor is doing well."),
    }


def staff_paths(client_id: int, update_id: int, draft_id: int) -> list[tuple[str, str]]:
    base = f"/clients/{client_id}/updates"
    api = f"/api/v1/clients/{client_id}/updates"
    return [
        ("GET", base),
        ("GET", f"{base}/new"),
        ("GET", f"{base}/{update_id}"),
        ("GET", f"{base}/{draft_id}/edit"),
        ("GET", api),
        ("GET", f"{api}/{update_id}"),
        ("POST", f"{api}/{draft_id}/publish"),
    ]


async def call(client: Any, method: str, path: str) -> int:
    if method == "GET":
        return int((await client.get(path)).status_code)
    return int((await client.post(path, json=None)).status_code)


@pytest.fixture
async def ids(
    jordan_family: dict[str, Any],
    casey: dict[str, Any],
    morgan: dict[str, Any],
    jordan: dict[str, Any],
    taylor: dict[str, Any],
) -> dict[str, int]:
    await family_release(
        taylor["id"],
        jordan_family["robin"]["id"],
        ["family_communication"],
        signed_by_name="Taylor Brooks",
        esignature_name="Taylor Brooks",
    )
    return await jordan_and_taylor_updates(casey, morgan, jordan, taylor)


async def test_casey_opens_jordans_update_pages(
    client: Any, ids: dict[str, int], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    for method, path in staff_paths(jordan["id"], ids["jordan_published"], ids["jordan_draft"])[:-1]:
        assert await call(client, method, path) == 200, path


async def test_casey_gets_404_on_taylors_updates_and_across_clients(
    client: Any, ids: dict[str, int], casey: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    await client.login_as(casey)
    for method, path in staff_paths(taylor["id"], ids["taylor_published"], ids["taylor_published"]):
        assert await call(client, method, path) == 404, path
    # Taylor's update through Jordan's pages is not found either: ids are not a way across clients.
    assert (await client.get(f"/clients/{jordan['id']}/updates/{ids['taylor_published']}")).status_code == 404
    assert (await client.get(f"/api/v1/clients/{jordan['id']}/updates/{ids['taylor_published']}")).status_code == 404


async def test_morgan_gets_404_on_jordans_updates(
    client: Any, ids: dict[str, int], morgan: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(morgan)
    for method, path in staff_paths(jordan["id"], ids["jordan_published"], ids["jordan_draft"]):
        assert await call(client, method, path) == 404, path


async def test_billing_staff_and_relatives_are_refused_the_staff_pages(
    client: Any, ids: dict[str, int], jordan: dict[str, Any], bea: dict[str, Any], pat: dict[str, Any]
) -> None:
    for person in (bea, pat):
        await client.login_as(person)
        for method, path in staff_paths(jordan["id"], ids["jordan_published"], ids["jordan_draft"]):
            assert await call(client, method, path) == 403, (person["email"], path)
        form = await client.post(f"/clients/{jordan['id']}/updates", data={"title": "x", "body": "y"})
        assert form.status_code == 403
        await client.logout()


async def test_the_owner_opens_every_clients_updates(
    client: Any, ids: dict[str, int], olivia: dict[str, Any], taylor: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    assert (await client.get(f"/clients/{taylor['id']}/updates/{ids['taylor_published']}")).status_code == 200


async def test_robin_gets_404_on_jordans_updates_and_sees_taylors(
    client: Any, ids: dict[str, int], robin: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(robin)
    jordan_update = ids["jordan_published"]
    for path in (
        f"/family/updates/{jordan_update}",
        f"/family/updates/{jordan_update}/attachments/1",
        f"/family/updates?client={jordan['id']}",
        f"/api/v1/family/updates/{jordan_update}",
        f"/api/v1/family/updates?client={jordan['id']}",
    ):
        assert (await client.get(path)).status_code == 404, path
    feed = (await client.get("/family/updates")).text
    assert "Taylor&#39;s week" in feed and "Jordan" not in feed
    assert (await client.get(f"/family/updates/{ids['taylor_published']}")).status_code == 200


async def test_pat_downloads_the_attachment_robin_cannot(
    client: Any, other_client: Any, ids: dict[str, int], pat: dict[str, Any], robin: dict[str, Any]
) -> None:
    from portal.families import update_feed

    update = await update_feed.read_update(acting(pat), ids["jordan_published"])
    [attachment] = update["attachments"]
    path = f"/family/updates/{ids['jordan_published']}/attachments/{attachment['id']}"
    await client.login_as(pat)
    await other_client.login_as(robin)
    assert (await other_client.get(path)).status_code == 404
    response = await client.get(path)
    assert response.status_code == 200 and response.content == PDF_BYTES


async def test_staff_are_refused_the_family_pages(client: Any, ids: dict[str, int], casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    for path in ("/family/updates", f"/family/updates/{ids['jordan_published']}", "/api/v1/family/updates"):
        assert (await client.get(path)).status_code == 403, path
