"""The front door (/), the health check and the practice's settings."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from portal.accounts.controllers import _form
from portal.core import services
from portal.db import ping
from portal.errors import Invalid
from portal.policy import Action, Role, guard
from portal.web import optional_principal, redirect, render


class HomeController(Controller):
    path = "/"
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        principal = optional_principal(request)
        if principal is None:
            return redirect("/login")
        if principal.mfa_pending:
            return redirect("/login/mfa")
        if principal.mfa_enrollment_required:
            return redirect("/account/mfa")
        if principal.role == Role.CASE_MANAGER:
            return redirect("/my-day")
        if principal.role == Role.FAMILY:
            return redirect("/family")
        practice = await services.get_practice()
        if principal.role == Role.OWNER:  # the owner's dashboard shows emergency access in force
            from portal.operations.emergency_access import list_grants

            grants = await list_grants(active_only=True)
            return render(request, "home.html", practice=practice, emergency_grants=grants)
        return render(request, "home.html", practice=practice)

    @get("/healthz", include_in_schema=True, tags=["operations"])
    async def healthz(self) -> Response[dict[str, str]]:
        """200 when the database answers, 503 otherwise."""
        if await ping():
            return Response({"status": "ok", "database": "ok"}, status_code=HTTP_200_OK)
        return Response({"status": "error", "database": "unreachable"}, status_code=HTTP_503_SERVICE_UNAVAILABLE)


class PracticeSettingsController(Controller):
    path = "/settings/practice"
    include_in_schema = False
    guards = [guard(Action.PRACTICE_MANAGE)]

    @get("/")
    async def settings_page(self, request: Request[Any, Any, Any]) -> Template:
        practice = await services.get_practice()
        return render(request, "core/practice_settings.html", practice=practice, form=practice.__dict__)

    @post("/", status_code=HTTP_200_OK)
    async def save(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await _form(request)
        try:
            await services.update_practice(
                request.scope["user"],
                name=form.get("name", ""),
                time_zone=form.get("time_zone", "").strip(),
                require_staff_mfa=form.get("require_staff_mfa") == "on",
                require_family_mfa=form.get("require_family_mfa") == "on",
            )
        except Invalid as exc:
            practice = await services.get_practice()
            return render(
                request,
                "core/practice_settings.html",
                status_code=400,
                practice=practice,
                form=form,
                errors=exc.field_errors,
            )
        return redirect("/settings/practice", flash="Practice settings saved.")
