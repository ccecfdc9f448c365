"""Matching a client to the vetted network: which approved or provisional programs fit this client's case, ranked
with a score whose every part says why, flags a case manager must weigh, and how our past clients did there.

The case gives: age (date of birth), sex, conditions (from the active ICD-10 diagnoses; co-occurring when there
are both a mental-health and a substance-use diagnosis; the assessment's substance-use section is shown when it
notes use without an SUD diagnosis, and its risk level feeds the exclusion check), the recommended level of care,
and home (the client's ZIP code → its centroid). A private-pay budget is not a field of the case: the case manager
gives it per search (`budget`, dollars a month, a form or query parameter).

A program is a candidate when its stored status is approved or provisional and its decided scope (the newest
decision's levels, populations and conditions) covers the client: the recommended level must be one of the
decided levels; when the decision names populations or conditions, the client must fall in at least one.

The score (out of 100) is the sum of its parts — level, conditions, age and population, gender, budget,
distance, our outcomes there, vetting — each with its reasons. Flags come beside it; a blocking flag (an
exclusion criterion the case hits, the client's age or gender outside what the program takes, an expired
license) sorts the program after every unblocked one, whatever its score.

Loading costs a fixed number of queries whatever the size of the network: the candidates, their newest
decisions, their credentials expiring within the alert window, their latest site visits and our placements there
are each one batch query (`rank` itself is pure, for table-driven tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Max

from portal.audit import services as audit
from portal.cases import clients
from portal.cases.tables import Client
from portal.cases.vocabulary import LEVELS_OF_CARE, RISK_LEVELS, SEXES
from portal.errors import NotFound
from portal.network import geo
from portal.network.credentials import ALERT_DAYS
from portal.network.outcomes import ProgramOutcomes, outcomes_for
from portal.network.programs import practice_today
from portal.network.search import PAY_UNITS
from portal.network.tables import Credential, Program, SiteVisit, VettingDecision
from portal.network.vocabulary import CONDITIONS, EXCLUSIONS, POPULATIONS, VETTED
from portal.policy import Action, Principal, require, require_client

# The parts of the score and how many points each can give (they add up to 100).
PARTS: dict[str, tuple[str, int]] = {
    "level": ("Level of care", 25),
    "conditions": ("Conditions", 25),
    "age": ("Age and population", 10),
    "gender": ("Gender", 5),
    "budget": ("Budget", 15),
    "distance": ("Distance from home", 10),
    "outcomes": ("Our clients there", 5),
    "vetting": ("Vetting", 5),
}
NEAR_MILES = 50.0  # full distance points within this
FAR_MILES = 500.0  # beyond this: no distance points, and a flag
VISIT_YEARS = 2
MAX_BUDGET_DOLLARS = 1_000_000
BLOCKING = "block"
WARNING = "warn"


# --------------------------------------------------------------------------- the case


SUD_PREFIXES = ("F10", "F11", "F12", "F13", "F14", "F15", "F16", "F18", "F19")
# ICD-10-CM category (or code) prefix -> the network's condition; the longest prefix wins.
ICD10_CONDITIONS: dict[str, str] = {
    "F10": "alcohol",
    "F11": "opioids",
    "F12": "cannabis",
    "F14": "stimulants",
    "F15": "stimulants",
    "F20": "psychosis",
    "F21": "psychosis",
    "F22": "psychosis",
    "F23": "psychosis",
    "F25": "psychosis",
    "F28": "psychosis",
    "F29": "psychosis",
    "F30": "bipolar",
    "F31": "bipolar",
    "F32": "depression",
    "F33": "depression",
    "F34.1": "depression",
    "F40": "anxiety",
    "F41": "anxiety",
    "F42": "ocd",
    "F43.1": "trauma",
    "F50": "eating_disorders",
    "F60": "personality_disorders",
    "F63.0": "gambling",
    "F84": "autism",
    "F90": "adhd",
    "S06": "tbi",
}


def is_sud_code(code: str) -> bool:
    """A substance-use disorder (F10–F19; nicotine, F17, does not make a case co-occurring)."""
    return code.upper().startswith(SUD_PREFIXES)


def is_mh_code(code: str) -> bool:
    """A mental or behavioural disorder other than substance use (F01–F99 outside F10–F19)."""
    code = code.upper()
    return code.startswith("F") and not code.startswith(("F1",))


def condition_of(code: str) -> str | None:
    code = code.upper()
    best = None
    for prefix, condition in ICD10_CONDITIONS.items():
        if code.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, condition)
    return best[1] if best else None


def populations_for_age(age: int | None) -> frozenset[str]:
    if age is None:
        return frozenset()
    found = set()
    if age < 18:
        found.add("adolescents")
    if 18 <= age <= 26:
        found.add("young_adults")
    if age >= 18:
        found.add("adults")
    if age >= 65:
        found.add("seniors")
    return frozenset(found)


@dataclass(frozen=True)
class CaseFacts:
    """What matching reads from a client's case (built by `case_facts`, or directly in tests)."""

    age: int | None = None
    sex: str = "unknown"
    diagnosis_codes: tuple[str, ...] = ()
    substance_use_noted: bool = False  # the assessment's substance-use section says something
    risk_level: str = ""
    recommended_level: str = ""
    budget_cents: int | None = None  # private pay a month
    home: geo.Point | None = None
    home_zip: str = ""

    @property
    def has_sud(self) -> bool:
        return any(is_sud_code(code) for code in self.diagnosis_codes)

    @property
    def has_mh(self) -> bool:
        return any(is_mh_code(code) for code in self.diagnosis_codes)

    @property
    def co_occurring(self) -> bool:
        return self.has_sud and self.has_mh

    @property
    def conditions(self) -> list[str]:
        """The network's conditions this case has, co-occurring first, in diagnosis order, without repeats."""
        found = ["co_occurring"] if self.co_occurring else []
        for code in self.diagnosis_codes:
            condition = condition_of(code)
            if condition and condition not in found:
                found.append(condition)
        return found

    @property
    def populations(self) -> frozenset[str]:
        return populations_for_age(self.age)

    def exclusion_hits(self) -> dict[str, str]:
        """Exclusion tag -> what in the case hits it."""
        hits: dict[str, str] = {}
        codes = self.diagnosis_codes
        if self.age is not None and self.age < 18:
            hits["under_18"] = f"the client is {self.age}"
        psychosis = [code for code in codes if condition_of(code) == "psychosis"]
        if psychosis:
            hits["active_psychosis"] = f"psychosis diagnosis ({', '.join(psychosis)})"
        eating = [code for code in codes if condition_of(code) == "eating_disorders"]
        if eating:
            hits["eating_disorder_medical"] = f"eating-disorder diagnosis ({', '.join(eating)})"
        if self.risk_level in ("high", "imminent"):
            hits["recent_suicide_attempt"] = f"risk assessed {RISK_LEVELS[self.risk_level].lower()}"
        if self.recommended_level.endswith("-wm"):
            hits["medical_detox_needed"] = "withdrawal management is the recommended level"
        return hits


