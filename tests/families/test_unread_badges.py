"""Unread badges in the navigation: a relative sees how many updates and messages wait for them."""

from __future__ import annotations

import re
from typing import Any

from tests.families.messages_support import start_thread
from tests.families.updates_support import published_update


def badge(html: str, label: str) -> int:
    match = re.search(rf">{label} <span class=\"nav-badge\">(\d+)<", html)
    return int(match.group(1)) if match else 0


async def test_badges_count_unread_updates_and_messages(
    client: Any, jordan_family: dict[str, Any], jordan: dict[str, Any], casey: dict[str, Any], pat: dict[str, Any]
) -> None:
    await published_update(casey, jordan)
    await published_update(casey, jordan, title="Second week")
    await start_thread(casey, jordan, [jordan_family["pat"]["id"]])
    await client.login_as(pat)
    page = (await client.get("/family")).text
    assert (badge(page, "Updates"), badge(page, "Messages")) == (2, 1)
    feed = await client.get("/family/updates")
    update_link = re.search(r'href="(/family/updates/\d+)"', feed.text)
    assert update_link
    await client.get(update_link.group(1))
    assert badge((await client.get("/family")).text, "Updates") == 1


async def test_staff_pages_have_no_family_badges(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    assert "nav-badge" not in (await client.get("/my-day")).text
