"""A relative sees only the threads they are in: in their list, on the page and in the API. The practice sees
every thread of the client."""

from __future__ import annotations

from typing import Any

from portal.families.tables import ThreadParticipant
from tests.families.messages_support import add_active_relative, start_thread


async def test_pat_sees_his_thread_and_not_the_one_with_only_his_other_child(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    alex = await add_active_relative(jordan, "Alex Rivera", "alex@example.com")
    with_pat = await start_thread(casey, jordan, [jordan_family["pat"]["id"]], subject="Sunday visit")
    with_alex = await start_thread(casey, jordan, [alex], subject="Alex's question about school")
    assert with_pat.not_added == [] and with_alex.not_added == []

    await client.login_as(pat)
    listing = await client.get("/family/threads")
    assert listing.status_code == 200
    assert "Sunday visit" in listing.text and "school" not in listing.text
    assert (await client.get(f"/family/threads/{with_pat.thread_id}")).status_code == 200
    assert (await client.get(f"/family/threads/{with_alex.thread_id}")).status_code == 404
    api = (await client.get("/api/v1/family/threads")).json()
    assert [t["id"] for t in api["items"]] == [with_pat.thread_id] and api["total"] == 1
    assert (await client.get(f"/api/v1/family/threads/{with_alex.thread_id}")).status_code == 404
    reply = await client.post(f"/api/v1/family/threads/{with_alex.thread_id}/messages", json={"body": "Me too"})
    assert reply.status_code == 404

    await client.login_as(casey)
    staff = await client.get(f"/clients/{jordan['id']}/messages")
    assert "Sunday visit" in staff.text and "Alex&#39;s question about school" in staff.text


async def test_taking_a_relative_out_hides_the_thread_from_them(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat_id = jordan_family["pat"]["id"]
    started = await start_thread(casey, jordan, [pat_id])
    await client.login_as(casey)
    removed = await client.post(
        f"/clients/{jordan['id']}/messages/{started.thread_id}/participants/{pat_id}/remove", data={}
    )
    assert removed.status_code == 303
    assert await ThreadParticipant.count().where(ThreadParticipant.thread == started.thread_id) == 0

    await client.login_as(pat)
    assert (await client.get(f"/family/threads/{started.thread_id}")).status_code == 404
    assert "Visiting on Sunday" not in (await client.get("/family/threads")).text
