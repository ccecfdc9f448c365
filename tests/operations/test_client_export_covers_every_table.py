"""Every table that refers to a client (through any chain of foreign keys, or by a plain client id column) is in
the client's export with the client's rows, or on the export's exclusion list with a reason. A new table that
leads to a client and is neither fails here."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from portal.operations.client_export import EXCLUDED_TABLES, export_client
from portal.policy import Principal
from tests.operations.client_export_data import (
    fill_record,
    tables_naming_a_client_without_a_key,
    tables_reaching_client,
)


async def test_every_client_table_is_exported_or_excluded_with_a_reason(
    db: None, jordan: dict[str, Any], olivia: dict[str, Any], tmp_path: Path
) -> None:
    jordans_rows = await fill_record(jordan, "JORDAN-ROW", olivia)
    result = await export_client(Principal.system("test"), jordan["id"], tmp_path / "jordan.zip")

    referring = {t._meta.tablename for t in tables_reaching_client() | tables_naming_a_client_without_a_key()}
    assert {"superbill_lines", "note_addenda", "family_messages", "refunds", "audit_events"} <= referring

    with zipfile.ZipFile(result.path) as archive:
        names = set(archive.namelist())
        problems = []
        for tablename in sorted(referring):
            if tablename in EXCLUDED_TABLES:
                if len(EXCLUDED_TABLES[tablename].strip()) < 20:
                    problems.append(f"{tablename}: excluded without a real reason")
                if f"data/{tablename}.json" in names:
                    problems.append(f"{tablename}: both excluded and exported")
                continue
            member = f"data/{tablename}.json"
            if member not in names:
                problems.append(f"{tablename}: refers to a client but is neither exported nor excluded")
                continue
            ids = {row["id"] for row in json.loads(archive.read(member))}
            if tablename in jordans_rows and jordans_rows[tablename] not in ids:
                problems.append(f"{tablename}: Jordan's row {jordans_rows[tablename]} is missing from the export")
    assert problems == []
    assert set(EXCLUDED_TABLES) <= referring, "an exclusion for a table that does not refer to a client"
