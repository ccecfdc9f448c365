"""The relatives' side: the dashboard (/family), a loved one's placement timeline, the family's settings
(notifications, and the way to two-factor sign-in), and the API's list of clients a relative may see."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases.timeline_layout import INTENSITY_COLOURS, INTENSITY_ROWS
from portal.errors import Invalid, NotFound
from portal.families import dashboard, notifications
from portal.forms import form_data
from portal.policy import MAX_ROW_ID, Action, guard
from portal.web import current_principal, redirect, render


def _client_param(request: Request[Any, Any, Any]) -> int | None:
    value = request.query_params.get("client")
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise NotFound("Not found.") from None
    if not 0 < number <= MAX_ROW_ID:
        raise NotFound("Not found.")
    return number


class FamilyDashboardController(Controller):
    path = "/family"
    include_in_schema = False
    guards = [guard(Action.FAMILY_PORTAL)]

    @get("/")
    async def dashboard_page(self, request: Request[Any, Any, Any]) -> Template:
        board = await dashboard.family_dashboard(current_principal(request), _client_param(request))
        return render(
            request,
            "families/family_dashboard.html",
            board=board,
            links=board.links,
            current_client_id=board.current_client_id,
            switch_base="/family",
            switch_all="Everyone",
        )

    @get("/clients/{client_id:int}/timeline")
    async def timeline_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        if not 0 < client_id <= MAX_ROW_ID:
            raise NotFound("Not found.")
        timeline = await dashboard.family_timeline(principal, client_id)
        legend = sorted(
            {(p["intensity"], INTENSITY_COLOURS.get(p["intensity"], "#6b7280")) for p in timeline.placements},
            reverse=True,
        )
        return render(
            request,
            "families/family_timeline.html",
            timeline=timeline,
            legend=[(colour, INTENSITY_ROWS.get(intensity, "")) for intensity, colour in legend],
        )

    @get("/settings")
    async def settings_page(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        assert principal.user_id is not None
        mode = await notifications.preference_of(principal.user_id)
        return render(
            request, "families/family_settings.html", form={"mode": mode}, modes=list(notifications.MODES.items())
        )

    @post("/settings", status_code=HTTP_200_OK)
    async def save_settings(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        principal = current_principal(request)
        assert principal.user_id is not None
        data = await form_data(request)
        try:
            await notifications.set_preference(principal.user_id, str(data.get("mode", "")))
        except Invalid as exc:
            return render(
                request,
                "families/family_settings.html",
                status_code=400,
                form=data,
                errors=exc.field_errors,
                modes=list(notifications.MODES.items()),
            )
        return redirect("/family/settings", flash="Saved.")


class FamilyClientOut(msgspec.Struct):
    id: int
    name: str  # the preferred name, what the family calls them
    parts: list[str]  # updates, messages, documents, timeline, billing: what this relative may see now


class FamilyClientsApiController(Controller):
    path = "/api/v1/family/clients"
    tags = ["family"]
    guards = [guard(Action.FAMILY_PORTAL)]

    @get("/")
    async def list_clients(self, request: Request[Any, Any, Any]) -> list[FamilyClientOut]:
        """The clients the signed-in relative may see, with the parts of the portal open to them (granted and
        allowed by the client's consent). A suspended link is not listed."""
        rows = await dashboard.visible_clients(current_principal(request))
        return [FamilyClientOut(id=link.client_id, name=link.client_name, parts=parts) for link, parts in rows]
