"""The audit log is hash-chained: an edited, inserted or deleted event is found, and `portal audit verify` says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.audit import services as audit
from portal.audit.tables import AuditEvent
from portal.policy import Principal
from tests.support.scratch import ScratchDatabase, create_scratch_database, sql


async def record_events(count: int) -> None:
    actor = Principal(user_id=7, role=None, email="tester@example.com", name="Tester", ip="10.0.0.1")
    for number in range(count):
        await audit.record(actor, "test.event", resource_type="thing", resource_id=number, client_id=number % 3)


async def test_an_untouched_chain_verifies(db: None) -> None:
    before = await audit.verify_chain()
    await record_events(5)
    report = await audit.verify_chain()
    assert report.intact
    assert report.count == before.count + 5


async def test_an_edited_event_breaks_the_chain_at_that_event(db: None) -> None:
    await record_events(5)
    target = (await AuditEvent.select(AuditEvent.seq).order_by(AuditEvent.seq, ascending=False).first())["seq"] - 2
    await AuditEvent.update({AuditEvent.action: "nothing.to.see"}).where(AuditEvent.seq == target)
    report = await audit.verify_chain()
    assert not report.intact
    assert report.broken_seq == target
    assert "altered" in report.reason


async def test_a_deleted_event_breaks_the_chain(db: None) -> None:
    await record_events(5)
    target = (await AuditEvent.select(AuditEvent.seq).order_by(AuditEvent.seq, ascending=False).first())["seq"] - 2
    await AuditEvent.delete().where(AuditEvent.seq == target)
    report = await audit.verify_chain()
    assert not report.intact and report.broken_seq == target
    assert "missing" in report.reason


async def test_deleting_the_newest_events_is_found_too(db: None) -> None:
    await record_events(3)
    last = (await AuditEvent.select(AuditEvent.seq).order_by(AuditEvent.seq, ascending=False).first())["seq"]
    await AuditEvent.delete().where(AuditEvent.seq == last)
    report = await audit.verify_chain()
    assert not report.intact
    assert "deleted from the end" in report.reason


async def test_an_inserted_event_breaks_the_chain(db: None) -> None:
    await record_events(3)
    newest = await AuditEvent.select().order_by(AuditEvent.seq, ascending=False).first()
    # A forged event appended after the head, copying the last hash so it "follows" it.
    forged = {k: v for k, v in newest.items() if k != "id"}
    forged.update(seq=newest["seq"] + 1, action="auth.login.success", prev_hash=newest["hash"], hash="f" * 64)
    await AuditEvent.insert(AuditEvent(**forged))
    report = await audit.verify_chain()
    assert not report.intact
    assert report.broken_seq == newest["seq"] + 1


async def test_events_carry_who_what_which_client_when_and_from_where(db: None) -> None:
    await record_events(1)
    event = await AuditEvent.select().order_by(AuditEvent.seq, ascending=False).first()
    assert event["actor_id"] == 7
    assert event["actor_label"] == "tester@example.com"
    assert event["action"] == "test.event"
    assert (event["resource_type"], event["resource_id"], event["client_id"]) == ("thing", "0", 0)
    assert event["ip"] == "10.0.0.1"
    assert event["occurred_at"].utcoffset().total_seconds() == 0


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[ScratchDatabase]:
    database = create_scratch_database(tmp_path)
    yield database
    database.drop()


def _seed_with_cli(scratch: ScratchDatabase) -> None:
    for email in ("a@example.com", "b@example.com", "c@example.com", "d@example.com"):
        result = scratch.cli(
            "user",
            "create",
            email,
            "--role",
            "case_manager",
            "--password-stdin",
            stdin="a long enough password\n",
        )
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("tampering", "expected"),
    [
        ("UPDATE audit_events SET action = 'user.nothing' WHERE seq = 2", "event 2 was altered"),
        ("DELETE FROM audit_events WHERE seq = 2", "event 2 is missing"),
        (
            "INSERT INTO audit_events (seq, occurred_at, actor_label, actor_role, action, resource_type, resource_id, "
            "ip, user_agent, detail, prev_hash, hash) SELECT 5, occurred_at, actor_label, actor_role, 'user.create', "
            "resource_type, resource_id, ip, user_agent, detail, hash, hash FROM audit_events WHERE seq = 4",
            "event 5",
        ),
    ],
    ids=["edited", "deleted", "inserted"],
)
def test_portal_audit_verify_finds_tampering_and_exits_non_zero(
    scratch: ScratchDatabase, tampering: str, expected: str
) -> None:
    _seed_with_cli(scratch)
    intact = scratch.cli("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "Audit chain intact: 4 events verified." in intact.stdout

    sql(scratch, tampering)
    broken = scratch.cli("audit", "verify")
    assert broken.returncode == 1
    assert "BROKEN" in broken.stderr and expected in broken.stderr
