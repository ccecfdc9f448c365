"""`portal network import FILE` against a database of its own: the report and the exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.network.import_support import SAMPLE, as_csv, sample_rows
from tests.support.scratch import ScratchDatabase, create_scratch_database


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    database = create_scratch_database(tmp_path_factory.mktemp("network-cli"))
    yield database
    database.drop()


def test_import_reimport_and_a_broken_file(scratch: ScratchDatabase, tmp_path: Path) -> None:
    rows = sample_rows()
    rows[2] = {**rows[2], "latitude": "138.2"}
    with_bad_row = tmp_path / "with-bad-row.csv"
    with_bad_row.write_bytes(as_csv(rows))

    first = scratch.cli("network", "import", str(SAMPLE))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["Programs: 30 created, 0 updated, 0 unchanged, 0 skipped (of 30 rows)."]

    second = scratch.cli("network", "import", str(with_bad_row))
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == [
        "Programs: 0 created, 0 updated, 29 unchanged, 1 skipped (of 30 rows).",
        "  skipped line 4: bad coordinates: latitude 138.2 is out of range (±90)",
    ]

    lines = as_csv(sample_rows()).decode().splitlines(keepends=True)
    lines[6] = lines[6].replace(",Charlottesville,", ',"Charlottesville,', 1)
    lines[1] = lines[1].replace("Region Ten", "Region Eleven", 1)  # would be an update, if anything were written
    broken = tmp_path / "broken.csv"
    broken.write_text("".join(lines))
    failed = scratch.cli("network", "import", str(broken))
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr.startswith("Error: line 7: a quoted field") and "Nothing was imported." in failed.stderr

    after = scratch.cli("network", "import", str(SAMPLE))
    assert after.stdout.startswith("Programs: 0 created, 0 updated, 30 unchanged")


def test_a_missing_file_is_a_usage_error(scratch: ScratchDatabase, tmp_path: Path) -> None:
    result = scratch.cli("network", "import", str(tmp_path / "nowhere.json"))
    assert result.returncode == 2 and "does not exist" in result.stderr
