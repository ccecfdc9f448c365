"""The import page: upload a FindTreatment.gov file, which the worker imports while the report page shows its
progress (htmx polls the panel every second until it is done)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.core.services import get_practice
from portal.errors import Invalid
from portal.forms import uploaded_file
from portal.network import import_jobs
from portal.policy import Action, guard
from portal.web import current_principal, redirect, render


class NetworkImportController(Controller):
    path = "/network/import"
    include_in_schema = False
    guards = [guard(Action.NETWORK_WRITE)]

    async def _page(self, request: Request[Any, Any, Any], *, status_code: int = 200, **context: Any) -> Template:
        return render(
            request,
            "network/import.html",
            status_code=status_code,
            imports=await import_jobs.recent_imports(current_principal(request)),
            time_zone=(await get_practice()).time_zone,
            **context,
        )

    @get("/")
    async def import_page(self, request: Request[Any, Any, Any]) -> Template:
        return await self._page(request)

    @post("/", status_code=HTTP_200_OK, request_max_body_size=import_jobs.MAX_UPLOAD_BYTES)
    async def upload(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        upload = await uploaded_file(request, "file")
        if upload is None:
            return await self._page(request, status_code=400, errors={"file": "Choose a .json or .csv file."})
        data, filename = upload
        try:
            batch_id = await import_jobs.queue_import(current_principal(request), data, filename)
        except Invalid as exc:
            return await self._page(request, status_code=400, errors=exc.field_errors or {"file": exc.message})
        return redirect(f"/network/import/{batch_id}", flash="The file was read; the import has started.")

    @get("/{batch_id:int}")
    async def report_page(self, request: Request[Any, Any, Any], batch_id: FromPath[int]) -> Template:
        progress = await import_jobs.import_progress(current_principal(request), batch_id)
        return render(request, "network/import_report.html", p=progress)

    @get("/{batch_id:int}/progress")
    async def progress(self, request: Request[Any, Any, Any], batch_id: FromPath[int]) -> Template:
        """The progress panel alone: htmx swaps it in every second until the import is done."""
        progress = await import_jobs.import_progress(current_principal(request), batch_id)
        return render(request, "network/_import_progress.html", p=progress)
