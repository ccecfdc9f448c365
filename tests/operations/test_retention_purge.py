"""The retention purge: an archived client past the retention period loses every record (found through every
foreign key, files included), nobody else loses anything, a legal hold or a young record stops it, and the
audit log keeps its chain with one id-only event for the purge."""

from __future__ import annotations

import json
from typing import Any

import pytest

from portal.audit.services import verify_chain
from portal.audit.tables import AuditEvent
from portal.errors import Invalid
from portal.files.tables import StoredFile
from portal.operations import retention
from portal.policy import Principal, Role
from portal.settings import get_settings
from tests.operations.client_export_data import fill_record, tables_reaching_client

EIGHT_YEARS = 8 * 366


def owner(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role.OWNER, email=person["email"], name=person["name"])


def stored_path(file_uuid: Any) -> Any:
    value = str(file_uuid)
    return get_settings().files_dir / value[:2] / value


async def _row_exists(tablename: str, row_id: int) -> bool:
    table = next(t for t in tables_reaching_client() | {StoredFile} if t._meta.tablename == tablename)
    return bool(await table.exists().where(table._meta.primary_key == row_id))


async def test_purge_deletes_every_record_of_the_client_and_nothing_else(
    db: None,
    clock: Any,
    olivia: dict[str, Any],
    casey: dict[str, Any],
    morgan: dict[str, Any],
    jordan: dict[str, Any],
    taylor: dict[str, Any],
) -> None:
    jordans = await fill_record(jordan, "PURGEJORDAN", casey)
    taylors = await fill_record(taylor, "KEEPTAYLOR", morgan)
    jordan_files = await StoredFile.select(StoredFile.id, StoredFile.uuid).where(
        StoredFile.original_name == "document.pdf"
    )
    assert len(jordan_files) == 2  # one each
    assert all(stored_path(row["uuid"]).exists() for row in jordan_files)
    events_about_jordan = await AuditEvent.count().where(AuditEvent.client_id == jordan["id"])
    assert len(jordans) >= 25, "the record filler reaches every client-linked table"

    await retention.archive_client(owner(olivia), jordan["id"])
    clock.advance(days=EIGHT_YEARS)
    result = await retention.purge_client(owner(olivia), jordan["id"])

    for tablename, row_id in jordans.items():
        assert not await _row_exists(tablename, row_id), f"{tablename} row {row_id} survived the purge"
    for tablename, row_id in taylors.items():
        assert await _row_exists(tablename, row_id), f"Taylor's {tablename} row {row_id} was deleted"
    remaining = await StoredFile.select(StoredFile.uuid).where(StoredFile.original_name == "document.pdf")
    assert len(remaining) == 1
    assert [stored_path(row["uuid"]).exists() for row in jordan_files].count(True) == 1
    assert result.files == 1 and result.total_rows >= len(jordans)

    # The audit log keeps every earlier event about Jordan, gains one id-only event, and still verifies.
    assert await AuditEvent.count().where(AuditEvent.client_id == jordan["id"]) >= events_about_jordan + 1
    event = await AuditEvent.select().where(AuditEvent.action == "retention.purge").first()
    assert event["client_id"] == jordan["id"] and event["resource_id"] == str(jordan["id"])
    assert set(json.loads(event["detail"])) == {"rows", "files", "family_accounts"}
    assert "Jordan" not in event["detail"] and "PURGE" not in event["detail"]
    report = await verify_chain()
    assert report.intact, report.reason


