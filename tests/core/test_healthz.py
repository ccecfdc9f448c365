"""GET /healthz: 200 when the database answers, 503 when it does not (load balancers, `docker compose`)."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

import portal.db


async def test_healthz_is_ok_when_the_database_answers(client: Any) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_healthz_needs_no_sign_in_and_sets_no_session(client: Any) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert "portal_session" not in response.cookies


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unreachable_engine(kind: str, tmp_path: Path) -> tuple[Engine, str]:
    """A real engine whose database cannot be reached, and the location it points at."""
    if kind == "sqlite":
        # A file in a directory that does not exist: SQLite cannot open it. (The portal's create_engine()
        # would create the directory, so the engine is built directly.)
        path = str(tmp_path / "no-such-directory" / "portal.sqlite3")
        return SQLiteEngine(path=path), path
    # Nothing listens on this port: the connection is refused.
    dsn = f"postgresql://postgres@127.0.0.1:{_closed_port()}/portal"
    return PostgresEngine(config={"dsn": dsn}), dsn


# Piccolo's PostgresEngine checks the server version when it is built, and warns that it cannot connect.
@pytest.mark.filterwarnings("ignore:.*Unable to connect to database")
@pytest.mark.parametrize("kind", ["sqlite", "postgres"], ids=["sqlite in a missing directory", "postgres down"])
async def test_healthz_is_503_when_the_database_does_not_answer(
    client: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str
) -> None:
    # What is substituted: only the engine that portal.db.ping() looks up through portal.db.get_engine. The
    # rest of the request path (routing, middleware, the real ping query on a real driver) is untouched, and
    # the test's own rolled-back transaction keeps using the real engine it already holds. Why: taking the
    # shared test database down would break every other test; an engine pointed at a place where no database
    # can be reached makes the real ping fail the way it fails in production.
    unreachable, location = _unreachable_engine(kind, tmp_path)
    with pytest.raises((OSError, sqlite3.Error)):
        await unreachable._run_in_new_connection("SELECT 1")
    monkeypatch.setattr(portal.db, "get_engine", lambda: unreachable)

    response = await client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] != "ok"
    # A load balancer's probe needs the status, not where the database lives.
    assert location not in response.text
    assert "127.0.0.1" not in response.text


async def test_healthz_recovers_when_the_database_answers_again(
    client: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    unreachable, _ = _unreachable_engine("sqlite", tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(portal.db, "get_engine", lambda: unreachable)
        assert (await client.get("/healthz")).status_code == 503
    assert (await client.get("/healthz")).status_code == 200
