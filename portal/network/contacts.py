"""People at a program (admissions, clinical director, family liaison …) and dated availability observations.

Availability is always an observation with a date and an observer ("3 beds, two-week waitlist — called 20 Nov by
Casey"), listed newest first; there is no timeless "beds available" flag to go stale.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.audit import services as audit
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import NotFound
from portal.network.programs import practice_today, program_row, touch
from portal.network.tables import Availability, ProgramContact
from portal.network.vocabulary import CONTACT_ROLES
from portal.policy import MAX_ROW_ID, Action, Principal, require
from portal.validation import Checker

CONTACT_FIELDS = ["role", "name", "phone", "email", "notes"]
AVAILABILITY_FIELDS = ["observed_on", "beds_available", "waitlist_days", "note"]


# --------------------------------------------------------------------------- contacts


def check_contact_fields(data: dict[str, Any]) -> dict[str, Any]:
    c = Checker(data)
    values = {
        "role": c.choice("role", CONTACT_ROLES, label="Role"),
        "name": c.text("name", required=True, max_length=200, label="Name"),
        "phone": c.phone("phone"),
        "email": c.email("email"),
        "notes": c.text("notes", max_length=300, label="Notes"),
    }
    c.done()
    return values


async def list_contacts(program_id: int) -> list[dict[str, Any]]:
    rows = await ProgramContact.select().where(ProgramContact.program == program_id).order_by(ProgramContact.id)
    order = list(CONTACT_ROLES)
    for row in rows:
        row["role_label"] = CONTACT_ROLES.get(row["role"], row["role"])
    return sorted(rows, key=lambda r: (order.index(r["role"]) if r["role"] in order else len(order), r["id"]))


async def _contact_row(program_id: int, contact_id: int) -> dict[str, Any]:
    if not 0 < contact_id <= MAX_ROW_ID:
        raise NotFound("No such contact.")
    row = (
        await ProgramContact.select()
        .where((ProgramContact.id == contact_id) & (ProgramContact.program == program_id))
        .first()
    )
    if row is None:
        raise NotFound("No such contact.")
    return row


async def get_contact(principal: Principal, program_id: int, contact_id: int) -> dict[str, Any]:
    require(principal, Action.NETWORK_READ)
    await program_row(program_id)
    return await _contact_row(program_id, contact_id)


async def add_contact(principal: Principal, program_id: int, data: dict[str, Any]) -> int:
    require(principal, Action.NETWORK_WRITE)
    await program_row(program_id)
    values = check_contact_fields(data)
    async with write_transaction():
        rows = await ProgramContact.insert(ProgramContact(program=program_id, **values)).returning(ProgramContact.id)
        contact_id = int(rows[0]["id"])
        await touch(program_id)
        await audit.record(
            principal,
            "program.contact.add",
            resource_type="program",
            resource_id=program_id,
            detail={"contact_id": contact_id, "role": values["role"]},
        )
    return contact_id


async def update_contact(principal: Principal, program_id: int, contact_id: int, data: dict[str, Any]) -> None:
    require(principal, Action.NETWORK_WRITE)
    await program_row(program_id)
    current = await _contact_row(program_id, contact_id)
    merged = {name: current[name] for name in CONTACT_FIELDS}
    merged.update({name: data[name] for name in CONTACT_FIELDS if name in data})
    values = check_contact_fields(merged)
    changed = sorted(name for name in CONTACT_FIELDS if values[name] != current[name])
    if not changed:
        return
    changes: dict[Any, Any] = dict(values)
    async with write_transaction():
        await ProgramContact.update(changes).where(ProgramContact.id == contact_id)
        await touch(program_id)
        await audit.record(
            principal,
            "program.contact.update",
            resource_type="program",
            resource_id=program_id,
            detail={"contact_id": contact_id, "fields": changed},
        )


async def remove_contact(principal: Principal, program_id: int, contact_id: int) -> None:
    """Someone who left the program: their row goes (the audit log keeps that they were removed)."""
    require(principal, Action.NETWORK_WRITE)
    await program_row(program_id)
    await _contact_row(program_id, contact_id)
    async with write_transaction():
        await ProgramContact.delete().where(ProgramContact.id == contact_id)
        await touch(program_id)
        await audit.record(
            principal,
            "program.contact.remove",
            resource_type="program",
            resource_id=program_id,
            detail={"contact_id": contact_id},
        )


# --------------------------------------------------------------------------- availability


def check_availability_fields(data: dict[str, Any], today: date) -> dict[str, Any]:
    c = Checker(data)
    values: dict[str, Any] = {
        "observed_on": c.date("observed_on", required=True, label="Date"),
        "beds_available": c.integer("beds_available", minimum=0, maximum=10_000, label="Beds available"),
        "waitlist_days": c.integer("waitlist_days", minimum=0, maximum=3_650, label="Waitlist (days)"),
        "note": c.text("note", max_length=300, label="Note"),
    }
    if values["observed_on"] and values["observed_on"] > today:
        c.fail("observed_on", "An observation cannot be dated in the future.")
    if values["beds_available"] is None and values["waitlist_days"] is None and not values["note"]:
        c.fail("note", "Say what you learned: beds, a waitlist, or a note.")
    c.done()
    return values


async def list_availability(program_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
    """Observations newest first (by date observed, then by when it was written down), with the observer."""
    rows = (
        await Availability.select(
            *Availability.all_columns(),
            Availability.observed_by.name.as_alias("observed_by_name"),
        )
        .where(Availability.program == program_id)
        .order_by(Availability.observed_on, ascending=False)
        .order_by(Availability.id, ascending=False)
        .limit(limit)
    )
    return rows


async def latest_availability(program_ids: list[int]) -> dict[int, dict[str, Any]]:
    """program id -> its newest observation (one query), for lists and the matching engine."""
    ids = [i for i in program_ids if 0 < i <= MAX_ROW_ID]
    if not ids:
        return {}
    rows = (
        await Availability.select(
            *Availability.all_columns(), Availability.observed_by.name.as_alias("observed_by_name")
        )
        .where(Availability.program.is_in(ids))
        .order_by(Availability.observed_on, ascending=False)
        .order_by(Availability.id, ascending=False)
    )
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        latest.setdefault(row["program"], row)
    return latest


async def record_availability(principal: Principal, program_id: int, data: dict[str, Any]) -> int:
    """Write down what the program said about openings, dated, with who found out."""
    require(principal, Action.NETWORK_WRITE)
    await program_row(program_id)
    values = check_availability_fields(data, await practice_today())
    async with write_transaction():
        rows = await Availability.insert(
            Availability(program=program_id, **values, observed_by=principal.user_id, created_at=utcnow())
        ).returning(Availability.id)
        observation_id = int(rows[0]["id"])
        await touch(program_id)
        await audit.record(
            principal,
            "program.availability.record",
            resource_type="program",
            resource_id=program_id,
            detail={"availability_id": observation_id},
        )
    return observation_id


async def get_availability(program_id: int, observation_id: int) -> dict[str, Any]:
    rows = await Availability.select(
        *Availability.all_columns(), Availability.observed_by.name.as_alias("observed_by_name")
    ).where((Availability.id == observation_id) & (Availability.program == program_id))
    if not rows:
        raise NotFound("No such observation.")
    return rows[0]
