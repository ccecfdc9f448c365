"""The payer's billing pages on the family side (phone first): their invoices across the loved ones they pay for,
hours this month and the next payment due; one invoice with its lines and payments and a way to pay it (Stripe's
hosted page, or the practice's offline instructions); the invoice PDF, a receipt per payment and a statement.

portal.billing.family decides who sees what; anyone who is not the invoice's payer with access gets 404.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portal.billing import family, invoicing, pdf
from portal.billing.controllers.common import pdf_response
from portal.billing.profile import get_profile
from portal.core.services import get_practice
from portal.families.controllers.messages import client_param, int_or_none
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, render

PER_PAGE = 24


class FamilyBillingController(Controller):
    path = "/family/billing"
    include_in_schema = False
    guards = [guard(Action.FAMILY_PORTAL)]

    @get("/")
    async def billing_page(self, request: Request[Any, Any, Any]) -> Template:
        client_id = client_param(request)
        paging = page_request(int_or_none(request.query_params.get("page")), None, default_per_page=PER_PAGE)
        board = await family.family_billing(
            current_principal(request), client_id=client_id, page=paging.page, per_page=paging.per_page
        )
        return render(
            request,
            "billing/family_billing.html",
            board=board,
            links=board.links,
            current_client_id=client_id,
            switch_base="/family/billing",
            switch_all="Everyone",
            time_zone=(await get_practice()).time_zone,
            pagination=Pagination(
                paging.page, paging.per_page, board.total, "/family/billing", {"client": client_id or ""}
            ),
        )

    @get("/invoices/{invoice_id:int}")
    async def invoice_page(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Template:
        shown = await family.family_invoice(current_principal(request), invoice_id, audit_action="family.invoice.view")
        practice = await get_profile()
        return render(
            request,
            "billing/family_invoice.html",
            f=shown,
            d=shown.detail,
            invoice=shown.invoice,
            practice=practice,
            time_zone=practice.time_zone,
            payment_methods=invoicing.PAYMENT_METHODS,
        )

    @get("/invoices/{invoice_id:int}/pay")
    async def pay(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Redirect:
        """Off to Stripe's hosted page for this invoice; without one (offline), to the practice's instructions."""
        shown = await family.family_invoice(current_principal(request), invoice_id, audit_action="family.invoice.pay")
        if shown.pays_online:
            return Redirect(path=str(shown.invoice["stripe_hosted_url"]), status_code=303)
        return Redirect(path=f"/family/billing/invoices/{invoice_id}#how-to-pay", status_code=303)

    @get("/invoices/{invoice_id:int}/pdf")
    async def invoice_pdf(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Response[bytes]:
        shown = await family.family_invoice(current_principal(request), invoice_id, audit_action="family.invoice.pdf")
        return pdf_response(await pdf.render_invoice(shown.detail), f"invoice-{shown.invoice['number']}.pdf")

    @get("/invoices/{invoice_id:int}/payments/{payment_id:int}/receipt")
    async def receipt_pdf(
        self, request: Request[Any, Any, Any], invoice_id: FromPath[int], payment_id: FromPath[int]
    ) -> Response[bytes]:
        payment, shown = await family.family_receipt(current_principal(request), invoice_id, payment_id)
        data = await pdf.render_receipt(payment, shown.detail)
        return pdf_response(data, f"receipt-{shown.invoice['number']}-{payment_id}.pdf")

    @get("/statements/{client_id:int}")
    async def statement_pdf(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Response[bytes]:
        statement = await family.family_statement(current_principal(request), client_id)
        return pdf_response(await pdf.render_statement(statement), f"statement-{statement.as_of.isoformat()}.pdf")
