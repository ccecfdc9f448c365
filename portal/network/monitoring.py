"""Monitoring a vetted program: the incident and complaint log, re-reviews that open on their own, and reviews
coming due.

An incident, a complaint, an ownership or a leadership change recorded on an approved or provisional program (or
one already marked "review needed") opens a re-review and marks it "review needed". When a review is already open
the entry joins its evidence; an unvetted or declined program has no approval to lose, so the entry is only logged.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portal.audit import services as audit
from portal.clock import utcnow
from portal.db import write_transaction
from portal.network.programs import practice_today, program_row
from portal.network.tables import Program, ProgramIncident, VettingReview
from portal.network.vetting import current_review, reopen_review
from portal.network.vocabulary import INCIDENT_KINDS, VETTING_STATUSES
from portal.policy import Action, Principal, require
from portal.validation import Checker

# incident kind -> the reason of the review it opens
REVIEW_REASON_FOR = {
    "incident": "incident",
    "complaint": "complaint",
    "ownership_change": "ownership",
    "leadership_change": "leadership",
}
REOPENED_STATUSES = ("approved", "provisional", "review_needed")
REVIEW_DUE_DAYS = 30


def check_incident_fields(data: dict[str, Any], today: date) -> dict[str, Any]:
    c = Checker(data)
    values: dict[str, Any] = {
        "kind": c.choice("kind", INCIDENT_KINDS, label="Kind"),
        "occurred_on": c.date("occurred_on", required=True, label="Date"),
        "description": c.text("description", required=True, max_length=20_000, label="What happened"),
    }
    if values["occurred_on"] and values["occurred_on"] > today:
        c.fail("occurred_on", "The date cannot be in the future.")
    c.done()
    return values


async def record_incident(principal: Principal, program_id: int, data: dict[str, Any]) -> tuple[int, int | None]:
    """Log an incident, complaint, ownership or leadership change; returns (incident id, the re-review it
    opened or None)."""
    require(principal, Action.NETWORK_WRITE)
    program = await program_row(program_id)
    values = check_incident_fields(data, await practice_today())
    async with write_transaction():
        rows = await ProgramIncident.insert(
            ProgramIncident(program=program_id, **values, reported_by=principal.user_id, created_at=utcnow())
        ).returning(ProgramIncident.id)
        incident_id = int(rows[0]["id"])
        await audit.record(
            principal,
            "program.incident.record",
            resource_type="program",
            resource_id=program_id,
            detail={"incident_id": incident_id, "kind": values["kind"]},
        )
        review_id = None
        if program["vetting_status"] in REOPENED_STATUSES and await current_review(program_id) is None:
            label = INCIDENT_KINDS[values["kind"]]
            review_id = await reopen_review(
                principal,
                program_id,
                REVIEW_REASON_FOR[values["kind"]],
                note=f"{label} of {values['occurred_on'].isoformat()} (incident log #{incident_id})",
            )
    return incident_id, review_id


async def list_incidents(program_id: int) -> list[dict[str, Any]]:
    rows = (
        await ProgramIncident.select(
            *ProgramIncident.all_columns(), ProgramIncident.reported_by.name.as_alias("reported_by_name")
        )
        .where(ProgramIncident.program == program_id)
        .order_by(ProgramIncident.occurred_on, ascending=False)
        .order_by(ProgramIncident.id, ascending=False)
    )
    for row in rows:
        row["kind_label"] = INCIDENT_KINDS.get(row["kind"], row["kind"])
    return rows


# --------------------------------------------------------------------------- reviews due


async def reviews_due(
    principal: Principal, *, today: date | None = None, within_days: int = REVIEW_DUE_DAYS
) -> list[dict[str, Any]]:
    """Programs needing review now (status "review needed"), or approved/provisional ones whose next review
    falls within `within_days`; overdue first (one query)."""
    require(principal, Action.NETWORK_READ)
    today = today or await practice_today()
    soon = today + timedelta(days=within_days)
    rows = (
        await Program.select(
            Program.id,
            Program.name,
            Program.program_name,
            Program.city,
            Program.state,
            Program.vetting_status,
            Program.next_review_on,
        )
        .where(
            (Program.vetting_status == "review_needed")
            | (Program.vetting_status.is_in(["approved", "provisional"]) & (Program.next_review_on <= soon))
        )
        .order_by(Program.next_review_on)
        .limit(200)
    )
    for row in rows:
        row["status_label"] = VETTING_STATUSES.get(row["vetting_status"], row["vetting_status"])
        row["days_left"] = (row["next_review_on"] - today).days if row["next_review_on"] else None
    return sorted(rows, key=lambda r: (r["vetting_status"] != "review_needed", r["days_left"] or 0, r["name"]))


async def check_reviews_due(today: date | None = None) -> int:
    """The worker's check: an approved or provisional program past its next review date gets its annual
    re-review opened and is marked "review needed". Returns how many."""
    today = today or await practice_today()
    open_reviews = VettingReview.select(VettingReview.program).where(VettingReview.closed_at.is_null())
    rows = await Program.select(Program.id).where(
        Program.vetting_status.is_in(["approved", "provisional"])
        & Program.next_review_on.is_not_null()
        & (Program.next_review_on < today)
        & Program.id.not_in(open_reviews)
    )
    system = Principal.system("review-check")
    changed = 0
    for row in rows:
        async with write_transaction():
            await reopen_review(system, row["id"], "annual", note="The next review date has passed.")
            changed += 1
    return changed
