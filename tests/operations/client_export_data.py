"""One row in every table that leads to a client, for a given client, each carrying a marker string: the export
tests fill Jordan's and Taylor's records this way and check that Jordan's export has every one of his rows and
none of Taylor's. Tables are found by walking foreign keys here, independently of portal.operations."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import date, timedelta
from typing import Any

from piccolo.columns import (
    JSON,
    UUID,
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Interval,
    Numeric,
    Real,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.conf.apps import Finder
from piccolo.table import Table

from portal.cases.tables import Client
from portal.clock import utcnow
from portal.files import services as files
from portal.files.tables import StoredFile

_numbers = itertools.count(700_000)


def every_table() -> list[type[Table]]:
    return list(Finder().get_table_classes())


def _target(column: ForeignKey[Any]) -> type[Table]:
    return column._foreign_key_meta.resolved_references


def tables_reaching_client() -> set[type[Table]]:
    """Every table with a chain of foreign keys (any chain, any length) that ends at `Client`, and `Client`."""
    reached: set[type[Table]] = {Client}
    grew = True
    while grew:
        grew = False
        for table in every_table():
            if table not in reached and any(_target(c) in reached for c in table._meta.foreign_key_columns):
                reached.add(table)
                grew = True
    return reached


def tables_naming_a_client_without_a_key() -> set[type[Table]]:
    """Tables that keep a client's id in a plain column (no foreign key), such as the audit log."""
    return {
        table
        for table in every_table()
        for column in table._meta.columns
        if column._meta.name in {"client", "client_id"} and not isinstance(column, ForeignKey)
    }


def _value(column: Any, marker: str, tablename: str) -> Any:
    text = f"{marker} {tablename} {column._meta.name}"
    if isinstance(column, Varchar):
        return text[: column.length]
    if isinstance(column, Text):
        return text
    if isinstance(column, JSON):
        return json.dumps([text])
    if isinstance(column, Boolean):
        return False
    if isinstance(column, Integer | BigInt | SmallInt):
        return next(_numbers)
    if isinstance(column, Numeric | Real | DoublePrecision):
        return 1
    if isinstance(column, Timestamptz):
        return utcnow()
    if isinstance(column, Date):
        return date(2026, 1, 15)
    if isinstance(column, UUID):
        return uuid.uuid4()
    if isinstance(column, Interval):
        return timedelta(minutes=5)
    raise AssertionError(f"no test value for {type(column).__name__} {tablename}.{column._meta.name}")


class RecordFiller:
    def __init__(self, client_id: int, marker: str, user_id: int) -> None:
        self.client_id = client_id
        self.marker = marker
        self.user_id = user_id
        self.rows: dict[type[Table], int] = {Client: client_id}
        self.file_id: int | None = None

    async def _stored_file(self) -> int:
        if self.file_id is None:
            info = await files.store_bytes(
                b"%PDF-1.4\n% " + self.marker.encode() + b" document\n",
                "document.pdf",
                "application/pdf",
                uploaded_by=self.user_id,
            )
            self.file_id = info.id
        return self.file_id

    async def _foreign(self, column: ForeignKey[Any], linked: set[type[Table]]) -> Any:
        target = _target(column)
        if target in self.rows:
            return self.rows[target]
        if target is StoredFile:
            return await self._stored_file()
        if target.__name__ == "User":
            return self.user_id
        if target in linked or column._meta.null:
            return None
        return await self.insert(target, linked)  # a shared parent (a care-team party, a program …)

    async def insert(self, table: type[Table], linked: set[type[Table]]) -> int:
        values: dict[str, Any] = {}
        for column in table._meta.columns:
            if isinstance(column, Serial) or column._meta.primary_key:
                continue
            if isinstance(column, ForeignKey):
                values[column._meta.name] = await self._foreign(column, linked)
            else:
                values[column._meta.name] = _value(column, self.marker, table._meta.tablename)
        rows = await table.insert(table(**values))
        return int(rows[0]["id"])

    async def fill(self) -> dict[str, int]:
        """One row per client-linked table (parents first); returns {tablename: row id}."""
        linked = tables_reaching_client()
        pending = [t for t in every_table() if t in linked and t is not Client]
        strict = True
        while pending:
            ready = [
                t
                for t in pending
                if all(
                    _target(c) in self.rows
                    or _target(c) not in linked
                    or _target(c) is t
                    or (not strict and c._meta.null)
                    for c in t._meta.foreign_key_columns
                )
            ]
            if not ready:
                if not strict:
                    raise AssertionError(f"cannot order {[t.__name__ for t in pending]}")
                strict = False
                continue
            for table in ready:
                existing = await self._existing_one_per_client(table)
                self.rows[table] = existing if existing is not None else await self.insert(table, linked)
                pending.remove(table)
            strict = True
        return {table._meta.tablename: row_id for table, row_id in self.rows.items()}

    async def _existing_one_per_client(self, table: type[Table]) -> int | None:
        """A table allowed one row per client (the assessment) keeps the row the client already has."""
        for column in table._meta.foreign_key_columns:
            if _target(column) is Client and column._meta.unique:
                row = await table.select(table._meta.primary_key).where(column == self.client_id).first()
                return None if row is None else int(row["id"])
        return None


async def fill_record(client: dict[str, Any], marker: str, user: dict[str, Any]) -> dict[str, int]:
    return await RecordFiller(client["id"], marker, user["id"]).fill()
