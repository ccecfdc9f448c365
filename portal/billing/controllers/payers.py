"""Statements per payer: invoices, payments, credits and refunds, and the balance (a page and a PDF)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from portal.billing import invoicing, ledger, pdf
from portal.billing.controllers.common import pdf_response
from portal.policy import Action, guard
from portal.web import current_principal, render


class PayerStatementsController(Controller):
    path = "/billing/payers"
    include_in_schema = False
    guards = [guard(Action.BILLING_READ)]

    @get("/")
    async def payers_page(self, request: Request[Any, Any, Any]) -> Template:
        return render(
            request, "billing/payers.html", tab="payers", payers=await ledger.payers(current_principal(request))
        )

    @get("/{key:str}/statement")
    async def statement_page(self, request: Request[Any, Any, Any], key: FromPath[str]) -> Template:
        statement = await ledger.statement_for(current_principal(request), key)
        return render(
            request, "billing/statement.html", tab="payers", s=statement, payment_methods=invoicing.PAYMENT_METHODS
        )

    @get("/{key:str}/statement.pdf")
    async def statement_pdf(self, request: Request[Any, Any, Any], key: FromPath[str]) -> Response[bytes]:
        statement = await ledger.statement_for(current_principal(request), key, audit_action="payer.statement.pdf")
        data = await pdf.render_statement(statement)
        return pdf_response(data, f"statement-{statement.as_of.isoformat()}.pdf")
