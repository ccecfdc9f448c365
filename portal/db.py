"""Engine selection, the one way to open a write transaction, and database error mapping.

Services own their transactions through `write_transaction()`. When a transaction is already open
(a test wraps each test in one, or a service calls another service) it becomes a SAVEPOINT, so a failing
unit of work is rolled back on its own and never leaves a half-written record behind.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import asyncpg
from piccolo.columns import Serial
from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

from portal.settings import parse_database_url


class PortalSQLiteEngine(SQLiteEngine):
    """SQLite with a busy timeout (concurrent writers wait instead of failing) and reused connections.

    Piccolo opens a new aiosqlite connection, with its own thread, for every query outside a transaction and for
    every transaction: ~6 ms of wall time each here, against ~0.3 ms for a query on an open connection
    (bench/load_test.py shows what it did to pages under load). So both borrow an idle connection and give it
    back when they end cleanly. One that failed, or that still has a transaction open (a failed COMMIT or
    ROLLBACK, or a failed statement's implicit transaction), is closed instead. Idle connections run daemon
    threads, so they never keep a finished process alive, and a forked child never uses its parent's."""

    MAX_IDLE = 8

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[Any] = []
        self._idle_pid = os.getpid()

    async def _open(self) -> Any:
        import aiosqlite
        from piccolo.engine.sqlite import dict_factory

        connection = aiosqlite.connect(**self.connection_kwargs)
        connection._thread.daemon = True  # an idle connection must not hold the interpreter open at exit
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]  # as Piccolo sets it
        await connection.execute("PRAGMA foreign_keys = 1")
        await connection.execute("PRAGMA busy_timeout = 30000")
        return connection

    async def get_connection(self) -> Any:
        """A connection for a transaction (Piccolo's SQLiteTransaction closes it at the end): idle if there is one,
        and its close() hands it back, unless a transaction is still open on it (a failed COMMIT or ROLLBACK) or
        it broke: then it really closes."""
        connection = self._take_idle() or await self._open()
        really_close = connection.close

        async def close_or_keep() -> None:
            del connection.close  # the class's own close() again, whatever happens next
            try:
                reusable = connection._running and not connection.in_transaction
            except ValueError:  # aiosqlite: "no active connection"
                reusable = False
            if reusable:
                self._give_back(connection)
            else:
                await really_close()

        connection.close = close_or_keep
        return connection

    def _give_back(self, connection: Any) -> None:
        if self._idle_pid == os.getpid() and len(self._idle) < self.MAX_IDLE:
            self._idle.append(connection)
        else:
            connection.stop()  # closes it on its own thread; nothing to wait for

    def _take_idle(self) -> Any | None:
        if self._idle_pid != os.getpid():  # forked: the parent's connections are not ours to use
            self._idle, self._idle_pid = [], os.getpid()
        return self._idle.pop() if self._idle else None

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        connection = self._take_idle() or await self._open()
        try:
            async with connection.execute(query, args or []) as cursor:
                await connection.commit()
                if query_type == "insert" and self.get_version_sync() < 3.35:
                    assert table is not None
                    rows = [{table._meta.primary_key._meta.db_column_name: await self._get_inserted_pk(cursor, table)}]
                else:
                    rows = await cursor.fetchall()
        except BaseException:
            with contextlib.suppress(Exception):
                await connection.close()
            raise
        self._give_back(connection)
        return rows

    async def close_idle(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            with contextlib.suppress(Exception):
                await connection.close()


def create_engine(database_url: str) -> Engine:
    target = parse_database_url(database_url)
    if target.engine == "sqlite":
        assert target.path is not None
        Path(target.path).parent.mkdir(parents=True, exist_ok=True)
        return PortalSQLiteEngine(path=target.path, timeout=30)
    return PostgresEngine(config={"dsn": target.dsn})


def get_engine() -> Engine:
    engine = engine_finder()
    if engine is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("No Piccolo engine configured")
    return engine


def is_sqlite() -> bool:
    return isinstance(get_engine(), SQLiteEngine)


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """Open a unit of work: BEGIN IMMEDIATE on SQLite, a transaction on PostgreSQL, a SAVEPOINT if nested."""
    engine = get_engine()
    current = engine.current_transaction.get()
    if current is not None:
        savepoint = await current.savepoint()
        try:
            yield
        except BaseException:
            await savepoint.rollback_to()
            raise
        else:
            await savepoint.release()
        return
    if isinstance(engine, SQLiteEngine):
        transaction = engine.transaction(transaction_type=TransactionType.immediate)
    else:
        transaction = engine.transaction()
    entered = False
    try:
        async with transaction:
            entered = True
            yield
    except BaseException:
        await _discard_broken(engine, transaction, entered=entered)
        raise


@asynccontextmanager
async def read_snapshot() -> AsyncIterator[None]:
    """Run a group of reads on one connection in one transaction, so they see one consistent state (a superbill's
    preview reads a dozen tables). SQLite: a deferred transaction, which takes no write lock (WAL readers never
    block the writer). Nested in an open transaction: nothing more to do."""
    engine = get_engine()
    if engine.current_transaction.get() is not None:
        yield
        return
    if isinstance(engine, SQLiteEngine):
        transaction = engine.transaction(transaction_type=TransactionType.deferred)
    else:
        transaction = engine.transaction()
    entered = False
    try:
        async with transaction:
            entered = True
            yield
    except BaseException:
        await _discard_broken(engine, transaction, entered=entered)
        raise


async def _discard_broken(engine: Engine, transaction: Any, *, entered: bool) -> None:
    """Piccolo keeps a transaction whose BEGIN, COMMIT or ROLLBACK failed (the database restarted under it) holding
    its connection and, once begun, as the current one: a long-lived task (the worker) would send every later query
    to the dead connection, and the pool would be a connection short each time. Forget it and hand the connection
    back (the pool replaces a closed one)."""
    if entered:
        current: Any = engine.current_transaction.get()
        if current is not transaction:
            return  # rolled back and released as usual
        engine.current_transaction.reset(current.context)
    connection = getattr(transaction, "connection", None)
    if connection is None:
        return
    with contextlib.suppress(Exception):
        pool = getattr(engine, "pool", None)
        if isinstance(engine, PostgresEngine) and pool is not None:
            await pool.release(connection)
        else:
            await connection.close()


def contains_text(column: Any, text: str) -> Any:
    """A case-insensitive "contains" filter (SQLite's LIKE is already case-insensitive for ASCII)."""
    pattern = "%" + text.strip().replace("\\", "").replace("%", "").replace("_", "")[:100] + "%"
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)


