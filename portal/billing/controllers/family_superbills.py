"""A family's superbills (phone first): each month's superbill to download, its reimbursement estimate and
filing deadline, the claims filed with it (record, update, add an EOB), and a yearly summary with a chart.

Only a relative whose grant includes billing sees any of it (portal.billing.claims decides); anyone else 404s.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.billing import claims, family_superbills
from portal.billing.controllers.claims import TrackerPages
from portal.billing.controllers.common import pdf_response, query_int
from portal.families.controllers.messages import UPLOAD_REQUEST_LIMIT, client_param, download
from portal.policy import Action, guard
from portal.web import current_principal, render


class FamilySuperbillsController(Controller, TrackerPages):
    path = "/family/billing"
    include_in_schema = False
    guards = [guard(Action.FAMILY_PORTAL)]
    base = "/family/billing"
    template = "billing/claims/family_superbill.html"

    @get("/superbills")
    async def superbills_page(self, request: Request[Any, Any, Any]) -> Template:
        client_id = client_param(request)
        board = await family_superbills.family_superbills(
            current_principal(request), client_id=client_id, year=query_int(request, "year")
        )
        return render(
            request,
            "billing/claims/family_superbills.html",
            board=board,
            links=board.links,
            current_client_id=client_id,
            switch_base="/family/billing/superbills",
            switch_all="Everyone",
        )

    @get("/superbills/{superbill_id:int}")
    async def superbill_page(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> Template:
        return await self.tracker_page(request, superbill_id)

    @get("/superbills/{superbill_id:int}/pdf")
    async def superbill_pdf(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> Response[bytes]:
        data, name = await family_superbills.superbill_pdf(current_principal(request), superbill_id)
        return pdf_response(data, name)

    @post("/superbills/{superbill_id:int}/claims", status_code=HTTP_200_OK)
    async def record_claim(self, request: Request[Any, Any, Any], superbill_id: FromPath[int]) -> Template | Redirect:
        return await self.record(request, superbill_id)

    @post("/claims/{claim_id:int}", status_code=HTTP_200_OK)
    async def update_claim(self, request: Request[Any, Any, Any], claim_id: FromPath[int]) -> Template | Redirect:
        return await self.update(request, claim_id)

    @post("/claims/{claim_id:int}/attachments", status_code=HTTP_200_OK, request_max_body_size=UPLOAD_REQUEST_LIMIT)
    async def add_attachment(self, request: Request[Any, Any, Any], claim_id: FromPath[int]) -> Template | Redirect:
        return await self.attach(request, claim_id)

    @get("/claims/{claim_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self, request: Request[Any, Any, Any], claim_id: FromPath[int], attachment_id: FromPath[int]
    ) -> Response[bytes]:
        return await download(await claims.attachment_file(current_principal(request), claim_id, attachment_id))
