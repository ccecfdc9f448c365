"""Talking to the database behind PORTAL_DATABASE_URL (or a scratch one) without the Piccolo engine:
row counts of every table, the "is it empty" check, PostgreSQL command-line tools and sequence resets.

Backup, restore and verification work on databases other than the one the app's engine points at (a scratch
database, a target being replaced), so they use the drivers directly.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

import asyncpg

from portal.errors import DomainError
from portal.settings import DatabaseTarget


class OperationFailed(DomainError):
    """A backup, restore or purge could not be done; the message says why and what to do."""


def quote_identifier(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise OperationFailed(f"Unexpected table name {name!r} in the database.")
    return f'"{name}"'


# --------------------------------------------------------------------------- SQLite


def sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: int(connection.execute(f"SELECT COUNT(*) FROM {quote_identifier(name)}").fetchone()[0])  # noqa: S608
            for name in names
        }


def sqlite_has_users(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with closing(sqlite3.connect(path)) as connection:
        exists = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'").fetchone()
        if not exists:
            return False
        return bool(connection.execute("SELECT COUNT(*) FROM users").fetchone()[0])


# --------------------------------------------------------------------------- PostgreSQL


async def postgres_counts(connection: asyncpg.Connection) -> dict[str, int]:
    names = [
        row["table_name"]
        for row in await connection.fetch(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    ]
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = int(await connection.fetchval(f"SELECT COUNT(*) FROM public.{quote_identifier(name)}"))  # noqa: S608
    return counts


async def postgres_has_users(dsn: str) -> bool:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        if await connection.fetchval("SELECT to_regclass('public.users')") is None:
            return False
        return bool(await connection.fetchval("SELECT COUNT(*) FROM public.users"))
    finally:
        await connection.close()


async def postgres_table_counts(dsn: str) -> dict[str, int]:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        return await postgres_counts(connection)
    finally:
        await connection.close()


async def reset_sequences(dsn: str) -> int:
    """Point every serial column's sequence past the largest id, so new rows get fresh ids."""
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        rows = await connection.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'"
        )
        for row in rows:
            table, column = quote_identifier(row["table_name"]), quote_identifier(row["column_name"])
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX({column}), 1), "  # noqa: S608
                f"MAX({column}) IS NOT NULL) FROM public.{table}",
                f"public.{table}",
                row["column_name"],
            )
        return len(rows)
    finally:
        await connection.close()


def postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise OperationFailed(
            f"`{name}` was not found. Install the PostgreSQL client tools matching the server's major version "
            "(Debian: apt-get install postgresql-client)."
        )
    return path


def tool_major_version(tool: str) -> int:
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None:  # pragma: no cover - every release prints its version
        raise OperationFailed(f"Could not read the version of {tool}: {output!r}")
    return int(match.group(1))


async def server_major_version(dsn: str) -> int:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        return int(await connection.fetchval("SHOW server_version_num")) // 10000
    finally:
        await connection.close()


def libpq_environment(dsn: str) -> dict[str, str]:
    """The PG* variables for a DSN, so the password never appears on a command line (visible in `ps`)."""
    parts = urlsplit(dsn)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    if parts.hostname:
        env["PGHOST"] = parts.hostname
    if parts.port:
        env["PGPORT"] = str(parts.port)
    if parts.username:
        env["PGUSER"] = unquote(parts.username)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    env["PGDATABASE"] = unquote(parts.path.lstrip("/")) or "postgres"
    for key, value in parse_qsl(parts.query):
        if key == "host":
            env["PGHOST"] = value
        elif key in {"sslmode", "sslrootcert", "sslcert", "sslkey", "port", "user", "password"}:
            env["PG" + key.upper()] = value
    env["PGAPPNAME"] = "portal-backup"
    return env


def dsn_for_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def database_name(dsn: str) -> str:
    return unquote(urlsplit(dsn).path.lstrip("/")) or "postgres"


async def create_database(dsn: str, name: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection.execute(f"CREATE DATABASE {quote_identifier(name)}")
    except asyncpg.PostgresError as exc:
        raise OperationFailed(f"Could not create the scratch database {name}: {exc}") from exc
    finally:
        await connection.close()


async def drop_database(dsn: str, name: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection.execute(f"DROP DATABASE IF EXISTS {quote_identifier(name)} WITH (FORCE)")
    finally:
        await connection.close()


async def has_users(target: DatabaseTarget) -> bool:
    if target.engine == "sqlite":
        assert target.path is not None
        return sqlite_has_users(Path(target.path))
    assert target.dsn is not None
    return await postgres_has_users(target.dsn)


async def table_counts(target: DatabaseTarget) -> dict[str, int]:
    if target.engine == "sqlite":
        assert target.path is not None
        return sqlite_counts(Path(target.path))
    assert target.dsn is not None
    return await postgres_table_counts(target.dsn)
