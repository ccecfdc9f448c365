"""Imports started from the upload page or the API: the file is checked and kept, an ImportBatch is queued, the
worker runs it and records its progress, and the report page (polled every second) shows the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import NotFound
from portal.files import services as files
from portal.network.import_files import MalformedFile, detect_format, read_rows
from portal.network.importer import import_programs
from portal.network.tables import ImportBatch
from portal.policy import MAX_ROW_ID, Action, Principal, require

STATUSES = {"queued": "Waiting to start", "running": "Importing", "done": "Done", "failed": "Failed"}
CONTENT_TYPES = {"json": "application/json", "csv": "text/csv"}
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # tens of thousands of rows with their services


@dataclass
class ImportProgress:
    batch: dict[str, Any]

    @property
    def id(self) -> int:
        return int(self.batch["id"])

    @property
    def finished(self) -> bool:
        return self.batch["status"] in {"done", "failed"}

    @property
    def percent(self) -> int:
        if self.batch["status"] == "done":
            return 100
        total = int(self.batch["total"] or 0)
        return min(100, int(self.batch["processed"]) * 100 // total) if total else 0

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.batch["status"], self.batch["status"])

    @property
    def skipped(self) -> list[dict[str, Any]]:
        value = self.batch.get("skipped") or []
        return [item for item in value if isinstance(item, dict)]


async def queue_import(principal: Principal, data: bytes, filename: str) -> int:
    """Check the file as a whole (MalformedFile: nothing is queued), keep it, and queue it for the worker."""
    require(principal, Action.NETWORK_WRITE)
    if len(data) > MAX_UPLOAD_BYTES:
        raise MalformedFile("the file", f"it is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    rows = read_rows(data, filename)
    name = files.safe_display_name(filename or "import")
    async with write_transaction():
        stored = await files.store_bytes(
            data, name, CONTENT_TYPES[detect_format(data, filename)], uploaded_by=principal.user_id
        )
        inserted = await ImportBatch.insert(
            ImportBatch(
                filename=name,
                status="queued",
                total=len(rows),
                file=stored.id,
                started_by=principal.user_id,
                created_at=utcnow(),
            )
        ).returning(ImportBatch.id)
    return int(inserted[0]["id"])


async def run_queued_imports() -> int:
    """Called by the worker: runs every queued import in turn, recording progress as it goes."""
    done = 0
    for batch in await ImportBatch.select().where(ImportBatch.status == "queued").order_by(ImportBatch.id):
        async with write_transaction():
            claimed = (
                await ImportBatch.update({ImportBatch.status: "running"})
                .where((ImportBatch.id == batch["id"]) & (ImportBatch.status == "queued"))
                .returning(ImportBatch.id)
            )
        if not claimed:
            continue  # another worker took it
        await _run_batch(batch)
        done += 1
    return done


async def _run_batch(batch: dict[str, Any]) -> None:
    batch_id = int(batch["id"])

    async def progress(processed: int, total: int) -> None:
        async with write_transaction():
            await ImportBatch.update({ImportBatch.processed: processed, ImportBatch.total: total}).where(
                ImportBatch.id == batch_id
            )

    try:
        data = await files.read_bytes(await files.get_info(int(batch["file"])))
        report = await import_programs(
            Principal.system(f"network-import:{batch['started_by'] or ''}"),
            data,
            batch["filename"],
            progress=progress,
            batch_id=batch_id,
        )
    except MalformedFile as exc:
        await _fail(batch_id, exc.message)
        return
    except Exception as exc:  # the rows written so far stay; importing the file again finishes the job
        await _fail(batch_id, f"The import stopped ({type(exc).__name__}). Import the file again to finish it.")
        return
    async with write_transaction():
        await ImportBatch.update(
            {
                ImportBatch.status: "done",
                ImportBatch.processed: report.total,
                ImportBatch.total: report.total,
                ImportBatch.created: report.created,
                ImportBatch.updated: report.updated,
                ImportBatch.unchanged: report.unchanged,
                ImportBatch.skipped: report.skipped,
                ImportBatch.finished_at: utcnow(),
            }
        ).where(ImportBatch.id == batch_id)


async def _fail(batch_id: int, message: str) -> None:
    async with write_transaction():
        await ImportBatch.update(
            {ImportBatch.status: "failed", ImportBatch.error: message[:500], ImportBatch.finished_at: utcnow()}
        ).where(ImportBatch.id == batch_id)


async def import_progress(principal: Principal, batch_id: int) -> ImportProgress:
    require(principal, Action.NETWORK_READ)
    if not 0 < batch_id <= MAX_ROW_ID:
        raise NotFound("No such import.")
    row = (
        await ImportBatch.select(*ImportBatch.all_columns(), ImportBatch.started_by.name.as_alias("started_by_name"))
        .where(ImportBatch.id == batch_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound("No such import.")
    return ImportProgress(row)


async def recent_imports(principal: Principal, limit: int = 10) -> list[ImportProgress]:
    require(principal, Action.NETWORK_READ)
    rows = (
        await ImportBatch.select(*ImportBatch.all_columns(), ImportBatch.started_by.name.as_alias("started_by_name"))
        .order_by(ImportBatch.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    return [ImportProgress(row) for row in rows]
