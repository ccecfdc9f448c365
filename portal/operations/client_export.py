"""The client's right of access: every record about one client in a zip (JSON per table, the stored files, a
summary PDF and a notes PDF, an index and a README), and nothing about anyone else.

Which tables go in is not a hand-kept list: every Piccolo table of every app in portal/piccolo_conf.py that
reaches `Client` through a chain of foreign keys (SuperbillLine → Superbill → Client, Message → Thread → Client)
is exported, filtered through that chain, unless it is on EXCLUDED_TABLES with a reason. The zip is written to a
temporary file next to its destination, row batch by row batch, so a large record never sits in memory.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from piccolo.columns import ForeignKey
from piccolo.conf.apps import Finder
from piccolo.table import Table

from portal.audit.services import record
from portal.cases.tables import Client
from portal.clock import utcnow
from portal.errors import NotFound
from portal.files import services as files
from portal.files.tables import StoredFile
from portal.policy import MAX_ROW_ID, Action, Principal, require
from portal.richtext import plain_text
from portal.templating import format_date, format_datetime

BATCH_SIZE = 500
TEMPLATES = Path(__file__).resolve().parent / "templates" / "export"

# Tables that refer to a client but are deliberately left out of the export, each with its reason.
EXCLUDED_TABLES: dict[str, str] = {
    "audit_events": (
        "The practice's internal security log (who opened which page), kept under its own hash chain; information "
        "that left the practice is exported from `disclosures` as the accounting of disclosures."
    ),
}


@dataclass(frozen=True)
class ClientLink:
    """A table and the foreign-key columns that lead from it to `Client` (empty for `Client` itself)."""

    table: type[Table]
    path: tuple[str, ...]

    @property
    def tablename(self) -> str:
        return self.table._meta.tablename

    def condition(self, client_id: int) -> Any:
        if not self.path:
            return self.table._meta.primary_key == client_id
        column: Any = getattr(self.table, self.path[0])
        for name in self.path[1:]:
            column = getattr(column._, name)
        return column == client_id


def all_tables() -> list[type[Table]]:
    """Every table of every app registered in portal/piccolo_conf.py."""
    return list(Finder().get_table_classes())


def _references(column: ForeignKey[Any]) -> type[Table]:
    return column._foreign_key_meta.resolved_references


def client_links(tables: list[type[Table]] | None = None) -> list[ClientLink]:
    """Every table with a foreign-key chain to `Client`, by the shortest chain (a NOT NULL link preferred)."""
    tables = tables if tables is not None else all_tables()
    paths: dict[type[Table], tuple[str, ...]] = {Client: ()}
    frontier: list[type[Table]] = [Client]
    while frontier:
        found: dict[type[Table], tuple[str, ...]] = {}
        for table in tables:
            if table in paths:
                continue
            candidates = [
                column
                for column in table._meta.foreign_key_columns
                if _references(column) in frontier and _references(column) is not table
            ]
            if candidates:
                best = sorted(candidates, key=lambda c: (c._meta.null, c._meta.name))[0]
                found[table] = (best._meta.name, *paths[_references(best)])
        paths.update(found)
        frontier = list(found)
    return sorted((ClientLink(t, p) for t, p in paths.items()), key=lambda link: (len(link.path), link.tablename))


def exported_links() -> list[ClientLink]:
    return [link for link in client_links() if link.tablename not in EXCLUDED_TABLES]


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot export {type(value).__name__}")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


async def _batches(link: ClientLink, client_id: int) -> Any:
    """This client's rows of one table, in id order, BATCH_SIZE at a time."""
    table = link.table
    primary_key = table._meta.primary_key
    last_id = 0
    while True:
        rows = (
            await table.select(*table.all_columns())
            .where(link.condition(client_id) & (primary_key > last_id))
            .order_by(primary_key)
            .limit(BATCH_SIZE)
            .output(load_json=True)
        )
        if not rows:
            return
        yield rows
        last_id = rows[-1]["id"]


