"""The billing overview (open and past-due totals, this month's run, AR aging, notices) and billing settings."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.billing import profile, reports
from portal.errors import Invalid
from portal.forms import form_data
from portal.policy import Action, guard
from portal.web import current_principal, redirect, render


class BillingDashboardController(Controller):
    path = "/billing"
    include_in_schema = False
    guards = [guard(Action.BILLING_READ)]

    @get("/")
    async def dashboard(self, request: Request[Any, Any, Any]) -> Template:
        summary = await reports.dashboard(current_principal(request))
        return render(
            request,
            "billing/dashboard.html",
            tab="dashboard",
            d=summary,
            aging_chart=summary.aging.chart(width=480, height=200),
            time_zone=(await profile.get_profile()).time_zone,
        )

    @get("/settings", guards=[guard(Action.BILLING_WRITE)])
    async def settings_page(self, request: Request[Any, Any, Any]) -> Template:
        current = await profile.get_profile()
        return render(
            request,
            "billing/settings.html",
            tab="settings",
            practice=current,
            form={name: getattr(current, name) for name in profile.FIELDS},
        )

    @post("/settings", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def save_settings(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await profile.save_profile(current_principal(request), data)
        except Invalid as exc:
            return render(
                request,
                "billing/settings.html",
                status_code=400,
                tab="settings",
                practice=await profile.get_profile(),
                form=data,
                errors=exc.field_errors,
            )
        return redirect("/billing/settings", flash="Billing settings saved.")