def in_transaction() -> bool:
    return get_engine().current_transaction.get() is not None


def is_unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.exceptions.UniqueViolationError):
        return True
    return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE constraint failed" in str(exc)


def unique_violation_detail(exc: BaseException) -> str:
    """The constraint or columns named by the driver, for mapping to a domain error."""
    if isinstance(exc, asyncpg.exceptions.UniqueViolationError):
        return getattr(exc, "constraint_name", None) or str(exc)
    return str(exc).replace("UNIQUE constraint failed: ", "")


async def ping() -> bool:
    """True when the database answers a trivial query."""
    try:
        await cast(Any, get_engine())._run_in_new_connection("SELECT 1")
    except Exception:
        return False
    return True


def is_database_unavailable(exc: BaseException) -> bool:
    """The database is down, restarting or busy past our wait: worth a 503 and a retry, not a 500 and a bug hunt."""
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in str(exc) or "busy" in str(exc)
    if isinstance(exc, asyncpg.exceptions.InternalClientError):
        # A pooled connection whose server went away mid-query is left mid-operation, and the next use (often the
        # pool's own reset) says "cannot switch to state N; another operation (M) is in progress" (seen in
        # bench/load_test.py --engines postgres-restart). Any other internal client error stays a bug (a 500).
        return "another operation" in str(exc)
    return isinstance(
        exc,
        (
            asyncpg.exceptions.PostgresConnectionError,  # cannot connect, rejected, too many connections
            asyncpg.exceptions.AdminShutdownError,
            asyncpg.exceptions.CrashShutdownError,
            asyncpg.exceptions.CannotConnectNowError,
            asyncpg.exceptions.ConnectionDoesNotExistError,
            asyncpg.exceptions.InterfaceError,  # the connection closed under us
            ConnectionError,
        ),
    )


async def start_pool() -> None:
    engine = get_engine()
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=1, max_size=10)
    elif isinstance(engine, SQLiteEngine):
        await use_write_ahead_log(engine)


async def use_write_ahead_log(engine: SQLiteEngine) -> None:
    """WAL lets readers go on while one writer commits (the default journal blocks them all), which is what two
    web workers and the background worker on one file need. The mode is stored in the file, so once suffices."""
    await engine.run_ddl("PRAGMA journal_mode=WAL")


async def close_pool() -> None:
    engine = get_engine()
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    elif isinstance(engine, PortalSQLiteEngine):
        await engine.close_idle()


if TYPE_CHECKING:

    class PortalTable(Table):
        """What every table is to a type checker: a Piccolo table with its implicit `id` primary key."""

        id: Serial

else:
    # At run time tables subclass Table itself, so Piccolo's migrations see exactly the columns declared.
    PortalTable = Table
