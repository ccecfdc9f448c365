"""The owner's users page: invite, change role, deactivate (which ends that person's sessions at once)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.accounts import services
from portal.accounts.controllers import _form
from portal.errors import Invalid
from portal.policy import ROLE_LABELS, STAFF_ROLES, Action, Role, guard
from portal.web import current_principal, redirect, render

STAFF_ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in (Role.OWNER, Role.CASE_MANAGER, Role.BILLING)]


def _role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        raise Invalid(role="Choose a role.") from None
    if role not in STAFF_ROLES:
        raise Invalid(role="Relatives are invited by their case manager from the client's page.")
    return role


class UsersController(Controller):
    path = "/users"
    include_in_schema = False
    guards = [guard(Action.USERS_MANAGE)]

    async def _page(self, request: Request[Any, Any, Any], *, status_code: int = 200, **context: Any) -> Template:
        users = await services.list_users()
        return render(
            request,
            "accounts/users.html",
            status_code=status_code,
            staff=[u for u in users if u["role"] != Role.FAMILY.value],
            family=[u for u in users if u["role"] == Role.FAMILY.value],
            role_choices=STAFF_ROLE_CHOICES,
            role_labels={role.value: label for role, label in ROLE_LABELS.items()},
            **context,
        )

    @get("/")
    async def users_page(self, request: Request[Any, Any, Any]) -> Template:
        return await self._page(request)

    @post("/", status_code=HTTP_200_OK)
    async def invite(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await _form(request)
        try:
            await services.invite_user(
                current_principal(request),
                email=form.get("email", ""),
                name=form.get("name", ""),
                role=_role(form.get("role", "")),
            )
        except Invalid as exc:
            return await self._page(
                request,
                status_code=400,
                errors=exc.field_errors,
                form=form,
                error=None if exc.field_errors else exc.message,
            )
        return redirect("/users", flash="Invitation sent.")

    @post("/{user_id:int}/role", status_code=HTTP_200_OK)
    async def change_role(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> Template | Redirect:
        form = await _form(request)
        try:
            await services.change_role(current_principal(request), user_id, _role(form.get("role", "")))
        except Invalid as exc:
            return await self._page(request, status_code=400, error=exc.message)
        return redirect("/users", flash="Role changed. That person's sessions were signed out.")

    @post("/{user_id:int}/deactivate", status_code=HTTP_200_OK)
    async def deactivate(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> Template | Redirect:
        try:
            await services.deactivate_user(current_principal(request), user_id)
        except Invalid as exc:
            return await self._page(request, status_code=400, error=exc.message)
        return redirect("/users", flash="Account deactivated and signed out everywhere.")

    @post("/{user_id:int}/reactivate", status_code=HTTP_200_OK)
    async def reactivate(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> Redirect:
        await services.reactivate_user(current_principal(request), user_id)
        return redirect("/users", flash="Account reactivated.")

    @post("/{user_id:int}/resend-invitation", status_code=HTTP_200_OK)
    async def resend(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> Template | Redirect:
        try:
            await services.resend_invitation(current_principal(request), user_id)
        except Invalid as exc:
            return await self._page(request, status_code=400, error=exc.message)
        return redirect("/users", flash="A new invitation was sent; the old link no longer works.")