# --------------------------------------------------------------------------- a program as matching sees it


@dataclass
class Candidate:
    """A vetted program with what matching needs about it (built by `load_candidates`, or directly in tests)."""

    row: dict[str, Any]
    decision: dict[str, Any] | None = None  # the newest decision: levels, populations, conditions, decided_at
    credentials: list[dict[str, Any]] = field(default_factory=list)  # expired or expiring within the window
    last_visit_on: date | None = None
    outcomes: ProgramOutcomes = field(default_factory=ProgramOutcomes)

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def display_name(self) -> str:
        return self.row["name"] + (f" — {self.row['program_name']}" if self.row.get("program_name") else "")

    def scope(self, name: str) -> list[str]:
        """The decided scope (levels, populations or conditions); without a decision on record, the program's
        own listed levels stand in for the levels and nothing narrows the rest."""
        if self.decision is not None:
            return list(self.decision.get(name) or [])
        return list(self.row.get("levels_of_care") or []) if name == "levels" else []


@dataclass(frozen=True)
class Part:
    part: str  # a key of PARTS
    points: int
    out_of: int
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return PARTS[self.part][0]


@dataclass(frozen=True)
class Flag:
    kind: str  # exclusion, age, gender, credential_expired, credential_expiring, no_site_visit, provisional,
    #            distance, budget, private_pay
    severity: str  # block or warn
    label: str


