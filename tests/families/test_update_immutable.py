"""A published update never changes: the service, the pages and the API all answer 409 with a message that
points to follow-ups, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from portal.errors import Conflict
from portal.families import updates
from tests.families.updates_support import acting, published_update


@pytest.fixture
async def published(jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]) -> int:
    return await published_update(casey, jordan)


async def test_the_service_refuses_to_change_publish_again_or_discard(
    published: int, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    before = await updates.update_row(jordan["id"], published)
    with pytest.raises(Conflict, match="Write a follow-up"):
        await updates.edit_update(acting(casey), jordan["id"], published, {"title": "Changed", "body": "Changed"})
    with pytest.raises(Conflict):
        await updates.publish_update(acting(casey), jordan["id"], published)
    with pytest.raises(Conflict):
        await updates.discard_draft(acting(casey), jordan["id"], published)
    assert await updates.update_row(jordan["id"], published) == before


async def test_the_edit_pages_answer_409(
    client: Any, published: int, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/updates/{published}"

    page = await client.get(f"{base}/edit")
    assert page.status_code == 409
    assert "can no longer be changed" in page.text and "follow-up" in page.text
    posted = await client.post(f"{base}/edit", data={"title": "Changed", "body": "Changed", "recipients": "all"})
    assert posted.status_code == 409
    assert (await client.post(f"{base}/discard", data={})).status_code == 409
    # The published page offers a follow-up, never an edit.
    view = (await client.get(base)).text
    assert "Write a follow-up" in view and f"{base}/edit" not in view
    assert (await updates.update_row(jordan["id"], published))["title"] != "Changed"


async def test_publishing_twice_from_the_page_lands_on_the_update(
    client: Any, published: int, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await client.post(f"/clients/{jordan['id']}/updates/{published}/publish", data={})
    assert response.status_code == 303
    assert response.headers["location"] == f"/clients/{jordan['id']}/updates/{published}"


async def test_the_api_answers_409(client: Any, published: int, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    base = f"/api/v1/clients/{jordan['id']}/updates/{published}"

    patched = await client.request("PATCH", base, json={"title": "Changed"})
    assert patched.status_code == 409
    assert "Write a follow-up" in patched.json()["detail"]
    assert (await client.post(f"{base}/publish", json=None)).status_code == 409
