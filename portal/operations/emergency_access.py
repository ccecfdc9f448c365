"""Emergency ("break glass") access: the owner lets a case manager into a client they are not assigned to.

A grant names the case manager, the client, a reason and an end (24 hours unless the owner says otherwise). The
policy's client scope (portal.policy.client_scope / require_client) honours active grants, so every client page
and list does. Everything is audited: the grant, every use (each request that reaches the client only through a
grant), and its end (expiry or revocation), recorded once by `record_ended_grants`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from portal.accounts.tables import User
from portal.audit.services import record
from portal.cases.tables import Client
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import Invalid, NotFound
from portal.operations.access_tables import EmergencyGrant
from portal.policy import MAX_ROW_ID, Action, Principal, Role, require

DEFAULT_HOURS = 24
MAX_HOURS = 72
MAX_REASON = 1000


def _active() -> Any:
    return EmergencyGrant.revoked_at.is_null() & (EmergencyGrant.expires_at > utcnow())


def granted_client_ids(user_id: int) -> Any:
    """A sub-query of the clients this person holds an active emergency grant for (used by the policy)."""
    return EmergencyGrant.select(EmergencyGrant.client).where((EmergencyGrant.grantee == user_id) & _active())


@dataclass(frozen=True)
class GrantRequest:
    client_id: int
    grantee_id: int
    reason: str
    hours: int


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ROW_ID else None


async def _check(data: dict[str, Any]) -> GrantRequest:
    errors: dict[str, str] = {}
    client_id = _int(data.get("client"))
    grantee_id = _int(data.get("grantee"))
    raw_reason = data.get("reason") or ""
    reason = raw_reason.strip() if isinstance(raw_reason, str) else ""
    raw_hours = data.get("hours") or str(DEFAULT_HOURS)
    raw_hours = raw_hours.strip() if isinstance(raw_hours, str) else ""
    hours = int(raw_hours) if raw_hours.isascii() and raw_hours.isdigit() and len(raw_hours) <= 3 else 0
    if client_id is None or not await Client.exists().where((Client.id == client_id) & Client.archived_at.is_null()):
        errors["client"] = "Choose a client."
    if grantee_id is None or not await User.exists().where(
        (User.id == grantee_id) & (User.role == Role.CASE_MANAGER.value) & (User.active == True)  # noqa: E712
    ):
        errors["grantee"] = "Choose an active case manager."
    if not reason:
        errors["reason"] = "Say why emergency access is needed."
    elif len(reason) > MAX_REASON or "\x00" in reason:
        errors["reason"] = f"The reason must be at most {MAX_REASON} characters of text."
    if not 1 <= hours <= MAX_HOURS:
        errors["hours"] = f"Access lasts between 1 and {MAX_HOURS} hours."
    if errors or client_id is None or grantee_id is None:
        raise Invalid(**errors)
    return GrantRequest(client_id, grantee_id, reason, hours)


async def grant_emergency_access(principal: Principal, data: dict[str, Any]) -> int:
    """Let a case manager into a client for a while; returns the grant's id."""
    require(principal, Action.EMERGENCY_ACCESS_GRANT)
    request = await _check(data)
    now = utcnow()
    expires_at = now + timedelta(hours=request.hours)
    async with write_transaction():
        rows = await EmergencyGrant.insert(
            EmergencyGrant(
                client=request.client_id,
                grantee=request.grantee_id,
                granted_by=principal.user_id,
                reason=request.reason,
                granted_at=now,
                expires_at=expires_at,
            )
        )
        grant_id = int(rows[0]["id"])
        # The reason stays in the grant's row: the audit log holds identifiers, never free text.
        await record(
            principal,
            "emergency_access.grant",
            resource_type="emergency_grant",
            resource_id=grant_id,
            client_id=request.client_id,
            detail={"grantee": request.grantee_id, "hours": request.hours, "expires_at": expires_at.isoformat()},
        )
    return grant_id


