"""Importing SAMHSA FindTreatment.gov locator files (`portal network import FILE`, the upload page, the API).

The whole file is read and every row checked before the first write, so a malformed file imports nothing.
Rows then match existing programs by SAMHSA id (frid), else by name and address (a program the practice typed in
is linked to its frid, not duplicated). A matched program gets only the fields that differ, never one named in
its `locally_edited`; one with no difference is counted unchanged. Imported programs start unvetted.

Writing is bulk: one query loads the existing programs, new ones are inserted several hundred per statement
with their ProgramFacet rows (the same rows facets.set_facets writes), and changed ones are updated in chunks,
each chunk its own transaction so progress shows and a web request is never kept waiting on SQLite's single
writer. Every write is idempotent by frid or name and address: an import that died midway is finished by
importing the same file again.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from piccolo.querystring import QueryString

from portal.audit import services as audit
from portal.clock import utcnow
from portal.db import write_transaction
from portal.network.facets import FACET_COLUMNS, set_facets_many
from portal.network.import_files import read_rows
from portal.network.import_rows import FACET_LIST_COLUMNS, IMPORTED_COLUMNS, ParsedRow, name_key, parse_rows
from portal.network.tables import Program, ProgramFacet
from portal.policy import Action, Principal, require

Progress = Callable[[int, int], Awaitable[None]]

CHUNK_ROWS = 1000  # rows per transaction (and per progress step)
INSERT_ROWS = 400  # programs per INSERT statement (about 30 values each, under both engines' parameter limits)
FACET_ROWS = 5000  # facet rows per INSERT statement (3 values each)
_NULLABLE = {"latitude", "longitude", "samhsa_id", "age_min", "age_max"}
_COLUMN_FACET = {column: facet for facet, column in FACET_COLUMNS.items()}


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped (of {self.total} rows)"
        )


@dataclass
class Plan:
    creates: list[ParsedRow] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (program id, changed columns)
    unchanged: int = 0


async def import_programs(
    principal: Principal,
    data: bytes,
    filename: str,
    *,
    progress: Progress | None = None,
    batch_id: int | None = None,
) -> ImportReport:
    """Import one file; MalformedFile (nothing written) when it cannot be read as a whole."""
    require(principal, Action.NETWORK_WRITE)
    source_rows = read_rows(data, filename)
    parsed, skipped = parse_rows(source_rows)
    report = ImportReport(total=len(source_rows), skipped=skipped)
    plan = plan_import(parsed, await existing_programs())
    report.unchanged = plan.unchanged
    done = len(skipped) + plan.unchanged
    if progress is not None:
        await progress(done, report.total)
    now = utcnow()
    for start in range(0, len(plan.creates), CHUNK_ROWS):
        chunk = plan.creates[start : start + CHUNK_ROWS]
        async with write_transaction():
            await insert_programs(chunk, now)
        report.created += len(chunk)
        done += len(chunk)
        if progress is not None:
            await progress(done, report.total)
    for start in range(0, len(plan.updates), CHUNK_ROWS):
        changes = plan.updates[start : start + CHUNK_ROWS]
        async with write_transaction():
            await update_programs(changes, now)
        report.updated += len(changes)
        done += len(changes)
        if progress is not None:
            await progress(done, report.total)
    await audit.record(
        principal,
        "network.import",
        resource_type="program_import",
        resource_id=batch_id,
        detail={
            "rows": report.total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "skipped": len(report.skipped),
        },
    )
    return report


# --------------------------------------------------------------------------- matching


async def existing_programs() -> list[dict[str, Any]]:
    """Every program's id, locally edited fields and importable columns, in one query."""
    columns = ", ".join(f'"{name}"' for name in ("id", "locally_edited", *IMPORTED_COLUMNS))
    rows: list[dict[str, Any]] = await Program.raw(f'SELECT {columns} FROM "programs"')  # noqa: S608
    for row in rows:
        for column in (*FACET_LIST_COLUMNS, "locally_edited"):
            if isinstance(row[column], str):
                row[column] = json.loads(row[column] or "[]")
    return rows


def plan_import(parsed: Sequence[ParsedRow], existing: list[dict[str, Any]]) -> Plan:
    by_frid = {row["samhsa_id"]: row for row in existing if row["samhsa_id"]}
    by_key: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in existing:
        key = name_key(row["name"], row["program_name"], row["street1"], row["city"], row["state"], row["zip_code"])
        by_key.setdefault(key, []).append(row)
    claimed: set[int] = set()
    plan = Plan()
    for item in parsed:
        match = by_frid.get(item.samhsa_id) if item.samhsa_id else None
        if match is None:
            match = next(
                (
                    row
                    for row in by_key.get(item.name_key, [])
                    if row["id"] not in claimed and row["samhsa_id"] in (None, item.samhsa_id)
                ),
                None,
            )
        if match is None:
            plan.creates.append(item)
            continue
        claimed.add(match["id"])
        changes = changed_columns(match, item.values)
        if changes:
            plan.updates.append((match["id"], changes))
        else:
            plan.unchanged += 1
    return plan


