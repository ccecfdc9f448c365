"""The demo's clients: Casey's Jordan Rivera (22, co-occurring disorders, residential → PHP → IOP over four
months), and Morgan's Taylor Brooks and Riley Chen. Every person, program and event is fictional.

`plan_case_work(story)` schedules the work on the demo's story clock; `load_demo()` (portal/demo.py) runs it
after the practice's people exist. Dates are relative to today, so My day always has something to show:
Casey has tasks overdue and due today, a crisis note from last night, an IOP discharge coming up and a release
about to expire; Morgan has a client nobody has contacted for ten days.
"""

from __future__ import annotations

from typing import Any

from portal.cases.demo_notes import JORDAN_NOTES, RILEY_NOTES, TAYLOR_NOTES
from portal.cases.demo_work import CaseWork, Cast, demo_npi, years_before
from portal.demo_story import Story

CASE_MANAGERS = {"casey": "casey@example.com", "morgan": "morgan@example.com"}

JORDAN_ASSESSMENT = {
    "presenting_concerns": (
        "Jordan, 22, left his junior year of college in March. Daily drinking for about a year, two emergency-room "
        "visits for intoxication in six weeks, low mood, poor sleep, withdrawal from friends. His parents describe "
        "him as sleeping most of the day and angry when asked about drinking."
    ),
    "treatment_history": (
        "Weekly therapy with Dana Reyes, LCSW, since January (depression, anxiety). A fall outpatient substance-use "
        "program: attended 5 of 12 sessions, left without a discharge plan (records received: 42 CFR Part 2). No "
        "psychiatric admissions. Saw a college counselor twice last year."
    ),
    "substance_use": (
        "Alcohol most days, 8–12 drinks on weekend nights; morning shakes twice in the last week; AUDIT 27. "
        "Cannabis a few times a month. Denies other drugs. Longest period without alcohol since age 19: three "
        "weeks, last summer."
    ),
    "risk_and_safety": (
        "Passive thoughts of death in February during a heavy-drinking week; none now, no plan, intent or history "
        "of attempts. Drove after drinking at least twice. No firearms in the home. Safety plan written with him: "
        "warning signs, coping steps, his parents, Dana, 988."
    ),
    "family_dynamics": (
        "Lives with his parents, Pat and Sam, in Montclair; one older sister in Chicago. Pat favours firm limits, "
        "Sam worries about pushing Jordan away; the disagreement is open and Jordan plays on it. Warm relationship "
        "with his sister. An uncle with alcohol use disorder, in recovery."
    ),
    "financial_resources": (
        "Pat pays the practice's retainer and expects to pay residential care privately and claim out-of-network "
        "reimbursement. Budget discussed for a 30-day residential stay and step-down care."
    ),
    "insurance": (
        "Covered as a dependant on Pat's employer PPO plan: out-of-network benefits for residential and PHP with a "
        "deductible and 30% coinsurance; prior authorization needed for residential care."
    ),
    "logistics": (
        "Has a driver's licence and uses the family car (keys held by his parents for now). Prefers programs in "
        "the Northeast or the Mid-Atlantic; needs a program that accepts outside psychiatry after discharge."
    ),
}

PARTIES: dict[str, dict[str, Any]] = {
    "dana": {
        "name": "Dana Reyes",
        "credentials": "LCSW",
        "organisation": "Reyes Counseling",
        "party_type": "therapist",
        "email": "dana.reyes@example.org",
        "phone": "973-555-0118",
        "fax": "973-555-0119",
        "address": "200 Park Street, Suite 4, Montclair, NJ 07042",
        "npi": "1234567893",
    },
    "park": {
        "name": "Elena Park",
        "credentials": "MD",
        "organisation": "Essex Psychiatric Associates",
        "party_type": "psychiatrist",
        "email": "epark.office@example.org",
        "phone": "973-555-0164",
        "fax": "973-555-0165",
        "address": "55 Grove Avenue, Verona, NJ 07044",
        "npi": demo_npi("158734206"),
    },
    "blueridge": {
        "is_organisation": True,
        "name": "Blue Ridge Recovery Center",
        "party_type": "treatment_program",
        "email": "admissions@blueridge-recovery.example.org",
        "phone": "540-555-0130",
        "address": "1200 Laurel Hollow Road, Floyd, VA 24091",
        "npi": demo_npi("129846735"),
    },
    "crossroads": {
        "is_organisation": True,
        "name": "Crossroads Recovery Partners",
        "party_type": "treatment_program",
        "email": "intake@crossroads-recovery.example.org",
        "phone": "973-555-0150",
        "fax": "973-555-0151",
        "address": "18 Broad Street, Bloomfield, NJ 07003",
        "npi": demo_npi("167203948"),
    },
    "companion": {
        "name": "Marcus Hale",
        "organisation": "Steady Path Companions",
        "party_type": "sober_companion",
        "email": "marcus.hale@example.org",
        "phone": "862-555-0177",
    },
    "edcon": {
        "name": "Ellen Marsh",
        "credentials": "MA",
        "organisation": "Marsh Educational Consulting",
        "party_type": "educational_consultant",
        "email": "ellen.marsh@example.org",
        "phone": "201-555-0123",
    },
}