@dataclass
class Match:
    candidate: Candidate
    parts: list[Part]
    flags: list[Flag]
    distance_miles: float | None

    @property
    def score(self) -> int:
        return sum(part.points for part in self.parts)

    @property
    def blocked(self) -> bool:
        return any(flag.severity == BLOCKING for flag in self.flags)

    @property
    def program_id(self) -> int:
        return self.candidate.id

    @property
    def display_name(self) -> str:
        return self.candidate.display_name

    @property
    def outcomes(self) -> ProgramOutcomes:
        return self.candidate.outcomes


@dataclass
class MatchResult:
    facts: CaseFacts
    matches: list[Match]
    considered: int  # vetted programs looked at
    out_of_scope: int  # of those, left out: their decided scope does not cover the client
    scope_reasons: dict[str, int] = field(default_factory=dict)  # why left out -> how many


# --------------------------------------------------------------------------- ranking (pure)


def _labels(values: list[str] | set[str] | frozenset[str], vocabulary: dict[str, str]) -> str:
    return ", ".join(vocabulary.get(v, v) for v in values)


def _level_label(code: str) -> str:
    level = LEVELS_OF_CARE.get(code)
    return level.label if level else code


def _money(cents: int) -> str:
    return f"${cents / 100:,.0f}"


def monthly_cents(cents: int | None, unit: str) -> int | None:
    """A private-pay rate as a month's cost (a day ×30, a week ×52/12; a whole-program price as it is)."""
    if cents is None:
        return None
    if unit == "day":
        return cents * 30
    if unit == "week":
        return cents * 52 // 12
    return cents


def out_of_scope_reason(facts: CaseFacts, candidate: Candidate) -> str | None:
    """Why the program's decided scope does not cover this client (None: it does)."""
    if facts.recommended_level and facts.recommended_level not in candidate.scope("levels"):
        return "not approved for the recommended level"
    populations = candidate.scope("populations")
    if populations and facts.populations and not facts.populations & set(populations):
        return "approved for other populations"
    conditions = candidate.scope("conditions")
    if conditions and facts.conditions and not set(facts.conditions) & set(conditions):
        return "approved for other conditions"
    return None


def _level_part(facts: CaseFacts, candidate: Candidate) -> Part:
    out_of = PARTS["level"][1]
    if not facts.recommended_level:
        return Part("level", 0, out_of, ("No recommended level on the case: every vetted level considered",))
    label = _level_label(facts.recommended_level)
    how = "approved" if candidate.decision is not None else "listed (no decision on record)"
    return Part("level", out_of, out_of, (f"{label}: the recommended level, {how}",))


def _conditions_part(facts: CaseFacts, candidate: Candidate) -> Part:
    out_of = PARTS["conditions"][1]
    wanted = facts.conditions
    reasons: list[str] = []
    if facts.substance_use_noted and not facts.has_sud:
        reasons.append("The assessment notes substance use, but no SUD diagnosis: co-occurring not assumed")
    if not wanted:
        return Part("conditions", 0, out_of, ("No diagnosis maps to a condition the network tracks", *reasons))
    treated = set(candidate.row.get("conditions") or []) | set(candidate.scope("conditions"))
    matched = [c for c in wanted if c in treated]
    missing = [c for c in wanted if c not in treated]
    listed = []
    if matched:
        listed.append("Treats " + _conditions_text(matched))
    if missing:
        listed.append("Does not list " + _conditions_text(missing))
    reasons = listed + reasons
    points = round(out_of * len(matched) / len(wanted))
    return Part("conditions", points, out_of, tuple(reasons))


def _conditions_text(values: list[str]) -> str:
    return _labels(values, CONDITIONS).lower().replace("ptsd", "PTSD").replace("ocd", "OCD").replace("adhd", "ADHD")


def _age_part(facts: CaseFacts, candidate: Candidate, flags: list[Flag]) -> Part:
    out_of = PARTS["age"][1]
    row = candidate.row
    if facts.age is None:
        return Part("age", 0, out_of, ("No date of birth on the case",))
    low, high = row.get("age_min"), row.get("age_max")
    reasons = []
    points = 0
    if low is None and high is None:
        reasons.append("No age range on record")
    elif (low is None or facts.age >= low) and (high is None or facts.age <= high):
        points += 5
        reasons.append(f"Takes ages {_ages(low, high)}; the client is {facts.age}")
    else:
        flags.append(Flag("age", BLOCKING, f"Takes ages {_ages(low, high)}; the client is {facts.age}"))
    served = [p for p in row.get("populations") or [] if p in facts.populations]
    if served:
        points += 5
        reasons.append("Serves " + _labels(served, POPULATIONS).lower())
    return Part("age", points, out_of, tuple(reasons))


