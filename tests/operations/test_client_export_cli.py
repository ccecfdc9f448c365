"""`portal client export ID --output FILE.zip` on the demo practice: Jordan's zip holds his notes, placements,
releases, family messages and billing records (as many rows as the database has), and no text of Taylor's or
Riley's record, in the JSON or in the PDFs."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from tests.support.scratch import ScratchDatabase, create_scratch_database

# Jordan's rows per table, counted here with explicit SQL (independently of the export's own walk).
COUNTS = {
    "coordination_notes": "SELECT COUNT(*) FROM coordination_notes WHERE client = {id}",
    "note_addenda": "SELECT COUNT(*) FROM note_addenda a JOIN coordination_notes n ON a.note = n.id "
    "WHERE n.client = {id}",
    "placements": "SELECT COUNT(*) FROM placements WHERE client = {id}",
    "consents": "SELECT COUNT(*) FROM consents WHERE client = {id}",
    "disclosures": "SELECT COUNT(*) FROM disclosures WHERE client = {id}",
    "relatives": "SELECT COUNT(*) FROM relatives WHERE client = {id}",
    "family_updates": "SELECT COUNT(*) FROM family_updates WHERE client = {id}",
    "family_messages": "SELECT COUNT(*) FROM family_messages m JOIN family_threads t ON m.thread = t.id "
    "WHERE t.client = {id}",
    "time_entries": "SELECT COUNT(*) FROM time_entries WHERE client = {id}",
    "invoices": "SELECT COUNT(*) FROM invoices WHERE client = {id}",
    "payments": "SELECT COUNT(*) FROM payments p JOIN invoices i ON p.invoice = i.id WHERE i.client = {id}",
    "superbills": "SELECT COUNT(*) FROM superbills WHERE client = {id}",
    "superbill_lines": "SELECT COUNT(*) FROM superbill_lines l JOIN superbills s ON l.superbill = s.id "
    "WHERE s.client = {id}",
}


# The free text of clients' records: note bodies and subjects, relatives' names.
TEXTS = (
    "SELECT body_text FROM coordination_notes WHERE client IN ({ids}) "
    "UNION ALL SELECT subject FROM coordination_notes WHERE client IN ({ids}) "
    "UNION ALL SELECT name FROM relatives WHERE client IN ({ids})"
)


def query(scratch: ScratchDatabase, statement: str) -> list[tuple[Any, ...]]:
    if scratch.pg_server_url is None:
        connection = sqlite3.connect(scratch.url.removeprefix("sqlite:///"))
        try:
            return list(connection.execute(statement).fetchall())
        finally:
            connection.close()
    import asyncpg

    async def run() -> list[tuple[Any, ...]]:
        connection = await asyncpg.connect(scratch.url)
        try:
            return [tuple(row) for row in await connection.fetch(statement)]
        finally:
            await connection.close()

    return asyncio.run(run())


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    directory = tmp_path_factory.mktemp("export")
    scratch = create_scratch_database(directory)
    try:
        loaded = scratch.cli("demo", timeout=180)
        assert loaded.returncode == 0, loaded.stderr
        ids = dict(query(scratch, "SELECT legal_name, id FROM clients"))
        jordan = ids["Jordan Rivera"]
        output = directory / "jordan.zip"
        result = scratch.cli("client", "export", str(jordan), "--output", str(output), timeout=180)
        assert result.returncode == 0, result.stderr
        counts = {table: query(scratch, sql.format(id=jordan))[0][0] for table, sql in COUNTS.items()}
        others = ", ".join(str(cid) for name, cid in ids.items() if name != "Jordan Rivera")
        other_texts = [name for name in ids if name != "Jordan Rivera"]
        other_texts += [r[0] for r in query(scratch, TEXTS.format(ids=others))]
        jordans = " ".join(str(r[0]) for r in query(scratch, TEXTS.format(ids=jordan)))
        missing_cli = scratch.cli("client", "export", "999999", "--output", str(directory / "none.zip"))
        with zipfile.ZipFile(output) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        yield {
            "members": members,
            "counts": counts,
            "stdout": result.stdout,
            # Text of the other clients' records that is not also in Jordan's (a shared phrase proves nothing).
            "other_texts": [flat(t) for t in other_texts if t and len(t) >= 8 and flat(t) not in flat(jordans)],
            "missing_cli": missing_cli,
            "no_zip_for_missing": not (directory / "none.zip").exists(),
        }
    finally:
        scratch.drop()


def test_the_command_writes_the_zip_and_says_so(exported: dict[str, Any]) -> None:
    assert "Exported client" in exported["stdout"]
    assert {"index.json", "README.txt", "pdf/summary.pdf", "pdf/notes.pdf"} <= set(exported["members"])


def test_an_unknown_client_is_a_clear_error(exported: dict[str, Any]) -> None:
    assert exported["missing_cli"].returncode == 1
    assert "No such client." in exported["missing_cli"].stderr
    assert exported["no_zip_for_missing"]


def test_every_row_of_jordans_record_is_in_the_zip(exported: dict[str, Any]) -> None:
    members, counts = exported["members"], exported["counts"]
    assert counts["coordination_notes"] > 10 and counts["family_messages"] > 0 and counts["placements"] >= 3
    found = {table: len(json.loads(members[f"data/{table}.json"])) for table in COUNTS}
    assert found == counts


def test_nothing_of_taylors_or_rileys_record_is_in_the_zip(exported: dict[str, Any]) -> None:
    needles = exported["other_texts"]
    assert "Taylor Brooks" in needles and len(needles) > 10
    leaks = []
    for name, data in exported["members"].items():
        if name.endswith(".pdf") and name.startswith("pdf/"):
            text = flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))
        else:
            text = flat(data.decode("utf-8", errors="replace"))
        leaks += [(name, needle[:40]) for needle in needles if needle in text]
    assert leaks == []


def test_the_notes_pdf_reads_back_with_jordans_notes(exported: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(exported["members"]["pdf/notes.pdf"]))
    text = flat("\n".join(page.extract_text() for page in reader.pages))
    notes = json.loads(exported["members"]["data/coordination_notes.json"])
    assert len(reader.pages) >= 2 and "Coordination notes" in text
    subjects = [flat(n["subject"]) for n in notes if n["subject"]]
    assert subjects and all(subject in text for subject in subjects)
