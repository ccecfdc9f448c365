"""The coordination JSON API: a client's time entries, tasks and placements, and one's own tasks (the notes are
in api_notes.py; the helpers here serve both).

Lists paginate with `page` and `per_page` and filter only on an allowlist; every id one may not see answers 404,
as a missing one does. The services check the policy, validate, audit and own the transactions: the handlers
here translate JSON to the services' input and their rows to JSON, nothing more.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from portal.cases import placements, tasks, time_entries
from portal.cases.controllers.api import PageNumber, PerPage
from portal.cases.schemas import Page, provided
from portal.cases.schemas_coordination import (
    ChecklistItemOut,
    ChecklistItemSet,
    OwnTaskCreate,
    PersonRef,
    PlacementCreate,
    PlacementDischarge,
    PlacementOut,
    PlacementPatch,
    TaskCreate,
    TaskOut,
    TimeEntryCreate,
    TimeEntryOut,
    TimeEntryPatch,
)
from portal.cases.vocabulary import TRANSITION_CHECKLIST
from portal.errors import Invalid
from portal.policy import Action, Principal, guard
from portal.web import current_principal, reject_unknown_query

AnyRequest = Request[Any, Any, Any]
Since = Annotated[date | None, QueryParameter(description="From this day on (in the practice's time zone)")]
Until = Annotated[date | None, QueryParameter(description="Up to and including this day")]
TaskView = Annotated[
    str, QueryParameter(description="One of: " + ", ".join(tasks.TASK_VIEWS) + " (overdue: due before today)")
]


@contextmanager
def fields_named(names: Mapping[str, str]) -> Iterator[None]:
    """A service's field errors under the names this API uses for those fields (`assignee` → `assignee_id`)."""
    try:
        yield
    except Invalid as exc:
        if not exc.field_errors:
            raise
        raise Invalid(**{names.get(name, name): text for name, text in exc.field_errors.items()}) from None


def paged(items: list[Any], page: int, per_page: int) -> Page[Any]:
    """A page of a list the service returns whole (a client's placements: a handful)."""
    start = (page - 1) * per_page
    return Page(items=items[start : start + per_page], page=page, per_page=per_page, total=len(items))


# --------------------------------------------------------------------------- time entries