def _ages(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}–{high}"
    return f"{low} and older" if low is not None else f"up to {high}"


def _gender_part(facts: CaseFacts, candidate: Candidate, flags: list[Flag]) -> Part:
    out_of = PARTS["gender"][1]
    genders = set(candidate.row.get("genders") or [])
    if not genders or "all" in genders or {"male", "female"} <= genders:
        return Part("gender", out_of, out_of, ("Serves all genders",))
    only = "women" if genders == {"female"} else "men"
    if facts.sex in genders:
        return Part("gender", out_of, out_of, (f"Serves {only}",))
    if facts.sex in ("male", "female"):
        flags.append(Flag("gender", BLOCKING, f"Serves {only} only; the client is {SEXES[facts.sex].lower()}"))
        return Part("gender", 0, out_of, ())
    return Part("gender", 0, out_of, (f"Serves {only} only; the client's sex is not recorded as such: ask",))


def _budget_part(facts: CaseFacts, candidate: Candidate, flags: list[Flag]) -> Part:
    out_of = PARTS["budget"][1]
    row = candidate.row
    unit = row.get("private_pay_unit") or "month"
    rate = row.get("private_pay_cents")
    monthly = monthly_cents(rate, unit)
    takes_private_pay = "private_pay" in (row.get("payment") or []) or rate is not None
    if facts.budget_cents is None:
        text = f"Private pay {_money(rate)} {PAY_UNITS.get(unit, unit)}" if rate is not None else "No budget given"
        return Part("budget", 0, out_of, (text + ("" if rate is None else "; no budget given"),))
    if not takes_private_pay:
        flags.append(Flag("private_pay", WARNING, "Private pay not listed"))
        return Part("budget", 0, out_of, ())
    if monthly is None:
        return Part("budget", 0, out_of, ("Takes private pay; no rate on record: ask the program",))
    price = f"{_money(rate or 0)} {PAY_UNITS.get(unit, unit)}"
    if unit != "month" and unit != "program":
        price += f" (about {_money(monthly)} a month)"
    if monthly <= facts.budget_cents:
        return Part("budget", out_of, out_of, (f"{price}, within the {_money(facts.budget_cents)} budget",))
    over = monthly - facts.budget_cents
    flags.append(Flag("budget", WARNING, f"Over budget by {_money(over)} a month ({price})"))
    return Part("budget", 0, out_of, ())


def _distance_part(facts: CaseFacts, candidate: Candidate, flags: list[Flag]) -> tuple[Part, float | None]:
    out_of = PARTS["distance"][1]
    row = candidate.row
    if facts.home is None:
        return Part("distance", 0, out_of, ("No home ZIP code on the case",)), None
    if row.get("latitude") is None or row.get("longitude") is None:
        return Part("distance", 0, out_of, ("The program's location is not on record",)), None
    miles = geo.haversine_miles(facts.home, geo.Point(row["latitude"], row["longitude"]))
    share = min(1.0, max(0.0, (FAR_MILES - miles) / (FAR_MILES - NEAR_MILES)))
    points = round(out_of * share)
    if miles > FAR_MILES:
        flags.append(Flag("distance", WARNING, f"{miles:,.0f} miles from home: family work and aftercare harder"))
    return Part("distance", points, out_of, (f"{miles:,.0f} miles from home ({facts.home_zip})",)), miles


def _outcomes_part(candidate: Candidate) -> Part:
    out_of = PARTS["outcomes"][1]
    tally = candidate.outcomes
    if tally.placements == 0:
        return Part("outcomes", 0, out_of, ("None of our clients placed here yet",))
    reasons = [f"{tally.placements} of our clients placed here"]
    if tally.current:
        reasons.append(f"{tally.current} not yet discharged")
    rate = tally.completion_rate
    if rate is None:
        return Part("outcomes", 0, out_of, tuple(reasons))
    reasons.append(f"{tally.completed} of {tally.discharged} completed ({tally.completion_percent})")
    return Part("outcomes", round(out_of * rate), out_of, tuple(reasons))


