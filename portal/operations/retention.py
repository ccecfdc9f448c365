"""Retention: archiving a client (hidden everywhere, deleted nowhere), legal holds, and the purge of archived
clients whose retention period (default 7 years after the last service) has passed.

The purge finds every row that belongs to the client by walking the Piccolo foreign keys of every registered
table (so a table added later is purged too), deletes them children first, removes the files they pointed at,
and records one audit event naming only the client's id. The audit log itself is never touched: its events
hold the client id as a plain number, not a foreign key, so the chain stays intact.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from piccolo.apps.migrations.tables import Migration
from piccolo.columns import ForeignKey
from piccolo.conf.apps import Finder
from piccolo.query.functions.aggregate import Max
from piccolo.query.methods.delete import Delete
from piccolo.query.methods.select import Select
from piccolo.query.methods.update import Update
from piccolo.table import Table

from portal.accounts.tables import EmailToken, RecoveryCode, User, UserSession
from portal.audit import services as audit
from portal.cases.tables import Client, Note, Relative, TimeEntry
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import Invalid, NotFound
from portal.files.tables import StoredFile
from portal.operations.tables import DEFAULT_RETENTION_YEARS, LegalHold, RetentionPolicy
from portal.policy import MAX_ROW_ID, Action, Principal, Role, require
from portal.settings import get_settings

log = logging.getLogger(__name__)

CHUNK = 500
MAX_RETENTION_YEARS = 100


# --------------------------------------------------------------------------- the retention period


async def retention_years() -> int:
    row = await RetentionPolicy.select(RetentionPolicy.retention_years).order_by(RetentionPolicy.id).first()
    return int(row["retention_years"]) if row else DEFAULT_RETENTION_YEARS


async def set_retention_years(principal: Principal, years: int) -> None:
    require(principal, Action.RECORDS_RETENTION)
    if not isinstance(years, int) or not 1 <= years <= MAX_RETENTION_YEARS:
        raise Invalid(retention_years=f"Enter a number of years from 1 to {MAX_RETENTION_YEARS}.")
    async with write_transaction():
        existing = await RetentionPolicy.select(RetentionPolicy.id).order_by(RetentionPolicy.id).first()
        if existing is None:
            await RetentionPolicy.insert(
                RetentionPolicy(retention_years=years, updated_by=principal.user_id, updated_at=utcnow())
            )
        else:
            await RetentionPolicy.update(
                {
                    RetentionPolicy.retention_years: years,
                    RetentionPolicy.updated_by: principal.user_id,
                    RetentionPolicy.updated_at: utcnow(),
                }
            ).where(RetentionPolicy.id == existing["id"])
        await audit.record(principal, "retention.period", resource_type="practice", detail={"years": years})


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


# --------------------------------------------------------------------------- archive and legal hold


async def _client_row(client_id: int) -> dict[str, Any]:
    if not isinstance(client_id, int) or not 0 < client_id <= MAX_ROW_ID:
        raise NotFound("No such client.")
    row = await Client.select(Client.id, Client.archived_at).where(Client.id == client_id).first()
    if row is None:
        raise NotFound("No such client.")
    return row


async def archive_client(principal: Principal, client_id: int) -> None:
    """Hide the client from every list, search, feed and family page; nothing is deleted."""
    require(principal, Action.RECORDS_RETENTION)
    async with write_transaction():
        row = await _client_row(client_id)
        if row["archived_at"] is not None:
            raise Invalid("This client is already archived.")
        await Client.update({Client.archived_at: utcnow()}).where(Client.id == client_id)
        await audit.record(
            principal, "retention.archive", resource_type="client", resource_id=client_id, client_id=client_id
        )


async def unarchive_client(principal: Principal, client_id: int) -> None:
    require(principal, Action.RECORDS_RETENTION)
    async with write_transaction():
        row = await _client_row(client_id)
        if row["archived_at"] is None:
            raise Invalid("This client is not archived.")
        await Client.update({Client.archived_at: None}).where(Client.id == client_id)
        await audit.record(
            principal, "retention.unarchive", resource_type="client", resource_id=client_id, client_id=client_id
        )


async def place_legal_hold(principal: Principal, client_id: int, reason: str) -> None:
    require(principal, Action.RECORDS_RETENTION)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(reason="Say why the records are held (for example: a subpoena's reference).")
    if len(reason) > 500:
        raise Invalid(reason="Keep the reason under 500 characters.")
    async with write_transaction():
        await _client_row(client_id)
        if await LegalHold.exists().where((LegalHold.client == client_id) & LegalHold.released_at.is_null()):
            raise Invalid("This client's records are already on legal hold.")
        await LegalHold.insert(
            LegalHold(client=client_id, reason=reason, placed_by=principal.user_id, placed_at=utcnow())
        )
        await audit.record(
            principal, "retention.hold", resource_type="client", resource_id=client_id, client_id=client_id
        )


async def release_legal_hold(principal: Principal, client_id: int) -> None:
    require(principal, Action.RECORDS_RETENTION)
    async with write_transaction():
        await _client_row(client_id)
        active = (LegalHold.client == client_id) & LegalHold.released_at.is_null()
        if not await LegalHold.exists().where(active):
            raise Invalid("This client's records are not on legal hold.")
        await LegalHold.update({LegalHold.released_at: utcnow(), LegalHold.released_by: principal.user_id}).where(
            active
        )
        await audit.record(
            principal, "retention.release", resource_type="client", resource_id=client_id, client_id=client_id
        )


# --------------------------------------------------------------------------- what is due


@dataclass
class ArchivedClient:
    id: int
    name: str
    archived_on: date
    last_service: date
    purge_on: date
    held: bool
    hold_reason: str = ""

    def due(self, today: date) -> bool:
        return not self.held and self.purge_on <= today


@dataclass
class RetentionOverview:
    years: int
    today: date
    archived: list[ArchivedClient] = field(default_factory=list)

    @property
    def due(self) -> list[ArchivedClient]:
        return [row for row in self.archived if row.due(self.today)]


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def _last_services(client_ids: list[int]) -> dict[int, date]:
    """client id -> the latest time entry's service date or note's date, whichever is later (two queries)."""
    latest: dict[int, date] = {}
    if not client_ids:
        return latest
    entries = (
        await TimeEntry.select(TimeEntry.client, Max(TimeEntry.service_date, alias="last"))
        .where(TimeEntry.client.is_in(client_ids))
        .group_by(TimeEntry.client)
    )
    notes = (
        await Note.select(Note.client, Max(Note.occurred_at, alias="last"))
        .where(Note.client.is_in(client_ids))
        .group_by(Note.client)
    )
    for row in [*entries, *notes]:
        if row["last"] is None:
            continue
        day, client_id = _as_date(row["last"]), int(row["client"])
        if client_id not in latest or latest[client_id] < day:
            latest[client_id] = day
    return latest


async def retention_overview(principal: Principal) -> RetentionOverview:
    """Every archived client with its last service, purge date and hold (a fixed number of queries)."""
    require(principal, Action.RECORDS_RETENTION)
    today = local_today((await get_practice()).time_zone)
    years = await retention_years()
    rows = (
        await Client.select(Client.id, Client.legal_name, Client.preferred_name, Client.created_at, Client.archived_at)
        .where(Client.archived_at.is_not_null())
        .order_by(Client.archived_at)
    )
    ids = [int(row["id"]) for row in rows]
    services = await _last_services(ids)
    holds = {
        int(row["client"]): row["reason"]
        for row in (
            await LegalHold.select(LegalHold.client, LegalHold.reason).where(
                LegalHold.client.is_in(ids or [-1]) & LegalHold.released_at.is_null()
            )
        )
    }
    overview = RetentionOverview(years=years, today=today)
    for row in rows:
        last = services.get(int(row["id"]), row["created_at"].date())
        overview.archived.append(
            ArchivedClient(
                id=int(row["id"]),
                name=row["preferred_name"] or row["legal_name"],
                archived_on=row["archived_at"].date(),
                last_service=last,
                purge_on=add_years(last, years),
                held=int(row["id"]) in holds,
                hold_reason=holds.get(int(row["id"]), ""),
            )
        )
    await audit.record(principal, "retention.view", resource_type="client", detail={"client_ids": ids})
    return overview


async def archivable_clients(principal: Principal) -> list[dict[str, Any]]:
    """The clients that may be archived (every client not archived), by name, for the owner's form."""
    require(principal, Action.RECORDS_RETENTION)
    return list(
        await Client.select(Client.id, Client.legal_name, Client.preferred_name)
        .where(Client.archived_at.is_null())
        .order_by(Client.legal_name)
    )


