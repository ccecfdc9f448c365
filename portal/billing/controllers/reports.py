"""Reports: accounts-receivable aging and revenue by month (tables and SVG charts), CSV exports."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template

from portal.billing import reports
from portal.billing.controllers.common import csv_response
from portal.policy import Action, guard
from portal.web import current_principal, reject_unknown_query, render


class BillingReportsController(Controller):
    path = "/billing/reports"
    include_in_schema = False
    guards = [guard(Action.BILLING_READ)]

    @get("/")
    async def reports_page(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        aging = await reports.accounts_receivable_aging(principal)
        revenue = await reports.revenue_by_month(principal, aging.as_of)
        first, last = reports.last_periods(aging.as_of, 12)[0], reports.last_periods(aging.as_of, 1)[0]
        return render(
            request,
            "billing/reports.html",
            tab="reports",
            aging=aging,
            aging_chart=aging.chart(),
            revenue=revenue,
            revenue_chart=revenue.chart(),
            form={"from": str(first), "to": str(last)},
        )

    async def _range(self, request: Request[Any, Any, Any]) -> tuple[Any, Any]:
        reject_unknown_query(request, {"from", "to"})
        today = await reports.practice_today()
        return reports.check_range(dict(request.query_params), today)

    @get("/invoices.csv")
    async def invoices_csv(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Invoices of the periods `from`–`to` (YYYY-MM), for the accountant."""
        first, last = await self._range(request)
        text = await reports.invoices_csv(current_principal(request), first, last)
        return csv_response(text, f"invoices-{first}-to-{last}.csv")

    @get("/payments.csv")
    async def payments_csv(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Payments received in the months `from`–`to` (YYYY-MM), for the accountant."""
        first, last = await self._range(request)
        text = await reports.payments_csv(current_principal(request), first, last)
        return csv_response(text, f"payments-{first}-to-{last}.csv")
