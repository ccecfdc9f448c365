"""The upload page and `POST /api/v1/programs/import`: the file is checked at once (a malformed one is refused
naming the line, and nothing is queued), the worker imports it recording progress, and the report page polls
every second until it shows what was created, updated, unchanged and skipped."""

from __future__ import annotations

import re
from typing import Any

from portal.network.import_jobs import run_queued_imports
from portal.network.tables import ImportBatch, Program
from portal.worker import run_once
from tests.network.import_support import as_csv, as_json, sample_bytes, sample_rows


async def test_upload_queue_run_and_report(client: Any, casey: dict[str, Any], db: Any) -> None:
    rows = sample_rows()
    rows.append({**rows[0], "frid": "no-name", "name1": ""})
    await client.login_as(casey)
    assert "Upload a file" in (await client.get("/network/import")).text

    response = await client.post(
        "/network/import", data={}, files={"file": ("findtreatment.json", as_json(rows), "application/json")}
    )

    assert response.status_code == 303, response.text
    report_path = response.headers["location"]
    batch_id = int(report_path.rsplit("/", 1)[1])
    queued = await client.get(report_path)
    assert "Waiting for the worker" in queued.text and "31 rows" in queued.text
    assert f'hx-get="/network/import/{batch_id}/progress"' in queued.text and 'hx-trigger="every 1s"' in queued.text
    assert await Program.count() == 0

    report = await run_once()

    assert report.network_imports == 1
    batch = await ImportBatch.select().where(ImportBatch.id == batch_id).first()
    assert (batch["status"], batch["processed"], batch["total"], batch["created"], batch["unchanged"]) == (
        "done",
        31,
        31,
        30,
        0,
    )
    panel = await client.get(f"/network/import/{batch_id}/progress", headers={"HX-Request": "true"})
    assert "hx-trigger" not in panel.text  # finished: the polling stops
    done, total = re.search(r'data-done="(\d+)" data-total="(\d+)"', panel.text).groups()  # type: ignore[union-attr]
    assert done == total == "31"
    assert "row 31" in panel.text and "missing name (name1)" in panel.text
    listing = await client.get("/network/import")
    assert "findtreatment.json" in listing.text and f'href="/network/import/{batch_id}"' in listing.text


async def test_a_malformed_upload_is_refused_naming_the_line(client: Any, casey: dict[str, Any], db: Any) -> None:
    lines = as_csv(sample_rows()).decode().splitlines(keepends=True)
    lines[6] = lines[6].replace("Empowering", '"Empowering', 1)
    await client.login_as(casey)
    response = await client.post(
        "/network/import", data={}, files={"file": ("broken.csv", "".join(lines).encode(), "text/csv")}
    )
    assert response.status_code == 400
    assert "line 7: a quoted field does not end where it should" in response.text
    assert await ImportBatch.count() == 0 and await Program.count() == 0
    empty = await client.post("/network/import", data={})
    assert empty.status_code == 400 and "Choose a .json or .csv file." in empty.text


async def test_the_api_imports_and_reports(client: Any, olivia: dict[str, Any], db: Any) -> None:
    await client.login_as(olivia)
    started = await client.post(
        "/api/v1/programs/import", content=as_csv(sample_rows()), headers={"content-type": "text/csv"}
    )
    assert started.status_code == 202, started.text
    body = started.json()
    assert (body["status"], body["total"], body["processed"], body["filename"]) == ("queued", 30, 0, "import.csv")

    assert await run_queued_imports() == 1

    done = (await client.get(f"/api/v1/programs/imports/{body['id']}")).json()
    assert (done["status"], done["processed"], done["created"], done["updated"], done["skipped"]) == (
        "done",
        30,
        30,
        0,
        [],
    )
    again = await client.post(
        "/api/v1/programs/import", content=sample_bytes(), headers={"content-type": "application/json"}
    )
    await run_queued_imports()
    report = (await client.get(f"/api/v1/programs/imports/{again.json()['id']}")).json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 30)


async def test_the_api_refuses_a_malformed_file(client: Any, casey: dict[str, Any], db: Any) -> None:
    await client.login_as(casey)
    response = await client.post(
        "/api/v1/programs/import", content=b'{"rows": [\n{"name1": "A",\n', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("line 3, column 1: not valid JSON")
    assert await ImportBatch.count() == 0
    missing = await client.get("/api/v1/programs/imports/999999")
    assert missing.status_code == 404


async def test_a_failed_import_says_so(client: Any, casey: dict[str, Any], db: Any) -> None:
    """A file that went missing from storage between upload and run: the batch fails with a message, the worker
    carries on."""
    from portal.files.tables import StoredFile

    await client.login_as(casey)
    started = await client.post(
        "/api/v1/programs/import", content=sample_bytes(), headers={"content-type": "application/json"}
    )
    batch = await ImportBatch.select().where(ImportBatch.id == started.json()["id"]).first()
    await StoredFile.update({StoredFile.uuid: "00000000-0000-4000-8000-000000000000"}).where(
        StoredFile.id == batch["file"]
    )

    assert await run_queued_imports() == 1

    failed = (await client.get(f"/api/v1/programs/imports/{batch['id']}")).json()
    assert failed["status"] == "failed" and "Import the file again" in failed["error"]
    page = await client.get(f"/network/import/{batch['id']}")
    assert "Import the file again" in page.text and "hx-trigger" not in page.text
