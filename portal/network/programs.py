"""Program records: identity, types and levels of care, populations, conditions, approaches, payment, staffing
and exclusions (DOMAIN.md §5).

The facet lists are written through facets.set_facets in the same transaction as the rest of the record, so the
search index never disagrees with the page. Every field the practice writes itself is remembered in
`locally_edited` (Program column names): an import never overwrites those. Every write is audited; program
records hold no client information, so plain reads are not.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import anyio.to_thread
from stdnum import luhn

from portal.audit import services as audit
from portal.cases.vocabulary import LEVELS_OF_CARE
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import is_unique_violation, write_transaction
from portal.errors import Invalid, NotFound
from portal.network import facets
from portal.network.tables import Program
from portal.network.vocabulary import (
    ACCREDITATIONS,
    APPROACHES,
    CONDITIONS,
    EXCLUSIONS,
    GENDERS,
    LANGUAGES,
    PAYMENT,
    POPULATIONS,
    PROGRAM_TYPES,
    VETTING_STATUSES,
)
from portal.policy import MAX_ROW_ID, Action, Principal, require
from portal.validation import Checker

# Form and JSON field names are the Program column names, except the private-pay rate: typed in dollars
# ("private_pay") on forms, sent in cents ("private_pay_cents") by the API.
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "name": ("Facility name", 200),
    "program_name": ("Program name", 200),
    "parent_company": ("Owner or parent company", 200),
    "street1": ("Street", 200),
    "street2": ("Street (line 2)", 200),
    "city": ("City", 100),
    "county": ("County", 100),
    "length_of_stay": ("Length of stay", 100),
    "psychiatry": ("Psychiatry coverage", 200),
    "nursing": ("Nursing coverage", 200),
    "academics": ("Academics", 200),
    "private_pay_includes": ("What the rate includes", 300),
}
PHONE_FIELDS = ["phone_main", "phone_admissions", "phone_crisis"]
FACET_FIELDS: dict[str, dict[str, Any]] = {
    "program_types": PROGRAM_TYPES,
    "levels_of_care": {code: level.label for code, level in LEVELS_OF_CARE.items()},
    "populations": POPULATIONS,
    "genders": GENDERS,
    "languages": LANGUAGES,
    "conditions": CONDITIONS,
    "approaches": APPROACHES,
    "payment": PAYMENT,
    "accreditations": ACCREDITATIONS,
}
FACET_LABELS = {
    "program_types": "program type",
    "levels_of_care": "level of care",
    "populations": "population",
    "genders": "gender",
    "languages": "language",
    "conditions": "condition",
    "approaches": "approach",
    "payment": "payment option",
    "accreditations": "accreditation",
}
COLUMN_FACETS = {column: facet for facet, column in facets.FACET_COLUMNS.items()}
PAY_UNITS = {"day": "per day", "week": "per week", "month": "per month", "program": "for the program"}
OTHER_FIELDS = [
    "website",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "samhsa_id",
    "npi",
    "age_min",
    "age_max",
    "beds",
    "exclusion_criteria",
    "exclusions",
    "in_network_insurers",
    "accepts_out_of_network",
    "private_pay_cents",
    "private_pay_unit",
]
PROGRAM_FIELDS = [*TEXT_FIELDS, *PHONE_FIELDS, *FACET_FIELDS, *OTHER_FIELDS]
MAX_INSURERS = 60
MAX_PRIVATE_PAY_CENTS = 10_000_000_00


# --------------------------------------------------------------------------- checking input


def dollars_to_cents(c: Checker, name: str, *, label: str) -> int | None:
    """An amount typed in dollars ("12,500" or "12500.00"), in cents; None when empty."""
    raw = c.data.get(name)
    if raw in (None, ""):
        return None
    text = str(raw).strip().replace(",", "").replace("$", "")
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        c.fail(name, f"{label}: enter an amount in dollars, like 12500 or 12,500.00.")
        return None
    cents = int(whole) * 100 + int((fraction + "00")[:2])
    if cents > MAX_PRIVATE_PAY_CENTS:
        c.fail(name, f"{label} is too large.")
        return None
    return cents


def _website(c: Checker) -> str:
    value = c.text("website", max_length=300, label="Website")
    if not value:
        return ""
    if not re.match(r"^https?://", value, re.IGNORECASE):
        value = "https://" + value
    # Only web addresses become links: never javascript:, data: or anything with spaces or quotes.
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d{1,5})?(/[^\s\"'<>]*)?", value, re.IGNORECASE):
        c.fail("website", "Enter a web address like https://pineridge.example.")
        return ""
    return value


def _float(c: Checker, name: str, low: float, high: float, label: str) -> float | None:
    raw = c.data.get(name)
    if raw in (None, ""):
        return None
    try:
        number = float(str(raw).strip()) if not isinstance(raw, int | float) or isinstance(raw, bool) else raw
    except ValueError:
        c.fail(name, f"{label} must be a number.")
        return None
    if isinstance(number, bool) or not low <= float(number) <= high:
        c.fail(name, f"{label} must be between {low:g} and {high:g}.")
        return None
    return float(number)


def _insurers(c: Checker) -> list[str]:
    raw = c.data.get("in_network_insurers")
    if raw in (None, ""):
        return []
    items = raw if isinstance(raw, list) else re.split(r"[\n,;]", str(raw))
    cleaned: list[str] = []
    for item in items:
        if not isinstance(item, str):
            c.fail("in_network_insurers", "List the insurers as text, one per line.")
            return []
        name = item.strip()
        if len(name) > 100 or "\x00" in name:
            c.fail("in_network_insurers", "Each insurer's name must be at most 100 characters.")
            return []
        if name and name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_INSURERS:
        c.fail("in_network_insurers", f"List at most {MAX_INSURERS} insurers.")
    return cleaned[:MAX_INSURERS]


def check_program_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Validated program values keyed by Program column (facet lists included); raises Invalid per field."""
    c = Checker(data)
    v: dict[str, Any] = {}
    for name, (label, max_length) in TEXT_FIELDS.items():
        v[name] = c.text(name, required=name == "name", max_length=max_length, label=label)
    for name in PHONE_FIELDS:
        v[name] = c.phone(name)
    for name, choices in FACET_FIELDS.items():
        v[name] = c.choices(name, choices, label=FACET_LABELS[name])
    v["website"] = _website(c)
    v["state"] = c.state("state")
    v["zip_code"] = c.zip_code("zip_code")
    v["latitude"] = _float(c, "latitude", -90, 90, "Latitude")
    v["longitude"] = _float(c, "longitude", -180, 180, "Longitude")
    if (v["latitude"] is None) != (v["longitude"] is None):
        c.fail("latitude", "Enter both latitude and longitude, or neither.")
    samhsa_id = c.text("samhsa_id", max_length=100, label="SAMHSA facility id")
    v["samhsa_id"] = samhsa_id or None
    v["npi"] = c.text("npi", max_length=10, label="NPI")
    if v["npi"] and not (v["npi"].isdigit() and len(v["npi"]) == 10 and luhn.is_valid("80840" + v["npi"])):
        c.fail("npi", "An NPI is 10 digits with a valid check digit.")
    v["age_min"] = c.integer("age_min", minimum=0, maximum=120, label="Youngest age")
    v["age_max"] = c.integer("age_max", minimum=0, maximum=120, label="Oldest age")
    if v["age_min"] is not None and v["age_max"] is not None and v["age_min"] > v["age_max"]:
        c.fail("age_max", "The oldest age cannot be below the youngest.")
    v["beds"] = c.integer("beds", minimum=0, maximum=100_000, label="Beds")
    v["exclusion_criteria"] = c.text("exclusion_criteria", max_length=5_000, label="Exclusion criteria")
    v["exclusions"] = c.choices("exclusions", EXCLUSIONS, label="exclusion")
    v["in_network_insurers"] = _insurers(c)
    v["accepts_out_of_network"] = c.boolean("accepts_out_of_network")
    if "private_pay_cents" in data:  # the API sends cents
        v["private_pay_cents"] = c.integer(
            "private_pay_cents", minimum=0, maximum=MAX_PRIVATE_PAY_CENTS, label="Private-pay rate"
        )
    else:  # forms send dollars
        v["private_pay_cents"] = dollars_to_cents(c, "private_pay", label="Private-pay rate")
    v["private_pay_unit"] = c.choice("private_pay_unit", PAY_UNITS, default="month", label="Rate unit")
    c.done()
    return v