def _vetting_part(candidate: Candidate, flags: list[Flag], today: date) -> Part:
    out_of = PARTS["vetting"][1]
    row = candidate.row
    reasons = []
    points = 0
    decided = candidate.decision.get("decided_at") if candidate.decision else None
    when = f" on {decided:%-d %b %Y}" if decided else ""
    if row["vetting_status"] == "approved":
        points = out_of
        reasons.append(f"Approved{when}")
    else:
        flags.append(Flag("provisional", WARNING, f"Provisional approval{when}"))
    for credential in candidate.credentials:
        expires = credential["expires_on"]
        if expires is None:
            continue
        name = credential["name"]
        if expires < today:
            blocking = credential["kind"] == "license"
            text = f"{name} expired on {expires:%-d %b %Y}" + (": review needed" if blocking else "")
            flags.append(Flag("credential_expired", BLOCKING if blocking else WARNING, text))
        elif expires <= today + timedelta(days=ALERT_DAYS):
            flags.append(Flag("credential_expiring", WARNING, f"{name} expires on {expires:%-d %b %Y}"))
    visit = candidate.last_visit_on
    if visit is None:
        flags.append(Flag("no_site_visit", WARNING, "No site visit on record"))
    elif visit < _years_before(today, VISIT_YEARS):
        flags.append(Flag("no_site_visit", WARNING, f"No site visit in two years (last on {visit:%-d %b %Y})"))
    else:
        reasons.append(f"Visited on {visit:%-d %b %Y}")
    return Part("vetting", points, out_of, tuple(reasons))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _exclusion_flags(facts: CaseFacts, candidate: Candidate) -> list[Flag]:
    hits = facts.exclusion_hits()
    return [
        Flag("exclusion", BLOCKING, f"Excludes {EXCLUSIONS.get(tag, tag).lower()}: {hits[tag]}")
        for tag in candidate.row.get("exclusions") or []
        if tag in hits
    ]


def score(facts: CaseFacts, candidate: Candidate, today: date) -> Match:
    """Every part of the score with its reasons, and the flags, for one program in scope."""
    flags = _exclusion_flags(facts, candidate)
    distance_part, miles = _distance_part(facts, candidate, flags)
    parts = [
        _level_part(facts, candidate),
        _conditions_part(facts, candidate),
        _age_part(facts, candidate, flags),
        _gender_part(facts, candidate, flags),
        _budget_part(facts, candidate, flags),
        distance_part,
        _outcomes_part(candidate),
        _vetting_part(candidate, flags, today),
    ]
    flags.sort(key=lambda flag: flag.severity != BLOCKING)
    return Match(candidate=candidate, parts=parts, flags=flags, distance_miles=miles)


def rank(facts: CaseFacts, candidates: list[Candidate], today: date) -> MatchResult:
    """The candidates in scope, best first: unblocked before blocked, then by score, then nearer, then by name."""
    matches = []
    scope_reasons: dict[str, int] = {}
    vetted = [c for c in candidates if c.row.get("vetting_status") in VETTED]
    for candidate in vetted:
        reason = out_of_scope_reason(facts, candidate)
        if reason is not None:
            scope_reasons[reason] = scope_reasons.get(reason, 0) + 1
            continue
        matches.append(score(facts, candidate, today))
    matches.sort(
        key=lambda m: (
            m.blocked,
            -m.score,
            m.distance_miles if m.distance_miles is not None else float("inf"),
            m.display_name.lower(),
            m.program_id,
        )
    )
    return MatchResult(
        facts=facts,
        matches=matches,
        considered=len(vetted),
        out_of_scope=sum(scope_reasons.values()),
        scope_reasons=scope_reasons,
    )


# --------------------------------------------------------------------------- loading


