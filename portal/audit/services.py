"""Writing and verifying the audit log.

Each event's hash is HMAC-SHA256 over its fields and the previous event's hash, keyed from the secret key,
so editing, inserting or deleting a row breaks the chain and someone with only database access cannot
re-forge it. Appenders lock the single chain-head row, which gives the chain one total order.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from portal.audit.tables import AuditChainHead, AuditEvent
from portal.clock import utcnow
from portal.db import is_sqlite, write_transaction
from portal.policy import Principal
from portal.settings import get_settings

GENESIS_HASH = "0" * 64


def _chain_key() -> bytes:
    return hashlib.sha256(b"portal-audit-chain\x00" + get_settings().secret_key.encode()).digest()


def format_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_detail(detail: dict[str, Any] | None) -> str:
    return json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), default=str)


def compute_hash(row: dict[str, Any], prev_hash: str) -> str:
    fields = [
        row["seq"],
        format_timestamp(row["occurred_at"]),
        row["actor_id"],
        row["actor_label"],
        row["actor_role"],
        row["action"],
        row["resource_type"],
        row["resource_id"],
        row["client_id"],
        row["ip"],
        row["user_agent"],
        row["detail"],
        prev_hash,
    ]
    message = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()
    return hmac.new(_chain_key(), message, hashlib.sha256).hexdigest()


async def _lock_head() -> tuple[int, str]:
    suffix = "" if is_sqlite() else " FOR UPDATE"
    rows = await AuditChainHead.raw(f"SELECT seq, hash FROM audit_chain_head WHERE id = 1{suffix}")  # noqa: S608
    if not rows:
        raise RuntimeError("The audit chain head is missing: run `portal migrate`.")
    return int(rows[0]["seq"]), str(rows[0]["hash"])


async def record(
    principal: Principal,
    action: str,
    *,
    resource_type: str = "",
    resource_id: str | int | None = "",
    client_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event. Runs inside the caller's transaction when there is one (so it commits with it)."""
    async with write_transaction():
        seq, prev_hash = await _lock_head()
        row: dict[str, Any] = {
            "seq": seq + 1,
            "occurred_at": utcnow(),
            "actor_id": principal.user_id,
            "actor_label": principal.label[:254],
            "actor_role": str(principal.role or ""),
            "action": action[:80],
            "resource_type": resource_type[:40],
            "resource_id": "" if resource_id is None else str(resource_id)[:64],
            "client_id": client_id,
            "ip": principal.ip[:64],
            "user_agent": principal.user_agent[:300],
            "detail": canonical_detail(detail),
        }
        row["hash"] = compute_hash(row, prev_hash)
        await AuditEvent.insert(AuditEvent(**row, prev_hash=prev_hash))
        await AuditChainHead.update({AuditChainHead.seq: row["seq"], AuditChainHead.hash: row["hash"]}).where(
            AuditChainHead.id == 1
        )


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""


async def _events_in_order(batch_size: int = 2000) -> AsyncIterator[dict[str, Any]]:
    last_seq = -(2**62)
    while True:
        rows = await AuditEvent.select().where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch_size)
        if not rows:
            return
        for row in rows:
            yield row
        last_seq = rows[-1]["seq"]


async def verify_chain() -> ChainReport:
    """Walk the chain in order; report the first broken link."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    async for row in _events_in_order():
        if row["seq"] != expected_seq:
            if row["seq"] > expected_seq:
                reason = f"event {expected_seq} is missing (deleted); the next event is {row['seq']}"
                return ChainReport(False, count, expected_seq, reason)
            return ChainReport(False, count, row["seq"], f"event {row['seq']} is out of sequence")
        if row["prev_hash"] != prev_hash:
            reason = f"event {row['seq']} does not follow event {expected_seq - 1} (inserted or deleted)"
            return ChainReport(False, count, row["seq"], reason)
        if compute_hash(row, prev_hash) != row["hash"]:
            return ChainReport(False, count, row["seq"], f"event {row['seq']} was altered")
        prev_hash = row["hash"]
        expected_seq += 1
        count += 1
    head_seq, head_hash = await _lock_head()
    if head_seq != count or (count and head_hash != prev_hash):
        if head_seq > count:
            reason = f"events {count + 1}–{head_seq} are missing (deleted from the end)"
        else:
            reason = f"event {head_seq + 1} was added outside the chain"
        return ChainReport(False, count, count + 1, reason)
    return ChainReport(True, count)


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    client_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query: Any, audit_filter: AuditFilter) -> Any:
    if audit_filter.actor_id is not None:
        query = query.where(AuditEvent.actor_id == audit_filter.actor_id)
    if audit_filter.client_id is not None:
        query = query.where(AuditEvent.client_id == audit_filter.client_id)
    if audit_filter.action:
        query = query.where(AuditEvent.action.like(audit_filter.action.replace("%", "") + "%"))
    if audit_filter.since is not None:
        query = query.where(AuditEvent.occurred_at >= audit_filter.since)
    if audit_filter.until is not None:
        query = query.where(AuditEvent.occurred_at < audit_filter.until)
    return query


async def list_events(audit_filter: AuditFilter, *, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    total = await _filtered(AuditEvent.count(), audit_filter)
    rows = (
        await _filtered(AuditEvent.select(), audit_filter)
        .order_by(AuditEvent.seq, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return rows, total


async def iter_events(audit_filter: AuditFilter, batch_size: int = 2000) -> AsyncIterator[dict[str, Any]]:
    """All matching events, oldest first, in batches (for CSV export of any length)."""
    last_seq = -(2**62)
    while True:
        rows = (
            await _filtered(AuditEvent.select(), audit_filter)
            .where(AuditEvent.seq > last_seq)
            .order_by(AuditEvent.seq)
            .limit(batch_size)
        )
        if not rows:
            return
        for row in rows:
            yield row
        last_seq = rows[-1]["seq"]
