"""Client pages: the list, creating and editing a client, the overview, assessment, diagnoses, relatives,
case managers and handoffs."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.accounts import services as accounts
from portal.billing.hours import client_hours
from portal.cases import care_team, clients, note_search, placements, tasks
from portal.cases.controllers.common import client_header
from portal.cases.vocabulary import (
    CLIENT_STATUSES,
    LEGAL_AUTHORITIES,
    RELATIONSHIPS,
    RISK_LEVELS,
    SEXES,
    level_choices,
)
from portal.errors import Invalid
from portal.forms import form_data
from portal.policy import Action, Role, guard
from portal.validation import Checker
from portal.web import Pagination, current_principal, page_request, redirect, render


async def case_manager_choices() -> list[tuple[int, str]]:
    users = await accounts.list_users(include_family=False)
    return [(u["id"], u["name"]) for u in users if u["role"] == Role.CASE_MANAGER.value and u["active"]]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


CLIENT_FORM_CHOICES: dict[str, Any] = {
    "sex_choices": list(SEXES.items()),
    "status_choices": list(CLIENT_STATUSES.items()),
    "level_choices": level_choices(),
}


class ClientsController(Controller):
    path = "/clients"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def client_list(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        params = request.query_params
        status = params.get("status") or None
        q = (params.get("q") or "").strip() or None
        paging = page_request(_int(params.get("page")), _int(params.get("per_page")))
        errors: dict[str, str] = {}
        try:
            rows, total = await clients.list_clients(
                principal, status=status, q=q, page=paging.page, per_page=paging.per_page
            )
        except Invalid as exc:
            errors = exc.field_errors
            rows, total = [], 0
        filters = {"status": status or "", "q": q or ""}
        return render(
            request,
            "cases/client_list.html",
            rows=rows,
            form=filters,
            errors=errors,
            status_choices=list(CLIENT_STATUSES.items()),
            statuses=CLIENT_STATUSES,
            pagination=Pagination(paging.page, paging.per_page, total, "/clients", filters),
        )

    @get("/new", guards=[guard(Action.CLIENTS_CREATE)])
    async def new_client_page(self, request: Request[Any, Any, Any]) -> Template:
        return render(
            request,
            "cases/client_form.html",
            client=None,
            form={"status": "intake"},
            case_managers=await case_manager_choices(),
            **CLIENT_FORM_CHOICES,
        )

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_CREATE)])
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        try:
            client_id = await clients.create_client(
                current_principal(request),
                data,
                primary_case_manager_id=_int(data.get("primary_case_manager")),
            )
        except Invalid as exc:
            return render(
                request,
                "cases/client_form.html",
                status_code=400,
                client=None,
                form=data,
                errors=exc.field_errors,
                case_managers=await case_manager_choices(),
                **CLIENT_FORM_CHOICES,
            )
        return redirect(f"/clients/{client_id}", flash="Client created.")

    @get("/{client_id:int}")
    async def overview(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "overview")
        context = await overview_sections(client_id)
        return render(
            request,
            "cases/client_overview.html",
            header=header,
            **context,
            relationship_choices=list(RELATIONSHIPS.items()),
            authority_choices=list(LEGAL_AUTHORITIES.items()),
        )

    @get("/{client_id:int}/edit")
    async def edit_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        header = await client_header(current_principal(request), client_id, "overview")
        return render(
            request,
            "cases/client_form.html",
            header=header,
            client=header.client,
            form=header.client,
            **CLIENT_FORM_CHOICES,
        )

    @post("/{client_id:int}/edit", status_code=HTTP_200_OK)
    async def edit(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        data.setdefault("has_part2_records", "")
        try:
            await clients.update_client(principal, client_id, data)
        except Invalid as exc:
            header = await client_header(principal, client_id, "overview")
            return render(
                request,
                "cases/client_form.html",
                status_code=400,
                header=header,
                client=header.client,
                form=data,
                errors=exc.field_errors,
                **CLIENT_FORM_CHOICES,
            )
        return redirect(f"/clients/{client_id}", flash="Client updated.")

    @get("/{client_id:int}/assessment")
    async def assessment_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        header = await client_header(current_principal(request), client_id, "overview")
        assessment = await clients.get_assessment(client_id)
        return render(
            request,
            "cases/assessment_form.html",
            header=header,
            form=assessment,
            risk_choices=list(RISK_LEVELS.items()),
        )

    @post("/{client_id:int}/assessment", status_code=HTTP_200_OK)
    async def save_assessment(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        try:
            await clients.save_assessment(principal, client_id, data)
        except Invalid as exc:
            header = await client_header(principal, client_id, "overview")
            return render(
                request,
                "cases/assessment_form.html",
                status_code=400,
                header=header,
                form=data,
                errors=exc.field_errors,
                risk_choices=list(RISK_LEVELS.items()),
            )
        return redirect(f"/clients/{client_id}", flash="Assessment saved.")

    @post("/{client_id:int}/diagnoses", status_code=HTTP_200_OK)
    async def add_diagnosis(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        c = Checker(data)
        diagnosed_on = c.date("diagnosed_on", required=True, label="Date of diagnosis")
        try:
            c.done()
            await clients.add_diagnosis(
                principal,
                client_id,
                str(data.get("code", "")),
                is_primary=c.boolean("is_primary"),
                diagnosed_on=diagnosed_on,
            )
        except Invalid as exc:
            return redirect(f"/clients/{client_id}#diagnoses", flash=exc.message, kind="error")
        return redirect(f"/clients/{client_id}#diagnoses", flash="Diagnosis added.")

    @post("/{client_id:int}/diagnoses/{diagnosis_id:int}/remove", status_code=HTTP_200_OK)
    async def remove_diagnosis(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], diagnosis_id: FromPath[int]
    ) -> Redirect:
        await clients.remove_diagnosis(current_principal(request), client_id, diagnosis_id)
        return redirect(f"/clients/{client_id}#diagnoses", flash="Diagnosis removed.")

    @post("/{client_id:int}/relatives", status_code=HTTP_200_OK)
    async def add_relative(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Redirect:
        try:
            await clients.add_relative(current_principal(request), client_id, await form_data(request))
        except Invalid as exc:
            return redirect(f"/clients/{client_id}#relatives", flash=exc.message, kind="error")
        return redirect(f"/clients/{client_id}#relatives", flash="Relative added.")

    @get("/{client_id:int}/case-managers")
    async def case_managers_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        header = await client_header(current_principal(request), client_id, "overview")
        return render(
            request,
            "cases/case_managers.html",
            header=header,
            assignments=await clients.assignments(client_id, include_ended=True),
            handoffs=await clients.handoffs(client_id),
            case_managers=await case_manager_choices(),
        )

    @post("/{client_id:int}/handoff", status_code=HTTP_200_OK)
    async def handoff(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        to_id = _int(data.get("to_case_manager"))
        try:
            await clients.hand_off(principal, client_id, to_id or 0, str(data.get("summary", "")))
        except Invalid as exc:
            header = await client_header(principal, client_id, "overview")
            return render(
                request,
                "cases/case_managers.html",
                status_code=400,
                header=header,
                form=data,
                errors=exc.field_errors,
                assignments=await clients.assignments(client_id, include_ended=True),
                handoffs=await clients.handoffs(client_id),
                case_managers=await case_manager_choices(),
            )
        # The person who handed off may no longer see the client.
        target = f"/clients/{client_id}/case-managers"
        try:
            await clients.get_client(principal, client_id, audit_action="")
        except Exception:
            target = "/clients"
        return redirect(target, flash="Client handed off. The summary is kept with the client's history.")

    @post("/{client_id:int}/case-managers", status_code=HTTP_200_OK)
    async def add_case_manager(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Redirect:
        data = await form_data(request)
        try:
            await clients.add_secondary_case_manager(
                current_principal(request), client_id, _int(data.get("case_manager")) or 0
            )
        except Invalid as exc:
            return redirect(f"/clients/{client_id}/case-managers", flash=exc.message, kind="error")
        return redirect(f"/clients/{client_id}/case-managers", flash="Case manager added.")

    @post("/{client_id:int}/case-managers/{user_id:int}/end", status_code=HTTP_200_OK)
    async def end_case_manager(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], user_id: FromPath[int]
    ) -> Redirect:
        try:
            await clients.end_secondary_assignment(current_principal(request), client_id, user_id)
        except Invalid as exc:
            return redirect(f"/clients/{client_id}/case-managers", flash=exc.message, kind="error")
        return redirect(f"/clients/{client_id}/case-managers", flash="Assignment ended.")


async def overview_sections(client_id: int) -> dict[str, Any]:
    """Everything the overview shows, each section one query (no query per row)."""
    return {
        "assessment": await clients.get_assessment(client_id),
        "diagnoses": await clients.diagnoses(client_id),
        "relatives": await clients.relatives(client_id),
        "assignments": await clients.assignments(client_id),
        "care_team": await care_team.members(client_id),
        "recent_notes": await note_search.recent_notes(client_id),
        "current_placement": await placements.current_placement_of(client_id),
        "open_tasks": await tasks.open_tasks_of_client(client_id),
        "retainer_hours": await client_hours(client_id),  # hours only: case managers never see money
    }
