"""Two deliveries of one event at the same moment, each in its own transaction on its own connection, against a
real committing database: one applies it, the other finds it done (PostgreSQL: the second waits on the unique
index; SQLite: writers are serialised). Run on both engines by PORTAL_TEST_ENGINE."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.billing.webhook_scripts import SECRET
from tests.support.scratch import ScratchDatabase, create_scratch_database

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[ScratchDatabase]:
    database = create_scratch_database(tmp_path)
    yield database
    database.drop()


def test_two_concurrent_deliveries_of_one_event_are_applied_once(scratch: ScratchDatabase) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.billing.webhook_scripts", "concurrent-delivery"],
        cwd=REPO,
        env={**scratch.env, "PORTAL_STRIPE_WEBHOOK_SECRET": SECRET, "PORTAL_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["answers"] == [[200, "already processed"], [200, "applied"]]
    assert summary["handler_runs"] == 1
    assert (summary["payments"], summary["events"]) == (1, 1)
    assert (summary["status"], summary["paid_cents"]) == ("paid", 850_000)