@dataclass
class ExportedFile:
    path: str
    description: str
    rows: int | None = None


@dataclass
class ExportResult:
    client_id: int
    path: Path
    files: list[ExportedFile] = field(default_factory=list)

    @property
    def table_rows(self) -> dict[str, int]:
        return {
            f.path.removeprefix("data/").removesuffix(".json"): f.rows or 0 for f in self.files if f.rows is not None
        }


def _stored_file_columns(table: type[Table]) -> list[str]:
    return [c._meta.name for c in table._meta.foreign_key_columns if _references(c) is StoredFile]


async def _write_table(archive: zipfile.ZipFile, link: ClientLink, client_id: int, file_ids: set[int]) -> int:
    count = 0
    file_columns = _stored_file_columns(link.table)
    with archive.open(f"data/{link.tablename}.json", "w") as raw:
        raw.write(b"[\n")
        async for rows in _batches(link, client_id):
            chunk = []
            for row in rows:
                file_ids.update(row[name] for name in file_columns if row[name] is not None)
                chunk.append(("" if count == 0 else ",\n") + _dumps(row))
                count += 1
            await anyio.to_thread.run_sync(raw.write, "".join(chunk).encode())
        raw.write(b"\n]\n")
    return count


async def _write_files(archive: zipfile.ZipFile, file_ids: set[int], result: ExportResult) -> list[int]:
    """The stored files themselves (documents, attachments, signed releases, superbill PDFs), one at a time."""
    missing: list[int] = []
    for file_id in sorted(file_ids):
        info = (await files.infos([file_id])).get(file_id)
        if info is None:
            missing.append(file_id)
            continue
        try:
            data = await files.read_bytes(info)
        except NotFound:
            missing.append(file_id)
            continue
        name = f"files/{file_id}-{files.safe_display_name(info.original_name)}"
        await anyio.to_thread.run_sync(archive.writestr, name, data)
        result.files.append(ExportedFile(name, f"Stored file {file_id} ({info.content_type})"))
    return missing


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    environment.filters.update(date=format_date, datetime=format_datetime)
    environment.filters["plain"] = lambda html: plain_text(html or "")
    return environment


_ENVIRONMENT = _environment()


async def _render_pdf(template: str, **context: Any) -> bytes:
    from portal.billing.pdf import html_to_pdf

    html = _ENVIRONMENT.get_template(template).render(**context)
    return await anyio.to_thread.run_sync(html_to_pdf, html)


async def _pdf_context(client_id: int, result: ExportResult) -> dict[str, Any]:
    from portal.accounts.tables import User
    from portal.cases.tables import (
        Assessment,
        CareTeamMember,
        ClientAssignment,
        Consent,
        Diagnosis,
        Disclosure,
        Placement,
        Relative,
    )
    from portal.core.services import get_practice

    practice = await get_practice()
    users = {row["id"]: row["name"] for row in await User.select(User.id, User.name)}
    client = await Client.select().where(Client.id == client_id).first()
    return {
        "practice": practice,
        "tz": practice.time_zone,
        "client": client,
        "users": users,
        "generated_at": utcnow(),
        "assignments": await ClientAssignment.select().where(ClientAssignment.client == client_id),
        "assessment": await Assessment.select().where(Assessment.client == client_id).first(),
        "diagnoses": await Diagnosis.select().where(Diagnosis.client == client_id).order_by(Diagnosis.diagnosed_on),
        "relatives": await Relative.select().where(Relative.client == client_id).order_by(Relative.id),
        "care_team": await CareTeamMember.select(
            *CareTeamMember.all_columns(), CareTeamMember.party.name, CareTeamMember.party.party_type
        ).where(CareTeamMember.client == client_id),
        "placements": await Placement.select().where(Placement.client == client_id).order_by(Placement.id),
        "consents": await Consent.select().where(Consent.client == client_id).order_by(Consent.id),
        "disclosures": await Disclosure.select()
        .where(Disclosure.client == client_id)
        .order_by(Disclosure.disclosed_at),
        "table_rows": result.table_rows,
    }


