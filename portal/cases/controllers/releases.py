"""Care team, releases of information (consents) and the accounting of disclosures."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases import care_team, clients, consents
from portal.cases.controllers.common import client_header
from portal.cases.vocabulary import (
    CONSENT_CATEGORIES,
    CONSENT_PURPOSES,
    PARTY_TYPES,
    RECIPIENT_TYPES,
    SIGNER_CAPACITIES,
)
from portal.clock import local_today
from portal.csv_export import safe_cell
from portal.errors import Invalid, NotFound
from portal.files import services as files
from portal.forms import form_data, uploaded_file
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, redirect, render


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CareTeamController(Controller):
    path = "/clients/{client_id:int}/care-team"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    async def _page(
        self, request: Request[Any, Any, Any], client_id: int, *, status_code: int = 200, **context: Any
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "care-team")
        return render(
            request,
            "cases/care_team.html",
            status_code=status_code,
            header=header,
            members=await care_team.list_members(principal, client_id, include_ended=True),
            directory_choices=[
                (
                    p["id"],
                    f"{p['name']} — {PARTY_TYPES.get(p['party_type'], '')}"
                    + (f", {p['organisation']}" if p["organisation"] else ""),
                )
                for p in await care_team.search_parties(principal, limit=500)
            ],
            party_type_choices=list(PARTY_TYPES.items()),
            **context,
        )

    @get("/")
    async def care_team_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        return await self._page(request, client_id)

    @post("/", status_code=HTTP_200_OK)
    async def add(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        if not data.get("party_id"):
            data.pop("party_id", None)
        try:
            await care_team.add_member(current_principal(request), client_id, data)
        except Invalid as exc:
            return await self._page(
                request, client_id, status_code=400, form=data, errors=exc.field_errors, open_form=True
            )
        return redirect(f"/clients/{client_id}/care-team", flash="Added to the care team.")

    @post("/{member_id:int}/end", status_code=HTTP_200_OK)
    async def end(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], member_id: FromPath[int]
    ) -> Redirect:
        await care_team.end_member(current_principal(request), client_id, member_id)
        return redirect(f"/clients/{client_id}/care-team", flash="Removed from the current care team.")


class ConsentsController(Controller):
    path = "/clients/{client_id:int}/consents"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def consents_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "consents")
        return render(
            request,
            "cases/consents.html",
            header=header,
            consents=await consents.list_consents(principal, client_id),
            categories=CONSENT_CATEGORIES,
            purposes=CONSENT_PURPOSES,
            capacities=SIGNER_CAPACITIES,
        )

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        client_id: int,
        *,
        status_code: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "consents")
        today = local_today(header.time_zone).isoformat()
        members = await care_team.members(client_id)
        return render(
            request,
            "cases/consent_form.html",
            status_code=status_code,
            header=header,
            form=form
            or {
                "effective_on": today,
                "signed_on": today,
                "signer_capacity": "self",
                "recipient_type": request.query_params.get("recipient_type", "party"),
                "recipient_party": request.query_params.get("party", ""),
            },
            errors=errors or {},
            party_choices=[(m["party.id"], f"{m['party.name']} ({m['party_type_label']})") for m in members],
            relative_choices=[(r["id"], r["name"]) for r in await clients.relatives(client_id)],
            recipient_type_choices=list(RECIPIENT_TYPES.items()),
            categories=CONSENT_CATEGORIES,
            purposes=CONSENT_PURPOSES,
            capacity_choices=list(SIGNER_CAPACITIES.items()),
            return_to=request.query_params.get("return_to", ""),
        )

    @get("/new", guards=[guard(Action.CLIENTS_WRITE)])
    async def new_consent_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        return await self._form_page(request, client_id)

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def create(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        evidence = await uploaded_file(request, "evidence_file")
        try:
            await consents.record_consent(current_principal(request), client_id, data, evidence=evidence)
        except Invalid as exc:
            errors = exc.field_errors or {"evidence": exc.message}
            if "file" in errors:
                errors["evidence"] = errors.pop("file")
            return await self._form_page(request, client_id, status_code=400, form=data, errors=errors)
        return_to = str(data.get("return_to") or "")
        if return_to.startswith(f"/clients/{client_id}/"):
            return redirect(return_to, flash="Release recorded.")
        return redirect(f"/clients/{client_id}/consents", flash="Release recorded.")

    @post("/{consent_id:int}/revoke", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def revoke(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], consent_id: FromPath[int]
    ) -> Redirect:
        data = await form_data(request)
        await consents.revoke_consent(current_principal(request), client_id, consent_id, str(data.get("note", "")))
        return redirect(f"/clients/{client_id}/consents", flash="Release revoked. It no longer allows any sharing.")

    @get("/{consent_id:int}/evidence")
    async def evidence(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], consent_id: FromPath[int]
    ) -> Response[bytes]:
        principal = current_principal(request)
        rows = await consents.list_consents(principal, client_id)
        row = next((r for r in rows if r["id"] == consent_id), None)
        if row is None or row["evidence_file"] is None:
            raise NotFound("No signed release on file.")
        info = await files.get_info(row["evidence_file"])
        data = await files.read_bytes(info)
        from portal.audit import services as audit

        await audit.record(
            principal,
            "consent.evidence.download",
            resource_type="consent",
            resource_id=consent_id,
            client_id=client_id,
        )
        return Response(
            data,
            media_type=info.content_type,
            headers={"Content-Disposition": f'attachment; filename="release-{consent_id}.pdf"'},
        )


class DisclosuresController(Controller):
    path = "/clients/{client_id:int}/disclosures"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def disclosures_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "disclosures")
        paging = page_request(
            _int(request.query_params.get("page")),
            _int(request.query_params.get("per_page")),
            default_per_page=50,
        )
        rows, total = await consents.list_disclosures(principal, client_id, page=paging.page, per_page=paging.per_page)
        return render(
            request,
            "cases/disclosures.html",
            header=header,
            rows=rows,
            categories=CONSENT_CATEGORIES,
            purposes=CONSENT_PURPOSES,
            pagination=Pagination(paging.page, paging.per_page, total, f"/clients/{client_id}/disclosures", {}),
        )

    @get("/export.csv")
    async def disclosures_csv(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Response[str]:
        principal = current_principal(request)
        rows, _ = await consents.list_disclosures(principal, client_id, page=1, per_page=100_000)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "disclosed_at",
                "recipient",
                "recipient_type",
                "categories",
                "purpose",
                "basis",
                "consent_id",
                "includes_part2",
                "disclosed_by",
                "what",
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    safe_cell(v)
                    for v in [
                        row["disclosed_at"].isoformat(),
                        row["recipient_label"],
                        row["recipient_type"],
                        "; ".join(CONSENT_CATEGORIES.get(c, c) for c in row["categories"]),
                        CONSENT_PURPOSES.get(row["purpose"], row["purpose"]),
                        row["basis"],
                        row["consent"] or "",
                        "yes" if row["includes_part2"] else "no",
                        row["by_name"] or "",
                        f"{row['resource_type']} {row['resource_id']}".strip(),
                    ]
                ]
            )
        return Response(
            buffer.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="disclosures-client-{client_id}.csv"'},
        )
