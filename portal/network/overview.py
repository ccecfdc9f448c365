"""The network's home page: how many programs stand where in vetting, credentials expiring, reviews due, and what
changed lately. A fixed number of queries whatever the size of the network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count

from portal.network.credentials import credential_alerts, expired_license_programs
from portal.network.monitoring import reviews_due
from portal.network.programs import decorate, practice_today
from portal.network.tables import Program
from portal.network.vocabulary import VETTING_STATUSES
from portal.policy import Action, Principal, require

RECENT = 10


@dataclass(frozen=True)
class NetworkOverview:
    today: date
    total: int
    counts: list[tuple[str, str, int]]  # (status, label, count) in the vocabulary's order
    alerts: list[dict[str, Any]]
    reviews_due: list[dict[str, Any]]
    recent: list[dict[str, Any]]


async def status_counts(today: date) -> dict[str, int]:
    """Programs per vetting status as shown today: an expired license counts as "review needed"."""
    rows = await Program.select(Program.vetting_status, Count(Program.id, alias="n")).group_by(Program.vetting_status)
    counts = {status: 0 for status in VETTING_STATUSES}
    for row in rows:
        counts[row["vetting_status"]] = counts.get(row["vetting_status"], 0) + int(row["n"])
    expired = await expired_license_programs(None, today)
    if expired:
        moved = await Program.select(Program.vetting_status).where(
            Program.id.is_in(sorted(expired)) & Program.vetting_status.not_in(["review_needed", "declined"])
        )
        for row in moved:
            counts[row["vetting_status"]] -= 1
            counts["review_needed"] += 1
    return counts


async def network_overview(principal: Principal) -> NetworkOverview:
    require(principal, Action.NETWORK_READ)
    today = await practice_today()
    counts = await status_counts(today)
    recent = (
        await Program.select()
        .order_by(Program.updated_at, ascending=False)
        .order_by(Program.id, ascending=False)
        .limit(RECENT)
        .output(load_json=True)
    )
    expired = await expired_license_programs([r["id"] for r in recent], today)
    return NetworkOverview(
        today=today,
        total=sum(counts.values()),
        counts=[(status, label, counts.get(status, 0)) for status, label in VETTING_STATUSES.items()],
        alerts=await credential_alerts(principal, today=today),
        reviews_due=await reviews_due(principal, today=today),
        recent=[decorate(r, expired_license=r["id"] in expired) for r in recent],
    )
