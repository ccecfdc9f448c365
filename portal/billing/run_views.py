"""Reading monthly runs for the billing page and the API: progress, summaries, and the dry-run preview."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from portal.billing.ledger import check_id, client_names
from portal.billing.money import Period
from portal.billing.run import RunSummary, run_monthly_billing
from portal.billing.tables import BillingRun
from portal.errors import NotFound
from portal.policy import Action, Principal, require

RUN_STATUSES = {"queued": "Waiting to start", "running": "Running", "done": "Done", "failed": "Failed"}


@dataclass
class RunProgress:
    run: dict[str, Any]
    skipped: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.run["id"])

    @property
    def finished(self) -> bool:
        return self.run["status"] in {"done", "failed"}

    @property
    def percent(self) -> int:
        if self.run["status"] == "done":
            return 100
        total = int(self.run["total"] or 0)
        return int(self.run["done"]) * 100 // total if total else 0

    @property
    def status_label(self) -> str:
        return RUN_STATUSES.get(self.run["status"], self.run["status"])

    @property
    def period_label(self) -> str:
        return Period.parse(self.run["period"]).label


def skipped_of(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The run's skipped agreements (a JSON column: text unless the query asked Piccolo to load it)."""
    value = row.get("skipped") or []
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return [item for item in value if isinstance(item, dict)]


async def _with_names(skipped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = await client_names({int(s["client"]) for s in skipped if s.get("client")})
    return [{**s, "client_name": names.get(int(s.get("client") or 0), "")} for s in skipped]


async def run_progress(principal: Principal, run_id: int) -> RunProgress:
    require(principal, Action.BILLING_READ)
    check_id(run_id, "run")
    row = (
        await BillingRun.select(*BillingRun.all_columns(), BillingRun.started_by.name.as_alias("started_by_name"))
        .where(BillingRun.id == run_id)
        .first()
    )
    if row is None:
        raise NotFound("No such run.")
    return RunProgress(row, await _with_names(skipped_of(row)))


async def recent_runs(principal: Principal, limit: int = 20) -> list[RunProgress]:
    require(principal, Action.BILLING_READ)
    rows = (
        await BillingRun.select(*BillingRun.all_columns(), BillingRun.started_by.name.as_alias("started_by_name"))
        .order_by(BillingRun.id, ascending=False)
        .limit(limit)
    )
    return [RunProgress(row, skipped_of(row)) for row in rows]


@dataclass
class Preview:
    summary: RunSummary
    client_names: dict[int, str]
    skipped: list[dict[str, Any]]

    @property
    def period_label(self) -> str:
        return Period.parse(self.summary.period).label


async def preview_run(principal: Principal, period_text: str) -> Preview:
    """What the run would bill, without writing anything."""
    summary = await run_monthly_billing(principal, period_text, dry_run=True)
    names = await client_names({plan.client_id for plan in summary.planned})
    return Preview(summary, names, await _with_names(summary.skipped))