def changed_columns(current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The imported values that differ from the program's, leaving out every field the practice edited."""
    edited = set(current.get("locally_edited") or [])
    return {
        column: value
        for column, value in values.items()
        if column not in edited and current.get(column) != value and not _both_empty(current.get(column), value)
    }


def _both_empty(old: Any, new: Any) -> bool:
    return old in (None, "") and new in (None, "")


# --------------------------------------------------------------------------- writing


def _default(column: str) -> Any:
    if column in _NULLABLE:
        return None
    return [] if column in _COLUMN_FACET else ""


def _db_value(column: str, value: Any) -> Any:
    return json.dumps(value) if column in _COLUMN_FACET or column == "locally_edited" else value


async def _run(sql: str, args: list[Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await Program._meta.db.run_querystring(QueryString(sql, *args))
    return result or []


async def insert_programs(rows: Sequence[ParsedRow], now: datetime) -> list[int]:
    """Insert new programs (unvetted, source samhsa) and their facet rows; returns their ids in order."""
    columns = [*IMPORTED_COLUMNS, "source", "vetting_status", "locally_edited", "created_at", "updated_at"]
    names = ", ".join(f'"{c}"' for c in columns)
    placeholders = "(" + ", ".join("{}" for _ in columns) + ")"
    ids: list[int] = []
    for start in range(0, len(rows), INSERT_ROWS):
        batch = rows[start : start + INSERT_ROWS]
        args: list[Any] = []
        for row in batch:
            args.extend(_db_value(c, row.values.get(c, _default(c))) for c in IMPORTED_COLUMNS)
            args.extend(["samhsa", "unvetted", "[]", now, now])
        sql = (
            f'INSERT INTO "programs" ({names}) VALUES {", ".join(placeholders for _ in batch)} '  # noqa: S608
            'RETURNING "id", "samhsa_id", "name", "program_name", "street1", "city", "state", "zip_code"'
        )
        returned = await _run(sql, args)
        # Matched back by frid, or name and address (unique within an import), not by the order of RETURNING.
        by_identity = {_identity(r["samhsa_id"], _returned_key(r)): int(r["id"]) for r in returned}
        ids.extend(by_identity[_identity(row.samhsa_id, row.name_key)] for row in batch)
    await insert_facet_rows(
        [
            (program_id, facet, value)
            for program_id, row in zip(ids, rows, strict=True)
            for facet, column in FACET_COLUMNS.items()
            for value in row.values.get(column, [])
        ]
    )
    return ids


def _returned_key(row: dict[str, Any]) -> tuple[str, ...]:
    return name_key(row["name"], row["program_name"], row["street1"], row["city"], row["state"], row["zip_code"])


def _identity(samhsa_id: str | None, key: tuple[str, ...]) -> tuple[str, ...]:
    return ("frid", samhsa_id) if samhsa_id else ("key", *key)


async def insert_facet_rows(rows: Sequence[tuple[int, str, str]]) -> None:
    """ProgramFacet rows for programs that have none yet (what facets.set_facets would write, in bulk)."""
    table = ProgramFacet._meta.tablename
    for start in range(0, len(rows), FACET_ROWS):
        batch = rows[start : start + FACET_ROWS]
        values = ", ".join("({}, {}, {})" for _ in batch)
        await _run(
            f'INSERT INTO "{table}" ("program", "facet", "value") VALUES {values}',  # noqa: S608
            [item for row in batch for item in row],
        )


async def update_programs(updates: Sequence[tuple[int, dict[str, Any]]], now: datetime) -> None:
    """Write the changed columns of matched programs; changed facet lists go through facets.set_facets_many."""
    facet_changes: dict[int, dict[str, list[str]]] = {}
    for program_id, changes in updates:
        scalars = {c: v for c, v in changes.items() if c not in _COLUMN_FACET}
        facets = {_COLUMN_FACET[c]: v for c, v in changes.items() if c in _COLUMN_FACET}
        if facets:
            facet_changes[program_id] = facets
        assignments = ", ".join(f'"{c}" = {{}}' for c in scalars)
        await _run(
            f'UPDATE "programs" SET {assignments}{", " if assignments else ""}"updated_at" = {{}} WHERE "id" = {{}}',  # noqa: S608
            [*scalars.values(), now, program_id],
        )
    await set_facets_many(facet_changes)


def report_lines(report: ImportReport) -> list[str]:
    """The report as `portal network import` prints it: the counts, then each skipped row with its reason."""
    lines = [f"Programs: {report.summary}."]
    lines.extend(f"  skipped {item['where']}: {item['reason']}" for item in report.skipped)
    return lines
