"""Backup → wipe → restore round-trips the demo practice on the run's engine (the suite runs once per engine),
and the backup refuses what it must: no key, the wrong key, a non-empty target, an altered archive."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.operations.backup_support import ScratchPortal


@pytest.fixture(scope="module")
def work_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="portal-backup-tests-") as path:
        yield Path(path)


@pytest.fixture(scope="module")
def source(work_dir: Path) -> Iterator[ScratchPortal]:
    """The demo practice, loaded by the `portal` command into a database of its own."""
    portal = ScratchPortal.create(work_dir, "source")
    try:
        portal.ok("migrate")
        portal.ok("demo")
        yield portal
    finally:
        portal.drop()


@pytest.fixture(scope="module")
def backup_file(source: ScratchPortal, work_dir: Path) -> Path:
    path = work_dir / "nightly.backup"
    output = source.ok("backup", str(path))
    assert "Backup written" in output
    return path


@pytest.fixture
def target(work_dir: Path, request: pytest.FixtureRequest) -> Iterator[ScratchPortal]:
    portal = ScratchPortal.create(work_dir, "target-" + request.node.name[:40])
    try:
        yield portal
    finally:
        portal.drop()


def test_backup_wipe_restore_round_trips_the_demo_practice(source: ScratchPortal, backup_file: Path) -> None:
    counts_before = source.row_counts()
    files_before = source.file_digests()
    assert counts_before["users"] > 0 and counts_before["clients"] > 0 and counts_before["audit_events"] > 0
    assert len(counts_before) > 50
    assert files_before, "the demo stores documents and PDFs"

    source.wipe()
    assert source.row_counts().get("users", 0) == 0
    output = source.ok("restore", str(backup_file))
    assert "row counts match" in output

    assert source.row_counts() == counts_before
    assert source.file_digests() == files_before
    assert "Audit chain intact" in source.ok("audit", "verify")
    # New rows get fresh ids after a restore (PostgreSQL sequences were reset past the restored rows).
    created = source.cli(
        "user",
        "create",
        "new.hire@example.com",
        "--role",
        "case_manager",
        "--password-stdin",
        stdin="a brand new password 42\n",
    )
    assert created.returncode == 0, created.stderr
    assert source.row_counts()["users"] == counts_before["users"] + 1


def test_backup_verify_restores_into_a_scratch_database(source: ScratchPortal, backup_file: Path) -> None:
    output = source.ok("backup", "verify", str(backup_file))

    assert "row counts match" in output
    assert "Audit chain intact" in output


def test_restore_into_a_migrated_but_empty_database(backup_file: Path, target: ScratchPortal) -> None:
    target.ok("migrate")

    target.ok("restore", str(backup_file))

    assert target.row_counts()["clients"] > 0


def test_backup_without_a_key_is_refused(source: ScratchPortal, work_dir: Path) -> None:
    path = work_dir / "keyless.backup"

    completed = source.cli("backup", str(path), PORTAL_BACKUP_KEY="")

    assert completed.returncode == 1
    assert "PORTAL_BACKUP_KEY is not set" in completed.stderr
    assert not path.exists()


def test_restore_with_the_wrong_key_is_refused(backup_file: Path, target: ScratchPortal) -> None:
    completed = target.cli("restore", str(backup_file), PORTAL_BACKUP_KEY="not the key this was made with")

    assert completed.returncode == 1
    assert "not the key this backup was made with" in completed.stderr
    assert target.row_counts().get("users", 0) == 0


def test_restore_refuses_a_database_that_has_users_unless_forced(backup_file: Path, target: ScratchPortal) -> None:
    target.ok("migrate")
    made = target.cli(
        "user",
        "create",
        "someone@example.com",
        "--role",
        "owner",
        "--password-stdin",
        stdin="a practice of their own 7\n",
    )
    assert made.returncode == 0, made.stderr

    refused = target.cli("restore", str(backup_file))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    assert target.row_counts()["users"] == 1

    target.ok("restore", "--force", str(backup_file))
    assert target.row_counts()["users"] > 1


def test_an_altered_backup_is_refused(backup_file: Path, target: ScratchPortal, work_dir: Path) -> None:
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = work_dir / "tampered.backup"
    tampered.write_bytes(bytes(data))

    restored = target.cli("restore", str(tampered))
    verified = target.cli("backup", "verify", str(tampered))

    assert restored.returncode == 1 and verified.returncode == 1
    assert "altered" in restored.stderr and "altered" in verified.stderr
    assert target.row_counts().get("users", 0) == 0


def test_a_cut_short_backup_is_refused(backup_file: Path, target: ScratchPortal, work_dir: Path) -> None:
    truncated = work_dir / "truncated.backup"
    truncated.write_bytes(backup_file.read_bytes()[:-100])

    completed = target.cli("restore", str(truncated))

    assert completed.returncode == 1
    assert "altered" in completed.stderr or "cut short" in completed.stderr


def test_retention_purge_dry_run_names_clients_by_id_only(source: ScratchPortal) -> None:
    output = source.ok("retention", "purge", "--dry-run")

    assert output.startswith("Retention 7 years after the last service;")
    assert "Rivera" not in output
