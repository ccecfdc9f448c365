"""The thread lists and a thread's page run the same number of SQL statements with 10 messages and with 500
(written in bulk), for the practice and for a relative, on the pages and in the API: no query per message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.families.messages_support import PDF_BYTES, add_messages_in_bulk, now, start_thread
from tests.support.queries import count_queries


async def measure(client: Any, paths: list[str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        with count_queries() as counter:
            response = await client.get(path)
        assert response.status_code == 200, path
        counts[path] = counter.count
    return counts


async def test_query_counts_do_not_grow_with_messages(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    started = await start_thread(casey, jordan, [jordan_family["pat"]["id"]], attachments=[(PDF_BYTES, "a.pdf")])
    other = await start_thread(casey, jordan, [jordan_family["pat"]["id"]], subject="Insurance")
    thread = started.thread_id
    staff = [
        f"/clients/{jordan['id']}/messages",
        f"/clients/{jordan['id']}/messages/{thread}",
        f"/api/v1/clients/{jordan['id']}/threads",
        f"/api/v1/clients/{jordan['id']}/threads/{thread}",
    ]
    family = [
        "/family/threads",
        f"/family/threads/{thread}",
        "/api/v1/family/threads",
        f"/api/v1/family/threads/{thread}",
    ]
    authors = [casey["id"], pat["id"]]
    await add_messages_in_bulk(thread, authors, 9, end=now() - timedelta(hours=1))
    await add_messages_in_bulk(other.thread_id, authors, 9, end=now() - timedelta(hours=1))

    await client.login_as(casey)
    await measure(client, staff)  # warm up: the session's first request, the first read of the thread
    staff_10 = await measure(client, staff)
    await client.login_as(pat)
    await measure(client, family)
    family_10 = await measure(client, family)

    await add_messages_in_bulk(thread, authors, 490, end=now() - timedelta(hours=2))
    await add_messages_in_bulk(other.thread_id, authors, 490, end=now() - timedelta(hours=2))
    family_500 = await measure(client, family)
    await client.login_as(casey)
    await measure(client, staff)
    staff_500 = await measure(client, staff)

    print(f"\nSQL statements, practice, 10 messages: {staff_10}\n  500 messages: {staff_500}")
    print(f"SQL statements, relative, 10 messages: {family_10}\n  500 messages: {family_500}")
    assert staff_10 == staff_500
    assert family_10 == family_500
    page = (await client.get(staff[1])).text
    assert page.count('class="message ') == 500
