"""Reading a program's vetting history: every review with its desk checks, site visits (and photos) and decision,
newest first, and the incident log. Internal: never part of what a family sees.

A fixed number of queries whatever the length of the history.
"""

from __future__ import annotations

from typing import Any

from portal.cases.vocabulary import LEVELS_OF_CARE
from portal.errors import NotFound
from portal.files import services as files
from portal.network.monitoring import list_incidents
from portal.network.programs import labelled, program_row
from portal.network.tables import DeskCheck, SiteVisit, SiteVisitPhoto, VettingDecision, VettingReview
from portal.network.vetting import (
    DESK_RESULTS,
    REVIEW_REASONS,
    STAGES,
    VISIT_MODES,
    VISIT_RATINGS,
)
from portal.network.vocabulary import CONDITIONS, DECISIONS, DESK_CHECKS, POPULATIONS, SITE_VISIT_CHECKLIST
from portal.policy import MAX_ROW_ID, Action, Principal, require

LEVEL_LABELS = {code: level.label for code, level in LEVELS_OF_CARE.items()}


def decorate_decision(row: dict[str, Any]) -> dict[str, Any]:
    row["decision_label"] = DECISIONS.get(row["decision"], row["decision"])
    row["levels_labels"] = labelled(row["levels"], LEVEL_LABELS)
    row["populations_labels"] = labelled(row["populations"], POPULATIONS)
    row["conditions_labels"] = labelled(row["conditions"], CONDITIONS)
    return row


async def vetting_history(principal: Principal, program_id: int) -> dict[str, Any]:
    """{"reviews": [...], "incidents": [...], "visits": [...], "decisions": [...]}: each review carries its
    desk checks (oldest first), site visits and decision; the names of who did each step are included."""
    require(principal, Action.NETWORK_READ)
    await program_row(program_id)
    reviews = (
        await VettingReview.select(
            *VettingReview.all_columns(), VettingReview.opened_by.name.as_alias("opened_by_name")
        )
        .where(VettingReview.program == program_id)
        .order_by(VettingReview.opened_at, ascending=False)
        .order_by(VettingReview.id, ascending=False)
    )
    review_ids = [r["id"] for r in reviews]
    checks = (
        await DeskCheck.select(*DeskCheck.all_columns(), DeskCheck.checked_by.name.as_alias("checked_by_name"))
        .where(DeskCheck.review.is_in(review_ids))
        .order_by(DeskCheck.id)
        if review_ids
        else []
    )
    visits = (
        await SiteVisit.select(*SiteVisit.all_columns(), SiteVisit.visitor.name.as_alias("visitor_name"))
        .where(SiteVisit.program == program_id)
        .order_by(SiteVisit.visited_on, ascending=False)
        .order_by(SiteVisit.id, ascending=False)
        .output(load_json=True)
    )
    photos = (
        await SiteVisitPhoto.select().where(SiteVisitPhoto.visit.is_in([v["id"] for v in visits])) if visits else []
    )
    decisions = (
        await VettingDecision.select(
            *VettingDecision.all_columns(), VettingDecision.decided_by.name.as_alias("decided_by_name")
        )
        .where(VettingDecision.program == program_id)
        .order_by(VettingDecision.decided_at, ascending=False)
        .order_by(VettingDecision.id, ascending=False)
        .output(load_json=True)
    )
    infos = await files.infos([c["evidence_file"] for c in checks if c["evidence_file"]] + [p["file"] for p in photos])
    by_review: dict[int, dict[str, list[dict[str, Any]]]] = {
        r: {"desk_checks": [], "visits": [], "decisions": []} for r in review_ids
    }
    for check in checks:
        check["check_label"] = DESK_CHECKS.get(check["check"], check["check"])
        check["result_label"] = DESK_RESULTS.get(check["result"], check["result"])
        check["file"] = infos.get(check["evidence_file"]) if check["evidence_file"] else None
        by_review[check["review"]]["desk_checks"].append(check)
    photos_by_visit: dict[int, list[dict[str, Any]]] = {}
    for photo in photos:
        photo["info"] = infos.get(photo["file"])
        photos_by_visit.setdefault(photo["visit"], []).append(photo)
    for visit in visits:
        visit["mode_label"] = VISIT_MODES.get(visit["mode"], visit["mode"])
        visit["checklist_items"] = [
            (label, visit["checklist"].get(key), VISIT_RATINGS.get(visit["checklist"].get(key, ""), "Not rated"))
            for key, label in SITE_VISIT_CHECKLIST.items()
        ]
        visit["photos"] = photos_by_visit.get(visit["id"], [])
        if visit["review"] in by_review:
            by_review[visit["review"]]["visits"].append(visit)
    for decision in decisions:
        decorate_decision(decision)
        if decision["review"] in by_review:
            by_review[decision["review"]]["decisions"].append(decision)
    for review in reviews:
        review.update(by_review[review["id"]])
        review["reason_label"] = REVIEW_REASONS.get(review["reason"], review["reason"])
        review["stage_label"] = STAGES.get(review["stage"], review["stage"])
        review["is_open"] = review["closed_at"] is None
    return {
        "reviews": reviews,
        "visits": visits,
        "decisions": decisions,
        "incidents": await list_incidents(program_id),
    }


async def latest_decisions(program_ids: list[int]) -> dict[int, dict[str, Any]]:
    """program id -> its newest decision with the scope (levels, populations, conditions), in one query:
    for the program list and the matching engine."""
    ids = [i for i in program_ids if 0 < i <= MAX_ROW_ID]
    if not ids:
        return {}
    rows = (
        await VettingDecision.select()
        .where(VettingDecision.program.is_in(ids))
        .order_by(VettingDecision.decided_at, ascending=False)
        .order_by(VettingDecision.id, ascending=False)
        .output(load_json=True)
    )
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        latest.setdefault(row["program"], decorate_decision(row))
    return latest


async def photo_file(principal: Principal, program_id: int, photo_id: int) -> files.FileInfo:
    """A site-visit photo of this program (NotFound for another program's)."""
    require(principal, Action.NETWORK_READ)
    if not 0 < photo_id <= MAX_ROW_ID:
        raise NotFound("No such photo.")
    row = (
        await SiteVisitPhoto.select(SiteVisitPhoto.file, SiteVisitPhoto.visit.program.as_alias("program"))
        .where(SiteVisitPhoto.id == photo_id)
        .first()
    )
    if row is None or row["program"] != program_id:
        raise NotFound("No such photo.")
    return await files.get_info(row["file"])


async def evidence_file(principal: Principal, program_id: int, check_id: int) -> files.FileInfo:
    """The file attached to a desk check of this program."""
    require(principal, Action.NETWORK_READ)
    if not 0 < check_id <= MAX_ROW_ID:
        raise NotFound("No such file.")
    row = (
        await DeskCheck.select(DeskCheck.evidence_file, DeskCheck.review.program.as_alias("program"))
        .where(DeskCheck.id == check_id)
        .first()
    )
    if row is None or row["program"] != program_id or row["evidence_file"] is None:
        raise NotFound("No such file.")
    return await files.get_info(row["evidence_file"])
