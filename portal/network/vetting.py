"""The vetting workflow (DOMAIN.md §5): intake (where the program came from) → desk review (each check with its
result and evidence) → site visit (checklist, notes, photos) → a scoped decision → monitoring.

One review is open at a time per program; every step is a new row, nothing is rewritten, so the history shows who
decided what, when, on what evidence. Program.vetting_status follows the workflow:

- a review opened by staff, or work on one (a desk check, a site visit): "in_review";
- a review opened on its own (an incident, a complaint, an ownership or leadership change, an expired license,
  an overdue annual re-review): "review_needed";
- a decision: "approved", "provisional" or "declined", with the next review date.

Steps are serialised per program by touching its row first (programs.touch), so two people cannot open two
reviews at once. Incidents and the monitoring checks are in monitoring.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portal.accounts import services as accounts
from portal.audit import services as audit
from portal.cases.vocabulary import LEVELS_OF_CARE
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import Invalid
from portal.files import services as files
from portal.network.programs import practice_today, program_row, set_decided, set_status, touch
from portal.network.tables import DeskCheck, SiteVisit, SiteVisitPhoto, VettingDecision, VettingReview
from portal.network.vocabulary import CONDITIONS, DECISIONS, DESK_CHECKS, POPULATIONS, SITE_VISIT_CHECKLIST
from portal.policy import MAX_ROW_ID, Action, Principal, Role, require
from portal.validation import Checker

REVIEW_REASONS = {
    "initial": "First vetting",
    "revisit": "Re-review",
    "annual": "Annual re-review",
    "incident": "Incident",
    "complaint": "Complaint",
    "ownership": "Ownership change",
    "leadership": "Leadership change",
    "license_expired": "License expired",
}
# What staff choose when they open a review themselves; the others open on their own.
STAFF_REASONS = {key: REVIEW_REASONS[key] for key in ("initial", "revisit", "annual")}
STAGES = {"intake": "Intake", "desk_review": "Desk review", "site_visit": "Site visit", "decided": "Decided"}
DESK_RESULTS = {"pass": "Pass", "concern": "Concern", "fail": "Fail", "na": "Not applicable"}
VISIT_MODES = {"in_person": "In person", "virtual": "Virtual"}
VISIT_RATINGS = {"good": "Good", "concern": "Concern", "na": "Not seen"}
PHOTO_TYPES = {"image/png", "image/jpeg"}
MAX_PHOTOS = 12
MAX_EVIDENCE = 20_000
HALF_DAY_HOURS = 4


# --------------------------------------------------------------------------- reviews


async def current_review(program_id: int) -> dict[str, Any] | None:
    """The open review of a program, if any."""
    if not 0 < program_id <= MAX_ROW_ID:
        return None
    return (
        await VettingReview.select()
        .where((VettingReview.program == program_id) & VettingReview.closed_at.is_null())
        .order_by(VettingReview.id, ascending=False)
        .first()
    )


async def _insert_review(principal: Principal, program_id: int, reason: str, intake_source: str) -> int:
    rows = await VettingReview.insert(
        VettingReview(
            program=program_id,
            reason=reason,
            intake_source=intake_source,
            stage="intake",
            opened_by=principal.user_id,
            opened_at=utcnow(),
        )
    ).returning(VettingReview.id)
    review_id = int(rows[0]["id"])
    await audit.record(
        principal,
        "program.review.open",
        resource_type="program",
        resource_id=program_id,
        detail={"review_id": review_id, "reason": reason},
    )
    return review_id


async def open_review(principal: Principal, program_id: int, data: dict[str, Any]) -> int:
    """Staff start vetting a program (or re-vet it): the intake records where it came from."""
    require(principal, Action.NETWORK_WRITE)
    await program_row(program_id)
    c = Checker(data)
    reason = c.choice("reason", STAFF_REASONS, default="initial", label="Reason")
    source = c.text("intake_source", required=reason == "initial", max_length=300, label="Source")
    c.done()
    async with write_transaction():
        await touch(program_id)
        if await current_review(program_id) is not None:
            raise Invalid(reason="A review of this program is already open: continue it.")
        review_id = await _insert_review(principal, program_id, reason, source)
        await set_status(program_id, "in_review")
    return review_id


async def reopen_review(principal: Principal, program_id: int, reason: str, *, note: str = "") -> int | None:
    """Monitoring found a reason to look again: the program needs review, and a review is opened unless one
    already is. Call inside the caller's transaction. Returns the new review's id (None if one was open)."""
    await touch(program_id)
    review_id = None
    if await current_review(program_id) is None:
        review_id = await _insert_review(principal, program_id, reason, note[:300])
    await set_status(program_id, "review_needed")
    return review_id


async def _review_for_work(principal: Principal, program_id: int) -> dict[str, Any]:
    """The open review to record a step in, opened on the spot when there is none (a site visit arranged before
    anyone opened a review); the program is then "in review". Inside the caller's transaction."""
    await touch(program_id)
    review = await current_review(program_id)
    if review is None:
        decided_before = await VettingDecision.exists().where(VettingDecision.program == program_id)
        await _insert_review(principal, program_id, "revisit" if decided_before else "initial", "")
        review = await current_review(program_id)
        assert review is not None
    await set_status(program_id, "in_review")
    return review


