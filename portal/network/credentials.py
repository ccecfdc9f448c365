"""A program's licenses, accreditations, certifications and memberships: number, issuer, expiry, who verified it,
when, and where (the source).

Alerts start 60 days before expiry. An expired license puts the program in "review needed": the status shown is
computed so (programs.effective_status) from the moment it expires, and `check_credentials`, run by the worker,
records it — the stored status changes and a re-review is opened, so the history shows why.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portal.audit import services as audit
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import NotFound
from portal.network.programs import practice_today, program_row, touch
from portal.network.tables import Credential, Program
from portal.network.vocabulary import CREDENTIAL_KINDS
from portal.policy import MAX_ROW_ID, Action, Principal, require
from portal.validation import Checker

ALERT_DAYS = 60
CREDENTIAL_FIELDS = ["kind", "name", "number", "issuer", "expires_on", "verified_on", "source"]
# Stored statuses an expired license moves to "review_needed" (declined stays declined; a review in progress
# shows "review needed" while the license stays expired, without its stored stage being overwritten).
RECHECKED_STATUSES = ("unvetted", "approved", "provisional")


def check_credential_fields(data: dict[str, Any], today: date) -> dict[str, Any]:
    c = Checker(data)
    values: dict[str, Any] = {
        "kind": c.choice("kind", CREDENTIAL_KINDS, label="Kind"),
        "name": c.text("name", required=True, max_length=200, label="Name"),
        "number": c.text("number", max_length=100, label="Number"),
        "issuer": c.text("issuer", max_length=200, label="Issuer"),
        "expires_on": c.date("expires_on", label="Expiry date"),
        "verified_on": c.date("verified_on", label="Verified on"),
        "source": c.text("source", max_length=300, label="Source"),
    }
    if values["verified_on"] and values["verified_on"] > today:
        c.fail("verified_on", "A verification cannot be dated in the future.")
    if values["verified_on"] and not values["source"]:
        c.fail("source", "Say where it was verified (the registry or a link), so the next person can re-check.")
    c.done()
    return values


def credential_state(expires_on: date | None, today: date) -> tuple[str, int | None]:
    """("expired" | "expiring" | "current" | "no_expiry", days until expiry)."""
    if expires_on is None:
        return "no_expiry", None
    days = (expires_on - today).days
    if days < 0:
        return "expired", days
    if days <= ALERT_DAYS:
        return "expiring", days
    return "current", days


def _decorate(row: dict[str, Any], today: date) -> dict[str, Any]:
    row["kind_label"] = CREDENTIAL_KINDS.get(row["kind"], row["kind"])
    row["state"], row["days_left"] = credential_state(row["expires_on"], today)
    return row


def _columns() -> list[Any]:
    return [*Credential.all_columns(), Credential.verified_by.name.as_alias("verified_by_name")]


async def list_credentials(program_id: int, today: date) -> list[dict[str, Any]]:
    """Licenses first, then by expiry (soonest first; none last)."""
    rows = await Credential.select(*_columns()).where(Credential.program == program_id)
    order = list(CREDENTIAL_KINDS)
    rows = [_decorate(r, today) for r in rows]
    return sorted(
        rows,
        key=lambda r: (
            order.index(r["kind"]) if r["kind"] in order else len(order),
            r["expires_on"] or date.max,
            r["id"],
        ),
    )


async def get_credential(principal: Principal, program_id: int, credential_id: int) -> dict[str, Any]:
    require(principal, Action.NETWORK_READ)
    await program_row(program_id)
    if not 0 < credential_id <= MAX_ROW_ID:
        raise NotFound("No such credential.")
    rows = await Credential.select(*_columns()).where(
        (Credential.id == credential_id) & (Credential.program == program_id)
    )
    if not rows:
        raise NotFound("No such credential.")
    return _decorate(rows[0], await practice_today())


async def credential_alerts(
    principal: Principal,
    *,
    today: date | None = None,
    within_days: int = ALERT_DAYS,
    program_id: int | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Credentials expired or expiring within `within_days`, soonest first, with their program's name (one
    query): for the network home page, a program's page, My day or a reminder job."""
    require(principal, Action.NETWORK_READ)
    today = today or await practice_today()
    where = Credential.expires_on.is_not_null() & (Credential.expires_on <= today + timedelta(days=within_days))
    if program_id is not None:
        where &= Credential.program == program_id
    rows = (
        await Credential.select(
            *_columns(),
            Credential.program.name.as_alias("program_name"),
            Credential.program.vetting_status.as_alias("program_status"),
        )
        .where(where)
        .order_by(Credential.expires_on)
        .limit(limit)
    )
    return [_decorate(r, today) for r in rows]