# --------------------------------------------------------------------------- the purge


def registered_tables() -> list[type[Table]]:
    return [table for table in Finder().get_table_classes() if table is not Migration]


def client_foreign_keys(tables: Iterable[type[Table]]) -> list[tuple[type[Table], ForeignKey[Any], type[Table]]]:
    """(table, foreign key column, referenced table) for every foreign key of every table."""
    edges = []
    for table in tables:
        for column in table._meta.foreign_key_columns:
            edges.append((table, column, column._foreign_key_meta.resolved_references))
    return edges


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


async def client_rows(client_id: int) -> dict[type[Table], set[int]]:
    """Every row that belongs to the client: rows referencing it, rows referencing those, and so on."""
    edges = client_foreign_keys(registered_tables())
    collected: dict[type[Table], set[int]] = {Client: {client_id}}
    changed = True
    while changed:
        changed = False
        for table, column, parent in edges:
            parent_ids = collected.get(parent)
            if not parent_ids or table is Client:
                continue
            found: set[int] = set()
            for chunk in _chunks(parent_ids):
                rows = await Select(table=table, columns_list=[table._meta.primary_key]).where(column.is_in(chunk))
                found.update(int(row[table._meta.primary_key._meta.name]) for row in rows)
            new = found - collected.get(table, set())
            if new:
                collected.setdefault(table, set()).update(new)
                changed = True
    return collected


