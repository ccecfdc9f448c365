"""The SAMHSA sample (../shared/data/findtreatment_sample.json) and the same rows as CSV, for the import and
search tests."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from portal.network.import_files import TEXT_COLUMNS
from portal.network.importer import ImportReport, import_programs
from portal.network.tables import Program
from portal.policy import Principal

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "findtreatment_sample.json"
if not SAMPLE.exists():  # the repository checked out on its own
    SAMPLE = Path("/work/shared/data/findtreatment_sample.json")

# Row 1 of the sample: Region Ten's Mohr Center, Charlottesville (residential SUD treatment for adult men).
MOHR_CENTER = "811a908f82269778a2fe2a8bc603afa08df868f3e2fa56aa62e214d03997dea1"
SYSTEM = Principal.system("tests")


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def sample_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(sample_bytes())["rows"]
    return rows


def as_json(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps({"page": 1, "totalPages": 1, "recordCount": len(rows), "rows": rows}).encode()


def as_csv(rows: list[dict[str, Any]], *, services: str = "columns") -> bytes:
    """The rows as CSV with the API's column names; services as one column per code, or as a JSON column."""
    codes: list[str] = []
    for row in rows:
        for service in row.get("services", []):
            if service["f2"] not in codes:
                codes.append(service["f2"])
    header = [*TEXT_COLUMNS, "miles", *(codes if services == "columns" else ["services"])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        by_code = {s["f2"]: s["f3"] for s in row.get("services", [])}
        cells = ["" if row.get(name) is None else str(row.get(name)) for name in [*TEXT_COLUMNS, "miles"]]
        if services == "columns":
            cells.extend(by_code.get(code, "") for code in codes)
        else:
            cells.append(json.dumps(row.get("services", [])))
        writer.writerow(cells)
    return out.getvalue().encode()


async def run_import(data: bytes, filename: str = "sample.json") -> ImportReport:
    return await import_programs(SYSTEM, data, filename)


async def program_by_frid(frid: str) -> dict[str, Any]:
    row = await Program.select().where(Program.samhsa_id == frid).output(load_json=True).first()
    assert row is not None, frid
    return row


IMPORTED = (
    "name",
    "program_name",
    "street1",
    "street2",
    "city",
    "state",
    "zip_code",
    "county",
    "phone_main",
    "phone_admissions",
    "phone_crisis",
    "website",
    "latitude",
    "longitude",
    "samhsa_id",
    "facility_type",
    "program_types",
    "levels_of_care",
    "populations",
    "genders",
    "languages",
    "conditions",
    "approaches",
    "payment",
    "accreditations",
    "age_min",
    "age_max",
    "vetting_status",
    "source",
)


async def snapshot() -> dict[str, dict[str, Any]]:
    """Every program's imported fields, by frid (ids and timestamps left out)."""
    rows = await Program.select().output(load_json=True)
    return {row["samhsa_id"]: {name: row[name] for name in IMPORTED} for row in rows}
