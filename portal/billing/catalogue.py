"""The service catalogue: which billable activity becomes which CPT/HCPCS code, how its minutes become units, its
full rate per unit, its default place of service and the reimbursability hint families see (never a promise).

The default catalogue maps every activity of `portal.cases.vocabulary.ACTIVITIES`. It is created by
`ensure_default_catalogue()`, idempotent: it inserts only the activities that have no row yet and never changes
a row the practice edited. Superbill previews, the catalogue page and the demo call it, so a fresh install has
a working catalogue without a data migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from portal.audit import services as audit
from portal.billing.tables import ServiceCode
from portal.billing.units import UNIT_RULES
from portal.cases.vocabulary import ACTIVITIES
from portal.clock import utcnow
from portal.db import is_unique_violation, write_transaction
from portal.errors import NotFound
from portal.policy import Action, Principal, require
from portal.validation import Checker

PLACES_OF_SERVICE = {
    "02": "Telehealth provided other than in the patient's home",
    "10": "Telehealth provided in the patient's home",
    "11": "Office",
    "12": "Home",
    "51": "Inpatient psychiatric facility",
    "52": "Psychiatric facility – partial hospitalization",
    "53": "Community mental health center",
    "55": "Residential substance abuse treatment facility",
    "56": "Psychiatric residential treatment center",
    "57": "Non-residential substance abuse treatment facility",
    "58": "Non-residential opioid treatment facility",
    "99": "Other place of service",
}
CODE_PATTERN = re.compile(r"^(?:\d{4}[0-9A-Z]|[A-Z]\d{4})$")  # CPT (5 digits, or 4 + F/T/U) or HCPCS (letter + 4)
MODIFIER_PATTERN = re.compile(r"^[0-9A-Z]{2}$")


@dataclass(frozen=True)
class DefaultCode:
    code: str
    description: str
    unit_rule: str
    charge_cents: int
    modifiers: str = ""
    minimum_minutes: int = 0
    place_of_service: str = "11"
    hint: str = ""


_CASE_MANAGEMENT_HINT = "Some PPO plans reimburse case management out of network; many do not. Ask your plan."
DEFAULT_CATALOGUE: dict[str, DefaultCode] = {
    "care_coordination": DefaultCode(
        "T1016", "Case management, each 15 minutes", "eight_minute", 6000, "HO", hint=_CASE_MANAGEMENT_HINT
    ),
    "case_management": DefaultCode(
        "T1016", "Case management, each 15 minutes", "eight_minute", 6000, "HO", hint=_CASE_MANAGEMENT_HINT
    ),
    "assessment": DefaultCode(
        "90791",
        "Psychiatric diagnostic evaluation",
        "per_session",
        35000,
        hint="Often reimbursed out of network when a licensed clinician performs it.",
    ),
    "team_conference": DefaultCode(
        "99368",
        "Interdisciplinary team conference, patient and family not present, 30 minutes or more",
        "per_session",
        15000,
        minimum_minutes=30,
        hint="Rarely reimbursed; some plans pay it with a care-coordination benefit.",
    ),
    "family_meeting": DefaultCode(
        "99366",
        "Interdisciplinary team conference with patient or family present, 30 minutes or more",
        "per_session",
        17500,
        minimum_minutes=30,
        hint="Sometimes reimbursed out of network.",
    ),
    "crisis_intervention": DefaultCode(
        "90839",
        "Psychotherapy for crisis, first 60 minutes",
        "per_session",
        30000,
        minimum_minutes=30,
        hint="Often reimbursed when a licensed clinician provides it.",
    ),
    "site_visit": DefaultCode(
        "90882",
        "Environmental intervention with agencies, employers or institutions",
        "per_session",
        15000,
        place_of_service="99",
        hint="Seldom reimbursed.",
    ),
    "travel": DefaultCode(
        "G9012",
        "Other specified case management service",
        "eight_minute",
        6000,
        place_of_service="99",
        hint="Travel time is rarely reimbursed.",
    ),
    "research": DefaultCode(
        "G9012", "Other specified case management service", "eight_minute", 6000, hint="Seldom reimbursed."
    ),
    "report_writing": DefaultCode(
        "90889",
        "Preparation of a report for agencies, physicians or insurers",
        "per_session",
        20000,
        hint="Seldom reimbursed.",
    ),
}


async def ensure_default_catalogue() -> int:
    """Insert a default row for every activity without one; returns how many were added (0 when complete)."""
    existing = {row["activity"] for row in await ServiceCode.select(ServiceCode.activity)}
    missing = [activity for activity in ACTIVITIES if activity not in existing and activity in DEFAULT_CATALOGUE]
    if not missing:
        return 0
    now = utcnow()
    added = 0
    for activity in missing:
        default = DEFAULT_CATALOGUE[activity]
        try:
            async with write_transaction():
                await ServiceCode.insert(
                    ServiceCode(
                        activity=activity,
                        code=default.code,
                        description=default.description,
                        modifiers=default.modifiers,
                        unit_rule=default.unit_rule,
                        unit_minutes=15,
                        minimum_minutes=default.minimum_minutes,
                        charge_cents=default.charge_cents,
                        place_of_service=default.place_of_service,
                        reimbursability_hint=default.hint,
                        active=True,
                        updated_at=now,
                    )
                )
            added += 1
        except Exception as exc:  # a concurrent caller inserted it first: the row is there either way
            if not is_unique_violation(exc):
                raise
    return added


async def catalogue() -> list[dict[str, Any]]:
    await ensure_default_catalogue()
    rows = await ServiceCode.select().order_by(ServiceCode.activity)
    order = list(ACTIVITIES)
    rows.sort(key=lambda row: order.index(row["activity"]) if row["activity"] in order else len(order))
    for row in rows:
        row["activity_label"] = ACTIVITIES.get(row["activity"], row["activity"])
    return rows


def parse_modifiers(text: str) -> list[str]:
    return [part.strip().upper() for part in re.split(r"[,\s]+", text or "") if part.strip()]


def check_service_code(data: dict[str, Any]) -> dict[str, Any]:
    c = Checker(data)
    code = c.text("code", max_length=5, label="Code", required=True).upper()
    if code and not CODE_PATTERN.match(code):
        c.fail("code", "Enter a CPT code (5 digits) or a HCPCS code (a letter and 4 digits), like T1016.")
    description = c.text("description", max_length=200, label="Description", required=True)
    modifiers = parse_modifiers(c.text("modifiers", max_length=20, label="Modifiers"))
    if len(modifiers) > 4 or any(not MODIFIER_PATTERN.match(m) for m in modifiers):
        c.fail("modifiers", "Enter up to four two-character modifiers, separated by commas (HO, HN).")
    unit_rule = str(data.get("unit_rule") or "")
    if unit_rule not in UNIT_RULES:
        c.fail("unit_rule", "Choose a unit rule.")
    place = str(data.get("place_of_service") or "")
    if place not in PLACES_OF_SERVICE:
        c.fail("place_of_service", "Choose a place of service.")
    unit_minutes = _whole(c, data, "unit_minutes", 1, 240, "Unit length")
    minimum_minutes = _whole(c, data, "minimum_minutes", 0, 600, "Minimum minutes")
    charge_cents = _money(c, data, "charge", "Charge per unit")
    hint = c.text("reimbursability_hint", max_length=300, label="Reimbursability hint")
    c.done()
    return {
        "code": code,
        "description": description,
        "modifiers": ",".join(modifiers),
        "unit_rule": unit_rule,
        "place_of_service": place,
        "unit_minutes": unit_minutes,
        "minimum_minutes": minimum_minutes,
        "charge_cents": charge_cents,
        "reimbursability_hint": hint,
        "active": str(data.get("active", "")).lower() in {"1", "true", "on", "yes"},
    }


def _whole(c: Checker, data: dict[str, Any], name: str, low: int, high: int, label: str) -> int:
    text = str(data.get(name, "") or "").strip()
    if not text.isdigit() or not low <= int(text) <= high:
        c.fail(name, f"{label}: enter a whole number from {low} to {high}.")
        return low
    return int(text)


def _money(c: Checker, data: dict[str, Any], name: str, label: str) -> int:
    text = str(data.get(name, "") or "").strip().replace("$", "").replace(",", "")
    match = re.fullmatch(r"(\d{1,7})(?:\.(\d{1,2}))?", text)
    if not match:
        c.fail(name, f"{label}: enter an amount in dollars, like 60 or 60.00.")
        return 0
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


async def save_service_code(principal: Principal, activity: str, data: dict[str, Any]) -> None:
    require(principal, Action.SUPERBILLS_WRITE)
    if activity not in ACTIVITIES:
        raise NotFound("No such activity.")
    values = check_service_code(data)
    await ensure_default_catalogue()
    async with write_transaction():
        changes: dict[Any, Any] = {**values, "updated_at": utcnow()}
        await ServiceCode.update(changes).where(ServiceCode.activity == activity)
        await audit.record(
            principal,
            "superbill.catalogue.update",
            resource_type="service_code",
            resource_id=activity,
            detail={"code": values["code"]},
        )