async def revoke_emergency_access(principal: Principal, grant_id: int) -> None:
    require(principal, Action.EMERGENCY_ACCESS_GRANT)
    if not 0 < grant_id <= MAX_ROW_ID:
        raise NotFound("No such active emergency access.")
    now = utcnow()
    async with write_transaction():
        ended = (
            await EmergencyGrant.update(
                {
                    EmergencyGrant.revoked_at: now,
                    EmergencyGrant.revoked_by: principal.user_id,
                    EmergencyGrant.end_recorded_at: now,
                }
            )
            .where((EmergencyGrant.id == grant_id) & _active())
            .returning(EmergencyGrant.id, EmergencyGrant.client, EmergencyGrant.grantee)
        )
        if not ended:
            raise NotFound("No such active emergency access.")
        await record(
            principal,
            "emergency_access.revoke",
            resource_type="emergency_grant",
            resource_id=grant_id,
            client_id=ended[0]["client"],
            detail={"grantee": ended[0]["grantee"]},
        )


async def record_ended_grants() -> int:
    """Write each grant's expiry to the audit log once (claimed by an UPDATE, so two sweeps never both write)."""
    now = utcnow()
    unrecorded = EmergencyGrant.end_recorded_at.is_null() & (EmergencyGrant.expires_at <= now)
    if not await EmergencyGrant.exists().where(unrecorded):
        return 0
    async with write_transaction():
        ended = (
            await EmergencyGrant.update({EmergencyGrant.end_recorded_at: now})
            .where(EmergencyGrant.end_recorded_at.is_null() & (EmergencyGrant.expires_at <= now))
            .returning(EmergencyGrant.id, EmergencyGrant.client, EmergencyGrant.grantee, EmergencyGrant.expires_at)
        )
        system = Principal.system("emergency-access")
        for row in ended:
            await record(
                system,
                "emergency_access.expire",
                resource_type="emergency_grant",
                resource_id=row["id"],
                client_id=row["client"],
                detail={"grantee": row["grantee"], "expired_at": row["expires_at"]},
            )
    return len(ended)


async def use_grant(principal: Principal, client_id: int) -> bool:
    """Called by the policy when a case manager reaches a client they are not assigned to: True (and audited)
    when an active grant lets them in."""
    if principal.role != Role.CASE_MANAGER or principal.user_id is None:
        return False
    grant = (
        await EmergencyGrant.select(EmergencyGrant.id)
        .where(
            (EmergencyGrant.grantee == principal.user_id)
            & (EmergencyGrant.client == client_id)
            & EmergencyGrant.client._.archived_at.is_null()
            & _active()
        )
        .order_by(EmergencyGrant.expires_at, ascending=False)
        .first()
    )
    if grant is None:
        await record_ended_grants()  # a grant that has just run out is written to the log as it is refused
        return False
    await record(
        principal, "emergency_access.use", resource_type="emergency_grant", resource_id=grant["id"], client_id=client_id
    )
    return True


@dataclass(frozen=True)
class GrantRow:
    id: int
    client_id: int
    client_name: str
    grantee_name: str
    granted_by_name: str
    reason: str
    granted_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool


async def list_grants(*, active_only: bool = False, limit: int = 50) -> list[GrantRow]:
    """Grants, newest first, with names (one query). Expired grants are first written to the audit log."""
    await record_ended_grants()
    query = EmergencyGrant.select(
        *EmergencyGrant.all_columns(),
        EmergencyGrant.client.legal_name,
        EmergencyGrant.grantee.name,
        EmergencyGrant.granted_by.name,
    )
    if active_only:
        query = query.where(_active())
    rows = await query.order_by(EmergencyGrant.granted_at, ascending=False).limit(limit)
    now = utcnow()
    return [
        GrantRow(
            id=row["id"],
            client_id=row["client"],
            client_name=row["client.legal_name"],
            grantee_name=row["grantee.name"] or "",
            granted_by_name=row["granted_by.name"] or "",
            reason=row["reason"],
            granted_at=row["granted_at"],
            expires_at=row["expires_at"],
            revoked_at=row["revoked_at"],
            active=row["revoked_at"] is None and row["expires_at"] > now,
        )
        for row in rows
    ]


async def grant_choices() -> dict[str, list[tuple[int, str]]]:
    """The form's choices: clients not archived, and active case managers (two queries)."""
    clients = (
        await Client.select(Client.id, Client.legal_name)
        .where(Client.archived_at.is_null())
        .order_by(Client.legal_name)
    )
    staff = (
        await User.select(User.id, User.name)
        .where((User.role == Role.CASE_MANAGER.value) & (User.active == True))  # noqa: E712
        .order_by(User.name)
    )
    return {
        "client_choices": [(row["id"], row["legal_name"]) for row in clients],
        "grantee_choices": [(row["id"], row["name"]) for row in staff],
    }
