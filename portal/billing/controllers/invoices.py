"""Invoices: the filtered list, one invoice with its lines, payments, credits and refunds, and what staff do to
it: record an offline payment, add a credit note, void, write off (the owner's call), e-mail the payer the link
again, download the PDF and payment receipts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.billing import invoice_mail, invoicing, ledger, pdf
from portal.billing.controllers.common import dollars_field, pdf_response, query_int
from portal.billing.reports import practice_today
from portal.errors import Conflict, Invalid, NotFound
from portal.forms import form_data
from portal.policy import Action, can, guard
from portal.templating import money
from portal.web import Pagination, current_principal, page_request, redirect, render

OFFLINE_METHOD_CHOICES = [(key, invoicing.PAYMENT_METHODS[key]) for key in ("check", "wire", "ach", "cash")]


async def invoice_page(
    request: Request[Any, Any, Any], invoice_id: int, *, status_code: int = 200, **context: Any
) -> Template:
    principal = current_principal(request)
    detail = await ledger.invoice_detail(
        principal, invoice_id, audit_action="" if status_code != 200 else "invoice.view"
    )
    return render(
        request,
        "billing/invoice.html",
        status_code=status_code,
        tab="invoices",
        d=detail,
        invoice=detail.invoice,
        method_choices=OFFLINE_METHOD_CHOICES,
        payment_methods=invoicing.PAYMENT_METHODS,
        may_write_off=can(principal, Action.BILLING_DECIDE),
        today=(await practice_today()).isoformat(),
        refund_choices=[
            (
                p["id"],
                f"{p['received_on']:%b %-d, %Y} · {invoicing.PAYMENT_METHODS.get(p['method'], p['method'])} · "
                f"{money(int(p['amount_cents']) - int(p['refunded_cents']))} refundable",
            )
            for p in detail.payments
            if int(p["amount_cents"]) > int(p["refunded_cents"])
        ],
        **context,
    )


class InvoicesController(Controller):
    path = "/billing/invoices"
    include_in_schema = False
    guards = [guard(Action.BILLING_READ)]

    @get("/")
    async def invoices_page(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        paging = page_request(query_int(request, "page"), query_int(request, "per_page"))
        params = dict(request.query_params)
        errors: dict[str, str] = {}
        status_code = 200
        try:
            filters = ledger.check_filters(params)
            rows, total = await ledger.list_invoices(principal, filters, page=paging.page, per_page=paging.per_page)
        except Invalid as exc:
            errors, rows, total, status_code = exc.field_errors, [], 0, 400
            filters = ledger.InvoiceFilters()
        shown = {
            "period": params.get("period", ""),
            "status": params.get("status", ""),
            "client": params.get("client", ""),
        }
        return render(
            request,
            "billing/invoices.html",
            status_code=status_code,
            tab="invoices",
            rows=rows,
            form=shown,
            errors=errors,
            status_choices=list(ledger.STATUS_FILTERS.items()),
            client_choices=await ledger.client_choices(),
            pagination=Pagination(paging.page, paging.per_page, total, "/billing/invoices", filters.as_params()),
        )

    @get("/{invoice_id:int}")
    async def invoice(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Template:
        return await invoice_page(request, invoice_id)

    @post("/{invoice_id:int}/payments", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def record_payment(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        ledger.check_id(invoice_id, "invoice")
        data = await form_data(request)
        cents, message = dollars_field(data, "amount", "Amount")
        try:
            if message:
                raise Invalid(amount=message)
            await invoicing.record_offline_payment(
                principal,
                invoice_id,
                {
                    "amount_cents": cents,
                    "method": data.get("method"),
                    "reference": data.get("reference"),
                    "received_on": data.get("received_on"),
                },
            )
        except Invalid as exc:
            errors = dict(exc.field_errors)
            if "amount_cents" in errors:
                errors["amount"] = errors.pop("amount_cents")
            return await invoice_page(request, invoice_id, status_code=400, payment_form=data, errors=errors)
        except Conflict as exc:
            return redirect(f"/billing/invoices/{invoice_id}", flash=exc.message, kind="error")
        return redirect(f"/billing/invoices/{invoice_id}", flash="Payment recorded.")

    @post("/{invoice_id:int}/credit-notes", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def credit(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        ledger.check_id(invoice_id, "invoice")
        data = await form_data(request)
        cents, message = dollars_field(data, "credit_amount", "Amount")
        try:
            if message:
                raise Invalid(credit_amount=message)
            await invoicing.add_credit_note(principal, invoice_id, cents or 0, str(data.get("reason") or ""))
        except Invalid as exc:
            errors = dict(exc.field_errors)
            if "amount_cents" in errors:
                errors["credit_amount"] = errors.pop("amount_cents")
            return await invoice_page(request, invoice_id, status_code=400, credit_form=data, errors=errors)
        except Conflict as exc:
            return redirect(f"/billing/invoices/{invoice_id}", flash=exc.message, kind="error")
        return redirect(f"/billing/invoices/{invoice_id}", flash="Credit note added.")

    @post("/{invoice_id:int}/refunds", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def refund(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Template | Redirect:
        """Refund all or part of one of the invoice's payments (through Stripe when it came through Stripe)."""
        from portal.billing import refunds

        principal = current_principal(request)
        detail = await ledger.invoice_detail(principal, invoice_id, audit_action="")
        data = await form_data(request)
        cents, message = dollars_field(data, "refund_amount", "Amount")
        payment_ids = {int(p["id"]) for p in detail.payments}
        try:
            payment_id = int(str(data.get("payment") or "0"))
        except ValueError:
            payment_id = 0
        try:
            if payment_id not in payment_ids:
                raise Invalid(payment="Choose one of the invoice's payments.")
            if message:
                raise Invalid(refund_amount=message)
            await refunds.refund_payment(principal, payment_id, cents or 0, str(data.get("refund_reason") or ""))
        except Invalid as exc:
            errors = dict(exc.field_errors)
            for ours, theirs in (("refund_amount", "amount_cents"), ("refund_reason", "reason")):
                if theirs in errors:
                    errors[ours] = errors.pop(theirs)
            return await invoice_page(request, invoice_id, status_code=400, refund_form=data, errors=errors)
        except Conflict as exc:
            return redirect(f"/billing/invoices/{invoice_id}", flash=exc.message, kind="error")
        return redirect(f"/billing/invoices/{invoice_id}", flash="Refund recorded.")

    @post("/{invoice_id:int}/void", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def void(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Redirect:
        ledger.check_id(invoice_id, "invoice")
        try:
            await invoicing.void_invoice(current_principal(request), invoice_id)
        except Conflict as exc:
            return redirect(f"/billing/invoices/{invoice_id}", flash=exc.message, kind="error")
        return redirect(f"/billing/invoices/{invoice_id}", flash="Invoice voided.")

    @post("/{invoice_id:int}/write-off", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_DECIDE)])
    async def write_off(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Redirect:
        ledger.check_id(invoice_id, "invoice")
        try:
            await invoicing.mark_uncollectible(current_principal(request), invoice_id)
        except Conflict as exc:
            return redirect(f"/billing/invoices/{invoice_id}", flash=exc.message, kind="error")
        return redirect(f"/billing/invoices/{invoice_id}", flash="Invoice written off as uncollectible.")

    @post("/{invoice_id:int}/send", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def send_again(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Redirect:
        try:
            await invoice_mail.send_invoice_link(current_principal(request), invoice_id)
        except Conflict as exc:
            return redirect(f"/billing/invoices/{invoice_id}", flash=exc.message, kind="error")
        return redirect(f"/billing/invoices/{invoice_id}", flash="The payer was e-mailed a link to the invoice.")

    @get("/{invoice_id:int}/pdf")
    async def invoice_pdf(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> Response[bytes]:
        detail = await ledger.invoice_detail(current_principal(request), invoice_id, audit_action="invoice.pdf")
        if detail.invoice["status"] == "draft":
            raise NotFound("A draft invoice has no PDF yet.")
        return pdf_response(await pdf.render_invoice(detail), f"invoice-{detail.invoice['number']}.pdf")

    @get("/{invoice_id:int}/payments/{payment_id:int}/receipt")
    async def receipt_pdf(
        self, request: Request[Any, Any, Any], invoice_id: FromPath[int], payment_id: FromPath[int]
    ) -> Response[bytes]:
        payment, detail = await ledger.load_payment(payment_id)
        if int(payment["invoice"]) != invoice_id:
            raise NotFound("No such payment.")
        await ledger.invoice_detail(current_principal(request), invoice_id, audit_action="payment.receipt")
        data = await pdf.render_receipt(payment, detail)
        return pdf_response(data, f"receipt-{detail.invoice['number']}-{payment_id}.pdf")