def form_values(row: dict[str, Any]) -> dict[str, Any]:
    """A program row as the edit form shows it (dollars, insurers one per line)."""
    values = {name: row.get(name) for name in PROGRAM_FIELDS}
    cents = row.get("private_pay_cents")
    values["private_pay"] = (
        "" if cents is None else (f"{cents // 100}" + (f".{cents % 100:02d}" if cents % 100 else ""))
    )
    values["in_network_insurers"] = "\n".join(row.get("in_network_insurers") or [])
    return {name: ("" if value is None else value) for name, value in values.items()}


# --------------------------------------------------------------------------- reading


async def program_row(program_id: int) -> dict[str, Any]:
    """The program's row with its JSON lists loaded; NotFound for an unknown id (no policy: callers check)."""
    if not 0 < program_id <= MAX_ROW_ID:
        raise NotFound("No such program.")
    row = await Program.select().where(Program.id == program_id).output(load_json=True).first()
    if row is None:
        raise NotFound("No such program.")
    return row


def labelled(values: list[str], vocabulary: dict[str, Any]) -> list[str]:
    return [str(vocabulary.get(value, value)) for value in values]


def decorate(row: dict[str, Any], *, expired_license: bool = False) -> dict[str, Any]:
    """Labels for display, and the status as it stands today (an expired license means review needed)."""
    row["display_name"] = row["name"] + (f" — {row['program_name']}" if row.get("program_name") else "")
    row["status"] = effective_status(row["vetting_status"], expired_license=expired_license)
    row["status_label"] = VETTING_STATUSES.get(row["status"], row["status"])
    for name, vocabulary in FACET_FIELDS.items():
        row[f"{name}_labels"] = labelled(row.get(name) or [], vocabulary)
    row["exclusions_labels"] = labelled(row.get("exclusions") or [], EXCLUSIONS)
    row["private_pay_unit_label"] = PAY_UNITS.get(row.get("private_pay_unit") or "", "")
    place = ", ".join(
        part
        for part in [row.get("city", ""), " ".join(filter(None, [row.get("state", ""), row.get("zip_code", "")]))]
        if part
    )
    row["address_lines"] = [line for line in [row.get("street1", ""), row.get("street2", ""), place] if line]
    row["ages"] = ages_text(row.get("age_min"), row.get("age_max"))
    return row


