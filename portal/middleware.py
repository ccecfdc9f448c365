"""Who is asking (session cookie → Principal), security headers on every response, and a PHI-free access log."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from portal.accounts import services as accounts
from portal.accounts import sessions
from portal.policy import Principal, Role
from portal.settings import get_settings

access_log = logging.getLogger("portal.access")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                cookie_name, _, cookie_value = part.strip().partition("=")
                if cookie_name == name:
                    return cookie_value
    return None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _wants_page(scope: Scope) -> bool:
    """Badges are drawn on HTML pages only: API calls and static files skip the extra queries."""
    path: str = scope.get("path", "")
    return scope.get("method") == "GET" and not path.startswith(("/api/", "/static/"))


async def with_badges(principal: Principal) -> Principal:
    """Unread updates and messages of a relative, for the navigation's badges (a fixed handful of queries).
    A page that reads something itself (an update, a conversation) counts again after that read."""
    from portal.billing.family import pays_for_someone
    from portal.families.messages import unread_messages
    from portal.families.update_feed import unread_count

    badges = {"updates": await unread_count(principal), "messages": await unread_messages(principal)}
    # "pays": the Billing link shows only to a relative who pays for someone (navigation.NAV_ITEMS).
    return replace(principal, extra={**principal.extra, "badges": badges, "pays": await pays_for_someone(principal)})


class AuthenticationMiddleware:
    """Attach the signed-in Principal (or None) to scope["user"]; the policy guards decide the rest."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["user"] = None
        scope["auth"] = None
        path: str = scope.get("path", "")
        token = _cookie(scope, sessions.COOKIE_NAME)
        if token and not path.startswith("/static/"):
            loaded = await sessions.load_session(token)
            if loaded is not None:
                client = scope.get("client")
                ip = client[0] if client else ""
                mfa_pending = loaded.user["mfa_enabled"] and not loaded.mfa_verified
                enrollment = False if mfa_pending else await accounts.mfa_enrollment_required(loaded.user)
                scope["user"] = accounts.principal_for(
                    loaded.user,
                    session_id=loaded.session_id,
                    ip=ip,
                    user_agent=_header(scope, b"user-agent")[:300],
                    mfa_pending=mfa_pending,
                    mfa_enrollment_required=enrollment,
                )
                scope["auth"] = loaded
                if scope["user"].role == Role.FAMILY and not mfa_pending and _wants_page(scope):
                    scope["user"] = await with_badges(scope["user"])
        await self.app(scope, receive, send)


async def security_headers(message: Message, scope: Scope) -> None:
    """A before_send hook: runs for every response, including 404s and errors raised before routing."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    path: str = scope.get("path", "")
    if not path.startswith("/schema"):
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    else:
        headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    if get_settings().https:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if path.startswith("/static/"):
        headers["Cache-Control"] = "public, max-age=3600"
    else:
        # Pages and API responses may carry client data: never keep them in a browser or proxy cache.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"


class AccessLogMiddleware:
    """Logs method, route template, status and duration. Never the query string or the concrete path:
    both can carry search text or names."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("path_template") or _route_template(scope)
            access_log.info(
                "request",
                extra={
                    "method": scope.get("method", ""),
                    "route": route,
                    "status": status["code"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


def _route_template(scope: Scope) -> str:
    handler = scope.get("route_handler")
    if handler is not None:
        paths = getattr(handler, "paths", None)
        if paths:
            return str(sorted(paths)[0])
    return "(unmatched)"
