"""A client's insurance plan and out-of-network benefits: one form, for billing staff (any client) and for a case
manager (their assigned clients, at intake). portal.billing.insurance decides who may; others get 404."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.billing import insurance
from portal.billing.ledger import client_names
from portal.errors import Invalid
from portal.forms import form_data
from portal.policy import Action, Role, guard
from portal.web import current_principal, redirect, render


class InsuranceController(Controller):
    path = "/billing/insurance"
    include_in_schema = False
    # Billing staff and case managers; the service narrows case managers to their own clients.
    guards = [guard(Action.STAFF_AREA)]

    async def _page(
        self,
        request: Request[Any, Any, Any],
        client_id: int,
        form: dict[str, Any],
        *,
        status_code: int = 200,
        **extra: Any,
    ) -> Template:
        principal = current_principal(request)
        return render(
            request,
            "billing/insurance/form.html",
            status_code=status_code,
            tab="invoices",
            client_id=client_id,
            client_name=(await client_names([client_id])).get(client_id, ""),
            form=form,
            errors=extra.pop("errors", {}),
            in_billing=principal.role in {Role.OWNER, Role.BILLING},
            plan_types=list(insurance.PLAN_TYPES.items()),
            relationships=list(insurance.RELATIONSHIPS.items()),
            plan_year_months=list(insurance.PLAN_YEAR_MONTHS.items()),
            **extra,
        )

    @get("/{client_id:int}")
    async def insurance_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        row = await insurance.get_insurance(current_principal(request), client_id)
        this_year = (await insurance.practice_today()).year
        return await self._page(request, client_id, insurance.form_values(row, this_year), on_file=row is not None)

    @post("/{client_id:int}", status_code=HTTP_200_OK)
    async def save(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await insurance.save_insurance(current_principal(request), client_id, data)
        except Invalid as exc:
            return await self._page(request, client_id, data, status_code=400, errors=exc.field_errors)
        return redirect(f"/billing/insurance/{client_id}", flash="Insurance plan saved.")
