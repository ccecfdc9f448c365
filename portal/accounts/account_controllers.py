"""The signed-in person's own settings: password, two-factor authentication, recovery codes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.accounts import services
from portal.accounts.controllers import _form
from portal.core.services import get_practice
from portal.errors import Forbidden, Invalid
from portal.policy import STAFF_ROLES, Action, guard
from portal.web import current_principal, redirect, render


class AccountController(Controller):
    path = "/account"
    include_in_schema = False
    guards = [guard(Action.ACCOUNT_SELF)]

    async def _account_context(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        principal = current_principal(request)
        assert principal.user_id is not None
        practice = await get_practice()
        required = practice.require_staff_mfa if principal.role in STAFF_ROLES else practice.require_family_mfa
        return {
            "user": await services.get_user(principal.user_id),
            "recovery_codes_left": await services.unused_recovery_code_count(principal.user_id),
            "mfa_required": required,
        }

    @get("/")
    async def account_page(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "accounts/account.html", **await self._account_context(request))

    @post("/password", status_code=HTTP_200_OK)
    async def change_password(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await _form(request)
        errors: dict[str, str] = {}
        if form.get("new_password", "") != form.get("new_password_confirm", ""):
            errors = {"new_password_confirm": "The two new passwords do not match."}
        else:
            try:
                await services.change_password(
                    current_principal(request), form.get("current_password", ""), form.get("new_password", "")
                )
            except Invalid as exc:
                errors = exc.field_errors or {"current_password": exc.message}
        if errors:
            context = await self._account_context(request)
            return render(request, "accounts/account.html", status_code=400, errors=errors, **context)
        return redirect("/account", flash="Your password has been changed. Your other sessions were signed out.")

    @post("/mfa/recovery-codes", status_code=HTTP_200_OK)
    async def regenerate_codes(self, request: Request[Any, Any, Any]) -> Template:
        form = await _form(request)
        try:
            codes = await services.regenerate_recovery_codes(current_principal(request), form.get("password", ""))
        except Invalid as exc:
            context = await self._account_context(request)
            errors = exc.field_errors or {"password": exc.message}
            return render(request, "accounts/account.html", status_code=400, errors=errors, **context)
        return render(request, "accounts/recovery_codes.html", codes=codes, just_enabled=False)

    @post("/mfa/disable", status_code=HTTP_200_OK)
    async def disable_mfa(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await _form(request)
        try:
            await services.disable_mfa(current_principal(request), form.get("disable_password", ""))
        except (Invalid, Forbidden) as exc:
            context = await self._account_context(request)
            errors = (
                {"disable_password": exc.field_errors.get("password", exc.message)}
                if isinstance(exc, Invalid)
                else {"disable_password": exc.message}
            )
            return render(request, "accounts/account.html", status_code=400, errors=errors, **context)
        return redirect("/account", flash="Two-factor authentication is off.")


class MfaSetupController(Controller):
    """Enrolment is the one page staff may open before they have MFA, when the practice requires it."""

    path = "/account/mfa"
    include_in_schema = False
    guards = [guard(Action.ACCOUNT_SELF, allow_mfa_enrollment=True)]

    @get("/")
    async def mfa_setup_page(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        principal = current_principal(request)
        if principal.mfa_enabled:
            return redirect("/account")
        enrollment = await services.begin_mfa_enrollment(principal)
        return render(
            request,
            "accounts/mfa_setup.html",
            enrollment=enrollment,
            required=principal.mfa_enrollment_required,
        )

    @post("/", status_code=HTTP_200_OK)
    async def mfa_setup_confirm(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        form = await _form(request)
        try:
            codes = await services.confirm_mfa_enrollment(principal, form.get("code", ""))
        except Invalid as exc:
            enrollment = await services.begin_mfa_enrollment(principal)
            return render(
                request,
                "accounts/mfa_setup.html",
                status_code=400,
                enrollment=enrollment,
                errors=exc.field_errors,
                error=None if exc.field_errors else exc.message,
                required=principal.mfa_enrollment_required,
            )
        return render(request, "accounts/recovery_codes.html", codes=codes, just_enabled=True)
