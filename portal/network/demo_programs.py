"""The demo network's programs: forty fictional facilities across levels of care and states (portal/network/demo.py
schedules them). Every name, address, phone number and person here is invented; ZIP codes are real so the radius
search finds them (coordinates come from each ZIP code's centroid).

Thirty-two were typed in by the practice (each with the stage its vetting has reached, see `Vetting`); eight came
from a FindTreatment.gov locator search Casey imported early on and stay unvetted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALL_GENDERS = ("all",)


@dataclass(frozen=True)
class Vetting:
    """How far the practice has taken a program, and when (days before today) each step happened.

    stage: intake | desk_review | site_visit | approved | provisional | declined | review_needed (approved, then a
    complaint reopened it). The desk review is `intake - 3`, the site visit `intake - 10`, the decision
    `intake - 11` unless given."""

    stage: str
    by: str  # who vets it: casey, morgan or olivia
    intake: int
    source: str
    desk: int | None = None
    visit: int | None = None
    decision: int | None = None
    visit_mode: str = "in_person"
    levels: tuple[str, ...] = ()  # the decision's scope (empty: the program's own levels)
    populations: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    review_in_days: int = 365  # next review, counted from the decision
    rationale: str = ""
    concerns: tuple[str, ...] = ()  # desk checks recorded as a concern
    failed: tuple[str, ...] = ()  # desk checks that failed (the program is declined)
    visit_notes: str = ""
    complaint: tuple[int, str] | None = None  # (days ago, what happened) for review_needed

    @property
    def desk_day(self) -> int:
        return self.desk if self.desk is not None else self.intake - 3

    @property
    def visit_day(self) -> int:
        return self.visit if self.visit is not None else self.intake - 10

    @property
    def decision_day(self) -> int:
        return self.decision if self.decision is not None else self.intake - 11


@dataclass(frozen=True)
class ProgramSpec:
    key: str
    form: dict[str, Any]  # as the program form posts it (create_program)
    vetting: Vetting | None = None
    contacts: tuple[tuple[str, str], ...] = ()  # (role, name)
    # Dated availability observations: (days ago, beds, waitlist days, note, who called).
    availability: tuple[tuple[int, int | None, int | None, str, str], ...] = ()
    credentials: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # extra, beyond the usual license


def program(
    key: str,
    name: str,
    street: str,
    city: str,
    state: str,
    zip_code: str,
    phone: str,
    *,
    types: tuple[str, ...],
    levels: tuple[str, ...],
    populations: tuple[str, ...],
    conditions: tuple[str, ...],
    approaches: tuple[str, ...],
    payment: tuple[str, ...],
    accreditations: tuple[str, ...] = ("state_license",),
    genders: tuple[str, ...] = ALL_GENDERS,
    ages: tuple[int, int] = (18, 65),
    price: int | None = None,
    unit: str = "month",
    includes: str = "",
    out_of_network: bool = False,
    beds: int | None = None,
    stay: str = "",
    psychiatry: str = "",
    nursing: str = "",
    exclusion_criteria: str = "",
    exclusions: tuple[str, ...] = (),
    insurers: tuple[str, ...] = (),
    program_name: str = "",
    parent: str = "",
    vetting: Vetting | None = None,
    contacts: tuple[tuple[str, str], ...] = (),
    availability: tuple[tuple[int, int | None, int | None, str, str], ...] = (),
    credentials: tuple[dict[str, Any], ...] = (),
) -> ProgramSpec:
    slug = "".join(ch for ch in name.lower() if ch.isalnum())[:24]
    form: dict[str, Any] = {
        "name": name,
        "program_name": program_name,
        "parent_company": parent,
        "street1": street,
        "city": city,
        "state": state,
        "zip_code": zip_code,
        "phone_main": phone,
        "phone_admissions": phone[:-1] + str((int(phone[-1]) + 1) % 10),
        "website": f"https://{slug}.example.org",
        "program_types": list(types),
        "levels_of_care": list(levels),
        "populations": list(populations),
        "genders": list(genders),
        "languages": ["english"],
        "conditions": list(conditions),
        "approaches": list(approaches),
        "payment": list(payment),
        "accreditations": list(accreditations),
        "age_min": str(ages[0]),
        "age_max": str(ages[1]),
        "length_of_stay": stay,
        "beds": "" if beds is None else str(beds),
        "psychiatry": psychiatry,
        "nursing": nursing,
        "exclusion_criteria": exclusion_criteria,
        "exclusions": list(exclusions),
        "in_network_insurers": "\n".join(insurers),
        "accepts_out_of_network": "on" if out_of_network else "",
        "private_pay": "" if price is None else str(price),
        "private_pay_unit": unit,
        "private_pay_includes": includes,
    }
    return ProgramSpec(key, form, vetting, contacts, availability, credentials)


STANDARD_CONTACTS = (("admissions", "Admissions"), ("clinical", "Clinical"), ("family_liaison", "Family"))
RESIDENTIAL_YA = ("residential", "co_occurring", "substance_use", "mental_health")

# fmt: off
PROGRAMS: list[ProgramSpec] = [
    # ---- residential, co-occurring, young adults, private pay, within 300 miles of New York (ZIP 10001)
    program(
        "hudsonbend", "Hudson Bend Recovery", "41 River Terrace Road", "Beacon", "NY", "12508", "845-555-0140",
        types=RESIDENTIAL_YA, levels=("asam3:3.5", "asam3:3.1"), populations=("young_adults",),
        conditions=("co_occurring", "alcohol", "cannabis", "depression", "anxiety"),
        approaches=("cbt", "dbt", "family_program", "integrated_dual_disorder", "mat_accepted"),
        payment=("private_pay", "out_of_network"), accreditations=("joint_commission", "state_license"),
        ages=(18, 28), price=36_000, includes="Room, board, psychiatry, weekly family sessions", out_of_network=True,
        beds=22, stay="30–60 days", psychiatry="Psychiatrist on site twice a week", nursing="RN 24/7",
        exclusion_criteria="Active psychosis; medical detox must be completed first.",
        exclusions=("active_psychosis", "medical_detox_needed"),
        vetting=Vetting("approved", "casey", 134, "Recommended by Dana Reyes, LCSW",
                        populations=("young_adults",), conditions=("co_occurring", "alcohol", "depression"),
                        rationale="Strong dual-diagnosis track for college-age men and women; family program every "
                        "weekend; discharge planning starts in week one."),
        contacts=STANDARD_CONTACTS,
        availability=((120, 2, 7, "Two beds for men; women's wing full", "casey"),
                      (9, 0, 14, "Full; two-week waitlist, call back Monday", "casey")),
    ),
    program(
        "berkshire", "Berkshire Crossing", "9 Stockbridge Road", "Lenox", "MA", "01240", "413-555-0172",
        types=RESIDENTIAL_YA, levels=("asam3:3.5", "asam3:3.1"), populations=("young_adults", "lgbtq"),
        conditions=("co_occurring", "alcohol", "opioids", "trauma"),
        approaches=("dbt", "emdr", "trauma_therapy", "experiential", "mat_on_site"),
        payment=("private_pay", "private_insurance", "out_of_network"), accreditations=("carf", "state_license"),
        ages=(18, 30), price=42_000, includes="Room, board, psychiatry, MAT", out_of_network=True, beds=30,
        stay="45–90 days", psychiatry="Two psychiatrists, daily rounds", nursing="RN 24/7",
        insurers=("Aetna", "Blue Cross Blue Shield of Massachusetts"),
        vetting=Vetting("approved", "morgan", 104, "NATSAP directory; two colleagues' placements",
                        rationale="Trauma-informed young-adult residential with MAT on site; good step-down options."),
        contacts=STANDARD_CONTACTS,
        availability=((92, 4, 0, "Four beds open", "morgan"), (18, 1, 3, "One bed on Thursday", "morgan")),
    ),
    program(
        "lehighpines", "Lehigh Pines Young Adult Residential", "300 Analomink Street", "Stroudsburg", "PA", "18360",
        "570-555-0116",
        types=RESIDENTIAL_YA, levels=("asam3:3.5",), populations=("young_adults", "adults"),
        conditions=("co_occurring", "alcohol", "stimulants"), approaches=("cbt", "twelve_step", "family_program"),
        payment=("private_pay", "private_insurance"), ages=(18, 35), price=28_500, beds=40, stay="28 days",
        psychiatry="Psychiatric NP on site weekdays", nursing="LPN 24/7, RN days",
        vetting=Vetting("provisional", "olivia", 70, "A family's recommendation (Taylor's parents' friends)",
                        review_in_days=90, concerns=("outcomes_claims",),
                        rationale="Solid clinical team but outcomes claims on the website are unsupported; "
                        "provisional for 90 days while we see our first placement's experience."),
        contacts=STANDARD_CONTACTS[:2],
        availability=((58, 6, 0, "Plenty of room", "olivia"),),
    ),
    program(
        "litchfield", "Litchfield Hills Recovery", "72 North Street", "Litchfield", "CT", "06759", "860-555-0125",
        types=RESIDENTIAL_YA, levels=("asam3:3.5", "asam3:3.7"), populations=("young_adults",),
        conditions=("co_occurring", "alcohol", "opioids", "anxiety"),
        approaches=("cbt", "motivational_interviewing", "family_program", "mat_accepted"),
        payment=("private_pay", "out_of_network"), ages=(18, 26), price=39_000, out_of_network=True, beds=18,
        stay="30–45 days",
    ),
    program(
        "poconoridge", "Pocono Ridge Young Adult Center", "1120 Main Street", "Honesdale", "PA", "18431",
        "570-555-0188",
        types=RESIDENTIAL_YA, levels=("asam3:3.5",), populations=("young_adults",),
        conditions=("co_occurring", "cannabis", "depression"), approaches=("dbt", "experiential"),
        payment=("private_pay",), ages=(18, 25), price=31_000, beds=16, stay="60 days",
        vetting=Vetting("desk_review", "morgan", 12, "Educational consultant Nora Whitfield"),
        contacts=(("admissions", "Admissions"),),
        availability=((11, 3, None, "Three beds; can admit within a week", "morgan"),),
    ),
    program(
        "capeann", "Cape Ann Dual Recovery", "15 Harbor Loop", "Gloucester", "MA", "01930", "978-555-0135",
        types=RESIDENTIAL_YA, levels=("asam3:3.5", "asam3:2.5"), populations=("young_adults", "adults"),
        conditions=("co_occurring", "opioids", "trauma"), approaches=("mat_on_site", "emdr", "trauma_therapy"),
        payment=("private_pay", "private_insurance", "medicaid"), ages=(18, 64), price=24_000, beds=34,
        vetting=Vetting("site_visit", "casey", 25, "Colleague at a Boston practice", visit=16,
                        visit_notes="Warm milieu; medical coverage thin at night — ask about the on-call doctor."),
        contacts=STANDARD_CONTACTS,
        availability=((16, 2, 10, "Two beds; ten-day waitlist for women", "casey"),),
    ),
    program(
        "catskill", "Catskill Mountain Lodge", "5 High Falls Road", "Phoenicia", "NY", "12464", "845-555-0191",
        types=RESIDENTIAL_YA, levels=("asam3:3.5",), populations=("young_adults",),
        conditions=("co_occurring", "alcohol"), approaches=("twelve_step", "experiential"),
        payment=("private_pay",), ages=(18, 30), price=55_000, beds=12,
        vetting=Vetting("declined", "olivia", 98, "Online advertisement", failed=("no_referral_fee",),
                        concerns=("complaints_lawsuits",), visit=None,
                        rationale="Offered a per-admission 'consulting fee'; two open complaints with the state. "
                        "Declined."),
        contacts=(("admissions", "Admissions"),),
    ),
    # ---- the programs of the demo clients' placements
    program(
        "blueridge", "Blue Ridge Recovery Center", "1200 Laurel Hollow Road", "Floyd", "VA", "24091", "540-555-0130",
        types=RESIDENTIAL_YA, levels=("asam3:3.5", "asam3:3.7"), populations=("young_adults", "adults"),
        conditions=("co_occurring", "alcohol", "depression", "anxiety"),
        approaches=("cbt", "dbt", "family_program", "integrated_dual_disorder", "experiential"),
        payment=("private_pay", "out_of_network"), accreditations=("joint_commission", "state_license"),
        ages=(18, 35), price=32_000, includes="Room, board, psychiatry, family weekend", out_of_network=True,
        beds=28, stay="30 days", psychiatry="Psychiatrist on site daily", nursing="RN 24/7",
        exclusion_criteria="Suicide attempt in the last 30 days; active psychosis.",
        exclusions=("recent_suicide_attempt", "active_psychosis"),
        vetting=Vetting("approved", "casey", 122, "Shortlist of residential programs with a co-occurring track",
                        visit=112, decision=111, levels=("asam3:3.5",), populations=("young_adults", "adults"),
                        conditions=("co_occurring", "alcohol", "depression"),
                        visit_notes="Half a day on site: met the medical director and the family coordinator "
                        "(Alicia Grant); clean, calm units; young-adult group of eight."),
        contacts=(*STANDARD_CONTACTS, ("executive", "Executive")),
        availability=((104, 1, 0, "One bed for a man on Monday", "casey"),
                      (40, 3, 0, "Three beds", "casey"), (6, 0, 21, "Full; three-week waitlist", "casey")),
    ),
    program(
        "crossroads", "Crossroads Recovery Partners", "18 Broad Street", "Bloomfield", "NJ", "07003",
        "973-555-0150",
        types=("php", "iop", "co_occurring", "substance_use"), levels=("asam3:2.5", "asam3:2.1"),
        populations=("young_adults", "adults"), conditions=("co_occurring", "alcohol", "opioids", "depression"),
        approaches=("cbt", "family_program", "mat_accepted", "integrated_dual_disorder"),
        payment=("private_pay", "private_insurance", "out_of_network"), accreditations=("carf", "state_license"),
        ages=(18, 64), price=650, unit="week", out_of_network=True, stay="PHP 4–6 weeks; IOP 8–12 weeks",
        insurers=("Horizon Blue Cross Blue Shield of New Jersey", "Aetna", "Cigna"),
        vetting=Vetting("approved", "casey", 83, "Dana Reyes; close to the family's home", visit=73, decision=72,
                        populations=("young_adults", "adults"), conditions=("co_occurring", "alcohol")),
        contacts=STANDARD_CONTACTS,
        availability=((72, None, 0, "PHP can start Monday", "casey"), (33, None, 0, "IOP evening group open",
                                                                             "casey")),
    ),
    program(
        "cedarpoint", "Cedar Point DBT Residential", "60 Benedict Avenue", "Tarrytown", "NY", "10591",
        "914-555-0102",
        types=("residential", "mental_health"), levels=("mh:residential_treatment_center",),
        populations=("adults", "young_adults"), conditions=("personality_disorders", "trauma", "depression"),
        approaches=("dbt", "trauma_therapy", "family_program"), payment=("private_pay", "out_of_network"),
        accreditations=("joint_commission", "state_license"), genders=("female",), ages=(18, 45), price=48_000,
        out_of_network=True, beds=16, stay="90 days", psychiatry="Psychiatrist on site daily", nursing="RN 24/7",
        vetting=Vetting("approved", "morgan", 62, "Morgan's own placements (two, 2025)", visit=50, decision=49,
                        levels=("mh:residential_treatment_center",), populations=("adults",),
                        conditions=("personality_disorders", "trauma")),
        contacts=STANDARD_CONTACTS,
        availability=((48, 1, 0, "One bed from next week", "morgan"),),
    ),
    program(
        "summit", "Summit Trails Wilderness", "88 Pisgah Highway", "Brevard", "NC", "28712", "828-555-0111",
        types=("wilderness", "mental_health"), levels=("mh:wilderness",), populations=("young_adults",),
        conditions=("cannabis", "adhd", "depression", "anxiety"), approaches=("experiential", "family_program"),
        payment=("private_pay",), accreditations=("natsap", "state_license"), ages=(18, 25), price=715,
        unit="day", includes="Field staff, weekly therapist sessions, gear", beds=40, stay="8–12 weeks",
        exclusions=("violence_history",),
        vetting=Vetting("approved", "morgan", 74, "Educational consultant Nora Whitfield", visit=64, decision=63,
                        visit_mode="in_person"),
        contacts=STANDARD_CONTACTS,
        availability=((63, 2, 0, "Two spots in the young-men's group", "morgan"),),
    ),
    # ---- other levels of care near New York
    program(
        "meadowlands", "Meadowlands Medical Detox", "500 Plaza Drive", "Secaucus", "NJ", "07094", "201-555-0166",
        types=("withdrawal_management", "substance_use"), levels=("asam3:3.7-wm", "asam3:4-wm"),
        populations=("adults", "young_adults"), conditions=("alcohol", "opioids", "stimulants"),
        approaches=("mat_on_site", "motivational_interviewing"), payment=("private_insurance", "medicaid",
                                                                            "medicare"),
        accreditations=("joint_commission", "state_license"), ages=(18, 99), beds=24, stay="5–7 days",
        nursing="RN 24/7", insurers=("Horizon Blue Cross Blue Shield of New Jersey", "UnitedHealthcare"),
        vetting=Vetting("approved", "casey", 112, "Hospital discharge planner", review_in_days=120,
                        rationale="Reliable same-day detox admissions; re-review after the new medical director "
                        "starts."),
        contacts=STANDARD_CONTACTS[:2],
        availability=((100, 3, 0, "Three beds; same-day admission", "casey"),
                      (27, 1, 0, "One bed tonight", "casey")),
    ),
    program(
        "shoreline", "Shoreline Sober Living", "404 Sixth Avenue", "Asbury Park", "NJ", "07712", "732-555-0109",
        types=("sober_living",), levels=("mh:sober_living",), populations=("young_adults", "adults"),
        conditions=("alcohol", "opioids"), approaches=("twelve_step", "mat_accepted"), payment=("private_pay",),
        genders=("male",), ages=(18, 40), price=1_400, includes="Room, house manager, weekly drug testing",
        beds=12, stay="3–12 months",
        vetting=Vetting("provisional", "casey", 48, "Crossroads alumni group", review_in_days=120,
                        concerns=("ownership",), visit_mode="in_person",
                        rationale="NARR-certified house, good manager; ownership changed hands last year."),
        contacts=(("admissions", "House manager"),),
        availability=((36, 2, 0, "Two rooms", "casey"),),
        credentials=({"kind": "certification", "name": "NJ Alliance of Recovery Residences (NARR level II)",
                      "issuer": "NJARR", "years": 1},),
    ),
    program(
        "princeton", "Princeton Bridge IOP", "210 Nassau Street", "Princeton", "NJ", "08540", "609-555-0158",
        types=("iop", "outpatient", "co_occurring"), levels=("asam3:2.1", "asam3:1"),
        populations=("young_adults", "adolescents"), conditions=("cannabis", "adhd", "anxiety", "co_occurring"),
        approaches=("cbt", "dbt", "family_program"), payment=("private_pay", "private_insurance", "out_of_network"),
        ages=(15, 26), price=550, unit="week", out_of_network=True,
        vetting=Vetting("approved", "morgan", 45, "Riley's family's neighbourhood", visit_mode="virtual"),
        contacts=STANDARD_CONTACTS,
        availability=((30, None, 7, "New group starts in a week", "morgan"),),
    ),
    program(
        "fairfield", "Fairfield County Adolescent Program", "1 Post Road East", "Westport", "CT", "06880",
        "203-555-0177",
        types=("php", "mental_health"), levels=("mh:php",), populations=("adolescents",),
        conditions=("depression", "anxiety", "eating_disorders"), approaches=("dbt", "family_program"),
        payment=("private_insurance", "private_pay"), ages=(12, 18), price=1_100, unit="week",
    ),
    program(
        "philadelphia", "Philadelphia Women's Recovery House", "4100 Baltimore Avenue", "Philadelphia", "PA",
        "19104", "215-555-0124",
        types=("residential", "substance_use"), levels=("asam3:3.1",), populations=("adults", "pregnant_women"),
        conditions=("opioids", "trauma"), approaches=("mat_on_site", "trauma_therapy"),
        payment=("medicaid", "government_funding", "sliding_scale"), genders=("female",), ages=(18, 64), beds=20,
        vetting=Vetting("intake", "olivia", 5, "Medicaid-funded option for a referral from the county"),
    ),
    program(
        "chesapeake", "Chesapeake Psychiatric Hospital", "700 West Lombard Street", "Baltimore", "MD", "21201",
        "410-555-0183",
        types=("psychiatric_hospital", "mental_health"), levels=("mh:psychiatric_hospital", "asam3:4"),
        populations=("adolescents", "young_adults", "adults"), conditions=("psychosis", "bipolar", "depression"),
        approaches=("cbt", "dbt"), payment=("private_insurance", "medicaid", "medicare"),
        accreditations=("joint_commission", "state_license"), ages=(13, 99), beds=80, nursing="RN 24/7",
        vetting=Vetting("approved", "olivia", 140, "Our crisis protocol's nearest private hospital",
                        review_in_days=300, visit_mode="virtual"),
        contacts=STANDARD_CONTACTS[:2],
        availability=((128, 5, 0, "Five adult beds", "olivia"),),
        # The Joint Commission accreditation is up for renewal within weeks (an alert).
        credentials=({"kind": "accreditation", "name": "The Joint Commission behavioral health accreditation",
                      "issuer": "The Joint Commission", "expires_in": 21},),
    ),
    program(
        "greenmountain", "Green Mountain Transitional Living", "150 Church Street", "Burlington", "VT", "05401",
        "802-555-0147",
        types=("transitional_living",), levels=("mh:transitional_living",), populations=("young_adults",),
        conditions=("anxiety", "depression", "autism", "adhd"), approaches=("cbt", "experiential"),
        payment=("private_pay",), ages=(18, 28), price=14_500, includes="Apartment, life-skills coaching, college "
        "support", beds=20, stay="6–12 months",
        vetting=Vetting("approved", "morgan", 90, "Summit Trails' step-down list"),
        contacts=STANDARD_CONTACTS,
        availability=((78, 2, 0, "Two apartments in January", "morgan"),),
    ),
    # ---- further away
    program(
        "redcanyon", "Red Canyon Wilderness", "290 East 300 South", "Kanab", "UT", "84741", "435-555-0139",
        types=("wilderness",), levels=("mh:wilderness",), populations=("adolescents",),
        conditions=("depression", "anxiety", "adhd", "cannabis"), approaches=("experiential", "family_program"),
        payment=("private_pay",), accreditations=("natsap", "state_license"), ages=(13, 17), price=695, unit="day",
        vetting=Vetting("provisional", "morgan", 58, "NATSAP conference", visit_mode="virtual", review_in_days=150,
                        rationale="Virtual visit only so far; in person before a second placement."),
        contacts=STANDARD_CONTACTS[:2],
    ),
    program(
        "wasatch", "Wasatch Young Adult Transition", "455 East 400 South", "Salt Lake City", "UT", "84111",
        "801-555-0152",
        types=("transitional_living", "iop"), levels=("mh:transitional_living", "asam3:2.1"),
        populations=("young_adults",), conditions=("co_occurring", "cannabis", "anxiety"),
        approaches=("cbt", "twelve_step"), payment=("private_pay",), ages=(18, 28), price=12_000,
    ),
    program(
        "sonoran", "Sonoran Eating Disorder Center", "5000 East River Road", "Tucson", "AZ", "85718", "520-555-0121",
        types=("residential", "mental_health"), levels=("mh:residential_treatment_center", "mh:php"),
        populations=("adolescents", "young_adults", "adults"), conditions=("eating_disorders", "anxiety", "trauma"),
        approaches=("cbt", "dbt", "family_program"), payment=("private_pay", "private_insurance", "out_of_network"),
        accreditations=("joint_commission", "state_license"), genders=("female",), ages=(14, 60), price=1_600,
        unit="day", out_of_network=True, nursing="RN 24/7",
        exclusions=("eating_disorder_medical",),
        vetting=Vetting("approved", "olivia", 96, "Two colleagues' placements", visit_mode="virtual"),
        contacts=STANDARD_CONTACTS,
        availability=((84, 1, 14, "One bed; two-week wait for adolescents", "olivia"),),
    ),
    program(
        "pacificcrest", "Pacific Crest Dual Diagnosis", "23500 Pacific Coast Highway", "Malibu", "CA", "90265",
        "310-555-0190",
        types=RESIDENTIAL_YA, levels=("asam3:3.5", "asam3:3.7"), populations=("adults", "young_adults"),
        conditions=("co_occurring", "alcohol", "stimulants", "trauma"), approaches=("emdr", "experiential"),
        payment=("private_pay", "out_of_network"), ages=(18, 70), price=65_000, out_of_network=True, beds=14,
        vetting=Vetting("desk_review", "olivia", 20, "A family asked about it", concerns=("pricing",)),
        contacts=(("admissions", "Admissions"),),
    ),
    program(
        "frontrange", "Front Range PHP", "1800 30th Street", "Boulder", "CO", "80302", "303-555-0114",
        types=("php", "co_occurring"), levels=("asam3:2.5",), populations=("young_adults", "adults"),
        conditions=("co_occurring", "depression"), approaches=("dbt", "cbt"),
        payment=("private_insurance", "private_pay"), ages=(18, 64), price=900, unit="week",
    ),
    program(
        "gulfcoast", "Gulf Coast Recovery Institute", "1000 Linton Boulevard", "Delray Beach", "FL", "33444",
        "561-555-0107",
        types=("residential", "substance_use"), levels=("asam3:3.5",), populations=("adults", "young_adults"),
        conditions=("opioids", "alcohol"), approaches=("twelve_step",), payment=("private_insurance",),
        ages=(18, 64), beds=60,
        vetting=Vetting("declined", "casey", 80, "A cold call from their 'outreach team'",
                        failed=("complaints_lawsuits", "no_referral_fee"), visit=None,
                        rationale="Patient-brokering lawsuit pending; offered free flights and a referral fee."),
    ),
    program(
        "hillcountry", "Hill Country Ranch", "14 Ranch Road 12", "Wimberley", "TX", "78676", "512-555-0131",
        types=("residential", "substance_use", "co_occurring"), levels=("asam3:3.5",), populations=("adults",),
        conditions=("alcohol", "co_occurring", "trauma"), approaches=("experiential", "twelve_step", "emdr"),
        payment=("private_pay", "out_of_network"), accreditations=("carf", "state_license"), genders=("male",),
        ages=(25, 65), price=38_000, out_of_network=True, beds=32,
        vetting=Vetting("review_needed", "morgan", 95, "Two colleagues' placements",
                        complaint=(12, "A family reported that their son was discharged at night without a "
                                   "transition plan or a call to the referring case manager.")),
        contacts=STANDARD_CONTACTS,
        availability=((83, 3, 0, "Three beds", "morgan"),),
    ),
    program(
        "northshore", "North Shore Therapeutic Academy", "40 Main Street", "Bethel", "ME", "04217", "207-555-0163",
        types=("therapeutic_school", "mental_health"), levels=("mh:therapeutic_boarding_school",),
        populations=("adolescents",), conditions=("anxiety", "depression", "adhd"),
        approaches=("cbt", "family_program", "experiential"), payment=("private_pay",),
        accreditations=("natsap", "coa", "state_license"), ages=(14, 18), price=14_000, beds=60,
        stay="12–18 months",
        vetting=Vetting("provisional", "olivia", 66, "Educational consultant Ellen Marsh", review_in_days=180,
                        concerns=("inspections",),
                        rationale="Good academics; last state inspection had two findings, corrected since."),
        contacts=STANDARD_CONTACTS,
    ),
    program(
        "twinlakes", "Twin Lakes Adolescent Residential", "15251 Pleasant Valley Road", "Center City", "MN",
        "55012", "651-555-0144",
        types=("residential", "substance_use", "co_occurring"), levels=("asam3:3.5",),
        populations=("adolescents",), conditions=("co_occurring", "cannabis", "alcohol"),
        approaches=("twelve_step", "family_program", "cbt"), payment=("private_insurance", "private_pay"),
        accreditations=("joint_commission", "state_license"), ages=(13, 17), price=29_000, beds=36,
        vetting=Vetting("approved", "morgan", 130, "Long-standing referral relationship", visit_mode="virtual"),
        contacts=STANDARD_CONTACTS,
        availability=((118, 4, 0, "Four beds", "morgan"),),
    ),
    program(
        "musiccity", "Music City Sober Living", "900 Division Street", "Nashville", "TN", "37203", "615-555-0127",
        types=("sober_living",), levels=("mh:sober_living",), populations=("young_adults", "adults"),
        conditions=("alcohol", "opioids"), approaches=("twelve_step",), payment=("private_pay",),
        genders=("male",), ages=(18, 45), price=1_250,
    ),
    program(
        "cascade", "Cascade Telehealth Recovery", "1221 SW Yamhill Street", "Portland", "OR", "97205",
        "503-555-0118",
        types=("telehealth", "iop", "co_occurring"), levels=("asam3:2.1",), populations=("adults", "young_adults"),
        conditions=("alcohol", "co_occurring", "anxiety"), approaches=("cbt", "contingency_management"),
        payment=("private_insurance", "private_pay"), ages=(18, 99), price=400, unit="week",
    ),
    program(
        "lakeshore", "Lake Shore Medical Detox", "680 North Lake Shore Drive", "Chicago", "IL", "60611",
        "312-555-0196",
        types=("withdrawal_management",), levels=("asam3:3.7-wm",), populations=("adults",),
        conditions=("alcohol", "opioids"), approaches=("mat_on_site",), payment=("private_insurance", "medicare"),
        ages=(18, 99), beds=30,
        vetting=Vetting("intake", "casey", 3, "Found while researching detox beds for a Chicago family"),
    ),
    program(
        "peachtree", "Peachtree Trauma Recovery", "1600 Peachtree Street NW", "Atlanta", "GA", "30309",
        "404-555-0160",
        types=("residential", "mental_health"), levels=("mh:residential_treatment_center",),
        populations=("adults", "veterans"), conditions=("trauma", "depression", "co_occurring"),
        approaches=("emdr", "trauma_therapy", "cbt"), payment=("private_pay", "military", "out_of_network"),
        accreditations=("carf", "state_license"), ages=(21, 70), price=44_000, out_of_network=True,
        vetting=Vetting("approved", "olivia", 110, "Veterans' family referral network"),
        contacts=STANDARD_CONTACTS,
        availability=((98, 2, 10, "Two beds; ten-day waitlist", "olivia"),),
    ),
    program(
        "charlottesville", "Charlottesville Young Adult Outpatient", "400 Preston Avenue", "Charlottesville", "VA",
        "22903", "434-555-0175",
        types=("outpatient", "co_occurring"), levels=("asam3:1", "asam3:2.1"), populations=("young_adults",),
        conditions=("co_occurring", "anxiety", "cannabis"), approaches=("cbt", "motivational_interviewing"),
        payment=("private_insurance", "private_pay", "sliding_scale"), ages=(17, 26), price=180, unit="week",
        vetting=Vetting("intake", "morgan", 8, "University counselling centre's referral list"),
    ),
]
# fmt: on

# A FindTreatment.gov locator search of northern New Jersey and New York City that Casey imported on the
# network's first day (SAMHSA's CSV columns; one column per service code).
IMPORTED_DAYS_AGO = 146
IMPORTED: list[dict[str, str]] = [
    {"frid": "demo-frid-0001", "name1": "Harlem River Opioid Treatment Program", "street1": "2150 Third Avenue",
     "city": "New York", "state": "NY", "zip": "10035", "phone": "212-555-0171",
     "TC": "Substance use treatment", "SET": "Outpatient methadone/buprenorphine or naltrexone treatment",
     "PAY": "Medicaid; Medicare; Cash or self-payment", "AGE": "Adults; Seniors (65 or older)"},
    {"frid": "demo-frid-0002", "name1": "Newark Community Recovery Services", "street1": "90 Market Street",
     "city": "Newark", "state": "NJ", "zip": "07102", "phone": "973-555-0182",
     "TC": "Substance use treatment", "SET": "Outpatient; Intensive outpatient treatment",
     "PAY": "Medicaid; Cash or self-payment", "AGE": "Adults; Young adults"},
    {"frid": "demo-frid-0003", "name1": "Passaic Valley Counseling", "street1": "45 Main Street",
     "city": "Little Falls", "state": "NJ", "zip": "07424", "phone": "973-555-0193",
     "TC": "Mental health treatment; Substance use treatment", "SET": "Outpatient",
     "PAY": "Private health insurance; Cash or self-payment", "AGE": "Young adults; Adults"},
    {"frid": "demo-frid-0004", "name1": "Bergen Behavioral Health", "name2": "Adult Outpatient",
     "street1": "25 East Salem Street", "city": "Hackensack", "state": "NJ", "zip": "07601",
     "phone": "201-555-0104", "TC": "Mental health treatment",
     "SET": "Outpatient; Partial hospitalization/day treatment", "PAY": "Private health insurance; Medicare",
     "AGE": "Adults; Seniors (65 or older)"},
    {"frid": "demo-frid-0005", "name1": "Essex County Women's Recovery", "street1": "185 Central Avenue",
     "city": "East Orange", "state": "NJ", "zip": "07018", "phone": "973-555-0115",
     "TC": "Substance use treatment", "SET": "Long-term residential",
     "PAY": "Medicaid; Federal, or any government funding for substance abuse programs", "AGE": "Adults"},
    {"frid": "demo-frid-0006", "name1": "Hoboken Intensive Outpatient", "street1": "77 River Street",
     "city": "Hoboken", "state": "NJ", "zip": "07030", "phone": "201-555-0126",
     "TC": "Substance use treatment; Mental health treatment", "SET": "Intensive outpatient treatment",
     "PAY": "Private health insurance; Cash or self-payment", "AGE": "Young adults; Adults"},
    {"frid": "demo-frid-0007", "name1": "Staten Island Recovery Center", "street1": "1 Edgewater Street",
     "city": "Staten Island", "state": "NY", "zip": "10305", "phone": "718-555-0137",
     "TC": "Substance use treatment", "SET": "Short-term residential; Residential detoxification",
     "PAY": "Medicaid; Private health insurance", "AGE": "Adults"},
    {"frid": "demo-frid-0008", "name1": "Yonkers Adolescent Services", "street1": "20 South Broadway",
     "city": "Yonkers", "state": "NY", "zip": "10701", "phone": "914-555-0148",
     "TC": "Mental health treatment", "SET": "Outpatient", "PAY": "Medicaid; Private health insurance",
     "AGE": "Children/adolescents"},
]  # fmt: skip

# Who the people at each program are (by program key and role); phones follow the program's main number.
CONTACT_NAMES: dict[str, list[str]] = {
    "admissions": ["Maria Lopez", "Kevin O'Brien", "Tanya Brooks", "Luis Ortega", "Hannah Kim", "Derek Shaw"],
    "clinical": ["Dr. Alan Price", "Dr. Nadia Rahman", "Dr. Susan Feld", "Dr. Omar Haddad", "Dr. Grace Liu"],
    "family_liaison": ["Alicia Grant", "Renee Walters", "Paula Jensen", "Marcus Bell", "Ivy Chen"],
    "executive": ["Robert Hale"],
}

# Placements of the demo's clients (case-work keys, portal/cases/demo.py) and the programs they were at.
PLACEMENT_PROGRAMS: dict[str, tuple[str, str, str]] = {
    # placement key: (client key, case manager, program key)
    "residential": ("jordan", "casey", "blueridge"),
    "php": ("jordan", "casey", "crossroads"),
    "iop": ("jordan", "casey", "crossroads"),
    "cedarpoint": ("taylor", "morgan", "cedarpoint"),
    "summit": ("riley", "morgan", "summit"),
}
# The day each placement was referred (as portal/cases/demo.py records it), so the link follows the referral.
PLACEMENT_REFERRED_DAYS_AGO = {"residential": 100, "php": 70, "iop": 31, "cedarpoint": 44, "summit": 55}