def _time_entry_out(row: dict[str, Any]) -> TimeEntryOut:
    return TimeEntryOut(
        id=row["id"],
        service_date=row["service_date"],
        minutes=row["minutes"],
        activity=row["activity"],
        description=row["description"],
        billable=row["billable"],
        case_manager=PersonRef(id=row["case_manager"], name=row["case_manager_name"]),
        note_id=row["note"],
        changeable=row.get("changeable", True),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


TIME_FIELD_NAMES = {"case_manager": "case_manager_id"}


def _time_input(values: dict[str, Any]) -> dict[str, Any]:
    if "case_manager_id" in values:
        values["case_manager"] = values.pop("case_manager_id")
    return values


class TimeEntriesApiController(Controller):
    path = "/api/v1/clients/{client_id:int}/time-entries"
    tags = ["time entries"]
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def list_time_entries(
        self,
        request: AnyRequest,
        client_id: FromPath[int],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        since: Since = None,
        until: Until = None,
        activity: FromQuery[str | None] = None,
        billable: FromQuery[bool | None] = None,
    ) -> Page[TimeEntryOut]:
        """The client's time entries, newest date of service first; those of a note change only with the note.
        Filters: `since`, `until` (dates of service), `activity`, `billable`."""
        reject_unknown_query(request, {"since", "until", "activity", "billable"})
        filters = time_entries.TimeFilters(since=since, until=until, activity=activity or "", billable=billable)
        rows, total, _ = await time_entries.list_time_entries(
            current_principal(request), client_id, filters, page=page, per_page=per_page
        )
        return Page(items=[_time_entry_out(r) for r in rows], page=page, per_page=per_page, total=total)

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def add_time_entry(
        self, request: AnyRequest, client_id: FromPath[int], data: JSONBody[TimeEntryCreate]
    ) -> TimeEntryOut:
        """Enter standalone time (travel, research, report writing …) for oneself; the owner may enter it for one
        of the client's case managers (`case_manager_id`)."""
        principal = current_principal(request)
        values = _time_input(provided(data))
        if values.get("case_manager") is None:
            values.pop("case_manager", None)
        with fields_named(TIME_FIELD_NAMES):
            entry_id = await time_entries.add_time_entry(principal, client_id, values)
        return _time_entry_out(await time_entries.get_time_entry(principal, client_id, entry_id, audit_read=False))

    @patch("/{entry_id:int}", guards=[guard(Action.CLIENTS_WRITE)])
    async def update_time_entry(
        self, request: AnyRequest, client_id: FromPath[int], entry_id: FromPath[int], data: JSONBody[TimeEntryPatch]
    ) -> TimeEntryOut:
        """Change some fields of a standalone entry (one's own; the owner's any). Time from a note answers 409."""
        principal = current_principal(request)
        entry = await time_entries.get_time_entry(principal, client_id, entry_id, audit_read=False)
        current = {
            name: entry[name]
            for name in ("service_date", "minutes", "activity", "description", "billable", "case_manager")
        }
        with fields_named(TIME_FIELD_NAMES):
            await time_entries.update_time_entry(
                principal, client_id, entry_id, {**current, **_time_input(provided(data))}
            )
        return _time_entry_out(await time_entries.get_time_entry(principal, client_id, entry_id, audit_read=False))

    @delete("/{entry_id:int}", guards=[guard(Action.CLIENTS_WRITE)])
    async def delete_time_entry(self, request: AnyRequest, client_id: FromPath[int], entry_id: FromPath[int]) -> None:
        """Delete a standalone entry (one's own; the owner's any). Time from a note answers 409."""
        await time_entries.delete_time_entry(current_principal(request), client_id, entry_id)


# --------------------------------------------------------------------------- tasks


def _task_out(row: dict[str, Any]) -> TaskOut:
    return TaskOut(
        id=row["id"],
        title=row["title"],
        details=row["details"],
        due_on=row["due_on"],
        priority=row["priority"],
        client_id=row["client"],
        client_name=row["client_name"],
        assignee=PersonRef(id=row["assignee"], name=row["assignee_name"]),
        done=row["is_done"],
        done_at=row["done_at"],
        done_by_name=row["done_by_name"],
        overdue=row["is_overdue"],
        created_at=row["created_at"],
    )


TASK_FIELD_NAMES = {"assignee": "assignee_id", "client": "client_id"}


def _task_input(values: dict[str, Any]) -> dict[str, Any]:
    """The JSON fields as the task service takes them; an absent assignee means the person signed in."""
    for name in ("assignee", "client"):
        value = values.pop(f"{name}_id", None)
        if value is not None:
            values[name] = value
    return values


async def _tasks_page(
    principal: Principal, client_id: int | None, view: str, page: int, per_page: int
) -> Page[TaskOut]:
    rows, total = await tasks.list_tasks(principal, client_id=client_id, view=view, page=page, per_page=per_page)
    return Page(items=[_task_out(r) for r in rows], page=page, per_page=per_page, total=total)


class ClientTasksApiController(Controller):
    path = "/api/v1/clients/{client_id:int}/tasks"
    tags = ["tasks"]
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def list_client_tasks(
        self,
        request: AnyRequest,
        client_id: FromPath[int],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        view: TaskView = "open",
    ) -> Page[TaskOut]:
        """The client's tasks, whoever they are assigned to: by due date, then priority. Filter: `view`."""
        reject_unknown_query(request, {"view"})
        return await _tasks_page(current_principal(request), client_id, view, page, per_page)

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def create_client_task(
        self, request: AnyRequest, client_id: FromPath[int], data: JSONBody[TaskCreate]
    ) -> TaskOut:
        """Give a follow-up about the client to oneself or to someone who works with the client (`assignee_id`)."""
        principal = current_principal(request)
        with fields_named(TASK_FIELD_NAMES):
            task_id = await tasks.create_task(principal, _task_input(provided(data)), client_id=client_id)
        return _task_out(await tasks.get_task(principal, task_id, audit_read=False))


class TasksApiController(Controller):
    path = "/api/v1/tasks"
    tags = ["tasks"]
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def list_my_tasks(
        self, request: AnyRequest, page: PageNumber = 1, per_page: PerPage = 25, view: TaskView = "open"
    ) -> Page[TaskOut]:
        """The tasks assigned to the person signed in: by due date, then priority. Filter: `view`."""
        reject_unknown_query(request, {"view"})
        return await _tasks_page(current_principal(request), None, view, page, per_page)

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def create_task(self, request: AnyRequest, data: JSONBody[OwnTaskCreate]) -> TaskOut:
        """A follow-up about one of one's clients (`client_id`) or about nothing in particular."""
        principal = current_principal(request)
        with fields_named(TASK_FIELD_NAMES):
            task_id = await tasks.create_task(principal, _task_input(provided(data)))
        return _task_out(await tasks.get_task(principal, task_id, audit_read=False))

    @get("/{task_id:int}")
    async def get_task(self, request: AnyRequest, task_id: FromPath[int]) -> TaskOut:
        """One task one may see."""
        return _task_out(await tasks.get_task(current_principal(request), task_id))

    @post("/{task_id:int}/done", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def mark_task_done(self, request: AnyRequest, task_id: FromPath[int]) -> TaskOut:
        """Mark a task done (who and when are kept); done already is fine."""
        principal = current_principal(request)
        await tasks.set_task_done(principal, task_id, True)
        return _task_out(await tasks.get_task(principal, task_id, audit_read=False))

    @post("/{task_id:int}/reopen", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def reopen_task(self, request: AnyRequest, task_id: FromPath[int]) -> TaskOut:
        """Open a done task again."""
        principal = current_principal(request)
        await tasks.set_task_done(principal, task_id, False)
        return _task_out(await tasks.get_task(principal, task_id, audit_read=False))


# --------------------------------------------------------------------------- placements


def _checklist_item_out(row: dict[str, Any]) -> ChecklistItemOut:
    return ChecklistItemOut(
        id=row["id"],
        item=row["item"],
        label=row["label"],
        done=row["done_at"] is not None,
        done_at=row["done_at"],
        done_by_name=row["done_by_name"],
        note=row["note"],
    )


def _placement_out(row: dict[str, Any]) -> PlacementOut:
    return PlacementOut(
        id=row["id"],
        program_name=row["program_name"],
        level_of_care=row["level_of_care"],
        level_label=row["level_label"],
        referred_on=row["referred_on"],
        admitted_on=row["admitted_on"],
        expected_discharge_on=row["expected_discharge_on"],
        discharged_on=row["discharged_on"],
        discharge_type=row["discharge_type"],
        step_down_level=row["step_down_level"],
        aftercare_plan=row["aftercare_plan"],
        outcome=row["outcome"],
        outcome_note=row["outcome_note"],
        status=row["status"],
        days_to_discharge=row["days_to_discharge"],
        checklist=[_checklist_item_out(item) for item in row["checklist"]],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class PlacementsApiController(Controller):
    path = "/api/v1/clients/{client_id:int}/placements"
    tags = ["placements"]
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def list_placements(
        self,
        request: AnyRequest,
        client_id: FromPath[int],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        status: Annotated[
            str | None, QueryParameter(description="One of: " + ", ".join(placements.STATUS_LABELS))
        ] = None,
    ) -> Page[PlacementOut]:
        """The client's episodes of care, newest first, each with its transition checklist. Filter: `status`."""
        reject_unknown_query(request, {"status"})
        if status is not None and status not in placements.STATUS_LABELS:
            raise Invalid(status="Choose one of " + ", ".join(placements.STATUS_LABELS) + ".")
        rows = await placements.list_placements(current_principal(request), client_id)
        items = [_placement_out(r) for r in rows if status is None or r["status"] == status]
        return paged(items, page, per_page)

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def create_placement(
        self, request: AnyRequest, client_id: FromPath[int], data: JSONBody[PlacementCreate]
    ) -> PlacementOut:
        """Record an episode (a past one may be recorded already discharged, with its outcome)."""
        principal = current_principal(request)
        placement_id = await placements.create_placement(principal, client_id, provided(data))
        return _placement_out(await placements.get_placement(principal, client_id, placement_id, audit_read=False))

    @get("/{placement_id:int}")
    async def get_placement(
        self, request: AnyRequest, client_id: FromPath[int], placement_id: FromPath[int]
    ) -> PlacementOut:
        """One placement with its transition checklist."""
        return _placement_out(await placements.get_placement(current_principal(request), client_id, placement_id))

    @patch("/{placement_id:int}", guards=[guard(Action.CLIENTS_WRITE)])
    async def update_placement(
        self,
        request: AnyRequest,
        client_id: FromPath[int],
        placement_id: FromPath[int],
        data: JSONBody[PlacementPatch],
    ) -> PlacementOut:
        """Change some fields of a placement (null clears a date)."""
        principal = current_principal(request)
        await placements.update_placement(principal, client_id, placement_id, provided(data))
        return _placement_out(await placements.get_placement(principal, client_id, placement_id, audit_read=False))

    @post("/{placement_id:int}/discharge", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def discharge_placement(
        self,
        request: AnyRequest,
        client_id: FromPath[int],
        placement_id: FromPath[int],
        data: JSONBody[PlacementDischarge],
    ) -> PlacementOut:
        """Close an open placement: discharge date and type and the outcome; the step-down level and aftercare
        plan may be completed at the same time."""
        principal = current_principal(request)
        await placements.discharge_placement(principal, client_id, placement_id, provided(data))
        return _placement_out(await placements.get_placement(principal, client_id, placement_id, audit_read=False))

    @put("/{placement_id:int}/checklist/{item:str}", guards=[guard(Action.CLIENTS_WRITE)])
    async def set_checklist_item(
        self,
        request: AnyRequest,
        client_id: FromPath[int],
        placement_id: FromPath[int],
        item: Annotated[str, PathParameter(description="One of: " + ", ".join(TRANSITION_CHECKLIST))],
        data: JSONBody[ChecklistItemSet],
    ) -> ChecklistItemOut:
        """Tick or untick one transition item (who and when are kept while it is ticked); `note`, when sent,
        replaces the item's note."""
        principal = current_principal(request)
        note = None if isinstance(data.note, msgspec.UnsetType) else data.note
        await placements.set_checklist_item(principal, client_id, placement_id, item, done=data.done, note=note)
        row = await placements.get_placement(principal, client_id, placement_id, audit_read=False)
        return _checklist_item_out(next(entry for entry in row["checklist"] if entry["item"] == item))