async def expired_license_programs(program_ids: list[int] | None, today: date) -> set[int]:
    """Which of these programs (None: any) hold a license past its expiry (one query)."""
    where = (Credential.kind == "license") & Credential.expires_on.is_not_null() & (Credential.expires_on < today)
    if program_ids is not None:
        ids = [i for i in program_ids if 0 < i <= MAX_ROW_ID]
        if not ids:
            return set()
        where &= Credential.program.is_in(ids)
    rows = await Credential.select(Credential.program).where(where).distinct()
    return {int(r["program"]) for r in rows}


# --------------------------------------------------------------------------- writing


async def add_credential(principal: Principal, program_id: int, data: dict[str, Any]) -> int:
    require(principal, Action.NETWORK_WRITE)
    await program_row(program_id)
    values = check_credential_fields(data, await practice_today())
    async with write_transaction():
        rows = await Credential.insert(
            Credential(
                program=program_id,
                **values,
                verified_by=principal.user_id if values["verified_on"] else None,
                created_at=utcnow(),
            )
        ).returning(Credential.id)
        credential_id = int(rows[0]["id"])
        await touch(program_id)
        await audit.record(
            principal,
            "program.credential.add",
            resource_type="program",
            resource_id=program_id,
            detail={"credential_id": credential_id, "kind": values["kind"], "expires_on": str(values["expires_on"])},
        )
    return credential_id


async def update_credential(principal: Principal, program_id: int, credential_id: int, data: dict[str, Any]) -> None:
    """Correct or renew a credential (a new expiry and verification); a new verification date records who."""
    current = await get_credential(principal, program_id, credential_id)
    require(principal, Action.NETWORK_WRITE)
    merged = {name: current[name] for name in CREDENTIAL_FIELDS}
    merged.update({name: data[name] for name in CREDENTIAL_FIELDS if name in data})
    values = check_credential_fields(merged, await practice_today())
    changed = sorted(name for name in CREDENTIAL_FIELDS if values[name] != current[name])
    if not changed:
        return
    changes: dict[Any, Any] = dict(values)
    if "verified_on" in changed:
        changes["verified_by"] = principal.user_id if values["verified_on"] else None
    async with write_transaction():
        await Credential.update(changes).where(Credential.id == credential_id)
        await touch(program_id)
        await audit.record(
            principal,
            "program.credential.update",
            resource_type="program",
            resource_id=program_id,
            detail={"credential_id": credential_id, "fields": changed},
        )


async def check_credentials(today: date | None = None) -> int:
    """The worker's check: each program with an expired license whose stored status is still unvetted,
    approved or provisional becomes "review needed", with a re-review opened. Returns how many changed.
    Cheap when nothing is due (one indexed query), so it runs every round."""
    from portal.network.vetting import reopen_review
    from portal.policy import Principal as P

    today = today or await practice_today()
    rows = (
        await Credential.select(Credential.program)
        .where(
            (Credential.kind == "license")
            & Credential.expires_on.is_not_null()
            & (Credential.expires_on < today)
            & Credential.program.vetting_status.is_in(list(RECHECKED_STATUSES))
        )
        .distinct()
    )
    system = P.system("credential-check")
    changed = 0
    for program_id in sorted({int(r["program"]) for r in rows}):
        async with write_transaction():
            status = await Program.select(Program.vetting_status).where(Program.id == program_id).first()
            if status is None or status["vetting_status"] not in RECHECKED_STATUSES:
                continue  # someone decided in the meantime
            await reopen_review(system, program_id, "license_expired", note="A license on record has expired.")
            changed += 1
    return changed
