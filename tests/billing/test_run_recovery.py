"""A run killed midway (SIGKILL) is completed by running it again: exactly one invoice per agreement, numbers
without gaps. Concurrent invoice creation gives consecutive numbers. Both against a real, committing database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.scratch import PORTAL, ScratchDatabase, create_scratch_database

AGREEMENTS = 120
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[ScratchDatabase]:
    database = create_scratch_database(tmp_path)
    yield database
    database.drop()


def script(scratch: ScratchDatabase, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.billing.scripts", *args],
        cwd=REPO,
        env=scratch.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def invoice_rows(scratch: ScratchDatabase) -> list[tuple[int, int]]:
    """(agreement, number) of every invoice, read straight from the database."""
    query = "SELECT agreement, number FROM invoices ORDER BY number"
    if scratch.pg_server_url is None:
        import sqlite3

        connection = sqlite3.connect(scratch.url.removeprefix("sqlite:///"), timeout=30)
        try:
            return [(int(a), int(n)) for a, n in connection.execute(query)]
        finally:
            connection.close()
    import asyncio

    import asyncpg

    async def fetch() -> list[tuple[int, int]]:
        connection = await asyncpg.connect(scratch.url)
        try:
            return [(int(r["agreement"]), int(r["number"])) for r in await connection.fetch(query)]
        finally:
            await connection.close()

    return asyncio.run(fetch())


def test_a_killed_run_is_completed_by_running_it_again(scratch: ScratchDatabase) -> None:
    script(scratch, "seed", str(AGREEMENTS))
    run = subprocess.Popen(
        [*PORTAL, "billing", "run", "--period", "2026-11"],
        cwd=REPO,
        env=scratch.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while len(invoice_rows(scratch)) < 15:
        assert run.poll() is None, "the run finished before it could be killed; raise AGREEMENTS"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    partial = invoice_rows(scratch)
    assert 15 <= len(partial) < AGREEMENTS

    second = scratch.cli("billing", "run", "--period", "2026-11", timeout=600)
    assert second.returncode == 0, second.stderr
    assert f"{AGREEMENTS - len(partial)} created, {len(partial)} already existed" in second.stdout
    rows = invoice_rows(scratch)
    agreements = [agreement for agreement, _ in rows]
    assert len(rows) == AGREEMENTS and len(set(agreements)) == AGREEMENTS  # exactly one each
    assert [number for _, number in rows] == list(range(1, AGREEMENTS + 1))  # no gaps

    third = scratch.cli("billing", "run", "--period", "2026-11")
    assert f"0 created, {AGREEMENTS} already existed" in third.stdout


def test_concurrent_invoice_creation_gives_consecutive_numbers(scratch: ScratchDatabase) -> None:
    script(scratch, "seed", "20")
    result = script(scratch, "concurrent", "20")
    assert result.stdout.split() == [str(n) for n in range(1, 21)]
