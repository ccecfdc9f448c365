"""Helpers for hand-written migration steps that must run the same on SQLite and PostgreSQL."""

from __future__ import annotations

from piccolo.table import Table


async def create_unique_index(table: type[Table], name: str, columns: list[str]) -> None:
    """A composite unique index (Piccolo's composite constraint DDL does not run on SQLite)."""
    column_list = ", ".join(f'"{column}"' for column in columns)
    await table.raw(f'CREATE UNIQUE INDEX IF NOT EXISTS "{name}" ON "{table._meta.tablename}" ({column_list})')


async def create_index(table: type[Table], name: str, columns: list[str]) -> None:
    column_list = ", ".join(f'"{column}"' for column in columns)
    await table.raw(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table._meta.tablename}" ({column_list})')