ALL_CATEGORIES_FOR_PROGRAMS = [
    "demographics",
    "assessment",
    "diagnoses",
    "coordination_notes",
    "placements",
    "substance_use_records",
]


def plan_jordan(story: Story, cast: Cast) -> None:
    work = CaseWork(story, cast, "jordan", "casey")
    work.open_client(
        123,
        {
            "legal_name": "Jordan Rivera",
            "preferred_name": "Jordan",
            "date_of_birth": years_before(story.today, 22, 150),
            "sex": "male",
            "pronouns": "he/him",
            "email": "jordan.rivera@example.com",
            "phone": "973-555-0142",
            "street": "27 Hawthorne Place",
            "city": "Montclair",
            "state": "NJ",
            "zip_code": "07042",
            "status": "intake",
            "has_part2_records": True,
        },
    )
    work.relative(
        123,
        "pat",
        {
            "name": "Pat Rivera",
            "email": "pat@example.com",
            "phone": "973-555-0143",
            "relationship": "parent",
            "is_payer": True,
        },
        account="pat@example.com",
    )
    work.relative(
        123,
        "sam",
        {"name": "Sam Rivera", "email": "sam@example.com", "phone": "973-555-0144", "relationship": "parent"},
        account="sam@example.com",
    )
    work.team_member(123, "dana", PARTIES["dana"], "Individual therapist (weekly)")
    work.assessment(121, "16:30", JORDAN_ASSESSMENT, "moderate")
    work.update_client(121, "17:00", {"status": "active"})
    work.diagnoses(120, ["F10.20", "F33.1", "F41.1"])
    work.release(
        120,
        "pat",
        ["family_communication", "placements", "billing"],
        ["family_involvement"],
        expires_in=240,
        signer="Jordan Rivera",
    )
    # Deliberately not coordination notes: sharing a note with Dana is refused until a new release is recorded.
    work.release(
        120,
        "dana",
        ["placements", "diagnoses", "assessment"],
        ["treatment"],
        expires_in=245,
        signer="Jordan Rivera",
    )
    work.update_client(117, "15:00", {"recommended_level": "asam3:3.5"})
    work.team_member(116, "blueridge", PARTIES["blueridge"], "Residential program (ASAM 3.5)", ended_days_ago=60)
    work.release(
        100,
        "blueridge",
        ALL_CATEGORIES_FOR_PROGRAMS,
        ["treatment", "care_coordination"],
        expires_in=-30,
        signer="Jordan Rivera",
        part2=True,
    )
    work.placement(
        "residential",
        {
            "program_name": "Blue Ridge Recovery Center",
            "level_of_care": "asam3:3.5",
            "admitted_on": story.day(96),
            "expected_discharge_on": story.day(66),
            "step_down_level": "asam3:2.5",
            "aftercare_plan": "Step down to PHP close to home (Crossroads Recovery Partners); outpatient psychiatry "
            "with Dr. Park; weekly therapy with Dana Reyes after PHP.",
        },
        referred_days_ago=100,
        ticks={
            "aftercare_providers": 72,
            "first_appointments": 70,
            "release_signed": 69,
            "family_briefed": 68,
            "medications": 66,
        },
        discharge={
            "days_ago": 65,
            "discharge_type": "planned",
            "outcome": "stepped_down",
            "outcome_note": "Completed the 30-day program; engaged well from week two.",
        },
    )
    work.team_member(80, "crossroads", PARTIES["crossroads"], "PHP, then IOP (co-occurring track)")
    work.release(
        80,
        "crossroads",
        ALL_CATEGORIES_FOR_PROGRAMS,
        ["treatment", "care_coordination"],
        expires_in=20,
        signer="Jordan Rivera",
        part2=True,
    )
    work.team_member(75, "park", PARTIES["park"], "Outpatient psychiatrist (medications)")
    work.update_client(70, "17:30", {"recommended_level": "asam3:2.5"})
    work.placement(
        "php",
        {
            "program_name": "Crossroads Recovery Partners – PHP",
            "level_of_care": "asam3:2.5",
            "admitted_on": story.day(64),
            "expected_discharge_on": story.day(29),
            "step_down_level": "asam3:2.1",
            "aftercare_plan": "IOP at Crossroads three evenings a week; sober companion for the first month.",
        },
        referred_days_ago=70,
        ticks={
            "aftercare_providers": 33,
            "release_signed": 33,
            "medications": 31,
            "first_appointments": 30,
            "family_briefed": 30,
        },
        discharge={
            "days_ago": 29,
            "discharge_type": "planned",
            "outcome": "stepped_down",
            "outcome_note": "One lapse in week three, handled in the program; completed as planned.",
        },
    )
    work.team_member(50, "edcon", PARTIES["edcon"], "Return-to-college planning")
    work.update_client(36, "17:00", {"recommended_level": "asam3:2.1"})
    work.team_member(34, "companion", PARTIES["companion"], "Sober companion, 15 hours a week")
    work.placement(
        "iop",
        {
            "program_name": "Crossroads Recovery Partners – IOP",
            "level_of_care": "asam3:2.1",
            "admitted_on": story.day(22),
            "expected_discharge_on": story.day(-10),
            "step_down_level": "asam3:1",
            "aftercare_plan": "Dana Reyes weekly (Tuesdays); Dr. Park monthly; Crossroads alumni group on "
            "Thursdays; sober companion tapering to six hours a week; part-time job before the spring semester.",
        },
        referred_days_ago=31,
        ticks={"aftercare_providers": 6, "family_briefed": 5},
    )
    for spec in JORDAN_NOTES:
        work.note(spec)
    for days_ago, minutes, activity, description in [
        (118, 90, "research", "Residential programs with a co-occurring track: shortlist of five"),
        (117, 60, "research", "Out-of-network residential benefits of the family's plan"),
        (112, 150, "travel", "Drive to Blue Ridge Recovery Center and back (site visit)"),
        (99, 45, "report_writing", "Referral packet for Blue Ridge admissions"),
        (92, 30, "report_writing", "Monthly progress summary for Pat and Sam"),
        (73, 70, "travel", "Drive to Crossroads Recovery Partners and back (site visit)"),
        (71, 45, "research", "PHP and IOP options within 30 minutes of Montclair"),
        (62, 30, "report_writing", "Monthly progress summary for Pat and Sam"),
        (39, 40, "research", "College readmission after medical leave: requirements"),
        (32, 30, "report_writing", "Monthly progress summary for Pat and Sam"),
        (6, 35, "report_writing", "Aftercare plan for the IOP discharge"),
    ]:
        work.time_entry(days_ago, minutes, activity, description)
    work.task(
        66,
        "File the Blue Ridge discharge summary",
        due_in=-62,
        done_days_ago=63,
        details="Ask the program's records office if it has not arrived by Friday.",
    )
    work.task(9, "Call Dr. Park about the naltrexone refill before IOP ends", due_in=-2, priority="high")
    work.task(8, "Send the monthly progress summary to Pat and Sam", due_in=-1)
    work.task(6, "Confirm Dana's Tuesday slot for after the IOP discharge", due_in=0, priority="high")
    work.task(
        4,
        "Renew the release for Crossroads before it expires",
        due_in=7,
        priority="high",
        details="Needed for the alumni group and the discharge summary.",
    )
    work.task(4, "Book the first psychiatry follow-up after the IOP discharge", due_in=8)
    work.task(3, "Family meeting: house rules after IOP", due_in=11)
    work.task(2, "Review the sober companion's hours with Pat", due_in=18, priority="low")