async def test_purge_refuses_a_client_on_legal_hold(
    db: None, clock: Any, olivia: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await retention.archive_client(owner(olivia), jordan["id"])
    await retention.place_legal_hold(owner(olivia), jordan["id"], "Subpoena 2026-114")
    clock.advance(days=EIGHT_YEARS)

    overview, results = await retention.purge_due(owner(olivia))

    assert results == []
    assert [row.id for row in overview.archived if row.held] == [jordan["id"]]
    with pytest.raises(Invalid, match="legal hold"):
        await retention.purge_client(owner(olivia), jordan["id"])

    await retention.release_legal_hold(owner(olivia), jordan["id"])
    overview, results = await retention.purge_due(owner(olivia))
    assert [result.client_id for result in results] == [jordan["id"]]


async def test_purge_waits_for_the_retention_period_after_the_last_service(
    db: None, clock: Any, olivia: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await retention.archive_client(owner(olivia), jordan["id"])
    clock.advance(days=6 * 365)

    overview, results = await retention.purge_due(owner(olivia), dry_run=True)
    assert overview.years == 7 and overview.due == [] and results == []
    with pytest.raises(Invalid, match="retention period runs until"):
        await retention.purge_client(owner(olivia), jordan["id"])

    await retention.set_retention_years(owner(olivia), 5)
    overview, results = await retention.purge_due(owner(olivia), dry_run=True)
    assert [row.id for row in overview.due] == [jordan["id"]]
    assert results == []  # a dry run deletes nothing
    assert await retention.retention_years() == 5


async def test_only_archived_clients_are_purged(
    db: None, clock: Any, olivia: dict[str, Any], taylor: dict[str, Any]
) -> None:
    clock.advance(days=EIGHT_YEARS)

    overview, results = await retention.purge_due(owner(olivia))

    assert results == [] and overview.archived == []
    with pytest.raises(Invalid, match="Only an archived client"):
        await retention.purge_client(owner(olivia), taylor["id"])


@pytest.mark.parametrize("years", [0, -1, 101])
async def test_the_retention_period_must_be_sensible(db: None, olivia: dict[str, Any], years: int) -> None:
    with pytest.raises(Invalid):
        await retention.set_retention_years(owner(olivia), years)


async def test_the_owner_purges_from_the_retention_page_after_confirming(
    client: Any, clock: Any, olivia: dict[str, Any], jordan: dict[str, Any]
) -> None:
    from portal.cases.tables import Client

    await retention.archive_client(owner(olivia), jordan["id"])
    clock.advance(days=EIGHT_YEARS)
    await client.login_as(olivia)

    page = await client.get("/retention")
    assert "Due for purge" in page.text and f"/retention/{jordan['id']}/purge" in page.text
    unconfirmed = await client.post(f"/retention/{jordan['id']}/purge", data={})
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.text
    assert await Client.exists().where(Client.id == jordan["id"])

    purged = await client.post(f"/retention/{jordan['id']}/purge", data={"confirm": "purge"}, follow_redirects=False)

    assert purged.status_code == 303
    assert not await Client.exists().where(Client.id == jordan["id"])
    assert "No archived clients" in (await client.get("/retention")).text


async def test_purge_closes_the_family_logins_that_were_family_of_that_client_only(
    db: None, clock: Any, olivia: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any],
    pat: dict[str, Any], sam: dict[str, Any],
) -> None:  # fmt: skip
    """Sam was family of Jordan only: the login is closed and emptied. Pat is also Taylor's relative here, and
    Robin is Taylor's only: both keep their accounts as they were."""
    from portal.accounts import sessions
    from portal.accounts.tables import User, UserSession
    from portal.cases.tables import Relative
    from portal.clock import utcnow

    await Relative.insert(
        Relative(client=taylor["id"], user=pat["id"], name="Pat Rivera", email=pat["email"], created_at=utcnow())
    )
    await sessions.create_session(sam["id"], mfa_verified=False, ip="127.0.0.1", user_agent="test")
    robin_before = await User.select().where(User.email == "robin@example.com").first()

    await retention.archive_client(owner(olivia), jordan["id"])
    clock.advance(days=EIGHT_YEARS)
    result = await retention.purge_client(owner(olivia), jordan["id"])

    assert result.family_accounts == 1
    closed = await User.select().where(User.id == sam["id"]).first()
    assert closed["active"] is False and closed["password_hash"] is None and closed["mfa_secret_encrypted"] is None
    assert closed["name"] == "Closed account" and "sam" not in closed["email"] and "Sam" not in closed["name"]
    assert await UserSession.count().where(UserSession.user == sam["id"]) == 0
    kept = await User.select().where(User.id == pat["id"]).first()
    assert (kept["email"], kept["active"], kept["password_hash"]) == (pat["email"], True, pat["password_hash"])
    assert await User.select().where(User.email == "robin@example.com").first() == robin_before
    event = await AuditEvent.select().where(AuditEvent.action == "retention.purge").first()
    assert json.loads(event["detail"])["family_accounts"] == 1
