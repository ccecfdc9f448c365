"""Small helpers shared by every controller: who is asking, rendering pages, flashes, pagination."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect, Template

from portal.policy import Principal
from portal.settings import get_settings

FLASH_COOKIE = "portal_flash"
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else ""


def user_agent(request: Request[Any, Any, Any]) -> str:
    return request.headers.get("user-agent", "")[:300]


def current_principal(request: Request[Any, Any, Any]) -> Principal:
    principal: Principal | None = request.scope.get("user")
    if principal is None:
        raise NotAuthorizedException("Please sign in.")
    return principal


def optional_principal(request: Request[Any, Any, Any]) -> Principal | None:
    return request.scope.get("user")


def anonymous(request: Request[Any, Any, Any]) -> Principal:
    return Principal.anonymous(ip=client_ip(request), user_agent=user_agent(request))


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


# --------------------------------------------------------------------------- flash messages


def _flash_key() -> bytes:
    return hashlib.sha256(b"portal-flash\x00" + get_settings().secret_key.encode()).digest()


def _encode_flash(messages: list[dict[str, str]]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(messages).encode()).decode()
    signature = hmac.new(_flash_key(), payload.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{payload}.{signature}"


def _decode_flash(value: str | None) -> list[dict[str, str]]:
    if not value or "." not in value:
        return []
    payload, signature = value.rsplit(".", 1)
    expected = hmac.new(_flash_key(), payload.encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(signature, expected):
        return []
    try:
        messages = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, json.JSONDecodeError):
        return []
    return [m for m in messages if isinstance(m, dict)][:5]


def flash_cookie(message: str, kind: str = "success") -> Cookie:
    """A one-shot message for the next page (messages never contain client information)."""
    settings = get_settings()
    return Cookie(
        key=FLASH_COOKIE,
        value=_encode_flash([{"kind": kind, "text": message}]),
        path="/",
        httponly=True,
        secure=settings.https,
        samesite="lax",
        max_age=60,
    )


def redirect(path: str, *, flash: str | None = None, kind: str = "success") -> Redirect:
    if not path.startswith("/") or path.startswith("//"):
        path = "/"
    cookies = [flash_cookie(flash, kind)] if flash else []
    return Redirect(path=path, status_code=303, cookies=cookies)


def safe_next(value: str | None) -> str:
    """Only local paths, so a crafted ?next= cannot send someone to another site after sign-in."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def render(request: Request[Any, Any, Any], template_name: str, *, status_code: int = 200, **context: Any) -> Template:
    flashes = _decode_flash(request.cookies.get(FLASH_COOKIE))
    cookies: list[Cookie] = []
    if request.cookies.get(FLASH_COOKIE):
        cookies.append(Cookie(key=FLASH_COOKIE, value="", path="/", max_age=0, expires=0))
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return Template(
        template_name=template_name,
        context={"principal": optional_principal(request), "flashes": flashes, **context},
        status_code=status_code,
        cookies=cookies,
    )


# --------------------------------------------------------------------------- pagination


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_request(page: int | None, per_page: int | None, *, default_per_page: int = 25) -> PageRequest:
    # Capped so OFFSET always fits the database's integer (a page past the end is simply empty).
    page = min(MAX_PAGE, max(1, page or 1))
    per_page = min(MAX_PER_PAGE, max(1, per_page or default_per_page))
    return PageRequest(page=page, per_page=per_page)


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int
    base_path: str
    params: dict[str, Any]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def url(self, page: int) -> str:
        query = {k: v for k, v in self.params.items() if v not in (None, "")}
        query.update(page=page, per_page=self.per_page)
        return f"{self.base_path}?{urlencode(query)}"


PAGING_PARAMS = frozenset({"page", "per_page"})


def reject_unknown_query(request: Request[Any, Any, Any], allowed: set[str] | frozenset[str]) -> None:
    """Lists filter on an allowlist: an unknown parameter is an error, not silently ignored."""
    from portal.errors import Invalid

    unknown = sorted(set(request.query_params) - set(allowed) - PAGING_PARAMS)
    if unknown:
        names = ", ".join(sorted(set(allowed) | PAGING_PARAMS))
        raise Invalid(f"Unknown query parameter {unknown[0]!r}. Allowed: {names}.")
