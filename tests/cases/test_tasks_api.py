"""Tasks through the JSON API: a client's tasks, one's own tasks with the open / overdue / done views, and
marking them done and open again."""

from __future__ import annotations

from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.cases.tables import Task
from tests.cases.coordination_support import NOW


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)  # Tuesday 10 March 2026
    return clock


async def test_casey_gives_herself_a_task_about_jordan_and_finds_it_in_both_lists(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    body = {"title": "Call Pine Ridge", "details": "Ask about the PHP bed", "due_on": "2026-03-12", "priority": "high"}

    created = await client.post(f"/api/v1/clients/{jordan['id']}/tasks", json=body)

    assert created.status_code == 201, created.text
    task = created.json()
    assert (task["title"], task["due_on"], task["priority"], task["client_id"]) == (
        "Call Pine Ridge",
        "2026-03-12",
        "high",
        jordan["id"],
    )
    assert task["client_name"] == "Jordan Rivera"
    assert task["assignee"] == {"id": casey["id"], "name": "Casey Morales"}
    assert (task["done"], task["overdue"]) == (False, False)
    for url in (f"/api/v1/clients/{jordan['id']}/tasks", "/api/v1/tasks"):
        assert [t["id"] for t in (await client.get(url)).json()["items"]] == [task["id"]], url
    assert (await client.get(f"/api/v1/tasks/{task['id']}")).json() == task


async def test_views_open_overdue_done_and_all(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    ids = {}
    for title, due in (("Late", "2026-03-09"), ("Today", "2026-03-10"), ("Someday", None)):
        body = {"title": title, "due_on": due}
        ids[title] = (await client.post(f"/api/v1/clients/{jordan['id']}/tasks", json=body)).json()["id"]

    done = await client.post(f"/api/v1/tasks/{ids['Today']}/done")
    assert done.status_code == 200, done.text
    assert done.json()["done"] is True and done.json()["done_by_name"] == "Casey Morales"
    assert (await client.post(f"/api/v1/tasks/{ids['Today']}/done")).status_code == 200  # done already is fine

    async def titles(view: str) -> list[str]:
        response = await client.get(f"/api/v1/tasks?view={view}")
        assert response.status_code == 200, response.text
        return [t["title"] for t in response.json()["items"]]

    assert await titles("open") == ["Late", "Someday"]
    assert await titles("overdue") == ["Late"]
    assert await titles("done") == ["Today"]
    assert sorted(await titles("all")) == ["Late", "Someday", "Today"]
    late = (await client.get(f"/api/v1/tasks/{ids['Late']}")).json()
    assert late["overdue"] is True

    reopened = await client.post(f"/api/v1/tasks/{ids['Today']}/reopen")
    assert reopened.status_code == 200
    assert (reopened.json()["done"], reopened.json()["done_at"]) == (False, None)
    actions = [
        r["action"] for r in await AuditEvent.select(AuditEvent.action).where(AuditEvent.actor_id == casey["id"])
    ]
    assert actions.count("task.done") == 1 and actions.count("task.reopen") == 1


async def test_a_task_without_a_client_and_one_for_someone_else(
    client: Any, olivia: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    own = await client.post("/api/v1/tasks", json={"title": "Renew the practice insurance"})
    assert own.status_code == 201, own.text
    assert (own.json()["client_id"], own.json()["client_name"]) == (None, "")
    handed = await client.post(
        "/api/v1/tasks", json={"title": "Update the safety plan", "client_id": jordan["id"], "assignee_id": casey["id"]}
    )
    assert handed.status_code == 201, handed.text
    assert handed.json()["assignee"]["name"] == "Casey Morales"
    # Olivia's list holds her own task only: the one she gave Casey is on Casey's.
    assert [t["title"] for t in (await client.get("/api/v1/tasks")).json()["items"]] == ["Renew the practice insurance"]


async def test_nobody_is_handed_a_task_about_a_client_they_cannot_open(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/api/v1/clients/{jordan['id']}/tasks", json={"title": "Over to Morgan", "assignee_id": morgan["id"]}
    )
    assert response.status_code == 400
    assert response.json()["extra"] == {
        "assignee_id": "Morgan Lee does not work with this client and could not open the task."
    }
    missing_title = await client.post(f"/api/v1/clients/{jordan['id']}/tasks", json={"title": " "})
    assert missing_title.status_code == 400 and set(missing_title.json()["extra"]) == {"title"}
    assert await Task.count() == 0