def parse_budget(text: str | None) -> int | None:
    """A budget in dollars a month ("40000", "$40,000") → cents; "" → None; ValueError when it is not one."""
    cleaned = re.sub(r"[\s$,]", "", text or "")
    if not cleaned:
        return None
    if not re.fullmatch(r"\d{1,7}(\.\d{1,2})?", cleaned) or float(cleaned) > MAX_BUDGET_DOLLARS:
        raise ValueError(f"Enter the budget in dollars a month, at most ${MAX_BUDGET_DOLLARS:,}.")
    return round(float(cleaned) * 100)


async def case_facts(client_id: int, today: date, *, budget_cents: int | None = None) -> CaseFacts:
    """The facts of a client's case (no policy or audit: `match_client` does both). Three queries."""
    row = (
        await Client.select(Client.date_of_birth, Client.sex, Client.zip_code, Client.recommended_level)
        .where(Client.id == client_id)
        .first()
    )
    if row is None:
        raise NotFound("No such client.")
    diagnoses = await clients.diagnoses(client_id)
    assessment = await clients.get_assessment(client_id)
    zip5 = geo.five_digit_zip(row["zip_code"] or "")
    return CaseFacts(
        age=clients.age_on(row["date_of_birth"], today),
        sex=row["sex"] or "unknown",
        diagnosis_codes=tuple(d["code"] for d in diagnoses),
        substance_use_noted=bool((assessment.get("substance_use") or "").strip()),
        risk_level=assessment.get("risk_level") or "",
        recommended_level=row["recommended_level"] or "",
        budget_cents=budget_cents,
        home=geo.zip_centroid(zip5) if zip5 else None,
        home_zip=zip5 or "",
    )


async def load_candidates(today: date) -> list[Candidate]:
    """Every approved or provisional program with its newest decision, its credentials expired or expiring within
    the alert window, its latest site visit and our placements there: five queries, whatever their number."""
    rows = await Program.select().where(Program.vetting_status.is_in(sorted(VETTED))).output(load_json=True)
    if not rows:
        return []
    ids = [int(r["id"]) for r in rows]
    decisions: dict[int, dict[str, Any]] = {}
    for decision in (
        await VettingDecision.select(
            VettingDecision.id,
            VettingDecision.program,
            VettingDecision.decision,
            VettingDecision.levels,
            VettingDecision.populations,
            VettingDecision.conditions,
            VettingDecision.decided_at,
        )
        .where(VettingDecision.program.is_in(ids))
        .order_by(VettingDecision.id)
        .output(load_json=True)
    ):
        decisions[int(decision["program"])] = decision  # the newest wins
    credentials: dict[int, list[dict[str, Any]]] = {}
    for credential in (
        await Credential.select(Credential.program, Credential.kind, Credential.name, Credential.expires_on)
        .where(
            Credential.program.is_in(ids)
            & Credential.expires_on.is_not_null()
            & (Credential.expires_on <= today + timedelta(days=ALERT_DAYS))
        )
        .order_by(Credential.expires_on)
    ):
        credentials.setdefault(int(credential["program"]), []).append(credential)
    visits = {
        int(v["program"]): v["last"]
        for v in await SiteVisit.select(SiteVisit.program, Max(SiteVisit.visited_on, alias="last"))
        .where(SiteVisit.program.is_in(ids))
        .group_by(SiteVisit.program)
    }
    tallies = await outcomes_for(ids)
    return [
        Candidate(
            row=row,
            decision=decisions.get(int(row["id"])),
            credentials=credentials.get(int(row["id"]), []),
            last_visit_on=_as_date(visits.get(int(row["id"]))),
            outcomes=tallies.get(int(row["id"]), ProgramOutcomes()),
        )
        for row in rows
    ]


def _as_date(value: Any) -> date | None:
    """MAX() of a date column comes back as text on SQLite."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def match_client(principal: Principal, client_id: int, *, budget_cents: int | None = None) -> MatchResult:
    """The vetted programs for this client, ranked; the read of the client's case is audited."""
    require(principal, Action.NETWORK_READ)
    await require_client(principal, client_id)
    today = await practice_today()
    facts = await case_facts(client_id, today, budget_cents=budget_cents)
    result = rank(facts, await load_candidates(today), today)
    await audit.record(
        principal,
        "client.program_matches",
        resource_type="client",
        resource_id=client_id,
        client_id=client_id,
        detail={
            "programs": [m.program_id for m in result.matches][:50],
            "budget_given": budget_cents is not None,
        },
    )
    return result