def deletion_order(tables: Iterable[type[Table]]) -> list[type[Table]]:
    """Children before parents (by the non-nullable foreign keys among these tables)."""
    remaining = set(tables)
    order: list[type[Table]] = []
    while remaining:
        ready = [
            table
            for table in remaining
            if not any(
                other is not table
                and any(
                    not column._meta.null and column._foreign_key_meta.resolved_references is table
                    for column in other._meta.foreign_key_columns
                )
                for other in remaining
            )
        ]
        if not ready:  # a cycle of required keys: fall back to any order (the database will say if it fails)
            ready = sorted(remaining, key=lambda t: t._meta.tablename)
        for table in sorted(ready, key=lambda t: t._meta.tablename):
            order.append(table)
            remaining.discard(table)
    return order


@dataclass(frozen=True)
class PurgeResult:
    client_id: int
    rows: dict[str, int]
    files: int
    family_accounts: int = 0  # relatives' logins closed because they were family of no other client

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


async def _referenced_files(collected: dict[type[Table], set[int]]) -> set[int]:
    file_ids: set[int] = set()
    for table, ids in collected.items():
        for column in table._meta.foreign_key_columns:
            if column._foreign_key_meta.resolved_references is StoredFile:
                for chunk in _chunks(ids):
                    rows = await Select(table=table, columns_list=[column]).where(
                        table._meta.primary_key.is_in(chunk) & column.is_not_null()
                    )
                    file_ids.update(int(row[column._meta.name]) for row in rows)
    return file_ids


async def _still_referenced(file_ids: set[int]) -> set[int]:
    kept: set[int] = set()
    for table, column, parent in client_foreign_keys(registered_tables()):
        if parent is StoredFile and file_ids:
            for chunk in _chunks(file_ids):
                rows = await Select(table=table, columns_list=[column]).where(column.is_in(chunk))
                kept.update(int(row[column._meta.name]) for row in rows)
    return kept


def _file_path(file_uuid: str) -> Path:
    # The layout of portal/files/services.py: PORTAL_FILES_DIR/<first two characters>/<uuid>.
    return get_settings().files_dir / file_uuid[:2] / file_uuid


async def _family_accounts(relative_ids: set[int]) -> set[int]:
    ids: set[int] = set()
    for chunk in _chunks(relative_ids):
        rows = await Relative.select(Relative.user).where(Relative.id.is_in(chunk) & Relative.user.is_not_null())
        ids.update(int(row["user"]) for row in rows)
    return ids


