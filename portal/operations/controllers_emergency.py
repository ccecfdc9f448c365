"""The owner's emergency-access page: grant a case manager temporary access to a client, see and end grants."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.errors import Invalid
from portal.forms import form_data
from portal.operations import emergency_access
from portal.policy import Action, guard
from portal.web import current_principal, redirect, render


async def _page(
    request: Request[Any, Any, Any], *, form: dict[str, Any], errors: dict[str, str], status: int
) -> Template:
    return render(
        request,
        "operations/emergency/grants.html",
        status_code=status,
        grants=await emergency_access.list_grants(),
        form=form,
        errors=errors,
        default_hours=emergency_access.DEFAULT_HOURS,
        max_hours=emergency_access.MAX_HOURS,
        **await emergency_access.grant_choices(),
    )


class EmergencyAccessController(Controller):
    path = "/emergency-access"
    include_in_schema = False
    guards = [guard(Action.EMERGENCY_ACCESS_GRANT)]

    @get("/")
    async def grants_page(self, request: Request[Any, Any, Any]) -> Template:
        form = {"hours": emergency_access.DEFAULT_HOURS, "client": request.query_params.get("client", "")}
        return await _page(request, form=form, errors={}, status=200)

    @post("/", status_code=HTTP_200_OK)
    async def grant(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await emergency_access.grant_emergency_access(current_principal(request), data)
        except Invalid as exc:
            return await _page(request, form=data, errors=exc.field_errors, status=400)
        return redirect("/emergency-access", flash="Emergency access granted.")

    @post("/{grant_id:int}/revoke", status_code=HTTP_200_OK)
    async def revoke(self, request: Request[Any, Any, Any], grant_id: FromPath[int]) -> Redirect:
        await emergency_access.revoke_emergency_access(current_principal(request), grant_id)
        return redirect("/emergency-access", flash="Emergency access ended.")
