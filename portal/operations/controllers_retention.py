"""The owner's records-retention page: archive and restore clients, legal holds, the retention period, and
the archived clients whose records are due to be purged (the purge itself runs from `portal retention purge`
or the button on this page)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases.clients import display_name
from portal.errors import Invalid
from portal.forms import form_data
from portal.operations import retention
from portal.policy import Action, guard
from portal.web import current_principal, redirect, render

PAGE = "/retention"


async def _page(
    request: Request[Any, Any, Any], *, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    principal = current_principal(request)
    overview = await retention.retention_overview(principal)
    choices = [(row["id"], display_name(row)) for row in await retention.archivable_clients(principal)]
    return render(
        request,
        "operations/retention/retention.html",
        status_code=status,
        overview=overview,
        client_choices=choices,
        errors=errors or {},
        form={"retention_years": overview.years},
    )


def _client_id(data: dict[str, Any]) -> int:
    raw = str(data.get("client", "")).strip()
    if not raw.isdigit():
        raise Invalid(client="Choose a client.")
    return int(raw)


class RetentionController(Controller):
    path = PAGE
    include_in_schema = False
    guards = [guard(Action.RECORDS_RETENTION)]

    @get("/")
    async def retention_page(self, request: Request[Any, Any, Any]) -> Template:
        return await _page(request)

    @post("/archive", status_code=HTTP_200_OK)
    async def archive(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await retention.archive_client(current_principal(request), _client_id(data))
        except Invalid as exc:
            return await _page(request, errors=exc.field_errors or {"client": exc.message}, status=400)
        return redirect(PAGE, flash="Client archived: hidden from every list, nothing deleted.")

    @post("/{client_id:int}/unarchive", status_code=HTTP_200_OK)
    async def unarchive(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        try:
            await retention.unarchive_client(current_principal(request), client_id)
        except Invalid as exc:
            return await _page(request, errors={"archived": exc.message}, status=400)
        return redirect(PAGE, flash="Client restored to the active lists.")

    @post("/{client_id:int}/hold", status_code=HTTP_200_OK)
    async def hold(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        try:
            await retention.place_legal_hold(current_principal(request), client_id, str(data.get("reason", "")))
        except Invalid as exc:
            return await _page(request, errors={"archived": exc.field_errors.get("reason", exc.message)}, status=400)
        return redirect(PAGE, flash="Legal hold placed: these records will not be purged.")

    @post("/{client_id:int}/release", status_code=HTTP_200_OK)
    async def release(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        try:
            await retention.release_legal_hold(current_principal(request), client_id)
        except Invalid as exc:
            return await _page(request, errors={"archived": exc.message}, status=400)
        return redirect(PAGE, flash="Legal hold released.")

    @post("/{client_id:int}/purge", status_code=HTTP_200_OK)
    async def purge(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        if data.get("confirm") != "purge":
            return await _page(request, errors={"archived": "Tick the box to confirm the purge."}, status=400)
        try:
            await retention.purge_client(current_principal(request), client_id)
        except Invalid as exc:
            return await _page(request, errors={"archived": exc.message}, status=400)
        return redirect(PAGE, flash="The client's records were purged.")

    @post("/period", status_code=HTTP_200_OK)
    async def period(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        raw = str(data.get("retention_years", "")).strip()
        try:
            if not raw.isdigit():
                raise Invalid(retention_years="Enter a whole number of years.")
            await retention.set_retention_years(current_principal(request), int(raw))
        except Invalid as exc:
            return await _page(request, errors=exc.field_errors, status=400)
        return redirect(PAGE, flash="Retention period saved.")
