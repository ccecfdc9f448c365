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


async def test_a_transaction_borrows_an_idle_connection_and_gives_it_back(engine: Any) -> None:
    from piccolo.engine.sqlite import TransactionType

    await engine._run_in_new_connection("SELECT 1")
    [idle] = engine._idle
    async with engine.transaction(transaction_type=TransactionType.immediate) as transaction:
        assert transaction.connection is idle and engine._idle == []
        await engine.run_querystring(_sql("INSERT INTO people (email) VALUES ('sam@example.com')"))
    assert engine._idle == [idle] and not idle.in_transaction  # committed, and back

    with pytest.raises(RuntimeError):
        async with engine.transaction(transaction_type=TransactionType.immediate):
            await engine.run_querystring(_sql("INSERT INTO people (email) VALUES ('robin@example.com')"))
            raise RuntimeError("the unit of work fails")
    assert engine._idle == [idle] and not idle.in_transaction  # rolled back, and back
    rows = await engine._run_in_new_connection("SELECT email FROM people ORDER BY id")
    assert [row["email"] for row in rows] == ["pat@example.com", "sam@example.com"]


async def test_a_connection_closed_inside_a_transaction_really_closes(engine: Any) -> None:
    """What a failed COMMIT leaves (portal.db._discard_broken closes it): never back in the pool."""
    connection = await engine.get_connection()
    await connection.execute("BEGIN IMMEDIATE")
    await connection.close()
    assert engine._idle == [] and connection._connection is None
    # The write lock went with it: another writer gets in at once.
    await engine._run_in_new_connection("INSERT INTO people (email) VALUES (?)", ["sam@example.com"])


def _sql(text: str) -> Any:
    from piccolo.querystring import QueryString

    return QueryString(text)
