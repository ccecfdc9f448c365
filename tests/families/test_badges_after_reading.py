"""The page that reads an update or a conversation draws the navigation's badges as they are after that read, not
as they were a moment before (found on the phone journey: Pat opened the new update and still saw "Updates 3")."""

from __future__ import annotations

import re
from typing import Any

from tests.families.messages_support import start_thread
from tests.families.test_unread_badges import badge
from tests.families.updates_support import published_update


async def test_opening_an_update_counts_it_as_read_on_its_own_page(
    client: Any, jordan_family: dict[str, Any], jordan: dict[str, Any], casey: dict[str, Any], pat: dict[str, Any]
) -> None:
    first = await published_update(casey, jordan)
    await published_update(casey, jordan, title="Second week")
    await client.login_as(pat)
    opened = (await client.get(f"/family/updates/{first}")).text
    assert badge(opened, "Updates") == 1
    again = (await client.get(f"/family/updates/{first}")).text  # a second opening reads nothing new
    assert badge(again, "Updates") == 1


async def test_opening_a_conversation_clears_its_messages_from_the_badge(
    client: Any, jordan_family: dict[str, Any], jordan: dict[str, Any], casey: dict[str, Any], pat: dict[str, Any]
) -> None:
    started = await start_thread(casey, jordan, [jordan_family["pat"]["id"]])
    await start_thread(casey, jordan, [jordan_family["pat"]["id"]], subject="Insurance")
    await client.login_as(pat)
    assert badge((await client.get("/family")).text, "Messages") == 2
    page = (await client.get(f"/family/threads/{started.thread_id}")).text
    assert re.search(r"<h1[^>]*>Visiting on Sunday</h1>", page)
    assert badge(page, "Messages") == 1
