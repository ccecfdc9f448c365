"""The staff side of a client's family: the Family tab (relatives, invitations, access grants, the consent gate's
preview, the communication plan) and the JSON API for relatives and grants."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases.controllers.common import client_header
from portal.cases.vocabulary import LEGAL_AUTHORITIES, RELATIONSHIPS
from portal.errors import Conflict, Invalid
from portal.families import plan, relatives
from portal.families.access import PARTS
from portal.forms import form_data
from portal.policy import Action, guard
from portal.web import current_principal, redirect, render

PAGE_CHOICES: dict[str, Any] = {
    "relationship_choices": list(RELATIONSHIPS.items()),
    "authority_choices": list(LEGAL_AUTHORITIES.items()),
    "weekday_choices": list(plan.WEEKDAY_CHOICES.items()),
    "part_labels": relatives.PART_LABELS,
    "parts": PARTS,
}


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


class FamilyPageController(Controller):
    path = "/clients/{client_id:int}/family"
    include_in_schema = False
    guards = [guard(Action.FAMILY_MANAGE)]

    async def _page(
        self, request: Request[Any, Any, Any], client_id: int, *, status_code: int = 200, **extra: Any
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "family")
        members = await relatives.family_of(principal, client_id)
        saved = await plan.get_plan(principal, client_id)
        extra.setdefault("plan_form", plan.plan_form(saved, header.primary_case_manager))
        return render(
            request,
            "families/family_page.html",
            status_code=status_code,
            header=header,
            members=members,
            plan=saved,
            **PAGE_CHOICES,
            **extra,
        )

    @get("/")
    async def family_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        return await self._page(request, client_id)

    @post("/relatives", status_code=HTTP_200_OK)
    async def add_relative(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        invite = data.get("invite") == "on"
        try:
            await relatives.add_relative(current_principal(request), client_id, data, invite=invite)
        except Invalid as exc:
            return await self._page(
                request,
                client_id,
                status_code=400,
                add_form=data,
                add_errors=exc.field_errors or {"name": exc.message},
                add_open=True,
            )
        message = "Relative added and invited." if invite else "Relative added."
        return redirect(f"/clients/{client_id}/family", flash=message)

    @post("/relatives/{relative_id:int}/invite", status_code=HTTP_200_OK)
    async def invite(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], relative_id: FromPath[int]
    ) -> Redirect:
        try:
            created = await relatives.invite_relative(current_principal(request), client_id, relative_id)
        except (Invalid, Conflict) as exc:
            return redirect(f"/clients/{client_id}/family#relative-{relative_id}", flash=exc.message, kind="error")
        # Flash messages name nobody: they travel in a cookie.
        message = (
            "Invitation sent. Access starts when they set their password."
            if created
            else "This person already has a portal account: this client now appears on it, with its own access."
        )
        return redirect(f"/clients/{client_id}/family#relative-{relative_id}", flash=message)

    @post("/relatives/{relative_id:int}/resend", status_code=HTTP_200_OK)
    async def resend(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], relative_id: FromPath[int]
    ) -> Redirect:
        try:
            await relatives.resend_invitation(current_principal(request), client_id, relative_id)
        except Invalid as exc:
            return redirect(f"/clients/{client_id}/family#relative-{relative_id}", flash=exc.message, kind="error")
        return redirect(f"/clients/{client_id}/family#relative-{relative_id}", flash="Invitation sent again.")

    @post("/relatives/{relative_id:int}/grant", status_code=HTTP_200_OK)
    async def change_grant(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], relative_id: FromPath[int]
    ) -> Redirect:
        data = await form_data(request)
        try:
            changed = await relatives.change_grant(
                current_principal(request), client_id, relative_id, _as_list(data.get("parts")), data.get("state")
            )
        except (Invalid, Conflict) as exc:
            return redirect(f"/clients/{client_id}/family#relative-{relative_id}", flash=exc.message, kind="error")
        message = "Access saved." if changed else "Nothing changed."
        return redirect(f"/clients/{client_id}/family#relative-{relative_id}", flash=message)

    @get("/relatives/{relative_id:int}/edit")
    async def edit_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], relative_id: FromPath[int]
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "family")
        member = await relatives.member_of(principal, client_id, relative_id)
        return render(
            request, "families/relative_form.html", header=header, member=member, form=member.relative, **PAGE_CHOICES
        )

    @post("/relatives/{relative_id:int}/edit", status_code=HTTP_200_OK)
    async def edit(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], relative_id: FromPath[int]
    ) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        data.setdefault("is_payer", "")
        try:
            await relatives.update_relative(principal, client_id, relative_id, data)
        except Invalid as exc:
            header = await client_header(principal, client_id, "family")
            member = await relatives.member_of(principal, client_id, relative_id)
            return render(
                request,
                "families/relative_form.html",
                status_code=400,
                header=header,
                member=member,
                form=data,
                errors=exc.field_errors,
                **PAGE_CHOICES,
            )
        return redirect(f"/clients/{client_id}/family#relative-{relative_id}", flash="Relative updated.")

    @post("/plan", status_code=HTTP_200_OK)
    async def save_plan(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await plan.save_plan(current_principal(request), client_id, data)
        except (Invalid, Conflict) as exc:
            errors = exc.field_errors if isinstance(exc, Invalid) else {}
            return await self._page(
                request,
                client_id,
                status_code=400 if isinstance(exc, Invalid) else 409,
                plan_form=plan.submitted_form(data),
                plan_errors=errors or {"cadence_days": exc.message},
            )
        return redirect(f"/clients/{client_id}/family#plan", flash="Communication plan saved.")


# --------------------------------------------------------------------------- JSON API

Part = Literal["updates", "messages", "documents", "timeline", "billing"]


class GrantOut(msgspec.Struct):
    parts: list[str]
    state: str
    changed_at: datetime | None = None


class RelativeOut(msgspec.Struct):
    id: int
    name: str
    relationship: str
    email: str
    phone: str
    legal_authority: str
    is_payer: bool
    account_state: str  # not_invited, invited, active, deactivated
    grant: GrantOut | None
    # The parts this relative sees now: granted, not suspended and allowed by the consent gate.
    sees: list[str]
    consent_notes: list[str]


class GrantIn(msgspec.Struct, forbid_unknown_fields=True):
    parts: Annotated[list[Part], msgspec.Meta(max_length=len(PARTS))]
    state: Literal["active", "suspended"] = "active"


def relative_out(member: relatives.FamilyMember) -> RelativeOut:
    row = member.relative
    grant = None
    if member.grant is not None:
        grant = GrantOut(
            parts=[p for p in PARTS if p in member.parts],
            state=member.grant["state"],
            changed_at=member.grant["changed_at"],
        )
    return RelativeOut(
        id=member.id,
        name=member.name,
        relationship=row["relationship"],
        email=row["email"],
        phone=row["phone"],
        legal_authority=row["legal_authority"],
        is_payer=row["is_payer"],
        account_state=member.account_state,
        grant=grant,
        sees=member.allowed_parts,
        consent_notes=[note.text for note in member.notes],
    )


class RelativesApiController(Controller):
    path = "/api/v1/clients/{client_id:int}/relatives"
    tags = ["family"]
    guards = [guard(Action.FAMILY_MANAGE)]

    @get("/")
    async def list_relatives(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> list[RelativeOut]:
        """The client's relatives with their portal account state, access grant and what the consent gate lets
        each of them see now."""
        members = await relatives.family_of(current_principal(request), client_id)
        return [relative_out(member) for member in members]

    @put("/{relative_id:int}/grant")
    async def put_grant(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        relative_id: FromPath[int],
        data: JSONBody[GrantIn],
    ) -> RelativeOut:
        """Set which parts of the portal the relative sees and whether the grant is active or suspended
        (suspension hides everything at once). Every change is audited."""
        principal = current_principal(request)
        await relatives.change_grant(principal, client_id, relative_id, list(data.parts), data.state)
        return relative_out(await relatives.member_of(principal, client_id, relative_id))
