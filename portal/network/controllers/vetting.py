"""The vetting workflow's pages: credentials, opening a review, the desk review, a site visit, the decision, and
the incident log. Each form re-renders with its errors (400) or redirects to the program page's section."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.errors import Invalid
from portal.forms import form_data
from portal.network import credentials, monitoring, programs, vetting
from portal.network.controllers.program_common import PROGRAM_CHOICES, program_path
from portal.network.vocabulary import DESK_CHECKS
from portal.policy import Action, guard
from portal.web import current_principal, redirect, render

AnyRequest = Request[Any, Any, Any]

WORKFLOW_CHOICES: dict[str, Any] = {
    **PROGRAM_CHOICES,
    "review_reasons": list(vetting.STAFF_REASONS.items()),
    "desk_results": vetting.DESK_RESULTS,
    "visit_modes": list(vetting.VISIT_MODES.items()),
    "visit_ratings": vetting.VISIT_RATINGS,
}


async def _uploads(request: AnyRequest, name: str) -> list[tuple[bytes, str]]:
    """Every file sent under `name` (a multiple file input)."""
    form = await request.form()
    found = []
    for value in form.getall(name) if name in form else []:
        if isinstance(value, UploadFile) and value.filename:
            data = await value.read()
            if data:
                found.append((data, value.filename))
    return found


class VettingController(Controller):
    path = "/network/programs/{program_id:int}"
    include_in_schema = False
    guards = [guard(Action.NETWORK_WRITE)]

    async def _page(
        self, request: AnyRequest, program_id: int, template: str, *, status_code: int = 200, **context: Any
    ) -> Template:
        program = await programs.get_program(current_principal(request), program_id)
        return render(
            request, f"network/{template}", status_code=status_code, program=program, **WORKFLOW_CHOICES, **context
        )

    # ------------------------------------------------------------------ credentials

    @get("/credentials/new")
    async def new_credential_page(self, request: AnyRequest, program_id: FromPath[int]) -> Template:
        today = await programs.practice_today()
        return await self._page(
            request, program_id, "credential_form.html", credential=None, form={"verified_on": today.isoformat()}
        )

    @post("/credentials", status_code=HTTP_200_OK)
    async def add_credential(self, request: AnyRequest, program_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await credentials.add_credential(current_principal(request), program_id, data)
        except Invalid as exc:
            return await self._page(
                request, program_id, "credential_form.html", status_code=400, credential=None, form=data,
                errors=exc.field_errors,
            )  # fmt: skip
        return redirect(program_path(program_id, "#credentials"), flash="Credential recorded.")

    @get("/credentials/{credential_id:int}/edit")
    async def edit_credential_page(
        self, request: AnyRequest, program_id: FromPath[int], credential_id: FromPath[int]
    ) -> Template:
        row = await credentials.get_credential(current_principal(request), program_id, credential_id)
        form = {name: ("" if row[name] is None else row[name]) for name in credentials.CREDENTIAL_FIELDS}
        return await self._page(request, program_id, "credential_form.html", credential=row, form=form)

    @post("/credentials/{credential_id:int}/edit", status_code=HTTP_200_OK)
    async def edit_credential(
        self, request: AnyRequest, program_id: FromPath[int], credential_id: FromPath[int]
    ) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        data = {name: data.get(name, "") for name in credentials.CREDENTIAL_FIELDS}
        try:
            await credentials.update_credential(principal, program_id, credential_id, data)
        except Invalid as exc:
            row = await credentials.get_credential(principal, program_id, credential_id)
            return await self._page(
                request, program_id, "credential_form.html", status_code=400, credential=row, form=data,
                errors=exc.field_errors,
            )  # fmt: skip
        return redirect(program_path(program_id, "#credentials"), flash="Credential updated.")

    # ------------------------------------------------------------------ opening a review

    @get("/reviews/new")
    async def new_review_page(self, request: AnyRequest, program_id: FromPath[int]) -> Template:
        return await self._page(request, program_id, "review_form.html", form={"reason": "initial"})

    @post("/reviews", status_code=HTTP_200_OK)
    async def open_review(self, request: AnyRequest, program_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await vetting.open_review(current_principal(request), program_id, data)
        except Invalid as exc:
            return await self._page(
                request, program_id, "review_form.html", status_code=400, form=data, errors=exc.field_errors
            )
        return redirect(program_path(program_id, "#vetting"), flash="Review opened. Next: the desk review.")

    # ------------------------------------------------------------------ desk review

    async def _desk_page(
        self, request: AnyRequest, program_id: int, *, status_code: int = 200, form: Any = None, errors: Any = None
    ) -> Template:
        await programs.get_program(current_principal(request), program_id)  # an unknown id: 404 first
        review = await vetting.current_review(program_id)
        summary = await vetting.evidence_summary(program_id, review)
        return await self._page(
            request,
            program_id,
            "desk_review_form.html",
            status_code=status_code,
            review=review,
            summary=summary,
            form=form or {},
            errors=errors or {},
        )

    @get("/desk-review")
    async def desk_review_page(self, request: AnyRequest, program_id: FromPath[int]) -> Template:
        return await self._desk_page(request, program_id)

    @post("/desk-review", status_code=HTTP_200_OK)
    async def record_desk_review(self, request: AnyRequest, program_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        entries = []
        for check in DESK_CHECKS:
            uploads = await _uploads(request, f"file_{check}")
            entries.append(
                {
                    "check": check,
                    "result": data.get(f"result_{check}", ""),
                    "evidence": data.get(f"evidence_{check}", ""),
                    "file": uploads[0] if uploads else None,
                }
            )
        try:
            await vetting.record_desk_checks(current_principal(request), program_id, entries)
        except Invalid as exc:
            return await self._desk_page(request, program_id, status_code=400, form=data, errors=exc.field_errors)
        return redirect(program_path(program_id, "#vetting"), flash="Desk checks recorded.")

    # ------------------------------------------------------------------ site visit

    async def _visit_page(self, request: AnyRequest, program_id: int, **context: Any) -> Template:
        return await self._page(
            request, program_id, "site_visit_form.html", visitors=await vetting.visitor_choices(), **context
        )

    @get("/site-visits/new")
    async def site_visit_page(self, request: AnyRequest, program_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        today = await programs.practice_today()
        form = {"visited_on": today.isoformat(), "visitor": principal.user_id, "mode": "in_person", "hours": "4"}
        return await self._visit_page(request, program_id, form=form)

    @post("/site-visits", status_code=HTTP_200_OK)
    async def record_site_visit(self, request: AnyRequest, program_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        photos = await _uploads(request, "photos")
        try:
            await vetting.record_site_visit(current_principal(request), program_id, data, photos)
        except Invalid as exc:
            return await self._visit_page(request, program_id, status_code=400, form=data, errors=exc.field_errors)
        return redirect(program_path(program_id, "#site-visits"), flash="Site visit recorded.")

    # ------------------------------------------------------------------ decision

    async def _decision_page(self, request: AnyRequest, program_id: int, **context: Any) -> Template:
        await programs.get_program(current_principal(request), program_id)  # an unknown id: 404 first
        review = await vetting.current_review(program_id)
        summary = await vetting.evidence_summary(program_id, review)
        return await self._page(request, program_id, "decision_form.html", review=review, summary=summary, **context)

    @get("/decision")
    async def decision_page(self, request: AnyRequest, program_id: FromPath[int]) -> Template:
        program = await programs.get_program(current_principal(request), program_id)
        today = await programs.practice_today()
        form = {
            "next_review_on": (today + timedelta(days=365)).isoformat(),
            "levels": program["levels_of_care"],
            "populations": program["populations"],
            "conditions": program["conditions"],
        }
        return await self._decision_page(request, program_id, form=form)

    @post("/decision", status_code=HTTP_200_OK)
    async def decide(self, request: AnyRequest, program_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        for name in ("levels", "populations", "conditions"):
            data.setdefault(name, [])
        try:
            await vetting.record_decision(current_principal(request), program_id, data)
        except Invalid as exc:
            return await self._decision_page(request, program_id, status_code=400, form=data, errors=exc.field_errors)
        return redirect(program_path(program_id, "#vetting"), flash="Decision recorded.")

    # ------------------------------------------------------------------ incidents

    @get("/incidents/new")
    async def incident_page(self, request: AnyRequest, program_id: FromPath[int]) -> Template:
        today = await programs.practice_today()
        return await self._page(request, program_id, "incident_form.html", form={"occurred_on": today.isoformat()})

    @post("/incidents", status_code=HTTP_200_OK)
    async def record_incident(self, request: AnyRequest, program_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        try:
            _, review_id = await monitoring.record_incident(current_principal(request), program_id, data)
        except Invalid as exc:
            return await self._page(
                request, program_id, "incident_form.html", status_code=400, form=data, errors=exc.field_errors
            )
        flash = "Logged. A re-review is open: the program needs review." if review_id else "Logged."
        return redirect(program_path(program_id, "#incidents"), flash=flash)
