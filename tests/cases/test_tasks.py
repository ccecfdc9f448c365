"""Tasks: creating follow-ups (assignee defaults to oneself and must be able to see the client), marking them
done and undone, the overdue view, pagination, and bad input as form errors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from portal.cases import tasks
from portal.cases.tables import Task
from portal.errors import Invalid, NotFound
from tests.cases.coordination_support import NOW, TODAY, XSS, XSS_IMG, acting, add_task, audit_events


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def test_casey_adds_a_task_for_jordan_assigned_to_herself_by_default(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/tasks",
        data={"title": "Confirm the IOP intake", "due_on": "2026-03-12", "priority": "high", "details": "Call Lee"},
    )
    assert response.status_code == 303
    row = await Task.select().where(Task.client == jordan["id"]).first()
    assert (row["title"], row["priority"], row["assignee"], row["created_by"]) == (
        "Confirm the IOP intake",
        "high",
        casey["id"],
        casey["id"],
    )
    assert row["due_on"] == date(2026, 3, 12) and row["done_at"] is None
    page = await client.get(f"/clients/{jordan['id']}/tasks")
    assert "Confirm the IOP intake" in page.text and "Casey Morales" in page.text
    mine = await client.get("/tasks")
    assert "Confirm the IOP intake" in mine.text
    created = await audit_events(casey, "task.create")
    assert created[0]["client_id"] == jordan["id"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"due_on": "tomorrow"}, "due_on", "use a date like"),
        ({"priority": "x"}, "priority", "Choose one of the listed options"),
        ({"title": "t" * 300}, "title", "at most 200 characters"),
        ({"title": ""}, "title", "Title is required"),
        ({"assignee": "abc"}, "assignee", "whole number"),
        ({"assignee": "999999"}, "assignee", "Choose a case manager"),
        ({"details": "d" * 10_001}, "details", "at most 10000"),
    ],
)
async def test_bad_task_input_is_a_form_error(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], changes: dict[str, str], field: str, message: str
) -> None:
    form = {"title": "Call the program", "due_on": "2026-03-12", "priority": "normal", **changes}
    with pytest.raises(Invalid) as caught:
        await tasks.create_task(acting(casey), form, client_id=jordan["id"])
    assert message in caught.value.field_errors[field]
    await client.login_as(casey)
    for path in [f"/clients/{jordan['id']}/tasks", "/tasks"]:
        response = await client.post(path, data=form)
        assert response.status_code == 400, path
        assert message in response.text and 'aria-invalid="true"' in response.text
    assert await Task.count() == 0


async def test_the_assignee_must_be_able_to_see_the_client(
    client: Any,
    casey: dict[str, Any],
    morgan: dict[str, Any],
    olivia: dict[str, Any],
    bea: dict[str, Any],
    jordan: dict[str, Any],
) -> None:
    with pytest.raises(Invalid) as caught:
        await tasks.create_task(
            acting(casey), {"title": "Cover for me", "assignee": str(morgan["id"])}, client_id=jordan["id"]
        )
    assert "does not work with this client" in caught.value.field_errors["assignee"]
    with pytest.raises(Invalid):
        await tasks.create_task(acting(casey), {"title": "Bill it", "assignee": str(bea["id"])}, client_id=jordan["id"])
    # The owner sees every client; Morgan may get a task about no client at all.
    assert await tasks.create_task(
        acting(casey), {"title": "Review", "assignee": str(olivia["id"])}, client_id=jordan["id"]
    )
    assert await tasks.create_task(acting(casey), {"title": "Lunch?", "assignee": str(morgan["id"])})
    await client.login_as(casey)
    page = await client.get(f"/clients/{jordan['id']}/tasks")
    assert f'value="{morgan["id"]}"' not in page.text and f'value="{olivia["id"]}"' in page.text


async def test_a_client_one_cannot_see_cannot_be_given_a_task(
    client: Any, casey: dict[str, Any], taylor: dict[str, Any]
) -> None:
    with pytest.raises(NotFound):
        await tasks.create_task(acting(casey), {"title": "Peek", "client": str(taylor["id"])})
    await client.login_as(casey)
    response = await client.post("/tasks", data={"title": "Peek", "client": str(taylor["id"])})
    assert response.status_code == 400 and "Choose one of your clients" in response.text
    assert "Taylor" not in response.text
    form = await client.get("/tasks/new")
    assert "Taylor" not in form.text and "Jordan" in form.text
    assert await Task.count() == 0


async def test_done_and_undone_keep_who_and_when(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    task_id = await add_task(casey, client=jordan, title="Send the aftercare plan", due_on=TODAY)
    await client.login_as(casey)
    done = await client.post(f"/tasks/{task_id}/done", data={"next": "/my-day"})
    assert done.status_code == 303 and done.headers["location"] == "/my-day"
    row = await Task.select().where(Task.id == task_id).first()
    assert row["done_at"] == NOW and row["done_by"] == casey["id"]
    done_view = await client.get("/tasks?view=done")
    assert "Send the aftercare plan" in done_view.text and "Done by Casey Morales" in done_view.text
    assert "Send the aftercare plan" not in (await client.get("/tasks")).text
    reopened = await client.post(f"/tasks/{task_id}/reopen", data={"next": "https://evil.example/"})
    assert reopened.status_code == 303 and reopened.headers["location"] == "/"
    row = await Task.select().where(Task.id == task_id).first()
    assert row["done_at"] is None and row["done_by"] is None
    actions = [(e["action"], e["client_id"]) for e in await audit_events(casey, "task.")]
    assert ("task.done", jordan["id"]) in actions and ("task.reopen", jordan["id"]) in actions


async def test_the_overdue_view_uses_the_practice_day(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await add_task(casey, client=jordan, title="Due yesterday", due_on=TODAY - timedelta(days=1))
    await add_task(casey, client=jordan, title="Due today", due_on=TODAY)
    await add_task(casey, title="Done already", due_on=TODAY - timedelta(days=3), done_at=NOW, done_by=casey["id"])
    await add_task(casey, title="Whenever")
    rows, total = await tasks.list_tasks(acting(casey), view="overdue")
    assert [r["title"] for r in rows] == ["Due yesterday"] and total == 1
    assert rows[0]["is_overdue"]
    await client.login_as(casey)
    overdue = await client.get("/tasks?view=overdue")
    assert "Due yesterday" in overdue.text and "Due today" not in overdue.text and "Overdue" in overdue.text
    open_view = await client.get("/tasks")
    # Dated tasks first, by date; undated last.
    text = open_view.text
    assert text.index("Due yesterday") < text.index("Due today") < text.index("Whenever")
    assert "Done already" not in text


async def test_lists_paginate(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    for number in range(30):
        await add_task(casey, client=jordan, title=f"Task number {number:02d}", due_on=TODAY + timedelta(days=number))
    rows, total = await tasks.list_tasks(acting(casey), page=2, per_page=25)
    assert total == 30 and [r["title"] for r in rows] == [f"Task number {n:02d}" for n in range(25, 30)]
    await client.login_as(casey)
    first = await client.get(f"/clients/{jordan['id']}/tasks")
    assert "Task number 24" in first.text and "Task number 25" not in first.text
    assert "Page 1 of 2" in first.text
    second = await client.get(f"/clients/{jordan['id']}/tasks?page=2&per_page=25&view=open")
    assert "Task number 25" in second.text and "Task number 24" not in second.text


async def test_another_case_managers_private_task_is_not_found(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    private = await add_task(morgan, title="Morgan's own")
    about_taylor = await add_task(morgan, client=taylor, title="About Taylor")
    await client.login_as(casey)
    for task_id in (private, about_taylor):
        assert (await client.post(f"/tasks/{task_id}/done", data={})).status_code == 404
        assert (await client.post(f"/tasks/{task_id}/reopen", data={})).status_code == 404
    assert await Task.count().where(Task.done_at.is_not_null()) == 0


@pytest.mark.parametrize("payload", [XSS, XSS_IMG])
async def test_task_titles_and_details_are_escaped_everywhere(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], payload: str
) -> None:
    await add_task(casey, client=jordan, title=f"Title {payload}", details=f"Details {payload}", due_on=TODAY)
    await client.login_as(casey)
    for path in ["/tasks", f"/clients/{jordan['id']}/tasks", f"/clients/{jordan['id']}", "/my-day"]:
        html = (await client.get(path)).text
        assert "Title " in html, path
        assert "<script>alert" not in html and "<img src=x" not in html, path
