"""Retainer agreements: the list, new and edit forms, activate / pause / end, expenses with receipts, and the
Good Faith Estimate PDF."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.billing import agreement_views, agreements, gfe, ledger
from portal.billing.controllers.common import pdf_response, query_int
from portal.errors import Conflict, Invalid
from portal.forms import form_data, uploaded_file
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, redirect, render


async def form_choices(client_id: int | None = None) -> dict[str, Any]:
    return {
        "client_choices": await ledger.client_choices(),
        "relative_choices": await agreement_views.payer_relative_choices(client_id),
    }


class AgreementsController(Controller):
    path = "/billing/agreements"
    include_in_schema = False
    guards = [guard(Action.BILLING_READ)]

    @get("/")
    async def agreements_page(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        paging = page_request(query_int(request, "page"), query_int(request, "per_page"))
        params = dict(request.query_params)
        errors: dict[str, str] = {}
        status_code = 200
        try:
            status, client = agreement_views.check_list_filters(params)
            rows, total = await agreement_views.list_agreements(
                principal, status=status, client=client, page=paging.page, per_page=paging.per_page
            )
        except Invalid as exc:
            errors, rows, total, status_code = exc.field_errors, [], 0, 400
            status, client = "", None
        filters = {"status": params.get("status", ""), "client": params.get("client", "")}
        return render(
            request,
            "billing/agreements.html",
            status_code=status_code,
            tab="agreements",
            rows=rows,
            form=filters,
            errors=errors,
            status_choices=list(agreements.STATUSES.items()),
            client_choices=await ledger.client_choices(),
            pagination=Pagination(paging.page, paging.per_page, total, "/billing/agreements", filters),
        )

    @get("/new", guards=[guard(Action.BILLING_WRITE)])
    async def new_page(self, request: Request[Any, Any, Any]) -> Template:
        client = query_int(request, "client")
        form = {"billing_day": 1, "rollover_max_hours": 0, "client": client or ""}
        return render(request, "billing/agreement_form.html", tab="agreements", agreement=None, form=form,
                      **await form_choices())  # fmt: skip

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        try:
            agreement_id = await agreements.create_agreement(current_principal(request), data)
        except Invalid as exc:
            return render(
                request,
                "billing/agreement_form.html",
                status_code=400,
                tab="agreements",
                agreement=None,
                form=data,
                errors=exc.field_errors,
                **await form_choices(),
            )
        return redirect(f"/billing/agreements/{agreement_id}", flash="Agreement created as a draft.")

    @get("/{agreement_id:int}")
    async def agreement_page(self, request: Request[Any, Any, Any], agreement_id: FromPath[int]) -> Template:
        detail = await agreement_views.agreement_detail(current_principal(request), agreement_id)
        return render(
            request,
            "billing/agreement.html",
            tab="agreements",
            d=detail,
            a=detail.agreement,
            expense_kinds=list(agreements.EXPENSE_KINDS.items()),
        )

    @get("/{agreement_id:int}/edit", guards=[guard(Action.BILLING_WRITE)])
    async def edit_page(self, request: Request[Any, Any, Any], agreement_id: FromPath[int]) -> Template:
        agreement = await agreement_views.load_agreement(agreement_id)
        return render(
            request,
            "billing/agreement_form.html",
            tab="agreements",
            agreement=agreement,
            form=agreement_views.form_values(agreement),
            **await form_choices(agreement["client"]),
        )

    @post("/{agreement_id:int}/edit", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def edit(self, request: Request[Any, Any, Any], agreement_id: FromPath[int]) -> Template | Redirect:
        agreement = await agreement_views.load_agreement(agreement_id)
        data = await form_data(request)
        try:
            await agreements.update_agreement(current_principal(request), agreement_id, data)
        except Invalid as exc:
            return render(
                request,
                "billing/agreement_form.html",
                status_code=400,
                tab="agreements",
                agreement=agreement,
                form={**data, "client": agreement["client"]},
                errors=exc.field_errors,
                **await form_choices(agreement["client"]),
            )
        except Conflict as exc:
            return redirect(f"/billing/agreements/{agreement_id}", flash=exc.message, kind="error")
        return redirect(f"/billing/agreements/{agreement_id}", flash="Agreement updated.")

    @post("/{agreement_id:int}/status", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def change_status(self, request: Request[Any, Any, Any], agreement_id: FromPath[int]) -> Redirect:
        await agreement_views.load_agreement(agreement_id)
        status = str((await form_data(request)).get("status", ""))
        try:
            await agreements.set_status(current_principal(request), agreement_id, status)
        except Conflict as exc:
            return redirect(f"/billing/agreements/{agreement_id}", flash=exc.message, kind="error")
        label = agreements.STATUSES.get(status, status).lower()
        return redirect(f"/billing/agreements/{agreement_id}", flash=f"The agreement is {label}.")

    @post("/{agreement_id:int}/expenses", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def add_expense(self, request: Request[Any, Any, Any], agreement_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        await agreement_views.load_agreement(agreement_id)
        data = await form_data(request)
        receipt = await uploaded_file(request, "receipt")
        try:
            await agreements.add_expense(principal, agreement_id, data, receipt)
        except Invalid as exc:
            errors = dict(exc.field_errors) or {"receipt": exc.message}
            if "file" in errors:
                errors["receipt"] = errors.pop("file")
            detail = await agreement_views.agreement_detail(principal, agreement_id)
            return render(
                request,
                "billing/agreement.html",
                status_code=400,
                tab="agreements",
                d=detail,
                a=detail.agreement,
                expense_kinds=list(agreements.EXPENSE_KINDS.items()),
                expense_form=data,
                errors=errors,
            )
        return redirect(f"/billing/agreements/{agreement_id}#expenses", flash="Expense added to the next invoice.")

    @get("/{agreement_id:int}/expenses/{expense_id:int}/receipt")
    async def expense_receipt(
        self, request: Request[Any, Any, Any], agreement_id: FromPath[int], expense_id: FromPath[int]
    ) -> Response[bytes]:
        from portal.cases.controllers.notes import content_disposition

        data, info = await agreement_views.expense_receipt(current_principal(request), agreement_id, expense_id)
        return Response(
            data,
            media_type=info.content_type,
            headers={"Content-Disposition": content_disposition(info.original_name), "Cache-Control": "no-store"},
        )

    @get("/{agreement_id:int}/good-faith-estimate.pdf")
    async def good_faith_estimate(
        self, request: Request[Any, Any, Any], agreement_id: FromPath[int]
    ) -> Response[bytes]:
        data = await gfe.good_faith_estimate_pdf(current_principal(request), agreement_id)
        return pdf_response(data, f"good-faith-estimate-{agreement_id}.pdf")
