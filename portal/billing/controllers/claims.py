"""The claim tracker's pages for billing staff: a client's superbills by year (paid, estimated, reimbursed), one
superbill's claims with their history and attachments, and forms to record and update claims and add EOBs.

The family side (portal.billing.controllers.family_superbills) shows the same tracker; the services in
portal.billing.claims decide who may act on which superbill.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from portal.billing import claims, family_superbills
from portal.billing.claim_overview import claim_overview
from portal.billing.claim_schemas import (
    ClaimAttachmentOut,
    ClaimCreate,
    ClaimList,
    ClaimOut,
    ClaimStatusChangeOut,
    ClaimUpdate,
    given,
)
from portal.billing.controllers.common import pdf_response, query_int
from portal.core.services import get_practice
from portal.errors import Invalid
from portal.families.controllers.messages import UPLOAD_REQUEST_LIMIT, download
from portal.forms import form_data, uploaded_file
from portal.policy import Action, guard
from portal.web import current_principal, redirect, reject_unknown_query, render


class TrackerPages:
    """What the staff and family tracker pages share; `base` is where its URLs start, `template` its page."""

    base = ""
    template = ""

    async def tracker_page(
        self, request: Request[Any, Any, Any], superbill_id: int, *, status_code: int = 200, **context: Any
    ) -> Template:
        item = await family_superbills.superbill_item(current_principal(request), superbill_id)
        context.setdefault("errors", {})
        context.setdefault("form", {})
        return render(
            request,
            self.template,
            status_code=status_code,
            tab="claims",
            item=item,
            base=self.base,
            statuses=list(claims.STATUSES.items()),
            time_zone=(await get_practice()).time_zone,
            **context,
        )

    async def record(self, request: Request[Any, Any, Any], superbill_id: int) -> Template | Redirect:
        data = await form_data(request)
        try:
            await claims.record_claim(current_principal(request), superbill_id, data)
        except Invalid as exc:
            return await self.tracker_page(
                request, superbill_id, status_code=400, errors=exc.field_errors or {"status": exc.message}, form=data
            )
        return redirect(f"{self.base}/superbills/{superbill_id}#claims", flash="Claim recorded.")

    async def update(self, request: Request[Any, Any, Any], claim_id: int) -> Template | Redirect:
        data = await form_data(request)
        principal = current_principal(request)
        claim = await claims.claim_row(claim_id)
        try:
            await claims.update_claim(principal, claim_id, data)
        except Invalid as exc:
            return await self.tracker_page(
                request,
                claim["superbill"],
                status_code=400,
                claim_errors={claim_id: exc.field_errors or {"status": exc.message}},
            )
        return redirect(f"{self.base}/superbills/{claim['superbill']}#claim-{claim_id}", flash="Claim updated.")

    async def attach(self, request: Request[Any, Any, Any], claim_id: int) -> Template | Redirect:
        data = await form_data(request)
        upload = await uploaded_file(request, "file")
        claim = await claims.claim_row(claim_id)
        try:
            await claims.add_attachment(current_principal(request), claim_id, str(data.get("description", "")), upload)
        except Invalid as exc:
            return await self.tracker_page(
                request,
                claim["superbill"],
                status_code=400,
                claim_errors={claim_id: exc.field_errors or {"file": exc.message}},
            )
        return redirect(f"{self.base}/superbills/{claim['superbill']}#claim-{claim_id}", flash="Attachment added.")


class ClaimsController(Controller, TrackerPages):
    path = "/billing/claims"
    include_in_schema = False
    guards = [guard(Action.SUPERBILLS_READ)]
    base = "/billing/claims"
    template = "billing/claims/staff_superbill.html"

    @get("/")
    async def overview(self, request: Request[Any, Any, Any]) -> Template:
        overview = await claim_overview(current_principal(request))
        return render(request, "billing/claims/staff_index.html", tab="claims", overview=overview)

    @get("/clients/{client_id:int}")
    async def client_superbills(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        board = await family_superbills.staff_superbills(
            current_principal(request), client_id, query_int(request, "year")
        )
        return render(request, "billing/claims/staff_client.html", tab="claims", board=board, client_id=client_id)

    @get("/superbills/{superbill_id:int}")
    async def superbill_page(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> Template:
        return await self.tracker_page(request, superbill_id)

    @get("/superbills/{superbill_id:int}/pdf")
    async def superbill_pdf(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> Response[bytes]:
        data, name = await family_superbills.superbill_pdf(current_principal(request), superbill_id)
        return pdf_response(data, name)

    @post("/superbills/{superbill_id:int}/claims", status_code=HTTP_200_OK, guards=[guard(Action.SUPERBILLS_WRITE)])
    async def record_claim(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> Template | Redirect:
        return await self.record(request, superbill_id)

    @post("/{claim_id:int}", status_code=HTTP_200_OK, guards=[guard(Action.SUPERBILLS_WRITE)])
    async def update_claim(self, request: Request[Any, Any, Any], claim_id: FromPath[int]) -> Template | Redirect:
        return await self.update(request, claim_id)

    @post(
        "/{claim_id:int}/attachments",
        status_code=HTTP_200_OK,
        request_max_body_size=UPLOAD_REQUEST_LIMIT,
        guards=[guard(Action.SUPERBILLS_WRITE)],
    )
    async def add_attachment(self, request: Request[Any, Any, Any], claim_id: FromPath[int]) -> Template | Redirect:
        return await self.attach(request, claim_id)

    @get("/{claim_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self, request: Request[Any, Any, Any], claim_id: FromPath[int], attachment_id: FromPath[int]
    ) -> Response[bytes]:
        return await download(await claims.attachment_file(current_principal(request), claim_id, attachment_id))


# --------------------------------------------------------------------------- the JSON API


def claim_out(view: claims.ClaimView) -> ClaimOut:
    c = view.claim
    return ClaimOut(
        id=c["id"],
        superbill_id=c["superbill"],
        client_id=c["client"],
        status=c["status"],
        status_label=view.status_label,
        submitted_on=c["submitted_on"],
        claim_number=c["claim_number"],
        allowed_cents=c["allowed_cents"],
        reimbursed_cents=c["reimbursed_cents"],
        filing_deadline=c["filing_deadline"],
        reminder_sent_at=c["reminder_sent_at"],
        notes=c["notes"],
        history=[ClaimStatusChangeOut(h["status"], h["note"], h["changed_at"]) for h in view.history],
        attachments=[ClaimAttachmentOut(a["id"], a["description"], a["file_name"]) for a in view.attachments],
        created_at=c["created_at"],
        updated_at=c["updated_at"],
    )


async def _claim_view(claim_id: int) -> ClaimOut:
    claim = await claims.claim_row(claim_id)
    views = (await claims.claims_for([claim["superbill"]]))[claim["superbill"]]
    return claim_out(next(view for view in views if view.claim["id"] == claim_id))


class ClaimsApiController(Controller):
    path = "/api/v1"
    tags = ["billing"]
    guards = [guard(Action.SUPERBILLS_READ)]

    @get("/claims")
    async def list_claims(self, request: Request[Any, Any, Any], superbill: FromQuery[int]) -> ClaimList:
        """The claims filed with one superbill (`superbill`: its id), newest first, each with its history."""
        reject_unknown_query(request, {"superbill"})
        _, _, views = await claims.superbill_claims(current_principal(request), superbill)
        return ClaimList(items=[claim_out(view) for view in views], total=len(views))

    @post(
        "/superbills/{superbill_id:int}/claims", status_code=HTTP_201_CREATED, guards=[guard(Action.SUPERBILLS_WRITE)]
    )
    async def create_claim(
        self, request: Request[Any, Any, Any], superbill_id: FromPath[int], data: JSONBody[ClaimCreate]
    ) -> ClaimOut:
        """Record a claim filed with an issued superbill. Amounts in cents; its filing deadline is computed."""
        claim_id = await claims.record_claim(current_principal(request), superbill_id, given(data))
        return await _claim_view(claim_id)

    @patch("/claims/{claim_id:int}", guards=[guard(Action.SUPERBILLS_WRITE)])
    async def update_claim(
        self, request: Request[Any, Any, Any], claim_id: FromPath[int], data: JSONBody[ClaimUpdate]
    ) -> ClaimOut:
        """Change a claim's status (kept in its history, with `note`), number, dates or amounts."""
        await claims.update_claim(current_principal(request), claim_id, given(data))
        return await _claim_view(claim_id)
