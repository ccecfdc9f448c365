"""The monthly run from the billing page: a dry-run preview, a button that queues the run for the worker, and
its progress, polled by htmx every second until it is done."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.billing import run, run_views
from portal.billing.money import Period
from portal.billing.reports import practice_today
from portal.errors import Invalid
from portal.forms import form_data
from portal.policy import Action, guard
from portal.web import current_principal, redirect, render


class BillingRunsController(Controller):
    path = "/billing/runs"
    include_in_schema = False
    guards = [guard(Action.BILLING_READ)]

    async def _page(self, request: Request[Any, Any, Any], *, status_code: int = 200, **context: Any) -> Template:
        context.setdefault("form", {"period": str(Period.of(await practice_today()))})
        return render(
            request,
            "billing/runs.html",
            status_code=status_code,
            tab="runs",
            runs=await run_views.recent_runs(current_principal(request)),
            **context,
        )

    @get("/")
    async def runs_page(self, request: Request[Any, Any, Any]) -> Template:
        return await self._page(request)

    @get("/preview", guards=[guard(Action.BILLING_WRITE)])
    async def preview(self, request: Request[Any, Any, Any]) -> Template:
        return await self._preview(request, str(request.query_params.get("period") or "").strip())

    @post("/preview", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def preview_form(self, request: Request[Any, Any, Any]) -> Template:
        """The form's Preview button (a POST, so the form can carry its CSRF token); nothing is written."""
        return await self._preview(request, str((await form_data(request)).get("period") or "").strip())

    async def _preview(self, request: Request[Any, Any, Any], period: str) -> Template:
        try:
            preview = await run_views.preview_run(current_principal(request), period)
        except Invalid as exc:
            return await self._page(request, status_code=400, form={"period": period}, errors=exc.field_errors)
        return await self._page(request, form={"period": preview.summary.period}, preview=preview)

    @post("/", status_code=HTTP_200_OK, guards=[guard(Action.BILLING_WRITE)])
    async def start(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        period = str(data.get("period") or "").strip()
        try:
            run_id = await run.queue_billing_run(current_principal(request), period)
        except Invalid as exc:
            return await self._page(request, status_code=400, form={"period": period}, errors=exc.field_errors)
        return redirect(f"/billing/runs/{run_id}", flash=f"The run for {Period.parse(period).label} has started.")

    @get("/{run_id:int}")
    async def run_page(self, request: Request[Any, Any, Any], run_id: FromPath[int]) -> Template:
        progress = await run_views.run_progress(current_principal(request), run_id)
        return render(request, "billing/run.html", tab="runs", p=progress)

    @get("/{run_id:int}/progress")
    async def progress(self, request: Request[Any, Any, Any], run_id: FromPath[int]) -> Template:
        """The progress panel alone: htmx swaps it in every second until the run is done."""
        progress = await run_views.run_progress(current_principal(request), run_id)
        return render(request, "billing/_run_progress.html", p=progress)
