"""Time pages: a client's entries with totals per month, adding standalone time, editing and deleting it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases import time_entries
from portal.cases.controllers.common import ClientHeader, client_header
from portal.cases.vocabulary import ACTIVITIES
from portal.clock import local_today
from portal.errors import Invalid
from portal.forms import form_data
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, redirect, render


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TimeEntriesController(Controller):
    path = "/clients/{client_id:int}/time"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    async def _page(
        self,
        request: Request[Any, Any, Any],
        client_id: int,
        *,
        status_code: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "time")
        params = request.query_params
        paging = page_request(_int(params.get("page")), _int(params.get("per_page")), default_per_page=50)
        rows, total, totals = await time_entries.list_time_entries(
            principal, client_id, page=paging.page, per_page=paging.per_page
        )
        return render(
            request,
            "cases/time.html",
            status_code=status_code,
            header=header,
            rows=rows,
            totals=totals,
            form=form or self._blank_form(header, principal.user_id),
            errors=errors or {},
            activities=ACTIVITIES,
            activity_choices=list(ACTIVITIES.items()),
            case_manager_choices=await time_entries.case_manager_choices(principal, client_id),
            pagination=Pagination(paging.page, paging.per_page, total, f"/clients/{client_id}/time", {}),
        )

    @staticmethod
    def _blank_form(header: ClientHeader, user_id: int | None) -> dict[str, Any]:
        return {"service_date": local_today(header.time_zone).isoformat(), "billable": "on", "case_manager": user_id}

    @get("/")
    async def time_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        return await self._page(request, client_id)

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def add(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await time_entries.add_time_entry(current_principal(request), client_id, data)
        except Invalid as exc:
            errors = exc.field_errors or {"minutes": exc.message}
            return await self._page(request, client_id, status_code=400, form=data, errors=errors)
        return redirect(f"/clients/{client_id}/time", flash="Time added.")

    async def _edit_page(
        self,
        request: Request[Any, Any, Any],
        client_id: int,
        entry: dict[str, Any],
        *,
        form: dict[str, Any],
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "time")
        choices = await time_entries.case_manager_choices(principal, client_id)
        if entry["case_manager"] not in {user_id for user_id, _ in choices}:
            choices.append((entry["case_manager"], entry["case_manager_name"]))
        return render(
            request,
            "cases/time_form.html",
            status_code=status_code,
            header=header,
            entry=entry,
            form=form,
            errors=errors or {},
            activity_choices=list(ACTIVITIES.items()),
            case_manager_choices=choices,
        )

    @get("/{entry_id:int}/edit", guards=[guard(Action.CLIENTS_WRITE)])
    async def edit_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], entry_id: FromPath[int]
    ) -> Template:
        entry = await time_entries.get_time_entry(current_principal(request), client_id, entry_id)
        form = {
            "service_date": entry["service_date"].isoformat(),
            "minutes": entry["minutes"],
            "activity": entry["activity"],
            "description": entry["description"],
            "billable": "on" if entry["billable"] else "",
            "case_manager": entry["case_manager"],
        }
        return await self._edit_page(request, client_id, entry, form=form)

    @post("/{entry_id:int}/edit", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def edit(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], entry_id: FromPath[int]
    ) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        try:
            await time_entries.update_time_entry(principal, client_id, entry_id, data)
        except Invalid as exc:
            entry = await time_entries.get_time_entry(principal, client_id, entry_id)
            errors = exc.field_errors or {"minutes": exc.message}
            return await self._edit_page(request, client_id, entry, form=data, errors=errors, status_code=400)
        return redirect(f"/clients/{client_id}/time", flash="Time entry saved.")

    @post("/{entry_id:int}/delete", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def delete(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], entry_id: FromPath[int]
    ) -> Redirect:
        await time_entries.delete_time_entry(current_principal(request), client_id, entry_id)
        return redirect(f"/clients/{client_id}/time", flash="Time entry deleted.")
