"""Program pages: the network's home, adding and editing a program, its profile page with every section,
contacts, availability observations, the CSV export and the family profile PDF, and the placement form's
program picker. Controllers call services, nothing more."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases.controllers.notes import content_disposition
from portal.errors import Invalid
from portal.files import services as files
from portal.forms import form_data
from portal.network import contacts, credentials, history, outcomes, overview, programs, vetting
from portal.network.controllers.program_common import PROGRAM_CHOICES, program_path
from portal.network.export import network_csv, profile_pdf
from portal.network.programs import FACET_FIELDS, PROGRAM_FIELDS
from portal.policy import Action, Principal, can, guard
from portal.web import current_principal, redirect, render

AnyRequest = Request[Any, Any, Any]
# A form always sends every field (an unticked checkbox group sends nothing): a missing one is cleared.
FORM_FIELDS = [name for name in PROGRAM_FIELDS if name != "private_pay_cents"] + ["private_pay"]


def _program_form_data(data: dict[str, Any]) -> dict[str, Any]:
    cleared: dict[str, Any] = {name: data.get(name, "") for name in FORM_FIELDS}
    for name in [*FACET_FIELDS, "exclusions"]:
        cleared[name] = data.get(name, [])
    return cleared


async def program_page_context(principal: Principal, program_id: int) -> dict[str, Any]:
    """Everything the program page shows, section by section."""
    program = await programs.get_program(principal, program_id)
    today = await programs.practice_today()
    review = await vetting.current_review(program_id)
    program_credentials = await credentials.list_credentials(program_id, today)
    return {
        "program": program,
        "today": today,
        "can_write": can(principal, Action.NETWORK_WRITE),
        "contacts": await contacts.list_contacts(program_id),
        "availability": await contacts.list_availability(program_id),
        "credentials": program_credentials,
        "credential_alerts": sum(1 for c in program_credentials if c["state"] in ("expired", "expiring")),
        "history": await history.vetting_history(principal, program_id),
        "open_review": review,
        "evidence": await vetting.evidence_summary(program_id, review) if review else None,
        "outcomes": await outcomes.program_outcomes(principal, program_id),
        "review_reasons": vetting.REVIEW_REASONS,
        "stages": vetting.STAGES,
        **PROGRAM_CHOICES,
    }


class NetworkController(Controller):
    path = "/network"
    include_in_schema = False
    guards = [guard(Action.NETWORK_READ)]

    @get("/")
    async def home(self, request: AnyRequest) -> Template:
        data = await overview.network_overview(current_principal(request))
        return render(request, "network/home.html", o=data)

    @get("/export.csv")
    async def export_csv(self, request: AnyRequest) -> Response[str]:
        text, _ = await network_csv(current_principal(request))
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": content_disposition("program-network.csv"), "Cache-Control": "no-store"},
        )


class ProgramsController(Controller):
    path = "/network/programs"
    include_in_schema = False
    guards = [guard(Action.NETWORK_READ)]

    async def _form(
        self, request: AnyRequest, *, program: dict[str, Any] | None = None, status_code: int = 200, **context: Any
    ) -> Template:
        return render(
            request, "network/program_form.html", status_code=status_code, program=program, **PROGRAM_CHOICES, **context
        )

    @get("/new", guards=[guard(Action.NETWORK_WRITE)])
    async def new_program_page(self, request: AnyRequest) -> Template:
        return await self._form(request, form={"private_pay_unit": "month"})

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.NETWORK_WRITE)])
    async def create(self, request: AnyRequest) -> Template | Redirect:
        data = await form_data(request)
        try:
            program_id = await programs.create_program(current_principal(request), _program_form_data(data))
        except Invalid as exc:
            return await self._form(request, status_code=400, form=data, errors=exc.field_errors)
        return redirect(program_path(program_id), flash="Program added. It starts unvetted.")

    @get("/picker")
    async def picker(self, request: AnyRequest) -> Template:
        """The placement form's program search (htmx): programs whose name contains `q`."""
        q = str(request.query_params.get("q") or "")[:100]
        rows = await programs.find_programs_by_name(current_principal(request), q)
        return render(request, "network/_picker_results.html", rows=rows, q=q)

    @get("/picker/choose")
    async def picker_choose(self, request: AnyRequest) -> Template:
        """The picker with one program chosen (htmx); the placement's program name is filled in with it."""
        try:
            program_id = int(request.query_params.get("program_id") or "")
        except ValueError:
            program_id = 0
        program = await programs.get_program(current_principal(request), program_id)
        return render(request, "network/_picker_chosen.html", program=program)

    @get("/picker/empty")
    async def picker_empty(self, request: AnyRequest) -> Template:
        """The picker with no program linked (htmx: "Unlink")."""
        return render(request, "network/_picker_chosen.html", program=None)

    @get("/{program_id:int}")
    async def program_page(self, request: AnyRequest, program_id: FromPath[int]) -> Template:
        context = await program_page_context(current_principal(request), program_id)
        return render(request, "network/program.html", **context)

    @get("/{program_id:int}/edit", guards=[guard(Action.NETWORK_WRITE)])
    async def edit_page(self, request: AnyRequest, program_id: FromPath[int]) -> Template:
        program = await programs.get_program(current_principal(request), program_id)
        return await self._form(request, program=program, form=programs.form_values(program))

    @post("/{program_id:int}/edit", status_code=HTTP_200_OK, guards=[guard(Action.NETWORK_WRITE)])
    async def edit(self, request: AnyRequest, program_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        try:
            changed = await programs.update_program(principal, program_id, _program_form_data(data))
        except Invalid as exc:
            program = await programs.get_program(principal, program_id)
            return await self._form(request, program=program, status_code=400, form=data, errors=exc.field_errors)
        return redirect(program_path(program_id), flash="Program updated." if changed else "Nothing changed.")

    @get("/{program_id:int}/profile.pdf")
    async def profile(self, request: AnyRequest, program_id: FromPath[int]) -> Response[bytes]:
        """The printable profile to give a family: program information only."""
        data, filename = await profile_pdf(current_principal(request), program_id)
        disposition = content_disposition(filename).replace("attachment;", "inline;", 1)
        return Response(
            data,
            media_type="application/pdf",
            headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
        )

    # ------------------------------------------------------------------ contacts

    @post("/{program_id:int}/contacts", status_code=HTTP_200_OK, guards=[guard(Action.NETWORK_WRITE)])
    async def add_contact(self, request: AnyRequest, program_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        try:
            await contacts.add_contact(principal, program_id, data)
        except Invalid as exc:
            program = await programs.get_program(principal, program_id)
            return render(
                request,
                "network/contact_form.html",
                status_code=400,
                program=program,
                contact=None,
                form=data,
                errors=exc.field_errors,
                **PROGRAM_CHOICES,
            )
        return redirect(program_path(program_id, "#contacts"), flash="Contact added.")

    @get("/{program_id:int}/contacts/{contact_id:int}/edit", guards=[guard(Action.NETWORK_WRITE)])
    async def contact_page(self, request: AnyRequest, program_id: FromPath[int], contact_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        contact = await contacts.get_contact(principal, program_id, contact_id)
        return render(
            request,
            "network/contact_form.html",
            program=await programs.get_program(principal, program_id),
            contact=contact,
            form=contact,
            **PROGRAM_CHOICES,
        )

    @post(
        "/{program_id:int}/contacts/{contact_id:int}/edit",
        status_code=HTTP_200_OK,
        guards=[guard(Action.NETWORK_WRITE)],
    )
    async def edit_contact(
        self, request: AnyRequest, program_id: FromPath[int], contact_id: FromPath[int]
    ) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        data = {name: data.get(name, "") for name in contacts.CONTACT_FIELDS}
        try:
            await contacts.update_contact(principal, program_id, contact_id, data)
        except Invalid as exc:
            return render(
                request,
                "network/contact_form.html",
                status_code=400,
                program=await programs.get_program(principal, program_id),
                contact=await contacts.get_contact(principal, program_id, contact_id),
                form=data,
                errors=exc.field_errors,
                **PROGRAM_CHOICES,
            )
        return redirect(program_path(program_id, "#contacts"), flash="Contact updated.")

    @post(
        "/{program_id:int}/contacts/{contact_id:int}/remove",
        status_code=HTTP_200_OK,
        guards=[guard(Action.NETWORK_WRITE)],
    )
    async def remove_contact(
        self, request: AnyRequest, program_id: FromPath[int], contact_id: FromPath[int]
    ) -> Redirect:
        await contacts.remove_contact(current_principal(request), program_id, contact_id)
        return redirect(program_path(program_id, "#contacts"), flash="Contact removed.")

    # ------------------------------------------------------------------ availability

    @post("/{program_id:int}/availability", status_code=HTTP_200_OK, guards=[guard(Action.NETWORK_WRITE)])
    async def record_availability(self, request: AnyRequest, program_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        data = await form_data(request)
        try:
            await contacts.record_availability(principal, program_id, data)
        except Invalid as exc:
            return render(
                request,
                "network/availability_form.html",
                status_code=400,
                program=await programs.get_program(principal, program_id),
                form=data,
                errors=exc.field_errors,
            )
        return redirect(program_path(program_id, "#availability"), flash="Availability recorded.")

    @get("/{program_id:int}/availability/new", guards=[guard(Action.NETWORK_WRITE)])
    async def availability_page(self, request: AnyRequest, program_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        return render(
            request,
            "network/availability_form.html",
            program=await programs.get_program(principal, program_id),
            form={"observed_on": (await programs.practice_today()).isoformat()},
        )

    # ------------------------------------------------------------------ files of the vetting history

    @get("/{program_id:int}/photos/{photo_id:int}")
    async def photo(self, request: AnyRequest, program_id: FromPath[int], photo_id: FromPath[int]) -> Response[bytes]:
        info = await history.photo_file(current_principal(request), program_id, photo_id)
        return Response(
            await files.read_bytes(info),
            media_type=info.content_type,
            headers={
                "Content-Disposition": content_disposition(info.original_name).replace("attachment;", "inline;", 1),
                "Cache-Control": "no-store",
            },
        )

    @get("/{program_id:int}/evidence/{check_id:int}")
    async def evidence(
        self, request: AnyRequest, program_id: FromPath[int], check_id: FromPath[int]
    ) -> Response[bytes]:
        info = await history.evidence_file(current_principal(request), program_id, check_id)
        return Response(
            await files.read_bytes(info),
            media_type=info.content_type,
            headers={"Content-Disposition": content_disposition(info.original_name), "Cache-Control": "no-store"},
        )
