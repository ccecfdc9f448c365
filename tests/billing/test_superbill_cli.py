"""`portal billing superbill --client ID --period YYYY-MM --output FILE.pdf` against a scratch database: issues the
superbill and writes its PDF; a second run writes the same superbill (never a second number); a client whose
month cannot be issued exits 1 with every problem listed; bad input exits non-zero with a message."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.billing.superbill_support import CASEY_NPI
from tests.support.scratch import ScratchDatabase, create_scratch_database


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    database = create_scratch_database(tmp_path_factory.mktemp("superbill-cli"))
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.billing.superbill_support"],
        env=database.env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    yield database
    database.drop()


def test_issue_and_write_the_pdf(scratch: ScratchDatabase, tmp_path: Path) -> None:
    output = tmp_path / "november.pdf"
    result = scratch.cli("billing", "superbill", "--client", "1", "--period", "2026-11", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Superbill No. 1 issued; PDF written to {output}."
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(output.read_bytes())).pages)
    assert CASEY_NPI in text and "Superbill" in text

    again = tmp_path / "again.pdf"
    second = scratch.cli("billing", "superbill", "--client", "1", "--period", "2026-11", "--output", str(again))
    assert second.returncode == 0, second.stderr
    assert "Superbill No. 1 already issued" in second.stdout
    assert again.read_bytes() == output.read_bytes()  # the stored PDF, not a new one


def test_a_month_that_cannot_be_issued_lists_every_problem(scratch: ScratchDatabase, tmp_path: Path) -> None:
    output = tmp_path / "taylor.pdf"
    result = scratch.cli("billing", "superbill", "--client", "2", "--period", "2026-11", "--output", str(output))
    assert result.returncode == 1
    assert "Error: the superbill for 2026-11 cannot be issued:" in result.stderr
    assert "  - No insurance plan is on file for this client (boxes 1a, 4, 11)." in result.stderr
    assert "  - There are no billable services in this period to put on a superbill." in result.stderr
    assert "  - No invoice for November 2026 has been issued, so nothing is paid yet." in result.stderr
    assert not output.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--client", "1", "--period", "2026-13"], "A period looks like 2026-11"),
        (["--client", "999", "--period", "2026-11"], "No such client."),
        (["--client", "abc", "--period", "2026-11"], "'abc' is not a valid integer"),
    ],
)
def test_bad_input(scratch: ScratchDatabase, tmp_path: Path, args: list[str], message: str) -> None:
    result = scratch.cli("billing", "superbill", *args, "--output", str(tmp_path / "x.pdf"))
    assert result.returncode != 0 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
