"""A CSRF-aware test client that talks to the app in-process (httpx + ASGITransport, on the test's loop)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.support.people import PASSWORD


class PortalClient:
    def __init__(self, app: Any, *, ip: str = "127.0.0.1") -> None:
        transport = httpx.ASGITransport(app=app, client=(ip, 50000))
        self.http = httpx.AsyncClient(transport=transport, base_url="http://testserver", follow_redirects=False)

    async def __aenter__(self) -> PortalClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    @property
    def cookies(self) -> httpx.Cookies:
        return self.http.cookies

    async def csrf_token(self) -> str:
        token = self.http.cookies.get("csrftoken")
        if token is None:
            await self.http.get("/healthz")
            token = self.http.cookies.get("csrftoken")
        assert token is not None
        return token

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(path, **kwargs)

    async def post(
        self,
        path: str,
        *,
        data: dict[str, Any] | None = None,
        json: Any = None,
        csrf: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if csrf:
            token = await self.csrf_token()
            if data is not None:
                data = {**data, "_csrf_token": token}
            else:
                headers["x-csrftoken"] = token
        return await self.http.post(path, data=data, json=json, headers=headers, **kwargs)

    async def request(self, method: str, path: str, *, csrf: bool = True, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if csrf and method.upper() not in {"GET", "HEAD", "OPTIONS"}:
            headers["x-csrftoken"] = await self.csrf_token()
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def login(self, email: str, password: str = PASSWORD, totp: str | None = None) -> httpx.Response:
        body: dict[str, Any] = {"email": email, "password": password}
        if totp is not None:
            body["totp"] = totp
        response = await self.post("/api/v1/auth/login", json=body)
        return response

    async def login_as(self, person: dict[str, Any]) -> None:
        response = await self.login(person["email"])
        assert response.status_code == 200, response.text

    async def logout(self) -> httpx.Response:
        return await self.post("/api/v1/auth/logout", json=None)


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)