async def _advance(review: dict[str, Any], stage: str) -> None:
    order = list(STAGES)
    if order.index(stage) > order.index(review["stage"]):
        await VettingReview.update({VettingReview.stage: stage}).where(VettingReview.id == review["id"])


# --------------------------------------------------------------------------- desk review


def check_desk_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each entry: check, result, evidence, file ((bytes, name) or None). Entries without a result are skipped;
    every other one needs evidence (text or a file) unless it does not apply. Errors name `result_<check>` or
    `evidence_<check>`."""
    c = Checker({})
    cleaned = []
    for entry in entries:
        check = entry.get("check")
        if not isinstance(check, str) or check not in DESK_CHECKS:
            c.fail("check", "Choose one of the listed checks.")
            continue
        c.data = {"result": entry.get("result"), "evidence": entry.get("evidence")}
        result = entry.get("result")
        if result in (None, ""):
            continue
        if result not in DESK_RESULTS:
            c.fail(f"result_{check}", "Choose pass, concern, fail or not applicable.")
            continue
        evidence = c.text("evidence", max_length=MAX_EVIDENCE, label="Evidence")
        if "evidence" in c.errors:
            c.fail(f"evidence_{check}", c.errors.pop("evidence"))
            continue
        upload = entry.get("file")
        if upload is not None:
            try:
                files.validate_upload(*upload)
            except Invalid as exc:
                c.fail(f"evidence_{check}", exc.field_errors.get("file", exc.message))
                continue
        if result != "na" and not evidence and upload is None:
            c.fail(f"evidence_{check}", "Note the evidence (what you looked at, where) or attach it.")
            continue
        cleaned.append({"check": check, "result": result, "evidence": evidence, "file": upload})
    if not cleaned and not c.errors:
        c.fail("checks", "Choose a result for at least one check.")
    c.done()
    return cleaned


async def record_desk_checks(principal: Principal, program_id: int, entries: list[dict[str, Any]]) -> list[int]:
    """Record desk checks in the open review (earlier results stay in the history; the newest counts)."""
    require(principal, Action.NETWORK_WRITE)
    await program_row(program_id)
    cleaned = check_desk_entries(entries)
    ids = []
    async with write_transaction():
        review = await _review_for_work(principal, program_id)
        for entry in cleaned:
            file_id = None
            if entry["file"] is not None:
                info = await files.store_upload(*entry["file"], uploaded_by=principal.user_id)
                file_id = info.id
            rows = await DeskCheck.insert(
                DeskCheck(
                    review=review["id"],
                    check=entry["check"],
                    result=entry["result"],
                    evidence=entry["evidence"],
                    evidence_file=file_id,
                    checked_by=principal.user_id,
                    checked_at=utcnow(),
                )
            ).returning(DeskCheck.id)
            ids.append(int(rows[0]["id"]))
        await _advance(review, "desk_review")
        await audit.record(
            principal,
            "program.review.desk_checks",
            resource_type="program",
            resource_id=program_id,
            detail={"review_id": review["id"], "checks": {e["check"]: e["result"] for e in cleaned}},
        )
    return ids


# --------------------------------------------------------------------------- site visits


async def visitor_choices() -> list[tuple[int, str]]:
    """Active staff who vet programs (owner and case managers)."""
    users = await accounts.list_users(include_family=False)
    allowed = {Role.OWNER.value, Role.CASE_MANAGER.value}
    return [(u["id"], u["name"]) for u in users if u["active"] and u["role"] in allowed]


async def check_site_visit_fields(
    principal: Principal, data: dict[str, Any], photos: list[tuple[bytes, str]], today: date
) -> dict[str, Any]:
    c = Checker(data)
    values: dict[str, Any] = {
        "visited_on": c.date("visited_on", required=True, label="Visit date"),
        "mode": c.choice("mode", VISIT_MODES, label="Kind of visit"),
        "hours": c.integer("hours", required=True, minimum=1, maximum=24, label="Hours"),
        "notes": c.text("notes", max_length=MAX_EVIDENCE, label="Notes"),
    }
    visitors = dict(await visitor_choices())
    visitor = c.integer("visitor", minimum=1, maximum=2**31 - 1, default=principal.user_id, label="Visitor")
    if visitor is None or visitor not in visitors:
        c.fail("visitor", "Choose who visited.")
    values["visitor"] = visitor
    if values["visited_on"] and values["visited_on"] > today:
        c.fail("visited_on", "Record a visit once it has happened.")
    checklist: dict[str, str] = {}
    for item in SITE_VISIT_CHECKLIST:
        rating = c.choice(f"check_{item}", VISIT_RATINGS, required=False, label="Rating")
        if rating:
            checklist[item] = rating
    values["checklist"] = checklist
    if not checklist and not values["notes"]:
        c.fail("notes", "Rate the checklist or write what you saw.")
    if len(photos) > MAX_PHOTOS:
        c.fail("photos", f"Attach at most {MAX_PHOTOS} photos.")
    for data_bytes, name in photos:
        try:
            if files.validate_upload(data_bytes, name) not in PHOTO_TYPES:
                c.fail("photos", "Photos must be PNG or JPEG images.")
        except Invalid as exc:
            c.fail("photos", exc.field_errors.get("file", exc.message))
    c.done()
    return values


async def record_site_visit(
    principal: Principal, program_id: int, data: dict[str, Any], photos: list[tuple[bytes, str]] | None = None
) -> int:
    require(principal, Action.NETWORK_WRITE)
    await program_row(program_id)
    photos = photos or []
    values = await check_site_visit_fields(principal, data, photos, await practice_today())
    async with write_transaction():
        review = await _review_for_work(principal, program_id)
        rows = await SiteVisit.insert(
            SiteVisit(program=program_id, review=review["id"], **values, created_at=utcnow())
        ).returning(SiteVisit.id)
        visit_id = int(rows[0]["id"])
        for data_bytes, name in photos:
            info = await files.store_upload(data_bytes, name, uploaded_by=principal.user_id)
            await SiteVisitPhoto.insert(SiteVisitPhoto(visit=visit_id, file=info.id))
        await _advance(review, "site_visit")
        await audit.record(
            principal,
            "program.review.site_visit",
            resource_type="program",
            resource_id=program_id,
            detail={"review_id": review["id"], "visit_id": visit_id, "photos": len(photos)},
        )
    return visit_id


# --------------------------------------------------------------------------- decisions


async def evidence_summary(program_id: int, review: dict[str, Any] | None) -> dict[str, Any]:
    """What the open review has gathered, for the decision form: the newest result of each desk check, what is
    missing, what failed, its site visits, and warnings a decision should weigh."""
    latest: dict[str, dict[str, Any]] = {}
    visits: list[dict[str, Any]] = []
    if review is not None:
        for row in await DeskCheck.select().where(DeskCheck.review == review["id"]).order_by(DeskCheck.id):
            latest[row["check"]] = row
        visits = await SiteVisit.select().where(SiteVisit.review == review["id"]).order_by(SiteVisit.visited_on)
    failed = [DESK_CHECKS[k] for k, row in latest.items() if row["result"] == "fail"]
    concerns = [DESK_CHECKS[k] for k, row in latest.items() if row["result"] == "concern"]
    missing = [label for key, label in DESK_CHECKS.items() if key not in latest]
    warnings = []
    if missing:
        warnings.append(f"{len(missing)} of {len(DESK_CHECKS)} desk checks not recorded.")
    if not visits:
        warnings.append("No site visit in this review.")
    elif not any(v["mode"] == "in_person" and v["hours"] >= HALF_DAY_HOURS for v in visits):
        warnings.append("No in-person visit of at least half a day.")
    if concerns:
        warnings.append("Concerns: " + "; ".join(concerns) + ".")
    return {
        "review": review,
        "results": {k: row["result"] for k, row in latest.items()},
        "failed": failed,
        "missing": missing,
        "visits": visits,
        "warnings": warnings,
    }


def check_decision_fields(data: dict[str, Any], today: date) -> dict[str, Any]:
    c = Checker(data)
    decision = c.choice("decision", DECISIONS, label="Decision")
    values: dict[str, Any] = {
        "decision": decision,
        "levels": c.choices("levels", {code: level.label for code, level in LEVELS_OF_CARE.items()}, label="level"),
        "populations": c.choices("populations", POPULATIONS, label="population"),
        "conditions": c.choices("conditions", CONDITIONS, label="condition"),
        "rationale": c.text("rationale", required=True, max_length=MAX_EVIDENCE, label="Rationale"),
        "next_review_on": c.date("next_review_on", label="Next review"),
    }
    if decision in ("approved", "provisional"):
        if not values["levels"] and "levels" not in c.errors:
            c.fail("levels", "Say for which levels of care the program is approved.")
        if values["next_review_on"] is None and "next_review_on" not in c.errors:
            c.fail("next_review_on", "Set the next review date (a year ahead at most, sooner for provisional).")
    if values["next_review_on"] is not None and values["next_review_on"] <= today:
        c.fail("next_review_on", "The next review must be after today.")
    elif values["next_review_on"] is not None and values["next_review_on"] > today + timedelta(days=2 * 366):
        c.fail("next_review_on", "Review at least every two years.")
    c.done()
    return values


async def record_decision(principal: Principal, program_id: int, data: dict[str, Any]) -> int:
    """Decide the open review: approved, provisional or declined, for which levels, populations and conditions,
    why, and when to look again. Closes the review and sets the program's status and next review date."""
    from portal.network.credentials import expired_license_programs

    require(principal, Action.NETWORK_WRITE)
    await program_row(program_id)
    today = await practice_today()
    values = check_decision_fields(data, today)
    async with write_transaction():
        await touch(program_id)
        review = await current_review(program_id)
        if review is None:
            raise Invalid(decision="Open a review first: a decision rests on a desk review or a site visit.")
        summary = await evidence_summary(program_id, review)
        if values["decision"] != "declined":
            if summary["failed"]:
                raise Invalid(decision="A desk check failed (" + "; ".join(summary["failed"]) + "): decline.")
            if program_id in await expired_license_programs([program_id], today):
                raise Invalid(decision="A license on record has expired: record the renewal before approving.")
        rows = await VettingDecision.insert(
            VettingDecision(
                program=program_id, review=review["id"], **values, decided_by=principal.user_id, decided_at=utcnow()
            )
        ).returning(VettingDecision.id)
        decision_id = int(rows[0]["id"])
        await VettingReview.update({VettingReview.stage: "decided", VettingReview.closed_at: utcnow()}).where(
            VettingReview.id == review["id"]
        )
        await set_decided(program_id, values["decision"], values["next_review_on"])
        await audit.record(
            principal,
            "program.review.decide",
            resource_type="program",
            resource_id=program_id,
            detail={
                "review_id": review["id"],
                "decision_id": decision_id,
                "decision": values["decision"],
                "levels": values["levels"],
                "next_review_on": str(values["next_review_on"]),
            },
        )
    return decision_id
