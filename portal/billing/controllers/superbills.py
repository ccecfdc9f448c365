"""Staff pages of superbills (billing staff and the owner): the superbill provider fields, rendering clinicians
(with a signature upload), the service catalogue, and per client a month picker, the preview with every problem
named, the Issue button and the issued superbills with their PDF and JSON."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from portal.billing import catalogue, clinicians, superbills
from portal.billing.controllers.common import pdf_response
from portal.billing.money import Period
from portal.billing.schemas import Id
from portal.billing.units import UNIT_RULES
from portal.cases.tables import Client
from portal.cases.vocabulary import ACTIVITIES
from portal.clock import local_today
from portal.core.services import get_practice
from portal.errors import Invalid, NotFound
from portal.forms import form_data, uploaded_file
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, redirect, reject_unknown_query, render

BASE = "/billing/superbills"


async def default_period() -> str:
    practice = await get_practice()
    return str(Period.of(local_today(practice.time_zone)).previous())


def _period_or_none(text: str | None) -> str | None:
    try:
        return str(Period.parse(text or ""))
    except ValueError:
        return None


def _whole(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SuperbillsController(Controller):
    path = BASE
    include_in_schema = False
    guards = [guard(Action.SUPERBILLS_READ)]

    # ----------------------------------------------------------------------- overview: clients with retainers

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        reject_unknown_query(request, set())
        paging = page_request(_whole(request.query_params.get("page")), _whole(request.query_params.get("per_page")))
        rows, total = await superbills.superbill_clients(
            current_principal(request), page=paging.page, per_page=paging.per_page
        )
        return render(
            request,
            "billing/superbills/index.html",
            tab="superbills",
            clients=rows,
            pagination=Pagination(paging.page, paging.per_page, total, BASE, {}),
        )

    # ----------------------------------------------------------------------- one client's superbills

    async def _client_page(
        self, request: Request[Any, Any, Any], client_id: int, period: str, *, status_code: int = 200, **extra: Any
    ) -> Template:
        principal = current_principal(request)
        preview = await superbills.preview_superbill(principal, client_id, period)
        issued = await superbills.list_superbills(principal, client_id)
        name = await Client.select(Client.legal_name).where(Client.id == client_id).first()
        return render(
            request,
            "billing/superbills/client.html",
            status_code=status_code,
            tab="superbills",
            client_id=client_id,
            client_name=name["legal_name"] if name else "",
            period=preview.period,
            p=preview,
            issued=issued,
            **extra,
        )

    @get("/clients/{client_id:int}")
    async def client_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        requested = request.query_params.get("period")
        period = _period_or_none(requested) if requested else await default_period()
        if period is None:
            raise Invalid(period="Choose a month, like 2026-11.")
        return await self._client_page(request, client_id, period)

    @post("/clients/{client_id:int}/issue", status_code=HTTP_200_OK, guards=[guard(Action.SUPERBILLS_WRITE)])
    async def issue(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        period = _period_or_none(str(data.get("period") or ""))
        if period is None:
            raise Invalid(period="Choose a month, like 2026-11.")
        try:
            superbill_id = await superbills.issue_superbill(current_principal(request), client_id, period)
        except superbills.SuperbillRefused as refused:
            return await self._client_page(request, client_id, period, status_code=422, refused=refused.problems)
        number = await superbills.statement_number(superbill_id)
        return redirect(
            f"{BASE}/clients/{client_id}?period={period}", flash=f"Superbill No. {number} issued for {period}."
        )

    @get("/{superbill_id:int}/pdf")
    async def pdf(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> Response[bytes]:
        data = await superbills.superbill_pdf_bytes(current_principal(request), superbill_id)
        number = await superbills.statement_number(superbill_id)
        return pdf_response(data, f"superbill-{number}.pdf")

    @get("/{superbill_id:int}/json")
    async def json(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> Response[dict[str, Any]]:
        document = await superbills.superbill_json(current_principal(request), superbill_id)
        return Response(document, headers={"Cache-Control": "no-store"})

    # ----------------------------------------------------------------------- the billing provider

    @get("/provider", guards=[guard(Action.SUPERBILLS_WRITE)])
    async def provider_page(self, request: Request[Any, Any, Any]) -> Template:
        row = await clinicians.superbill_profile()
        form = {name: row.get(name, "") for name in ("legal_name", "tax_id_type", "tax_id", "npi", "taxonomy_code")}
        return render(request, "billing/superbills/provider.html", tab="superbills", form=form)

    @post("/provider", status_code=HTTP_200_OK, guards=[guard(Action.SUPERBILLS_WRITE)])
    async def save_provider(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await clinicians.save_superbill_profile(current_principal(request), data)
        except Invalid as exc:
            return render(
                request,
                "billing/superbills/provider.html",
                status_code=400,
                tab="superbills",
                form=data,
                errors=exc.field_errors,
            )
        return redirect(f"{BASE}/provider", flash="Superbill provider details saved.")

    # ----------------------------------------------------------------------- rendering clinicians

    @get("/clinicians", guards=[guard(Action.SUPERBILLS_WRITE)])
    async def clinicians_page(self, request: Request[Any, Any, Any]) -> Template:
        return render(
            request, "billing/superbills/clinicians.html", tab="superbills", people=await clinicians.clinicians()
        )

    async def _clinician_form(
        self, request: Request[Any, Any, Any], user_id: int, *, status_code: int = 200, **extra: Any
    ) -> Template:
        person = await clinicians.clinician(user_id)
        profile = person["profile"] or {}
        form = extra.pop("form", None) or {
            "display_name": profile.get("display_name") or person["name"],
            **{
                k: profile.get(k, "")
                for k in ("credentials", "npi", "license_number", "license_state", "taxonomy_code")
            },
        }
        return render(
            request,
            "billing/superbills/clinician.html",
            status_code=status_code,
            tab="superbills",
            person=person,
            form=form,
            has_signature=bool(profile.get("signature")),
            **extra,
        )

    @get("/clinicians/{user_id:int}", guards=[guard(Action.SUPERBILLS_WRITE)])
    async def clinician_page(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> Template:
        return await self._clinician_form(request, user_id)

    @post("/clinicians/{user_id:int}", status_code=HTTP_200_OK, guards=[guard(Action.SUPERBILLS_WRITE)])
    async def save_clinician(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        upload = await uploaded_file(request, "signature")
        try:
            await clinicians.save_clinician(
                current_principal(request),
                user_id,
                data,
                signature=upload[0] if upload else None,
                signature_name=upload[1] if upload else "signature.png",
            )
        except Invalid as exc:
            return await self._clinician_form(request, user_id, status_code=400, form=data, errors=exc.field_errors)
        return redirect(f"{BASE}/clinicians", flash="Clinician profile saved.")

    # ----------------------------------------------------------------------- the service catalogue

    @get("/catalogue")
    async def catalogue_page(self, request: Request[Any, Any, Any]) -> Template:
        return render(
            request,
            "billing/superbills/catalogue.html",
            tab="superbills",
            codes=await catalogue.catalogue(),
            unit_rules=UNIT_RULES,
            places=catalogue.PLACES_OF_SERVICE,
        )

    async def _code_form(
        self, request: Request[Any, Any, Any], activity: str, *, status_code: int = 200, **extra: Any
    ) -> Template:
        if activity not in ACTIVITIES:
            raise NotFound("No such activity.")
        rows = {row["activity"]: row for row in await catalogue.catalogue()}
        row = rows.get(activity)
        if row is None:
            raise NotFound("No such activity.")
        form = extra.pop("form", None) or {
            **row,
            "charge": f"{row['charge_cents'] // 100}.{row['charge_cents'] % 100:02d}",
        }
        return render(
            request,
            "billing/superbills/service_code.html",
            status_code=status_code,
            tab="superbills",
            activity=activity,
            activity_label=ACTIVITIES[activity],
            form=form,
            unit_rules=UNIT_RULES,
            places=catalogue.PLACES_OF_SERVICE,
            **extra,
        )

    @get("/catalogue/{activity:str}", guards=[guard(Action.SUPERBILLS_WRITE)])
    async def code_page(self, request: Request[Any, Any, Any], activity: FromPath[str]) -> Template:
        return await self._code_form(request, activity)

    @post("/catalogue/{activity:str}", status_code=HTTP_200_OK, guards=[guard(Action.SUPERBILLS_WRITE)])
    async def save_code(self, request: Request[Any, Any, Any], activity: FromPath[str]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await catalogue.save_service_code(current_principal(request), activity, data)
        except Invalid as exc:
            return await self._code_form(request, activity, status_code=400, form=data, errors=exc.field_errors)
        return redirect(f"{BASE}/catalogue", flash="Service code saved.")


class SuperbillCreate(msgspec.Struct, forbid_unknown_fields=True):
    client_id: Id
    period: Annotated[str, msgspec.Meta(max_length=20, description='A month, like "2026-11".')]


class SuperbillsApiController(Controller):
    """The superbill JSON API (billing staff and the owner)."""

    path = "/api/v1/superbills"
    tags = ["superbills"]
    guards = [guard(Action.SUPERBILLS_READ)]

    @get("/")
    async def list_superbills(
        self, request: Request[Any, Any, Any], client: FromQuery[int | None] = None
    ) -> dict[str, Any]:
        """A client's superbills, newest month first: `?client=ID` (required)."""
        reject_unknown_query(request, {"client"})
        if client is None:
            raise Invalid(client="Give the client's id: /api/v1/superbills?client=ID.")
        rows = await superbills.list_superbills(current_principal(request), client)
        return {"items": [_summary(row) for row in rows]}

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.SUPERBILLS_WRITE)])
    async def issue_superbill(self, request: Request[Any, Any, Any], data: JSONBody[SuperbillCreate]) -> dict[str, Any]:
        """Issue the superbill of a client and month; 422 names every problem, 409 when it was already issued."""
        period = _period_or_none(data.period)
        if period is None:
            raise Invalid(period="A period looks like 2026-11.")
        principal = current_principal(request)
        superbill_id = await superbills.issue_superbill(principal, data.client_id, period)
        return await superbills.superbill_json(principal, superbill_id)

    @get("/{superbill_id:int}")
    async def get_superbill(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> dict[str, Any]:
        """One superbill as JSON: every printed field, frozen when it was issued."""
        return await superbills.superbill_json(current_principal(request), superbill_id)

    @get("/{superbill_id:int}/pdf", media_type="application/pdf")
    async def get_pdf(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> Response[bytes]:
        """The superbill's PDF."""
        data = await superbills.superbill_pdf_bytes(current_principal(request), superbill_id)
        return pdf_response(data, f"superbill-{await superbills.statement_number(superbill_id)}.pdf")


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "client_id": row["client"],
        "period": row["period"],
        "statement_number": row["statement_number"],
        "status": row["status"],
        "issued_on": row["issued_on"].isoformat(),
        "total_charge_cents": row["total_charge_cents"],
        "total_paid_cents": row["total_paid_cents"],
    }
