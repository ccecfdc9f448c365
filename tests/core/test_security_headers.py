"""Security headers on every kind of response: a page, the JSON API, a 404, a static file (DESIGN.md §4)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

# One response of each kind; the signed-in owner's JSON is the API response that carries personal data.
KINDS = ["html page", "json api", "json error", "unknown path", "static file"]


async def _response(client: Any, olivia: dict[str, Any], kind: str) -> httpx.Response:
    if kind == "html page":
        response = await client.get("/login")
        assert response.headers["content-type"].startswith("text/html")
    elif kind == "json api":
        await client.login_as(olivia)
        response = await client.get("/api/v1/me")
        assert response.json()["email"] == olivia["email"]
    elif kind == "json error":
        response = await client.get("/api/v1/me")
        assert response.status_code == 401
    elif kind == "unknown path":
        response = await client.get("/no/such/page")
        assert response.status_code == 404
    else:
        response = await client.get("/static/css/portal.css")
        assert response.headers["content-type"].startswith("text/css")
    assert response.status_code != 500
    return response


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name.lower()] = values
    return directives


@pytest.mark.parametrize("kind", KINDS)
async def test_every_response_forbids_sniffing_framing_and_inline_scripts(
    client: Any, olivia: dict[str, Any], kind: str
) -> None:
    response = await _response(client, olivia, kind)
    assert response.headers["x-content-type-options"] == "nosniff"
    directives = _directives(response.headers["content-security-policy"])
    # script-src falls back to default-src when absent; either way no inline script may run.
    script_sources = directives.get("script-src", directives.get("default-src"))
    assert script_sources, "the policy says nothing about scripts"
    assert "'unsafe-inline'" not in script_sources
    assert "'unsafe-eval'" not in script_sources
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["referrer-policy"] in {
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    }


@pytest.mark.parametrize("kind", ["html page", "json api", "json error", "unknown path"])
async def test_pages_and_api_responses_are_never_stored(client: Any, olivia: dict[str, Any], kind: str) -> None:
    response = await _response(client, olivia, kind)
    assert "no-store" in response.headers["cache-control"]


async def test_every_portal_page_a_signed_in_owner_opens_is_never_stored(client: Any, olivia: dict[str, Any]) -> None:
    await client.login_as(olivia)
    for path in ["/", "/account", "/users", "/settings/practice", "/audit", "/audit/export.csv"]:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers["cache-control"], path


async def test_static_files_may_be_cached(client: Any) -> None:
    # Static files hold no personal data: caching them is allowed (and keeps pages fast).
    response = await client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")


@pytest.mark.parametrize("kind", KINDS)
async def test_no_hsts_over_plain_http(client: Any, olivia: dict[str, Any], kind: str) -> None:
    # HSTS on an http:// deployment would lock browsers out of a portal that has no certificate.
    response = await _response(client, olivia, kind)
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize("kind", KINDS)
async def test_hsts_when_the_base_url_is_https(
    client: Any, olivia: dict[str, Any], settings_override: Any, kind: str
) -> None:
    settings_override(base_url="https://portal.example.org")
    # As behind the TLS-terminating proxy: the browser speaks https, so it returns the Secure session cookie.
    client.http.base_url = "https://testserver"
    response = await _response(client, olivia, kind)
    hsts = response.headers["strict-transport-security"]
    max_age = int(next(part for part in hsts.split(";") if part.strip().startswith("max-age")).split("=")[1])
    assert max_age >= 180 * 24 * 3600
