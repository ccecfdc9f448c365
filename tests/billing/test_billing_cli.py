"""`portal billing run --period 2026-11 [--dry-run]`: the dry run prints what would be billed and writes nothing;
the run prints a summary (created, already existing, skipped with reasons) and exits 0; running the month again
creates nothing and says how many existed; a bad period is a one-line error and exit 1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.billing.test_run_recovery import invoice_rows, script
from tests.support.scratch import ScratchDatabase, create_scratch_database


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[ScratchDatabase]:
    database = create_scratch_database(tmp_path)
    yield database
    database.drop()


def test_dry_run_then_run_then_run_again(scratch: ScratchDatabase) -> None:
    script(scratch, "seed", "3")
    script(scratch, "pause", "3")
    paused = "  skipped agreement 3 (client 3): paused"

    dry = scratch.cli("billing", "run", "--period", "2026-11", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0] == "Dry run for 2026-11: would create 2 invoice(s), 0 already exist."
    assert lines[1:3] == [
        f"  agreement {n} (client {n}): $8,500.00 — Case management services — November 2026 $8,500.00" for n in (1, 2)
    ]
    assert lines[3:] == ["Total: $17,000.00", paused]
    assert invoice_rows(scratch) == []  # nothing written

    first = scratch.cli("billing", "run", "--period", "2026-11")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "Billing for 2026-11: 2 created, 0 already existed, 1 skipped. Total billed: $17,000.00.",
        paused,
    ]
    assert invoice_rows(scratch) == [(1, 1), (2, 2)]

    again = scratch.cli("billing", "run", "--period", "2026-11")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == (
        "Billing for 2026-11: 0 created, 2 already existed, 1 skipped. Total billed: $0.00."
    )
    assert invoice_rows(scratch) == [(1, 1), (2, 2)]


def test_a_bad_period_is_a_one_line_error(scratch: ScratchDatabase) -> None:
    result = scratch.cli("billing", "run", "--period", "2026-13")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "Error: period: A period looks like 2026-11, not '2026-13'."
    assert "Traceback" not in result.stderr
