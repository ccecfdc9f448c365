"""SQLite (the embedded default): a query outside a transaction reuses an idle connection instead of opening one
(and a thread) per query; a query that failed never hands back its connection (it may hold an implicit
transaction, which would lock out every writer); idle connections never keep the process alive (daemon
threads). On a scratch SQLite file of its own, so it runs in both suites (PostgreSQL pools its own)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from portal.db import PortalSQLiteEngine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Any]:
    engine = PortalSQLiteEngine(path=str(tmp_path / "reuse.sqlite3"), timeout=30)
    await engine._run_in_new_connection("CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT UNIQUE)")
    await engine._run_in_new_connection("INSERT INTO people (email) VALUES (?)", ["pat@example.com"])
    await engine.close_idle()
    yield engine
    await engine.close_idle()


async def test_queries_outside_a_transaction_share_idle_connections(engine: Any) -> None:
    opened = 0
    original = engine._open

    async def counting_open() -> Any:
        nonlocal opened
        opened += 1
        return await original()

    engine._open = counting_open
    for _ in range(20):
        assert await engine._run_in_new_connection("SELECT COUNT(*) AS n FROM people") == [{"n": 1}]
    assert opened == 1 and len(engine._idle) == 1
    assert all(connection._thread.daemon for connection in engine._idle)


async def test_a_failed_query_does_not_hand_back_its_connection(engine: Any) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await engine._run_in_new_connection("INSERT INTO people (email) VALUES (?)", ["pat@example.com"])
    assert engine._idle == []  # closed, not pooled: its implicit transaction went with it
    # Writers are not locked out, and the failed insert left nothing behind.
    await engine._run_in_new_connection("INSERT INTO people (email) VALUES (?)", ["sam@example.com"])
    rows = await engine._run_in_new_connection("SELECT email FROM people ORDER BY id")
    assert [row["email"] for row in rows] == ["pat@example.com", "sam@example.com"]
    assert len(engine._idle) == 1


async def test_a_forked_child_does_not_use_its_parents_connections(engine: Any) -> None:
    await engine._run_in_new_connection("SELECT 1")
    [parents] = engine._idle
    engine._idle_pid = -1  # as if this process were a fork of the one that opened it
    assert engine._take_idle() is None and engine._idle == []
    await parents.close()
