"""Tasks: follow-ups with a due date, an assignee, a priority and, optionally, a client.

Who sees a task: anyone who may see its client; a task without a client, its assignee and its creator (and the
owner). An assignee must be able to see the task's client, so nobody is handed work they cannot open.
"Overdue" means due before today in the practice's time zone and not done.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from piccolo.query import OrderByRaw

from portal.accounts.tables import User
from portal.audit import services as audit
from portal.cases.clients import display_name
from portal.cases.tables import Client, ClientAssignment, Task
from portal.cases.vocabulary import TASK_PRIORITIES
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import Invalid, NotFound
from portal.policy import MAX_ROW_ID, Action, Principal, Role, client_scope, require, require_client
from portal.validation import Checker

TASK_VIEWS = {"open": "Open", "overdue": "Overdue", "done": "Done", "all": "All"}
ASSIGNABLE_ROLES = (Role.CASE_MANAGER.value, Role.OWNER.value)
PRIORITY_ORDER = OrderByRaw(
    "CASE tasks.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
)
# Tasks without a due date come after the dated ones (NULL ordering differs between the engines).
DUE_ORDER = OrderByRaw("CASE WHEN tasks.due_on IS NULL THEN 1 ELSE 0 END, tasks.due_on")


def visible_tasks(principal: Principal) -> Any:
    """A where-clause on Task for the tasks this person may see."""
    visible_clients = Client.select(Client.id).where(client_scope(principal))
    about_a_visible_client = Task.client.is_not_null() & Task.client.is_in(visible_clients)
    if principal.role == Role.OWNER:
        return Task.client.is_null() | about_a_visible_client
    own = (Task.assignee == principal.user_id) | (Task.created_by == principal.user_id)
    return (Task.client.is_null() & own) | about_a_visible_client


def task_columns() -> list[Any]:
    return [
        *Task.all_columns(),
        Task.assignee.name.as_alias("assignee_name"),
        Task.done_by.name.as_alias("done_by_name"),
        Task.client.legal_name.as_alias("client_legal_name"),
        Task.client.preferred_name.as_alias("client_preferred_name"),
    ]


def decorate(row: dict[str, Any], today: date) -> dict[str, Any]:
    row["priority_label"] = TASK_PRIORITIES.get(row["priority"], row["priority"])
    row["is_done"] = row["done_at"] is not None
    row["is_overdue"] = not row["is_done"] and row["due_on"] is not None and row["due_on"] < today
    row["is_due_today"] = not row["is_done"] and row["due_on"] == today
    if row.get("client"):
        row["client_name"] = display_name(
            {"legal_name": row["client_legal_name"], "preferred_name": row["client_preferred_name"]}
        )
    else:
        row["client_name"] = ""
    return row


# --------------------------------------------------------------------------- who can be assigned


async def assignable_people(client_id: int | None = None) -> list[dict[str, Any]]:
    """Active case managers and owners; with a client, only those who can see it (its case managers, owners)."""
    where = User.role.is_in(list(ASSIGNABLE_ROLES)) & (User.active == True)  # noqa: E712
    if client_id is not None:
        assigned = ClientAssignment.select(ClientAssignment.case_manager).where(
            (ClientAssignment.client == client_id) & ClientAssignment.ended_at.is_null()
        )
        where &= (User.role == Role.OWNER.value) | User.id.is_in(assigned)
    return await User.select(User.id, User.name, User.role).where(where).order_by(User.name)


async def _check_assignee(c: Checker, assignee_id: int | None, client_id: int | None) -> None:
    if assignee_id is None:
        return
    if not 0 < assignee_id <= MAX_ROW_ID:
        c.fail("assignee", "Choose a case manager of the practice.")
        return
    person = await User.select(User.role, User.active, User.name).where(User.id == assignee_id).first()
    if person is None or not person["active"] or person["role"] not in ASSIGNABLE_ROLES:
        c.fail("assignee", "Choose a case manager of the practice.")
        return
    if client_id is not None and person["role"] == Role.CASE_MANAGER.value:
        sees_client = await ClientAssignment.exists().where(
            (ClientAssignment.client == client_id)
            & (ClientAssignment.case_manager == assignee_id)
            & ClientAssignment.ended_at.is_null()
        )
        if not sees_client:
            c.fail("assignee", f"{person['name']} does not work with this client and could not open the task.")


# --------------------------------------------------------------------------- writing


async def create_task(principal: Principal, data: dict[str, Any], *, client_id: int | None = None) -> int:
    """A follow-up; `client_id` (or the form's `client`) ties it to a client the creator can see.
    The assignee defaults to the creator."""
    require(principal, Action.CLIENTS_WRITE)
    c = Checker(data)
    if client_id is None:
        client_id = c.integer("client", label="Client")
    if client_id is not None:
        # An invisible client answers exactly like a missing one.
        await require_client(principal, client_id, Action.CLIENTS_WRITE)
    title = c.text("title", required=True, max_length=200, label="Title")
    details = c.text("details", max_length=10_000, label="Details")
    due_on = c.date("due_on", label="Due date")
    priority = c.choice("priority", TASK_PRIORITIES, default="normal", label="Priority")
    assignee_id = c.integer("assignee", default=principal.user_id, label="Assignee")
    if assignee_id is None:
        c.fail("assignee", "Choose who will do it.")
    await _check_assignee(c, assignee_id, client_id)
    c.done()
    async with write_transaction():
        rows = await Task.insert(
            Task(
                client=client_id,
                assignee=assignee_id,
                title=title,
                details=details,
                due_on=due_on,
                priority=priority,
                created_by=principal.user_id,
                created_at=utcnow(),
            )
        ).returning(Task.id)
        task_id = int(rows[0]["id"])
        await audit.record(
            principal,
            "task.create",
            resource_type="task",
            resource_id=task_id,
            client_id=client_id,
            detail={"assignee": assignee_id, "priority": priority},
        )
    return task_id


async def _visible_task(principal: Principal, task_id: int) -> dict[str, Any]:
    require(principal, Action.CLIENTS_READ)
    if not 0 < task_id <= MAX_ROW_ID:
        raise NotFound("No such task.")
    row = await Task.select(*task_columns()).where((Task.id == task_id) & visible_tasks(principal)).first()
    if row is None:
        raise NotFound("No such task.")
    return row


async def get_task(principal: Principal, task_id: int, *, audit_read: bool = True) -> dict[str, Any]:
    """A task this person may see (NotFound otherwise). `audit_read=False` right after writing it."""
    row = await _visible_task(principal, task_id)
    if audit_read:
        await audit.record(principal, "task.view", resource_type="task", resource_id=task_id, client_id=row["client"])
    return decorate(row, local_today((await get_practice()).time_zone))


async def set_task_done(principal: Principal, task_id: int, done: bool) -> dict[str, Any]:
    """Mark a task done (who and when are kept) or open again. Returns the task as it was before."""
    require(principal, Action.CLIENTS_WRITE)
    row = await _visible_task(principal, task_id)
    if (row["done_at"] is not None) == done:
        return row
    changes: dict[Any, Any] = (
        {Task.done_at: utcnow(), Task.done_by: principal.user_id} if done else {Task.done_at: None, Task.done_by: None}
    )
    async with write_transaction():
        await Task.update(changes).where(Task.id == task_id)
        await audit.record(
            principal,
            "task.done" if done else "task.reopen",
            resource_type="task",
            resource_id=task_id,
            client_id=row["client"],
        )
    return row


# --------------------------------------------------------------------------- reading


def _view_filter(view: str, today: date) -> Any:
    if view == "open":
        return Task.done_at.is_null()
    if view == "overdue":
        return Task.done_at.is_null() & Task.due_on.is_not_null() & (Task.due_on < today)
    if view == "done":
        return Task.done_at.is_not_null()
    if view == "all":
        return Task.id.is_not_null()
    raise Invalid(view="Choose open, overdue, done or all.")


async def list_tasks(
    principal: Principal,
    *,
    client_id: int | None = None,
    view: str = "open",
    page: int = 1,
    per_page: int = 25,
) -> tuple[list[dict[str, Any]], int]:
    """A client's tasks (every assignee), or without `client_id` the tasks assigned to the signed-in person."""
    require(principal, Action.CLIENTS_READ)
    if client_id is not None:
        await require_client(principal, client_id)
        where = Task.client == client_id
    else:
        where = (Task.assignee == principal.user_id) & visible_tasks(principal)
    today = local_today((await get_practice()).time_zone)
    where &= _view_filter(view, today)
    total = await Task.count().where(where)
    query = Task.select(*task_columns()).where(where)
    if view == "done":
        query = query.order_by(Task.done_at, ascending=False)
    else:
        query = query.order_by(DUE_ORDER).order_by(PRIORITY_ORDER)
    rows = await query.order_by(Task.id).limit(per_page).offset((page - 1) * per_page)
    rows = [decorate(row, today) for row in rows]
    await audit.record(
        principal,
        "task.list",
        resource_type="task",
        client_id=client_id,
        detail={"view": view, "task_ids": [r["id"] for r in rows]},
    )
    return rows, total


async def open_tasks_of_client(client_id: int, *, limit: int = 5) -> dict[str, Any]:
    """The client's next open tasks and how many are open, for the overview (whose header checked the policy
    and audited the view). Two queries, whatever the number of tasks."""
    where = (Task.client == client_id) & Task.done_at.is_null()
    rows = await (
        Task.select(*task_columns())
        .where(where)
        .order_by(DUE_ORDER)
        .order_by(PRIORITY_ORDER)
        .order_by(Task.id)
        .limit(limit)
    )
    total = await Task.count().where(where)
    today = local_today((await get_practice()).time_zone)
    return {"rows": [decorate(row, today) for row in rows], "total": total}


async def task_form_clients(principal: Principal) -> list[tuple[int, str]]:
    """(id, name) of the clients one may give a task about, for the form's menu (audited: it lists names)."""
    require(principal, Action.CLIENTS_READ)
    rows = (
        await Client.select(Client.id, Client.legal_name, Client.preferred_name)
        .where(client_scope(principal) & (Client.status != "discharged"))
        .order_by(Client.legal_name)
        .limit(500)
    )
    await audit.record(
        principal,
        "client.list",
        resource_type="client",
        detail={"client_ids": [r["id"] for r in rows], "purpose": "task form"},
    )
    return [(r["id"], display_name(r)) for r in rows]