def ages_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"{low} and older"
    if high is not None:
        return f"up to {high}"
    return ""


def effective_status(stored: str, *, expired_license: bool) -> str:
    """An expired license needs a review whatever the stored status says, except for a declined program."""
    if expired_license and stored != "declined":
        return "review_needed"
    return stored


async def get_program(principal: Principal, program_id: int) -> dict[str, Any]:
    from portal.network.credentials import expired_license_programs

    require(principal, Action.NETWORK_READ)
    row = await program_row(program_id)
    expired = program_id in await expired_license_programs([program_id], await practice_today())
    return decorate(row, expired_license=expired)


async def practice_today() -> date:
    return local_today((await get_practice()).time_zone)


async def program_names(program_ids: list[int]) -> dict[int, str]:
    """id -> the program's name, for links from other domains (placements)."""
    ids = [i for i in program_ids if 0 < i <= MAX_ROW_ID]
    if not ids:
        return {}
    rows = await Program.select(Program.id, Program.name, Program.program_name).where(Program.id.is_in(ids))
    return {r["id"]: r["name"] + (f" — {r['program_name']}" if r["program_name"] else "") for r in rows}


async def find_programs_by_name(principal: Principal, text: str, *, limit: int = 10) -> list[dict[str, Any]]:
    """Programs whose name contains `text` (the placement form's program picker)."""
    from portal.db import contains_text

    require(principal, Action.NETWORK_READ)
    text = text.strip()
    if len(text) < 2:
        return []
    rows = (
        await Program.select(
            Program.id, Program.name, Program.program_name, Program.city, Program.state, Program.vetting_status
        )
        .where(contains_text(Program.name, text) | contains_text(Program.program_name, text))
        .order_by(Program.name)
        .limit(limit)
    )
    for r in rows:
        r["display_name"] = r["name"] + (f" — {r['program_name']}" if r["program_name"] else "")
        r["status_label"] = VETTING_STATUSES.get(r["vetting_status"], r["vetting_status"])
    return rows


# --------------------------------------------------------------------------- writing


async def _centroid(zip_code: str) -> tuple[float, float] | None:
    """The ZIP code's centroid from the offline `zipcodes` data (GeoNames, CC BY 4.0), for programs typed in by
    hand without coordinates, so a radius search finds them."""

    def lookup() -> tuple[float, float] | None:
        import zipcodes

        try:
            found = zipcodes.matching(zip_code[:5])
        except (TypeError, ValueError):
            return None
        if not found:
            return None
        return float(found[0]["lat"]), float(found[0]["long"])

    return await anyio.to_thread.run_sync(lookup)


