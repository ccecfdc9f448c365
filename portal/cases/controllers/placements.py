"""Placement pages: the list with transition checklists, recording and editing an episode, discharging it, and
the client's timeline."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases import placements, timeline
from portal.cases.controllers.common import client_header
from portal.cases.timeline_layout import INTENSITY_COLOURS, INTENSITY_ROWS, MUTED
from portal.cases.vocabulary import (
    DISCHARGE_TYPES,
    LEVELS_OF_CARE,
    PLACEMENT_OUTCOMES,
    TRANSITION_CHECKLIST,
)
from portal.clock import local_today
from portal.core.services import get_practice
from portal.errors import Invalid
from portal.forms import form_data
from portal.policy import Action, can, guard
from portal.web import current_principal, redirect, render


def level_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Levels of care grouped by framework, for a select with optgroups."""
    return [
        (framework, [(level.code, level.label) for level in levels])
        for framework, levels in groupby(LEVELS_OF_CARE.values(), key=lambda level: level.framework)
    ]


FORM_CHOICES: dict[str, Any] = {
    "level_groups": level_groups(),
    "discharge_type_choices": list(DISCHARGE_TYPES.items()),
    "outcome_choices": list(PLACEMENT_OUTCOMES.items()),
}


def _form_values(row: dict[str, Any]) -> dict[str, Any]:
    return {name: ("" if row.get(name) is None else row[name]) for name in placements.PLACEMENT_FIELDS}


async def _linked_program(program_id: Any) -> str:
    """The name of the network program a placement form links to ("" when none or unknown)."""
    from portal.network.programs import program_names

    try:
        wanted = int(program_id)
    except (TypeError, ValueError):
        return ""
    return (await program_names([wanted])).get(wanted, "")


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


class PlacementsController(Controller):
    path = "/clients/{client_id:int}/placements"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def placements_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "placements")
        return render(
            request,
            "cases/placements.html",
            header=header,
            placements=await placements.list_placements(principal, client_id),
        )

    async def _form(
        self,
        request: Request[Any, Any, Any],
        client_id: int,
        *,
        placement: dict[str, Any] | None = None,
        status_code: int = 200,
        **context: Any,
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "placements")
        return render(
            request,
            "cases/placement_form.html",
            status_code=status_code,
            header=header,
            placement=placement,
            network_picker=can(principal, Action.NETWORK_READ),
            linked_program=await _linked_program(context.get("form", {}).get("program_id")),
            **FORM_CHOICES,
            **context,
        )

    @get("/new", guards=[guard(Action.CLIENTS_WRITE)])
    async def new_placement_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        return await self._form(request, client_id)

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def create(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        try:
            placement_id = await placements.create_placement(current_principal(request), client_id, data)
        except Invalid as exc:
            return await self._form(request, client_id, status_code=400, form=data, errors=exc.field_errors)
        return redirect(f"/clients/{client_id}/placements#placement-{placement_id}", flash="Placement recorded.")

    @get("/{placement_id:int}/edit", guards=[guard(Action.CLIENTS_WRITE)])
    async def edit_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], placement_id: FromPath[int]
    ) -> Template:
        row = await placements.get_placement(current_principal(request), client_id, placement_id)
        return await self._form(request, client_id, placement=row, form=_form_values(row))

    @post("/{placement_id:int}/edit", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def edit(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], placement_id: FromPath[int]
    ) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        # A form always sends every field: an empty one clears the value (the program link only when the form
        # showed the network's program picker).
        data = {
            name: data.get(name, "") for name in placements.PLACEMENT_FIELDS if name != "program_id" or name in data
        }
        try:
            await placements.update_placement(principal, client_id, placement_id, data)
        except Invalid as exc:
            row = await placements.get_placement(principal, client_id, placement_id)
            return await self._form(
                request, client_id, placement=row, status_code=400, form=data, errors=exc.field_errors
            )
        return redirect(f"/clients/{client_id}/placements#placement-{placement_id}", flash="Placement updated.")

    async def _discharge_form(
        self,
        request: Request[Any, Any, Any],
        client_id: int,
        placement_id: int,
        *,
        status_code: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "placements")
        row = await placements.get_placement(principal, client_id, placement_id)
        defaults = {
            "discharged_on": local_today(header.time_zone).isoformat(),
            "step_down_level": row["step_down_level"],
            "aftercare_plan": row["aftercare_plan"],
        }
        return render(
            request,
            "cases/discharge_form.html",
            status_code=status_code,
            header=header,
            placement=row,
            open_items=[item for item in row["checklist"] if item["done_at"] is None],
            form=form or defaults,
            errors=errors or {},
            **FORM_CHOICES,
        )

    @get("/{placement_id:int}/discharge", guards=[guard(Action.CLIENTS_WRITE)])
    async def discharge_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], placement_id: FromPath[int]
    ) -> Template:
        return await self._discharge_form(request, client_id, placement_id)

    @post("/{placement_id:int}/discharge", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def discharge(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], placement_id: FromPath[int]
    ) -> Template | Redirect:
        data = await form_data(request)
        try:
            await placements.discharge_placement(current_principal(request), client_id, placement_id, data)
        except Invalid as exc:
            return await self._discharge_form(
                request, client_id, placement_id, status_code=400, form=data, errors=exc.field_errors
            )
        return redirect(f"/clients/{client_id}/placements#placement-{placement_id}", flash="Discharge recorded.")

    @post(
        "/{placement_id:int}/checklist/{item:str}",
        status_code=HTTP_200_OK,
        guards=[guard(Action.CLIENTS_WRITE)],
    )
    async def checklist(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        placement_id: FromPath[int],
        item: FromPath[str],
    ) -> Template | Redirect:
        """Tick, untick or annotate one item; an htmx request gets the item back, a plain form a redirect."""
        principal = current_principal(request)
        data = await form_data(request)
        done = str(data.get("done", "")).lower() in {"on", "true", "1", "yes"}
        note = str(data["note"]) if "note" in data else None
        anchor = f"/clients/{client_id}/placements#placement-{placement_id}"
        try:
            await placements.set_checklist_item(principal, client_id, placement_id, item, done=done, note=note)
        except Invalid as exc:
            if not is_htmx(request):
                return redirect(anchor, flash=exc.message, kind="error")
            error = exc.field_errors.get("note", exc.message)
        else:
            error = ""
        if is_htmx(request):
            row = await placements.get_placement(principal, client_id, placement_id)
            entry = next(entry for entry in row["checklist"] if entry["item"] == item)
            return render(
                request,
                "cases/_checklist_item.html",
                client_id=client_id,
                placement=row,
                entry=entry,
                time_zone=(await get_practice()).time_zone,
                item_error=error,
                oob_count=True,
            )
        label = TRANSITION_CHECKLIST[item]
        return redirect(anchor, flash=f"{'Ticked' if done else 'Updated'}: {label}.")


class TimelineController(Controller):
    path = "/clients/{client_id:int}/timeline"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def timeline_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "timeline")
        data = await timeline.client_timeline(principal, client_id)
        used = sorted({span.intensity for span in data.spans}, reverse=True)
        return render(
            request,
            "cases/timeline.html",
            header=header,
            timeline=data,
            legend=[(INTENSITY_COLOURS.get(i, MUTED), INTENSITY_ROWS.get(i, "")) for i in used],
        )