def plan_taylor(story: Story, cast: Cast) -> None:
    work = CaseWork(story, cast, "taylor", "morgan")
    work.open_client(
        47,
        {
            "legal_name": "Taylor Brooks",
            "date_of_birth": years_before(story.today, 27, 90),
            "sex": "female",
            "pronouns": "she/her",
            "phone": "201-555-0186",
            "city": "Hoboken",
            "state": "NJ",
            "zip_code": "07030",
            "status": "active",
            "recommended_level": "mh:residential_treatment_center",
        },
    )
    work.relative(
        47, "lee", {"name": "Lee Brooks", "phone": "201-555-0187", "relationship": "parent", "is_payer": True}
    )
    work.relative(47, "robin", {"name": "Robin Brooks", "email": "robin.brooks@example.com", "relationship": "sibling"})
    work.team_member(
        47,
        "jamie",
        {
            "name": "Jamie Ortiz",
            "credentials": "LMHC",
            "party_type": "therapist",
            "phone": "201-555-0190",
            "npi": demo_npi("145902376"),
        },
        "DBT therapist",
    )
    work.team_member(
        44,
        "cedarpoint",
        {
            "is_organisation": True,
            "name": "Cedar Point DBT Residential",
            "party_type": "treatment_program",
            "phone": "914-555-0102",
        },
        "Residential DBT program",
    )
    work.assessment(
        46,
        "13:00",
        {
            "presenting_concerns": "Two psychiatric admissions for self-harm this year; "
            "outpatient DBT ended when her therapist moved away."
        },
        "high",
    )
    work.diagnoses(46, ["F60.3", "F43.10"])
    work.release(
        44,
        "cedarpoint",
        ["assessment", "diagnoses", "placements", "coordination_notes"],
        ["treatment", "care_coordination"],
        expires_in=320,
        signer="Taylor Brooks",
    )
    work.placement(
        "cedarpoint",
        {
            "program_name": "Cedar Point DBT Residential",
            "level_of_care": "mh:residential_treatment_center",
            "admitted_on": story.day(40),
            "expected_discharge_on": story.day(-35),
            "step_down_level": "mh:iop",
        },
        referred_days_ago=44,
    )
    for spec in TAYLOR_NOTES:
        work.note(spec)
    work.time_entry(45, 60, "research", "DBT residential programs for adults")
    work.task(9, "Schedule the family session with Cedar Point for Lee and Robin", due_in=3)


