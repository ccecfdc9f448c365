"""Time entries: every billable minute, from a note or standalone (travel, research, report writing …).

Dates of service are days in the practice's time zone. Entries that belong to a note change only through the
note (while it is a draft) and are frozen once it is signed. The billing issue reads `monthly_minutes()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Sum

from portal.audit import services as audit
from portal.cases.tables import ClientAssignment, TimeEntry
from portal.cases.vocabulary import ACTIVITIES
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import Conflict, Forbidden, NotFound
from portal.policy import MAX_ROW_ID, Action, Principal, Role, require_client
from portal.validation import Checker

MAX_DESCRIPTION = 200


async def case_manager_choices(principal: Principal, client_id: int) -> list[tuple[int, str]]:
    """For whom this person may enter time on this client: themselves; the owner also for anyone who is or was
    the client's case manager."""
    choices: dict[int, str] = {}
    if principal.user_id is not None:
        choices[principal.user_id] = f"{principal.name} (me)"
    if principal.role == Role.OWNER:
        rows = await ClientAssignment.select(
            ClientAssignment.case_manager.id, ClientAssignment.case_manager.name
        ).where(
            (ClientAssignment.client == client_id)
            & (ClientAssignment.case_manager.role == Role.CASE_MANAGER.value)
            & (ClientAssignment.case_manager.active == True)  # noqa: E712
        )
        for row in rows:
            choices.setdefault(row["case_manager.id"], row["case_manager.name"])
    return list(choices.items())


async def _check_fields(
    principal: Principal, client_id: int, data: Mapping[str, Any], *, current_case_manager: int | None = None
) -> dict[Any, Any]:
    """Validated columns; the case manager defaults to the entry's own (when editing) or the person signed in."""
    c = Checker(dict(data))
    service_date = c.date("service_date", required=True, label="Date")
    practice = await get_practice()
    if service_date is not None and service_date > local_today(practice.time_zone):
        c.fail("service_date", "Time is entered for work done: the date cannot be in the future.")
    values: dict[Any, Any] = {
        TimeEntry.service_date: service_date,
        TimeEntry.minutes: c.integer("minutes", required=True, minimum=1, maximum=1440, label="Minutes"),
        TimeEntry.activity: c.choice("activity", ACTIVITIES, label="an activity"),
        TimeEntry.description: " ".join(c.text("description", max_length=MAX_DESCRIPTION, label="Description").split()),
        TimeEntry.billable: c.boolean("billable"),
    }
    allowed = {user_id for user_id, _ in await case_manager_choices(principal, client_id)}
    if current_case_manager is not None:
        allowed.add(current_case_manager)  # changing an entry need not move it to someone else
    case_manager = c.integer("case_manager", minimum=1, maximum=MAX_ROW_ID, label="Case manager")
    if case_manager is None:
        case_manager = current_case_manager or principal.user_id
    if "case_manager" not in c.errors and case_manager not in allowed:
        c.fail("case_manager", "Enter time for yourself (the owner may choose one of the client's case managers).")
    values[TimeEntry.case_manager] = case_manager
    c.done()
    return values


async def add_time_entry(principal: Principal, client_id: int, data: Mapping[str, Any]) -> int:
    """A standalone entry, for the person signed in (or, entered by the owner, for one of the client's case
    managers)."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    values = await _check_fields(principal, client_id, data)
    now = utcnow()
    async with write_transaction():
        rows = await TimeEntry.insert(
            TimeEntry(
                client=client_id,
                created_at=now,
                updated_at=now,
                **{column._meta.name: value for column, value in values.items()},
            )
        ).returning(TimeEntry.id)
        entry_id = int(rows[0]["id"])
        await audit.record(
            principal,
            "time_entry.create",
            resource_type="time_entry",
            resource_id=entry_id,
            client_id=client_id,
            detail={"minutes": values[TimeEntry.minutes], "activity": values[TimeEntry.activity]},
        )
    return entry_id


async def _changeable_entry(principal: Principal, client_id: int, entry_id: int) -> dict[str, Any]:
    if not 0 < entry_id <= MAX_ROW_ID:
        raise NotFound("No such time entry.")
    row = (
        await TimeEntry.select(
            *TimeEntry.all_columns(),
            TimeEntry.note.signed_at.as_alias("note_signed_at"),
            TimeEntry.case_manager.name.as_alias("case_manager_name"),
        )
        .where((TimeEntry.id == entry_id) & (TimeEntry.client == client_id))
        .first()
    )
    if row is None:
        raise NotFound("No such time entry.")
    if row["note"] is not None:
        if row["note_signed_at"] is not None:
            raise Conflict("This time belongs to a signed note and cannot change: add an addendum to the note.")
        raise Conflict("This time comes from a draft note: change the minutes on the note itself.")
    if row["case_manager"] != principal.user_id and principal.role != Role.OWNER:
        raise Forbidden("Only the owner can change another case manager's time.")
    return row


async def get_time_entry(
    principal: Principal, client_id: int, entry_id: int, *, audit_read: bool = True
) -> dict[str, Any]:
    """A standalone entry this person may change (for the edit form). `audit_read=False` when the caller has just
    written it (that write is the audited event)."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    row = await _changeable_entry(principal, client_id, entry_id)
    if audit_read:
        await audit.record(
            principal, "time_entry.view", resource_type="time_entry", resource_id=entry_id, client_id=client_id
        )
    return row


