"""Only the practice adds people to a conversation: a relative's new thread has them alone, the API has no field
for anyone else (an unknown field is refused), a smuggled form field is ignored, and the practice's route for
adding people answers 403 to a relative."""

from __future__ import annotations

from typing import Any

from portal.families.tables import Thread, ThreadParticipant
from tests.families.messages_support import add_active_relative, start_thread


async def participants(thread_id: int) -> set[int]:
    rows = await ThreadParticipant.select(ThreadParticipant.relative).where(ThreadParticipant.thread == thread_id)
    return {row["relative"] for row in rows}


async def test_a_relatives_new_thread_has_only_them_whatever_the_form_says(
    client: Any, pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    alex = await add_active_relative(jordan, "Alex Rivera", "alex@example.com")
    await client.login_as(pat)
    form = await client.get("/family/threads/new")
    assert form.status_code == 200 and 'name="participants"' not in form.text and 'name="relative"' not in form.text

    response = await client.post(
        "/family/threads",
        data={
            "client": str(jordan["id"]),
            "subject": "Question",
            "body": "Can we visit?",
            "participants": str(alex),
            "relative": str(alex),
            "relative_ids": str(alex),
        },
    )

    assert response.status_code == 303, response.text
    thread = await Thread.select().where(Thread.subject == "Question").first()
    assert response.headers["location"] == f"/family/threads/{thread['id']}"
    assert await participants(thread["id"]) == {jordan_family["pat"]["id"]}


async def test_the_api_refuses_a_field_naming_other_people(
    client: Any, pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    alex = await add_active_relative(jordan, "Alex Rivera", "alex@example.com")
    await client.login_as(pat)
    body = {"client_id": jordan["id"], "subject": "Question", "body": "Can we visit?"}

    refused = await client.post("/api/v1/family/threads", json={**body, "relative_ids": [alex]})
    assert refused.status_code == 400 and "relative_ids" in refused.text
    assert await Thread.count() == 0

    created = await client.post("/api/v1/family/threads", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["other_relatives"] == []
    assert await participants(created.json()["id"]) == {jordan_family["pat"]["id"]}


async def test_the_practices_add_person_route_is_not_for_relatives(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    alex = await add_active_relative(jordan, "Alex Rivera", "alex@example.com")
    started = await start_thread(casey, jordan, [jordan_family["pat"]["id"]])
    await client.login_as(pat)
    base = f"/clients/{jordan['id']}/messages/{started.thread_id}"

    assert (await client.post(f"{base}/participants", data={"relative": str(alex)})).status_code == 403
    assert (
        await client.post(
            f"/api/v1/clients/{jordan['id']}/threads", json={"subject": "x", "body": "x", "relative_ids": [alex]}
        )
    ).status_code == 403
    assert await participants(started.thread_id) == {jordan_family["pat"]["id"]}

    await client.login_as(casey)
    added = await client.post(f"{base}/participants", data={"relative": str(alex)})
    assert added.status_code == 303
    assert await participants(started.thread_id) == {jordan_family["pat"]["id"], alex}