def plan_riley(story: Story, cast: Cast) -> None:
    work = CaseWork(story, cast, "riley", "morgan")
    work.open_client(
        59,
        {
            "legal_name": "Riley Chen",
            "date_of_birth": years_before(story.today, 19, 200),
            "sex": "male",
            "pronouns": "he/him",
            "city": "Princeton",
            "state": "NJ",
            "zip_code": "08540",
            "status": "active",
            "recommended_level": "mh:wilderness",
        },
    )
    work.relative(
        59, "grace", {"name": "Grace Chen", "phone": "609-555-0133", "relationship": "parent", "is_payer": True}
    )
    work.relative(59, "david", {"name": "David Chen", "phone": "609-555-0134", "relationship": "parent"})
    work.team_member(
        59,
        "nora",
        {
            "name": "Nora Whitfield",
            "organisation": "Whitfield Educational Consulting",
            "party_type": "educational_consultant",
            "phone": "609-555-0140",
        },
        "Educational consultant",
    )
    work.team_member(
        55,
        "summit",
        {
            "is_organisation": True,
            "name": "Summit Trails Wilderness",
            "party_type": "treatment_program",
            "phone": "828-555-0111",
        },
        "Wilderness program",
    )
    work.diagnoses(58, ["F12.20", "F90.2"])
    work.release(
        55,
        "summit",
        ["assessment", "diagnoses", "placements", "coordination_notes"],
        ["treatment", "care_coordination"],
        expires_in=300,
        signer="Riley Chen",
    )
    work.placement(
        "summit",
        {
            "program_name": "Summit Trails Wilderness",
            "level_of_care": "mh:wilderness",
            "admitted_on": story.day(50),
            "expected_discharge_on": story.day(-30),
            "step_down_level": "mh:transitional_living",
        },
        referred_days_ago=55,
    )
    for spec in RILEY_NOTES:
        work.note(spec)
    work.time_entry(57, 75, "research", "Wilderness programs for young adults")
    work.task(7, "Ask Summit Trails for the monthly clinical update", due_in=-1, priority="high")


def plan_case_work(story: Story, *, people_exist_days_ago: int) -> Cast:
    """Schedule the demo's case work; the returned cast fills in as the story runs."""
    cast = Cast()

    async def meet_case_managers() -> None:
        await cast.meet(CASE_MANAGERS)

    story.at(story.moment(people_exist_days_ago, "09:30"), meet_case_managers)
    plan_jordan(story, cast)
    plan_taylor(story, cast)
    plan_riley(story, cast)
    return cast