async def _notes(client_id: int) -> list[dict[str, Any]]:
    from portal.cases.tables import Note, NoteAddendum

    notes = await Note.select().where(Note.client == client_id).order_by(Note.occurred_at)
    addenda = await NoteAddendum.select().where(NoteAddendum.note._.client == client_id).order_by(NoteAddendum.id)
    by_note: dict[int, list[dict[str, Any]]] = {}
    for addendum in addenda:
        by_note.setdefault(addendum["note"], []).append(addendum)
    for note in notes:
        note["addenda"] = by_note.get(note["id"], [])
    return notes


def _readme(result: ExportResult, generated_at: datetime) -> str:
    lines = [
        f"Record of client {result.client_id}, exported {generated_at.isoformat()}",
        "",
        "This archive holds every record the practice keeps about this client:",
        "  pdf/summary.pdf  - a readable summary (profile, assessment, diagnoses, relatives, care team,",
        "                     placements, releases and the accounting of disclosures)",
        "  pdf/notes.pdf    - every coordination note with its addenda",
        "  data/*.json      - every row of every table about the client, as JSON (one file per table)",
        "  files/*          - the documents and attachments themselves",
        "  index.json       - the list of files below, machine-readable",
        "",
        "Files:",
    ]
    for item in result.files:
        rows = f" ({item.rows} rows)" if item.rows is not None else ""
        lines.append(f"  {item.path}{rows} - {item.description}")
    lines += ["", "Left out, with the reason:"]
    lines += [f"  {table}: {reason}" for table, reason in EXCLUDED_TABLES.items()]
    return "\n".join(lines) + "\n"


async def export_client(principal: Principal, client_id: int, destination: Path) -> ExportResult:
    """Write the client's complete record to `destination` (a zip) and audit the export once."""
    require(principal, Action.CLIENT_EXPORT)
    if not 0 < client_id <= MAX_ROW_ID or not await Client.exists().where(Client.id == client_id):
        raise NotFound("No such client.")
    generated_at = utcnow()
    result = ExportResult(client_id=client_id, path=destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".zip", dir=destination.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            file_ids: set[int] = set()
            for link in exported_links():
                rows = await _write_table(archive, link, client_id, file_ids)
                via = " → ".join(link.path) or "the client itself"
                result.files.append(
                    ExportedFile(f"data/{link.tablename}.json", f"Table {link.tablename} (linked by {via})", rows)
                )
            missing = await _write_files(archive, file_ids, result)
            context = await _pdf_context(client_id, result)
            summary = await _render_pdf("summary_pdf.html", **context)
            archive.writestr("pdf/summary.pdf", summary)
            result.files.append(ExportedFile("pdf/summary.pdf", "Readable summary of the record"))
            notes = await _render_pdf("notes_pdf.html", notes=await _notes(client_id), **context)
            archive.writestr("pdf/notes.pdf", notes)
            result.files.append(ExportedFile("pdf/notes.pdf", "Every coordination note with its addenda"))
            index = {
                "client_id": client_id,
                "generated_at": generated_at,
                "generated_by": principal.label,
                "files": [item.__dict__ for item in result.files],
                "missing_stored_files": missing,
                "excluded_tables": EXCLUDED_TABLES,
            }
            archive.writestr("index.json", json.dumps(index, default=_json_default, indent=2, ensure_ascii=False))
            archive.writestr("README.txt", _readme(result, generated_at))
        os.replace(temporary, destination)
    except BaseException:
        os.unlink(temporary)
        raise
    await record(
        principal,
        "client.export",
        resource_type="client",
        resource_id=client_id,
        client_id=client_id,
        detail={"tables": sum(1 for f in result.files if f.rows is not None), "files": len(result.files)},
    )
    return result
