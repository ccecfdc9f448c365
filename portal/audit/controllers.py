"""The owner's audit page: filter by person, client, action and dates; export as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.response import Stream, Template

from portal.accounts import services as accounts
from portal.audit import services
from portal.audit.services import AuditFilter
from portal.clock import to_local
from portal.core.services import get_practice
from portal.csv_export import safe_cell
from portal.errors import Invalid
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, render

CSV_COLUMNS = [
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "actor_role",
    "action",
    "resource_type",
    "resource_id",
    "client_id",
    "ip",
    "user_agent",
    "detail",
    "hash",
]


def _parse_date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(**{field: "Use a date like 2026-11-20."}) from None


def _parse_int(value: str | None, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(**{field: "Use a number."}) from None


async def _filter_from_query(params: dict[str, str]) -> AuditFilter:
    time_zone = ZoneInfo((await get_practice()).time_zone)
    since = _parse_date(params.get("since"), "since")
    until = _parse_date(params.get("until"), "until")
    # Dates are the practice's calendar days; the range includes the whole of the `until` day.
    return AuditFilter(
        actor_id=_parse_int(params.get("actor"), "actor"),
        client_id=_parse_int(params.get("client"), "client"),
        action=(params.get("action") or "").strip() or None,
        since=datetime.combine(since, time.min, tzinfo=time_zone) if since else None,
        until=datetime.combine(until + timedelta(days=1), time.min, tzinfo=time_zone) if until else None,
    )


class AuditController(Controller):
    path = "/audit"
    include_in_schema = False
    guards = [guard(Action.AUDIT_READ)]

    @get("/")
    async def audit_page(self, request: Request[Any, Any, Any]) -> Template:
        params = {k: v for k, v in request.query_params.items() if k in {"actor", "client", "action", "since", "until"}}
        paging = page_request(
            _parse_int(request.query_params.get("page"), "page"),
            _parse_int(request.query_params.get("per_page"), "per_page"),
            default_per_page=50,
        )
        errors: dict[str, str] = {}
        try:
            audit_filter = await _filter_from_query(params)
        except Invalid as exc:
            errors = exc.field_errors
            audit_filter = AuditFilter()
        events, total = await services.list_events(audit_filter, page=paging.page, per_page=paging.per_page)
        practice = await get_practice()
        for event in events:
            event["local_time"] = to_local(event["occurred_at"], practice.time_zone)
        await services.record(
            current_principal(request),
            "audit.view",
            resource_type="audit",
            detail={"filters": sorted(params)},
        )
        return render(
            request,
            "audit/audit.html",
            events=events,
            people=[(u["id"], f"{u['name']} ({u['email']})") for u in await accounts.list_users()],
            form=params,
            errors=errors,
            pagination=Pagination(paging.page, paging.per_page, total, "/audit", params),
            export_query=request.url.query,
        )

    @get("/export.csv")
    async def export_csv(self, request: Request[Any, Any, Any]) -> Stream:
        params = {k: v for k, v in request.query_params.items() if k in {"actor", "client", "action", "since", "until"}}
        audit_filter = await _filter_from_query(params)
        await services.record(
            current_principal(request),
            "audit.export",
            resource_type="audit",
            detail={"filters": sorted(params)},
        )

        async def rows() -> AsyncIterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(CSV_COLUMNS)
            async for event in services.iter_events(audit_filter):
                writer.writerow(
                    [
                        services.format_timestamp(event[c]) if c == "occurred_at" else safe_cell(event[c])
                        for c in CSV_COLUMNS
                    ]
                )
                if buffer.tell() > 64_000:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        return Stream(
            rows(),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
        )
