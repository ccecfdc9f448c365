"""Turning exceptions into responses: JSON with a message under /api/, a page (or a redirect) elsewhere."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from portal.db import is_database_unavailable
from portal.errors import DomainError, Invalid
from portal.policy import MfaChallengePending, MfaEnrollmentRequired
from portal.web import is_api_path, optional_principal

log = logging.getLogger("portal.errors")

TITLES = {
    400: "That request could not be processed",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported file type",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Unavailable",
}


def _json(status: int, detail: str, extra: Any = None) -> Response[Any]:
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    if extra:
        body["extra"] = extra
    headers = {"Retry-After": "900"} if status == 429 else {"Retry-After": "5"} if status == 503 else None
    return Response(content=body, status_code=status, media_type=MediaType.JSON, headers=headers)


def _page(request: Request[Any, Any, Any], status: int, detail: str) -> Template:
    return Template(
        template_name="error.html",
        context={
            "status": status,
            "title": TITLES.get(status, "Error"),
            "detail": detail,
            "principal": optional_principal(request),
            "flashes": [],
        },
        status_code=status,
    )


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    detail = exc.detail or TITLES.get(status, "Error")
    if status >= 500:
        log.error("http error", extra={"status": status, "error_type": type(exc).__name__})
        detail = "Something went wrong on our side. Please try again."
    elif status == 413:
        # Litestar says only "Request Entity Too Large"; the one upload people meet this with is a big file.
        detail = "That is more than the portal accepts at once: files can be at most 20 MB."
    if is_api_path(request.url.path):
        return _json(status, detail, getattr(exc, "extra", None))
    if isinstance(exc, MfaChallengePending):
        return Redirect(path="/login/mfa", status_code=303)
    if isinstance(exc, NotAuthorizedException):
        next_path = request.url.path
        if request.url.query:
            next_path += "?" + request.url.query
        return Redirect(path=f"/login?next={quote(next_path, safe='')}", status_code=303)
    if isinstance(exc, MfaEnrollmentRequired):
        return Redirect(path="/account/mfa", status_code=303)
    if isinstance(exc, PermissionDeniedException) and "CSRF" in detail:
        detail = "Your form expired. Go back, reload the page and try again."
    return _page(request, status, detail)


def handle_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if is_api_path(request.url.path):
        extra = exc.field_errors if isinstance(exc, Invalid) and exc.field_errors else None
        return _json(exc.status_code, exc.message, extra)
    return _page(request, exc.status_code, exc.message)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if is_database_unavailable(exc):
        # Nothing was written (the transaction did not commit): the caller can safely try again shortly.
        log.warning("database unavailable", extra={"error_type": type(exc).__name__})
        detail = "The service is briefly unavailable. Please try again in a few seconds."
        if is_api_path(request.url.path):
            return _json(HTTP_503_SERVICE_UNAVAILABLE, detail)
        page = _page(request, 503, detail)
        page.headers["Retry-After"] = "5"
        return page
    # The type only: messages and tracebacks of database errors can quote client data.
    log.error("unhandled error", extra={"error_type": type(exc).__name__}, exc_info=_traceback_allowed())
    if is_api_path(request.url.path):
        return _json(HTTP_500_INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again.")
    return _page(request, 500, "Something went wrong on our side. Please try again.")


def handle_recursion_error(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    # msgspec refuses JSON nested too deeply with a RecursionError, which Litestar does not turn into a 400
    # as it does other decoding errors: that is bad input, not a fault of ours. Any other one is a bug.
    if "while deserializing" in str(exc):
        return handle_http_exception(request, ClientException("The request body is nested too deeply."))
    return handle_unexpected(request, exc)


def _traceback_allowed() -> bool:
    """Tracebacks can quote SQL parameters (names, note text): only when someone asked for DEBUG logs."""
    from portal.settings import get_settings

    return get_settings().log_level == "DEBUG"


EXCEPTION_HANDLERS: dict[Any, Any] = {
    HTTPException: handle_http_exception,
    DomainError: handle_domain_error,
    RecursionError: handle_recursion_error,
    Exception: handle_unexpected,
}