async def _derive_coordinates(values: dict[str, Any], current: dict[str, Any]) -> bool:
    """Coordinates from the ZIP code's centre when none are given, or when the ZIP code changed and the
    coordinates shown were not typed by the practice. True when `values` now holds derived coordinates."""
    if not values["zip_code"]:
        return False
    same_point = values["latitude"] == current["latitude"] and values["longitude"] == current["longitude"]
    moved = values["zip_code"] != current["zip_code"] and same_point
    if values["latitude"] is not None and not (moved and "latitude" not in (current["locally_edited"] or [])):
        return False
    point = await _centroid(values["zip_code"])
    if point is None:
        return False
    values["latitude"], values["longitude"] = point
    return True


def _split(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(scalar columns, {facet: values}) from validated values."""
    scalars = {name: value for name, value in values.items() if name not in FACET_FIELDS}
    facet_values = {COLUMN_FACETS[name]: values[name] for name in FACET_FIELDS if name in values}
    return scalars, facet_values


def _samhsa_conflict(exc: BaseException) -> Invalid | None:
    if is_unique_violation(exc):
        return Invalid(samhsa_id="Another program in the network has this SAMHSA facility id.")
    return None


async def create_program(principal: Principal, data: dict[str, Any]) -> int:
    """Add a program typed in by the practice; it starts unvetted. Every field given counts as the practice's own."""
    require(principal, Action.NETWORK_WRITE)
    values = check_program_fields(data)
    edited = sorted(name for name, value in values.items() if value not in (None, "", [], False))
    if values["private_pay_cents"] is None:
        edited.remove("private_pay_unit")
    if values["latitude"] is None and values["zip_code"]:
        # Derived, not typed: an import with the program's real coordinates may replace it.
        point = await _centroid(values["zip_code"])
        if point:
            values["latitude"], values["longitude"] = point
    scalars, facet_values = _split(values)
    now = utcnow()
    try:
        async with write_transaction():
            rows = await Program.insert(
                Program(
                    **scalars,
                    vetting_status="unvetted",
                    source="manual",
                    locally_edited=edited,
                    created_at=now,
                    updated_at=now,
                )
            ).returning(Program.id)
            program_id = int(rows[0]["id"])
            await facets.set_facets(program_id, facet_values)
            await audit.record(
                principal, "program.create", resource_type="program", resource_id=program_id, detail={"fields": edited}
            )
    except Exception as exc:
        conflict = _samhsa_conflict(exc)
        if conflict:
            raise conflict from None
        raise
    return program_id


async def update_program(principal: Principal, program_id: int, data: dict[str, Any]) -> list[str]:
    """Change a program; the fields not in `data` keep their values. Returns the changed fields, which join
    `locally_edited` so a later import leaves them alone."""
    require(principal, Action.NETWORK_WRITE)
    current = await program_row(program_id)
    merged: dict[str, Any] = {name: current[name] for name in PROGRAM_FIELDS if name in current}
    if "private_pay" in data:
        merged.pop("private_pay_cents", None)
    merged.update({name: value for name, value in data.items() if name in [*PROGRAM_FIELDS, "private_pay"]})
    values = check_program_fields(merged)
    derived = await _derive_coordinates(values, current)
    changed = sorted(name for name in values if values[name] != current.get(name))
    if not changed:
        return []
    scalars, facet_values = _split({name: values[name] for name in changed})
    typed = set(changed) - ({"latitude", "longitude"} if derived else set())
    edited = sorted(set(current.get("locally_edited") or []) | typed)
    try:
        async with write_transaction():
            changes: dict[Any, Any] = {**scalars, "locally_edited": edited, "updated_at": utcnow()}
            await Program.update(changes).where(Program.id == program_id)
            if facet_values:
                await facets.set_facets(program_id, facet_values)
            await audit.record(
                principal, "program.update", resource_type="program", resource_id=program_id, detail={"fields": changed}
            )
    except Exception as exc:
        conflict = _samhsa_conflict(exc)
        if conflict:
            raise conflict from None
        raise
    return changed


async def touch(program_id: int) -> None:
    """Mark the program changed. Inside a transaction this also locks its row on PostgreSQL (SQLite's BEGIN
    IMMEDIATE already serialises writers), so two people acting on one program's vetting take turns."""
    await Program.update({Program.updated_at: utcnow()}).where(Program.id == program_id)


async def set_status(program_id: int, status: str) -> None:
    """The stored vetting status; inside the caller's transaction."""
    await Program.update({Program.vetting_status: status, Program.updated_at: utcnow()}).where(Program.id == program_id)


async def set_decided(program_id: int, status: str, next_review_on: date | None) -> None:
    """A decision's status and next review date (None: no review planned); inside the caller's transaction."""
    await Program.update(
        {Program.vetting_status: status, Program.next_review_on: next_review_on, Program.updated_at: utcnow()}
    ).where(Program.id == program_id)
