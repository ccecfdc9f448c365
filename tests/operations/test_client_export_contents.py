"""Jordan's export holds every row of his record, his documents and readable PDFs, and nothing of Taylor's
(whose record is filled the same way, with a different marker)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from portal.audit.tables import AuditEvent
from portal.operations.client_export import export_client
from portal.policy import Principal, Role
from tests.operations.client_export_data import fill_record


def acting(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role(person["role"]), email=person["email"], name=person["name"])


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_jordans_export_has_his_records_and_nothing_of_taylors(
    db: None, jordan: dict[str, Any], taylor: dict[str, Any], olivia: dict[str, Any], tmp_path: Path
) -> None:
    jordans_rows = await fill_record(jordan, "JORDAN-ROW", olivia)
    taylors_rows = await fill_record(taylor, "TAYLOR-SECRET", olivia)

    result = await export_client(acting(olivia), jordan["id"], tmp_path / "jordan.zip")

    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        members = {name: archive.read(name) for name in names}
    assert {"index.json", "README.txt", "pdf/summary.pdf", "pdf/notes.pdf"} <= set(names)
    for table in (
        "coordination_notes",
        "note_addenda",
        "superbills",
        "superbill_lines",
        "claims",
        "invoices",
        "payments",
        "family_messages",
        "family_documents",
        "consents",
        "disclosures",
        "placements",
    ):
        rows = json.loads(members[f"data/{table}.json"])
        ids = {row["id"] for row in rows}
        assert jordans_rows[table] in ids, table
        assert taylors_rows[table] not in ids, table

    texts = {
        name: pdf_text(data) if name.endswith(".pdf") and name.startswith("pdf/") else data.decode("latin-1")
        for name, data in members.items()
    }
    leaks = [name for name, text in texts.items() if "TAYLOR-SECRET" in text or "Taylor Brooks" in text]
    assert leaks == []

    summary, notes = texts["pdf/summary.pdf"], texts["pdf/notes.pdf"]
    assert "Client record summary" in summary and "Jordan Rivera" in summary
    assert "JORDAN-ROW" in notes  # the note's subject and body
    documents = [name for name in names if name.startswith("files/")]
    assert documents and all(b"JORDAN-ROW" in members[name] for name in documents)

    index = json.loads(members["index.json"])
    listed = {item["path"] for item in index["files"]}
    assert listed | {"index.json", "README.txt"} == set(names)
    assert "data/superbill_lines.json" in members["README.txt"].decode()


async def test_the_export_is_audited_once_naming_the_client_and_who(
    db: None, jordan: dict[str, Any], olivia: dict[str, Any], tmp_path: Path
) -> None:
    await export_client(acting(olivia), jordan["id"], tmp_path / "jordan.zip")
    events = await AuditEvent.select().where(AuditEvent.action == "client.export")
    assert [(e["client_id"], e["actor_id"], e["resource_id"]) for e in events] == [
        (jordan["id"], olivia["id"], str(jordan["id"]))
    ]
