"""Unread counts for each relative (messages after they last read the thread, not their own) and for each staff
member (StaffThreadRead), and the practice's read receipts ("Read by Pat Tue 9:14 AM", "Sam has not read it"),
on a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from portal.families import message_posting, messages
from tests.families.messages_support import acting, make_sam_active_with_a_release, start_thread

NEW_YORK = ZoneInfo("America/New_York")


def at(hour: int, minute: int) -> datetime:
    """Tuesday 17 November 2026 in New York, the practice's time zone."""
    return datetime(2026, 11, 17, hour, minute, tzinfo=NEW_YORK).astimezone(UTC)


async def family_unread(client: Any, thread_id: int) -> int:
    items = (await client.get("/api/v1/family/threads")).json()["items"]
    return int(next(item["unread"] for item in items if item["id"] == thread_id))


async def staff_unread(client: Any, client_id: int, thread_id: int) -> int:
    items = (await client.get(f"/api/v1/clients/{client_id}/threads")).json()["items"]
    return int(next(item["unread"] for item in items if item["id"] == thread_id))


async def test_unread_counts_and_receipts_follow_who_read_what_and_when(
    client: Any,
    other_client: Any,
    clock: Any,
    casey: dict[str, Any],
    olivia: dict[str, Any],
    pat: dict[str, Any],
    sam: dict[str, Any],
    jordan: dict[str, Any],
    jordan_family: dict[str, Any],
) -> None:
    clock.set(at(8, 0))
    sam_id = await make_sam_active_with_a_release(jordan)
    started = await start_thread(casey, jordan, [jordan_family["pat"]["id"], sam_id])
    thread = started.thread_id
    staff_page = f"/clients/{jordan['id']}/messages/{thread}"

    await client.login_as(casey)
    await other_client.login_as(olivia)
    assert await staff_unread(client, jordan["id"], thread) == 0  # her own message
    assert await staff_unread(other_client, jordan["id"], thread) == 1

    await client.login_as(pat)
    assert await family_unread(client, thread) == 1
    assert "1 new" in (await client.get("/family/threads")).text
    assert await messages.unread_messages(acting(pat)) == 1

    clock.set(at(9, 14))
    await client.login_as(pat)  # a new session: the clock jumped past the idle timeout
    assert (await client.get(f"/family/threads/{thread}")).status_code == 200  # Pat reads it
    assert await family_unread(client, thread) == 0

    await client.login_as(casey)
    page = (await client.get(staff_page)).text
    assert "Read by Pat Rivera Tue 9:14 AM" in page
    assert "Sam Rivera has not read it" in page

    clock.set(at(9, 30))
    await message_posting.post_as_relative(acting(pat), thread, "Thank you, we will be there.")
    await client.login_as(casey)
    assert await staff_unread(client, jordan["id"], thread) == 1  # Pat's reply, after she last read it
    await client.get(staff_page)
    assert await staff_unread(client, jordan["id"], thread) == 0
    await client.login_as(pat)
    assert await family_unread(client, thread) == 0  # Pat's own reply never waits for him
    await other_client.login_as(olivia)
    assert await staff_unread(other_client, jordan["id"], thread) == 2
    await client.login_as(sam)
    assert await family_unread(client, thread) == 2  # Casey's message and Pat's reply

    clock.set(at(10, 0))
    await message_posting.post_as_practice(acting(casey), jordan["id"], thread, "See you then.")
    await client.login_as(pat)
    assert await family_unread(client, thread) == 1
    await client.login_as(casey)
    page = (await client.get(staff_page)).text
    assert "Pat Rivera has not read it" in page and "Sam Rivera has not read it" in page

    clock.set(at(10, 5))
    await client.login_as(pat)
    detail = (await client.get(f"/api/v1/family/threads/{thread}")).json()  # the API marks it read too
    assert [m["body"] for m in detail["messages"]][-1] == "See you then."
    assert await family_unread(client, thread) == 0
    await client.login_as(casey)
    assert "Read by Pat Rivera Tue 10:05 AM" in (await client.get(staff_page)).text
