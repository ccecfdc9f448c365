"""When the database is restarting or locked past our wait, callers get a 503 with Retry-After (nothing was
written, so trying again is safe) — not a 500 that reads as a bug. A real bug still answers 500."""

from __future__ import annotations

import sqlite3

import asyncpg
import httpx
import pytest
from litestar import Litestar, get
from litestar.params import FromPath

from portal.errors_http import EXCEPTION_HANDLERS

FAULTS: dict[str, BaseException] = {
    "pg-restarting": asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    "pg-shutdown": asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
    "pg-connection-gone": asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
    "pg-refused": ConnectionRefusedError(111, "Connection refused"),
    "pg-broken-mid-query": asyncpg.exceptions.InternalClientError(
        "cannot switch to state 15; another operation (2) is in progress"
    ),
    "sqlite-locked": sqlite3.OperationalError("database is locked"),
    "bug": ZeroDivisionError("division by zero"),
}


@get("/api/v1/faults/{name:str}", sync_to_thread=False)
def raise_fault(name: FromPath[str]) -> None:
    raise FAULTS[name]


async def answer(name: str) -> httpx.Response:
    app = Litestar(route_handlers=[raise_fault], exception_handlers=EXCEPTION_HANDLERS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        return await http.get(f"/api/v1/faults/{name}")


@pytest.mark.parametrize(
    "name", ["pg-restarting", "pg-shutdown", "pg-connection-gone", "pg-refused", "pg-broken-mid-query", "sqlite-locked"]
)
async def test_an_unavailable_database_answers_503_with_retry_after(name: str) -> None:
    response = await answer(name)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "try again" in response.json()["detail"]


async def test_a_bug_still_answers_500() -> None:
    response = await answer("bug")
    assert response.status_code == 500
    assert "retry-after" not in response.headers


async def test_a_sqlite_error_that_is_not_a_lock_is_a_bug() -> None:
    FAULTS["sqlite-syntax"] = sqlite3.OperationalError('near "SELEC": syntax error')
    try:
        assert (await answer("sqlite-syntax")).status_code == 500
    finally:
        del FAULTS["sqlite-syntax"]


async def test_another_internal_client_error_is_a_bug() -> None:
    FAULTS["pg-internal"] = asyncpg.exceptions.InternalClientError("unexpected data type of composite type attribute")
    try:
        assert (await answer("pg-internal")).status_code == 500
    finally:
        del FAULTS["pg-internal"]