async def _close_orphaned_family_accounts(user_ids: set[int]) -> int:
    """A relative's login outlives the client's records only while it is a relative of another client: the
    rest are closed and emptied (name and e-mail replaced, password, MFA, sessions and tokens gone), so nothing
    left says who was family of a client the practice no longer holds. The row stays for the audit log's ids."""
    if not user_ids:
        return 0
    still_family = {
        int(row["user"]) for row in await Relative.select(Relative.user).where(Relative.user.is_in(sorted(user_ids)))
    }
    closing = sorted(
        int(row["id"])
        for row in await User.select(User.id).where(
            User.id.is_in(sorted(user_ids - still_family)) & (User.role == Role.FAMILY.value)
        )
    )
    now = utcnow()
    for user_id in closing:
        await User.update(
            {
                User.email: f"closed-account-{user_id}@invalid.example",
                User.name: "Closed account",
                User.password_hash: None,
                User.active: False,
                User.deactivated_at: now,
                User.mfa_enabled: False,
                User.mfa_secret_encrypted: None,
            }
        ).where(User.id == user_id)
    if closing:
        for table in (UserSession, RecoveryCode, EmailToken):
            await table.delete().where(table.user.is_in(closing))
    return len(closing)


async def purge_client(principal: Principal, client_id: int, *, today: date | None = None) -> PurgeResult:
    """Delete every record of an archived client past retention and not on hold; audited by id only."""
    require(principal, Action.RECORDS_RETENTION)
    today = today or local_today((await get_practice()).time_zone)
    doomed_files: list[str] = []
    async with write_transaction():
        row = await _client_row(client_id)
        if row["archived_at"] is None:
            raise Invalid("Only an archived client's records can be purged.")
        if await LegalHold.exists().where((LegalHold.client == client_id) & LegalHold.released_at.is_null()):
            raise Invalid("This client's records are on legal hold and cannot be purged.")
        years = await retention_years()
        last = (await _last_services([client_id])).get(client_id)
        if last is None:
            created = await Client.select(Client.created_at).where(Client.id == client_id).first()
            last = created["created_at"].date() if created else today
        if add_years(last, years) > today:
            raise Invalid(f"This client's retention period runs until {add_years(last, years).isoformat()}.")
        collected = await client_rows(client_id)
        family_users = await _family_accounts(collected.get(Relative, set()))
        file_ids = await _referenced_files(collected)
        # Nullable links between the rows being deleted are cleared first, so the order only has to respect
        # the required ones (self-references such as an addendum of an addendum included).
        for table, ids in collected.items():
            for column in table._meta.foreign_key_columns:
                if column._meta.null and column._foreign_key_meta.resolved_references in collected:
                    for chunk in _chunks(ids):
                        await Update(table=table).values({column: None}).where(table._meta.primary_key.is_in(chunk))
        counts: dict[str, int] = {}
        for table in deletion_order(collected):
            for chunk in _chunks(collected[table]):
                await Delete(table=table).where(table._meta.primary_key.is_in(chunk))
            counts[table._meta.tablename] = len(collected[table])
        closed_accounts = await _close_orphaned_family_accounts(family_users)
        orphaned = file_ids - await _still_referenced(file_ids)
        if orphaned:
            for chunk in _chunks(orphaned):
                rows = await StoredFile.select(StoredFile.uuid).where(StoredFile.id.is_in(chunk))
                doomed_files.extend(str(r["uuid"]) for r in rows)
                await StoredFile.delete().where(StoredFile.id.is_in(chunk))
            counts[StoredFile._meta.tablename] = len(orphaned)
        await audit.record(
            principal,
            "retention.purge",
            resource_type="client",
            resource_id=client_id,
            client_id=client_id,
            detail={"rows": sum(counts.values()), "files": len(doomed_files), "family_accounts": closed_accounts},
        )
    removed = 0
    for file_uuid in doomed_files:
        try:
            _file_path(file_uuid).unlink()
            removed += 1
        except FileNotFoundError:
            log.warning("purge: stored file %s was already missing", file_uuid)
    return PurgeResult(client_id=client_id, rows=counts, files=removed, family_accounts=closed_accounts)


async def purge_due(principal: Principal, *, dry_run: bool = False) -> tuple[RetentionOverview, list[PurgeResult]]:
    """Purge every archived client whose retention period has passed and who is not on legal hold."""
    overview = await retention_overview(principal)
    if dry_run:
        return overview, []
    results = [await purge_client(principal, row.id, today=overview.today) for row in overview.due]
    return overview, results
