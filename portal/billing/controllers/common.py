"""Helpers of the billing pages: dollars typed into forms, query integers, PDF and CSV responses, the tabs."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from portal.billing.agreements import _dollars_to_cents
from portal.cases.controllers.notes import content_disposition
from portal.validation import Checker


def query_int(request: Request[Any, Any, Any], name: str) -> int | None:
    try:
        return int(request.query_params.get(name) or "")
    except ValueError:
        return None


def dollars_field(data: dict[str, Any], name: str, label: str) -> tuple[int | None, str | None]:
    """(cents, None) from a dollars field ("1,250.50"), or (None, the message to show)."""
    c = Checker(data)
    cents = _dollars_to_cents(c, name, required=True, label=label)
    return cents, c.errors.get(name)


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> Response[bytes]:
    disposition = content_disposition(filename)
    if inline:
        disposition = disposition.replace("attachment;", "inline;", 1)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


def csv_response(text: str, filename: str) -> Response[str]:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition(filename), "Cache-Control": "no-store"},
    )
