"""Matching, table-driven: each row gives case facts and a program, and the reasons, flags and points expected;
then which programs the decided scope leaves out, and the order of a ranked list. `rank()` is pure (the loading
is tested in test_matching_page.py), so these rows need no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from portal.network import geo
from portal.network.matching import (
    BLOCKING,
    PARTS,
    WARNING,
    Candidate,
    CaseFacts,
    condition_of,
    is_mh_code,
    is_sud_code,
    monthly_cents,
    parse_budget,
    rank,
    score,
)
from portal.network.outcomes import ProgramOutcomes

TODAY = date(2026, 11, 20)
HOME = geo.zip_centroid("10001")  # Manhattan
assert HOME is not None
PHILADELPHIA = (39.9526, -75.1652)  # about 80 miles from 10001
LOS_ANGELES = (34.0522, -118.2437)  # about 2,446 miles

CASE = CaseFacts(
    age=22,
    sex="female",
    diagnosis_codes=("F10.20", "F33.1"),
    recommended_level="asam3:3.5",
    budget_cents=40_000_00,
    home=HOME,
    home_zip="10001",
)


def candidate(program_id: int = 1, name: str = "Pine Ridge", **changes: Any) -> Candidate:
    """An approved program that fits CASE: 3.5 residential near Philadelphia, $30,000 a month, visited in
    August, no credential alerts, nobody of ours placed there."""
    decision = changes.pop("decision", {"levels": ["asam3:3.5"], "populations": [], "conditions": []})
    if decision is not None:
        decision = {"decided_at": datetime(2026, 9, 1, 15, tzinfo=UTC), **decision}
    extra = {key: changes.pop(key) for key in ("credentials", "last_visit_on", "outcomes") if key in changes}
    row = {
        "id": program_id,
        "name": name,
        "program_name": "",
        "city": "Philadelphia",
        "state": "PA",
        "vetting_status": "approved",
        "levels_of_care": ["asam3:3.5"],
        "populations": ["young_adults", "adults"],
        "genders": ["all"],
        "conditions": ["co_occurring", "alcohol", "depression"],
        "payment": ["private_pay"],
        "age_min": 18,
        "age_max": 30,
        "exclusions": [],
        "private_pay_cents": 30_000_00,
        "private_pay_unit": "month",
        "latitude": PHILADELPHIA[0],
        "longitude": PHILADELPHIA[1],
        **changes,
    }
    return Candidate(
        row=row,
        decision=decision,
        credentials=extra.get("credentials", []),
        last_visit_on=extra.get("last_visit_on", date(2026, 8, 14)),
        outcomes=extra.get("outcomes", ProgramOutcomes()),
    )


def case(**changes: Any) -> CaseFacts:
    return CaseFacts(**{**CASE.__dict__, **changes})


def reasons_of(match: Any) -> list[str]:
    return [reason for part in match.parts for reason in part.reasons]


def points_of(match: Any) -> dict[str, int]:
    return {part.part: part.points for part in match.parts}


def test_the_parts_add_up_to_100() -> None:
    assert sum(out_of for _, out_of in PARTS.values()) == 100
    match = score(CASE, candidate(), TODAY)
    assert [p.part for p in match.parts] == list(PARTS)


# --------------------------------------------------------------------------- reasons and flags, one program

# id, case changes, program changes, reasons expected (each in the list), flags expected (kind, severity, label
# start) — exactly these, in this order — and points expected for some parts.
ROWS: list[tuple[str, dict[str, Any], dict[str, Any], list[str], list[tuple[str, str, str]], dict[str, int]]] = [
    (
        "fits-everything",
        {},
        {},
        [
            "3.5 Clinically managed high-intensity residential: the recommended level, approved",
            "Treats co-occurring disorders, alcohol use disorder, depression",
            "Takes ages 18–30; the client is 22",
            "Serves young adults, adults",
            "Serves all genders",
            "$30,000 a month, within the $40,000 budget",
            "Approved on 1 Sep 2026",
            "Visited on 14 Aug 2026",
            "None of our clients placed here yet",
        ],
        [],
        {"level": 25, "conditions": 25, "age": 10, "gender": 5, "budget": 15, "distance": 9, "outcomes": 0},
    ),
    (
        "a-condition-not-treated",
        {"diagnosis_codes": ("F10.20", "F33.1", "F50.00")},
        {},
        ["Treats co-occurring disorders, alcohol use disorder, depression", "Does not list eating disorders"],
        [],
        {"conditions": 19},
    ),
    (
        "mental-health-only-is-not-co-occurring",
        {"diagnosis_codes": ("F33.1", "F43.10")},
        {"conditions": ["trauma"]},
        ["Treats trauma and PTSD", "Does not list depression"],
        [],
        {"conditions": 12},
    ),
    (
        "substance-use-in-the-assessment-without-an-sud-diagnosis",
        {"diagnosis_codes": ("F33.1",), "substance_use_noted": True},
        {},
        ["Treats depression", "The assessment notes substance use, but no SUD diagnosis: co-occurring not assumed"],
        [],
        {"conditions": 25},
    ),
    (
        "exclusion-psychosis",
        {"diagnosis_codes": ("F10.20", "F20.9")},
        {"exclusions": ["active_psychosis", "sex_offense"]},
        [],
        [("exclusion", BLOCKING, "Excludes active psychosis: psychosis diagnosis (F20.9)")],
        {},
    ),
    (
        "exclusion-high-risk",
        {"risk_level": "high"},
        {"exclusions": ["recent_suicide_attempt"]},
        [],
        [("exclusion", BLOCKING, "Excludes suicide attempt in the last 30 days: risk assessed high")],
        {},
    ),
    (
        "exclusion-and-age-for-a-16-year-old",
        {"age": 16},
        {"exclusions": ["under_18"]},
        [],
        [
            ("exclusion", BLOCKING, "Excludes under 18: the client is 16"),
            ("age", BLOCKING, "Takes ages 18–30; the client is 16"),
        ],
        {"age": 0},
    ),
    (
        "too-old-for-the-program",
        {"age": 34},
        {"age_max": 26},
        ["Serves adults"],
        [("age", BLOCKING, "Takes ages 18–26; the client is 34")],
        {"age": 5},
    ),
    (
        "men-only",
        {},
        {"genders": ["male"]},
        [],
        [("gender", BLOCKING, "Serves men only; the client is female")],
        {"gender": 0},
    ),
    (
        "women-only",
        {},
        {"genders": ["female"]},
        ["Serves women"],
        [],
        {"gender": 5},
    ),
    (
        "license-expiring",
        {},
        {"credentials": [{"kind": "license", "name": "PA DDAP license", "expires_on": TODAY + timedelta(days=30)}]},
        [],
        [("credential_expiring", WARNING, "PA DDAP license expires on 20 Dec 2026")],
        {},
    ),
    (
        "license-expired",
        {},
        {"credentials": [{"kind": "license", "name": "PA DDAP license", "expires_on": TODAY - timedelta(days=1)}]},
        [],
        [("credential_expired", BLOCKING, "PA DDAP license expired on 19 Nov 2026: review needed")],
        {},
    ),
    (
        "accreditation-expired",
        {},
        {"credentials": [{"kind": "accreditation", "name": "CARF", "expires_on": date(2026, 10, 1)}]},
        [],
        [("credential_expired", WARNING, "CARF expired on 1 Oct 2026")],
        {},
    ),
    (
        "no-visit-in-two-years",
        {},
        {"last_visit_on": date(2024, 11, 19)},
        [],
        [("no_site_visit", WARNING, "No site visit in two years (last on 19 Nov 2024)")],
        {},
    ),
    (
        "visited-exactly-two-years-ago",
        {},
        {"last_visit_on": date(2024, 11, 20)},
        ["Visited on 20 Nov 2024"],
        [],
        {},
    ),
    (
        "never-visited",
        {},
        {"last_visit_on": None},
        [],
        [("no_site_visit", WARNING, "No site visit on record")],
        {},
    ),
    (
        "provisional",
        {},
        {"vetting_status": "provisional"},
        [],
        [("provisional", WARNING, "Provisional approval on 1 Sep 2026")],
        {"vetting": 0},
    ),
    (
        "far-from-home",
        {},
        {"latitude": LOS_ANGELES[0], "longitude": LOS_ANGELES[1], "city": "Los Angeles"},
        ["2,446 miles from home (10001)"],
        [("distance", WARNING, "2,446 miles from home: family work and aftercare harder")],
        {"distance": 0},
    ),
    (
        "over-budget",
        {},
        {"private_pay_cents": 55_000_00},
        [],
        [("budget", WARNING, "Over budget by $15,000 a month ($55,000 a month)")],
        {"budget": 0},
    ),
    (
        "a-daily-rate-over-budget",
        {},
        {"private_pay_cents": 1_500_00, "private_pay_unit": "day"},
        [],
        [("budget", WARNING, "Over budget by $5,000 a month ($1,500 a day (about $45,000 a month))")],
        {"budget": 0},
    ),
    (
        "no-private-pay",
        {},
        {"payment": ["medicaid"], "private_pay_cents": None},
        [],
        [("private_pay", WARNING, "Private pay not listed")],
        {"budget": 0},
    ),
    (
        "no-budget-given",
        {"budget_cents": None},
        {},
        ["Private pay $30,000 a month; no budget given"],
        [],
        {"budget": 0},
    ),
    (
        "our-outcomes-there",
        {},
        {"outcomes": ProgramOutcomes(placements=5, current=1, discharged=4, completed=3)},
        ["5 of our clients placed here", "1 not yet discharged", "3 of 4 completed (75%)"],
        [],
        {"outcomes": 4},
    ),
    (
        "no-home-zip",
        {"home": None, "home_zip": ""},
        {},
        ["No home ZIP code on the case"],
        [],
        {"distance": 0},
    ),
    (
        "no-recommended-level",
        {"recommended_level": ""},
        {},
        ["No recommended level on the case: every vetted level considered"],
        [],
        {"level": 0},
    ),
    (
        "every-flag-blocking-first",
        {"age": 16},
        {
            "vetting_status": "provisional",
            "last_visit_on": None,
            "private_pay_cents": 55_000_00,
            "genders": ["male"],
        },
        [],
        [
            ("age", BLOCKING, "Takes ages 18–30"),
            ("gender", BLOCKING, "Serves men only"),
            ("budget", WARNING, "Over budget"),
            ("provisional", WARNING, "Provisional"),
            ("no_site_visit", WARNING, "No site visit"),
        ],
        {},
    ),
]


@pytest.mark.parametrize(
    ("case_changes", "program_changes", "reasons", "flags", "points"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_reasons_flags_and_points(
    case_changes: dict[str, Any],
    program_changes: dict[str, Any],
    reasons: list[str],
    flags: list[tuple[str, str, str]],
    points: dict[str, int],
) -> None:
    match = score(case(**case_changes), candidate(**program_changes), TODAY)
    given = reasons_of(match)
    for reason in reasons:
        assert reason in given, given
    assert [(f.kind, f.severity) for f in match.flags] == [(kind, severity) for kind, severity, _ in flags]
    for flag, (_, _, label) in zip(match.flags, flags, strict=True):
        assert flag.label.startswith(label), flag.label
    assert match.blocked == any(severity == BLOCKING for _, severity, _ in flags)
    actual = points_of(match)
    assert {part: actual[part] for part in points} == points
    assert match.score == sum(actual.values())


# --------------------------------------------------------------------------- the case's conditions


@pytest.mark.parametrize(
    ("codes", "conditions", "co_occurring"),
    [
        pytest.param(("F10.20",), ["alcohol"], False, id="alcohol-only"),
        pytest.param(("F33.1", "F43.10"), ["depression", "trauma"], False, id="mental-health-only"),
        pytest.param(("F12.20", "F90.2"), ["co_occurring", "cannabis", "adhd"], True, id="cannabis-and-adhd"),
        pytest.param(("F11.20", "F60.3"), ["co_occurring", "opioids", "personality_disorders"], True, id="oud-bpd"),
        pytest.param(("F17.210", "F41.1"), ["anxiety"], False, id="nicotine-is-not-sud"),
        pytest.param(("F14.20", "F15.20", "F31.9"), ["co_occurring", "stimulants", "bipolar"], True, id="stimulants"),
        pytest.param(("F13.20", "F42.2"), ["co_occurring", "ocd"], True, id="sedatives-count-as-sud"),
        pytest.param(("F63.0", "F50.2", "F84.0"), ["gambling", "eating_disorders", "autism"], False, id="others"),
        pytest.param((), [], False, id="no-diagnosis"),
    ],
)
def test_conditions_from_diagnoses(codes: tuple[str, ...], conditions: list[str], co_occurring: bool) -> None:
    facts = case(diagnosis_codes=codes)
    assert facts.conditions == conditions
    assert facts.co_occurring is co_occurring


@pytest.mark.parametrize(
    ("code", "sud", "mh", "condition"),
    [
        ("F10.20", True, False, "alcohol"),
        ("F43.10", False, True, "trauma"),
        ("F43.21", False, True, None),
        ("F34.1", False, True, "depression"),
        ("F34.0", False, True, None),
        ("S06.0X0A", False, False, "tbi"),
        ("Z63.8", False, False, None),
    ],
)
def test_code_classification(code: str, sud: bool, mh: bool, condition: str | None) -> None:
    assert (is_sud_code(code), is_mh_code(code), condition_of(code)) == (sud, mh, condition)


# --------------------------------------------------------------------------- scope


@pytest.mark.parametrize(
    ("case_changes", "program_changes", "left_out"),
    [
        pytest.param({}, {}, None, id="in-scope"),
        pytest.param(
            {"recommended_level": "asam3:3.7"}, {}, "not approved for the recommended level", id="other-level"
        ),
        pytest.param(
            {},
            {"levels_of_care": ["asam3:3.5", "asam3:3.7"], "decision": {"levels": ["asam3:3.7"]}},
            "not approved for the recommended level",
            id="listed-but-not-approved-for-the-level",
        ),
        pytest.param(
            {},
            {"decision": {"levels": ["asam3:3.5"], "populations": ["adolescents"]}},
            "approved for other populations",
            id="other-population",
        ),
        pytest.param(
            {},
            {"decision": {"levels": ["asam3:3.5"], "populations": ["young_adults"], "conditions": ["trauma"]}},
            "approved for other conditions",
            id="other-conditions",
        ),
        pytest.param(
            {},
            {"decision": {"levels": ["asam3:3.5"], "conditions": ["co_occurring", "trauma"]}},
            None,
            id="one-condition-in-scope-is-enough",
        ),
        pytest.param({"recommended_level": ""}, {"decision": {"levels": ["mh:wilderness"]}}, None, id="no-level"),
        pytest.param({}, {"decision": None}, None, id="no-decision-listed-levels-stand-in"),
        pytest.param(
            {},
            {"decision": None, "levels_of_care": ["asam3:3.1"]},
            "not approved for the recommended level",
            id="no-decision-other-level",
        ),
    ],
)
def test_the_decided_scope_decides_who_is_considered(
    case_changes: dict[str, Any], program_changes: dict[str, Any], left_out: str | None
) -> None:
    result = rank(case(**case_changes), [candidate(**program_changes)], TODAY)
    assert result.considered == 1
    if left_out is None:
        assert [m.program_id for m in result.matches] == [1] and result.out_of_scope == 0
    else:
        assert result.matches == [] and result.scope_reasons == {left_out: 1}


@pytest.mark.parametrize("status", ["unvetted", "in_review", "review_needed", "declined"])
def test_only_approved_and_provisional_programs_are_considered(status: str) -> None:
    result = rank(CASE, [candidate(vetting_status=status), candidate(2, "Vetted")], TODAY)
    assert [m.program_id for m in result.matches] == [2] and result.considered == 1


# --------------------------------------------------------------------------- order


@pytest.mark.parametrize(
    ("programs", "order"),
    [
        pytest.param(
            [candidate(1, "Budget Buster", private_pay_cents=90_000_00), candidate(2, "Fits")],
            ["Fits", "Budget Buster"],
            id="higher-score-first",
        ),
        pytest.param(
            [
                candidate(1, "Excludes Her", exclusions=["recent_suicide_attempt"]),
                candidate(2, "Far But Fine", latitude=LOS_ANGELES[0], longitude=LOS_ANGELES[1]),
            ],
            ["Far But Fine", "Excludes Her"],
            id="blocked-last-whatever-the-score",
        ),
        pytest.param(
            [
                candidate(1, "Provisional", vetting_status="provisional"),
                candidate(2, "Approved"),
            ],
            ["Approved", "Provisional"],
            id="approved-before-provisional",
        ),
        pytest.param(
            [
                candidate(1, "Philadelphia"),
                candidate(2, "Hoboken", latitude=40.7440, longitude=-74.0324),
                candidate(3, "Also Hoboken", latitude=40.7440, longitude=-74.0324),
            ],
            ["Also Hoboken", "Hoboken", "Philadelphia"],
            id="then-nearer-then-by-name",
        ),
        pytest.param(
            [
                candidate(1, "Nobody Finished", outcomes=ProgramOutcomes(placements=2, discharged=2, completed=0)),
                candidate(2, "Everyone Finished", outcomes=ProgramOutcomes(placements=2, discharged=2, completed=2)),
            ],
            ["Everyone Finished", "Nobody Finished"],
            id="our-outcomes-count",
        ),
    ],
)
def test_ranking_order(programs: list[Candidate], order: list[str]) -> None:
    result = rank(case(risk_level="high"), programs, TODAY)
    assert [m.display_name for m in result.matches] == order


# --------------------------------------------------------------------------- small helpers


@pytest.mark.parametrize(
    ("text", "cents"),
    [("", None), ("40000", 40_000_00), ("$40,000", 40_000_00), (" 12500.50 ", 12_500_50)],
)
def test_parse_budget(text: str, cents: int | None) -> None:
    assert parse_budget(text) == cents


@pytest.mark.parametrize("text", ["forty", "-5", "1e6", "2000000", "12.345"])
def test_parse_budget_refuses_what_is_not_a_budget(text: str) -> None:
    with pytest.raises(ValueError, match="dollars a month"):
        parse_budget(text)


@pytest.mark.parametrize(
    ("cents", "unit", "monthly"),
    [(1_000_00, "day", 30_000_00), (12_000_00, "week", 52_000_00), (9_000_00, "month", 9_000_00), (None, "day", None)],
)
def test_monthly_cents(cents: int | None, unit: str, monthly: int | None) -> None:
    assert monthly_cents(cents, unit) == monthly
