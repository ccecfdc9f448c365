"""Task pages: a client's tasks (/clients/{id}/tasks), one's own tasks (/tasks), creating them, marking them done."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases import tasks
from portal.cases.controllers.common import client_header
from portal.cases.vocabulary import TASK_PRIORITIES
from portal.errors import Invalid, NotFound
from portal.forms import form_data
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, redirect, render, safe_next


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _view(request: Request[Any, Any, Any]) -> str:
    view = request.query_params.get("view") or "open"
    return view if view in tasks.TASK_VIEWS else "open"


def _people_choices(people: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(p["id"], p["name"]) for p in people]


COMMON: dict[str, Any] = {
    "priority_choices": list(TASK_PRIORITIES.items()),
    "views": tasks.TASK_VIEWS,
}


class ClientTasksController(Controller):
    path = "/clients/{client_id:int}/tasks"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    async def _page(
        self, request: Request[Any, Any, Any], client_id: int, *, status_code: int = 200, **context: Any
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "tasks")
        view = _view(request)
        paging = page_request(_int(request.query_params.get("page")), _int(request.query_params.get("per_page")))
        rows, total = await tasks.list_tasks(
            principal, client_id=client_id, view=view, page=paging.page, per_page=paging.per_page
        )
        context.setdefault("form", {"assignee": principal.user_id, "priority": "normal"})
        return render(
            request,
            "cases/client_tasks.html",
            status_code=status_code,
            header=header,
            rows=rows,
            view=view,
            base_path=f"/clients/{client_id}/tasks",
            pagination=Pagination(paging.page, paging.per_page, total, f"/clients/{client_id}/tasks", {"view": view}),
            assignee_choices=_people_choices(await tasks.assignable_people(client_id)),
            **COMMON,
            **context,
        )

    @get("/")
    async def client_tasks_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        return await self._page(request, client_id)

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def create(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        data.pop("client", None)
        try:
            await tasks.create_task(current_principal(request), data, client_id=client_id)
        except Invalid as exc:
            return await self._page(
                request, client_id, status_code=400, form=data, errors=exc.field_errors, open_form=True
            )
        return redirect(f"/clients/{client_id}/tasks", flash="Task added.")


class TasksController(Controller):
    path = "/tasks"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def my_tasks_page(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        view = _view(request)
        paging = page_request(_int(request.query_params.get("page")), _int(request.query_params.get("per_page")))
        rows, total = await tasks.list_tasks(principal, view=view, page=paging.page, per_page=paging.per_page)
        return render(
            request,
            "cases/tasks.html",
            rows=rows,
            view=view,
            base_path="/tasks",
            pagination=Pagination(paging.page, paging.per_page, total, "/tasks", {"view": view}),
            **COMMON,
        )

    async def _form(
        self,
        request: Request[Any, Any, Any],
        *,
        status_code: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        principal = current_principal(request)
        return render(
            request,
            "cases/task_form.html",
            status_code=status_code,
            form=form
            or {
                "assignee": principal.user_id,
                "priority": "normal",
                "client": request.query_params.get("client", ""),
            },
            errors=errors or {},
            client_choices=await tasks.task_form_clients(principal),
            assignee_choices=_people_choices(await tasks.assignable_people()),
            **COMMON,
        )

    @get("/new", guards=[guard(Action.CLIENTS_WRITE)])
    async def new_task_page(self, request: Request[Any, Any, Any]) -> Template:
        return await self._form(request)

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await tasks.create_task(current_principal(request), data)
        except Invalid as exc:
            return await self._form(request, status_code=400, form=data, errors=exc.field_errors)
        except NotFound:
            return await self._form(
                request, status_code=400, form=data, errors={"client": "Choose one of your clients."}
            )
        return redirect("/tasks", flash="Task added.")

    @post("/{task_id:int}/done", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def mark_done(self, request: Request[Any, Any, Any], task_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        await tasks.set_task_done(current_principal(request), task_id, True)
        return redirect(safe_next(str(data.get("next") or "/tasks")), flash="Task done.")

    @post("/{task_id:int}/reopen", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def reopen(self, request: Request[Any, Any, Any], task_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        await tasks.set_task_done(current_principal(request), task_id, False)
        return redirect(safe_next(str(data.get("next") or "/tasks")), flash="Task reopened.")