async def update_time_entry(principal: Principal, client_id: int, entry_id: int, data: Mapping[str, Any]) -> None:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    entry = await _changeable_entry(principal, client_id, entry_id)
    values = await _check_fields(principal, client_id, data, current_case_manager=entry["case_manager"])
    async with write_transaction():
        await TimeEntry.update({**values, TimeEntry.updated_at: utcnow()}).where(
            (TimeEntry.id == entry_id) & TimeEntry.note.is_null()
        )
        await audit.record(
            principal,
            "time_entry.update",
            resource_type="time_entry",
            resource_id=entry_id,
            client_id=client_id,
            detail={"minutes": values[TimeEntry.minutes], "activity": values[TimeEntry.activity]},
        )


async def delete_time_entry(principal: Principal, client_id: int, entry_id: int) -> None:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    row = await _changeable_entry(principal, client_id, entry_id)
    async with write_transaction():
        await TimeEntry.delete().where((TimeEntry.id == entry_id) & TimeEntry.note.is_null())
        await audit.record(
            principal,
            "time_entry.delete",
            resource_type="time_entry",
            resource_id=entry_id,
            client_id=client_id,
            # What was removed, so the audit log alone can tell the story of the month's hours.
            detail={
                "service_date": row["service_date"].isoformat(),
                "minutes": row["minutes"],
                "activity": row["activity"],
                "case_manager": row["case_manager"],
            },
        )


@dataclass(frozen=True)
class MonthTotal:
    year: int
    month: int
    minutes: int
    billable_minutes: int

    @property
    def label(self) -> str:
        return date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def hours(self) -> str:
        return hours(self.minutes)

    @property
    def billable_hours(self) -> str:
        return hours(self.billable_minutes)


def hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}"


async def month_totals(client_id: int) -> list[MonthTotal]:
    """Minutes per month (all and billable), newest month first, from one query."""
    rows = await TimeEntry.select(TimeEntry.service_date, TimeEntry.minutes, TimeEntry.billable).where(
        TimeEntry.client == client_id
    )
    totals: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        key = (row["service_date"].year, row["service_date"].month)
        bucket = totals.setdefault(key, [0, 0])
        bucket[0] += row["minutes"]
        if row["billable"]:
            bucket[1] += row["minutes"]
    return [MonthTotal(y, m, all_, billable) for (y, m), (all_, billable) in sorted(totals.items(), reverse=True)]


@dataclass(frozen=True)
class TimeFilters:
    since: date | None = None  # dates of service, inclusive
    until: date | None = None
    activity: str = ""
    billable: bool | None = None

    @property
    def active(self) -> list[str]:
        return sorted(name for name, value in vars(self).items() if value not in (None, ""))


def check_time_filters(filters: TimeFilters) -> None:
    """Invalid names each bad filter."""
    c = Checker({"activity": filters.activity, "since": filters.since, "until": filters.until})
    c.choice("activity", ACTIVITIES, required=False, label="Activity")
    c.date("since", label="From")
    c.date("until", label="To")
    if filters.since and filters.until and filters.until < filters.since:
        c.fail("until", "The end date is before the start date.")
    c.done()


def _time_filter_clause(client_id: int, filters: TimeFilters) -> Any:
    where: Any = TimeEntry.client == client_id
    if filters.since:
        where &= TimeEntry.service_date >= filters.since
    if filters.until:
        where &= TimeEntry.service_date <= filters.until
    if filters.activity:
        where &= TimeEntry.activity == filters.activity
    if filters.billable is not None:
        where &= TimeEntry.billable.eq(filters.billable)
    return where


async def list_time_entries(
    principal: Principal,
    client_id: int,
    filters: TimeFilters | None = None,
    *,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[dict[str, Any]], int, list[MonthTotal]]:
    """One page of the client's entries (newest first, optionally filtered), the total count of the entries the
    filters select, and the totals per month (of all the client's entries)."""
    await require_client(principal, client_id)
    filters = filters or TimeFilters()
    check_time_filters(filters)
    where = _time_filter_clause(client_id, filters)
    total = await TimeEntry.count().where(where)
    rows = (
        await TimeEntry.select(
            *TimeEntry.all_columns(),
            TimeEntry.case_manager.name.as_alias("case_manager_name"),
            TimeEntry.note.signed_at.as_alias("note_signed_at"),
            TimeEntry.note.subject.as_alias("note_subject"),
        )
        .where(where)
        .order_by(TimeEntry.service_date, ascending=False)
        .order_by(TimeEntry.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    for row in rows:
        row["changeable"] = row["note"] is None and (
            row["case_manager"] == principal.user_id or principal.role == Role.OWNER
        )
    totals = await month_totals(client_id)
    await audit.record(
        principal,
        "time_entry.list",
        resource_type="time_entry",
        client_id=client_id,
        detail={"time_entry_ids": [row["id"] for row in rows], "filters": filters.active},
    )
    return rows, total, totals


async def monthly_minutes(client_id: int, year: int, month: int) -> int:
    """Billable minutes of a client in one calendar month (dates of service in the practice's time zone)."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    rows = await TimeEntry.select(Sum(TimeEntry.minutes, alias="minutes")).where(
        (TimeEntry.client == client_id)
        & TimeEntry.billable.eq(True)
        & (TimeEntry.service_date >= start)
        & (TimeEntry.service_date < end)
    )
    return int(rows[0]["minutes"] or 0) if rows else 0
