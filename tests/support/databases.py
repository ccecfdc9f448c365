"""Creating and dropping the run's own PostgreSQL databases (the server outlives runs; we leave nothing)."""

from __future__ import annotations

import asyncpg


async def create_postgres_database(server_url: str, name: str, *, template: str | None = None) -> None:
    connection = await asyncpg.connect(server_url, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        suffix = f' TEMPLATE "{template}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await connection.close()


async def drop_postgres_database(server_url: str, name: str) -> None:
    connection = await asyncpg.connect(server_url, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
