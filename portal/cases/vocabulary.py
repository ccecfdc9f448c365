"""The fixed vocabularies of case coordination (DOMAIN.md §1, §3, §4). Stored values are the keys."""

from __future__ import annotations

from dataclasses import dataclass

CLIENT_STATUSES = {"intake": "Intake", "active": "Active", "paused": "Paused", "discharged": "Discharged"}

SEXES = {"female": "Female", "male": "Male", "intersex": "Intersex", "unknown": "Not recorded"}

RISK_LEVELS = {"low": "Low", "moderate": "Moderate", "high": "High", "imminent": "Imminent"}

PARTY_TYPES = {
    "therapist": "Therapist",
    "psychiatrist": "Psychiatrist",
    "treatment_program": "Treatment program",
    "primary_care": "Primary care",
    "sober_companion": "Sober companion",
    "educational_consultant": "Educational consultant",
    "school": "School",
    "attorney": "Attorney",
    "probation": "Probation",
    "other": "Other",
}
# Treating health-care providers: HIPAA lets them receive information for treatment without a release,
# unless the practice's "release required for providers too" setting (on by default) says otherwise.
HEALTH_CARE_PROVIDER_TYPES = frozenset({"therapist", "psychiatrist", "treatment_program", "primary_care"})

RELATIONSHIPS = {
    "parent": "Parent",
    "spouse_or_partner": "Spouse or partner",
    "sibling": "Sibling",
    "guardian": "Guardian",
    "other": "Other",
}
LEGAL_AUTHORITIES = {
    "none": "None",
    "guardian_of_minor": "Guardian of a minor",
    "health_care_proxy": "Health-care proxy",
}

NOTE_KINDS = {
    "call": "Call",
    "email": "E-mail",
    "meeting": "Meeting",
    "site_visit": "Site visit",
    "team_conference": "Team conference",
    "crisis": "Crisis",
    "internal": "Internal",
}

# Billable activities; the billing issue maps each to a service code (T1016, 99368 …).
ACTIVITIES = {
    "care_coordination": "Care coordination",
    "case_management": "Case management",
    "assessment": "Assessment",
    "team_conference": "Team conference",
    "family_meeting": "Family meeting",
    "crisis_intervention": "Crisis intervention",
    "site_visit": "Program site visit",
    "travel": "Travel",
    "research": "Placement research",
    "report_writing": "Report writing",
}

CONSENT_CATEGORIES = {
    "demographics": "Demographics",
    "assessment": "Assessment",
    "diagnoses": "Diagnoses",
    "coordination_notes": "Coordination notes",
    "placements": "Placements",
    "substance_use_records": "Substance use records",
    "billing": "Billing",
    "family_communication": "Family communication",
    # SUD counseling notes need a consent of their own that covers nothing else (42 CFR Part 2).
    "counseling_notes": "SUD counseling notes",
}
COUNSELING_NOTES = "counseling_notes"

CONSENT_PURPOSES = {
    "treatment": "Treatment",
    "payment": "Payment",
    "health_care_operations": "Health-care operations",
    "care_coordination": "Care coordination",
    "family_involvement": "Family involvement",
    "education": "Education",
    "legal": "Legal proceedings",
    "at_client_request": "At the client's request",
}
TPO_PURPOSES = frozenset({"treatment", "payment", "health_care_operations"})

SIGNER_CAPACITIES = {
    "self": "The client",
    "parent_or_guardian": "Parent or guardian of a minor",
    "health_care_proxy": "Health-care proxy",
    "personal_representative": "Personal representative",
}

RECIPIENT_TYPES = {
    "party": "Care-team party",
    "relative": "Relative",
    "class": "Class of recipients (Part 2 TPO)",
}

DISCHARGE_TYPES = {
    "planned": "Planned",
    "against_advice": "Against advice",
    "administrative": "Administrative",
    "transfer": "Transfer",
}

TASK_PRIORITIES = {"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"}

TRANSITION_CHECKLIST = {
    "aftercare_providers": "Aftercare providers in the home community",
    "medications": "Medications reconciled and supplied",
    "first_appointments": "First appointments booked",
    "family_briefed": "Family briefed",
    "release_signed": "Release signed for the next provider",
}

PLACEMENT_OUTCOMES = {
    "completed": "Completed the program",
    "stepped_down": "Stepped down as planned",
    "left_early": "Left early",
    "discharged_administratively": "Discharged by the program",
    "transferred": "Transferred to higher care",
}


@dataclass(frozen=True)
class LevelOfCare:
    code: str
    label: str
    short: str
    framework: str  # "ASAM 3rd edition", "ASAM 4th edition", "Mental health / private pay"
    intensity: int  # for ordering on the timeline: higher is more intensive


def _levels() -> dict[str, LevelOfCare]:
    asam3 = "ASAM 3rd edition"
    asam4 = "ASAM 4th edition"
    mh = "Mental health and private-pay settings"
    rows = [
        ("asam3:0.5", "0.5 Early intervention", "Early intervention", asam3, 1),
        ("asam3:1", "1 Outpatient (<9 h/week)", "Outpatient", asam3, 2),
        ("asam3:2.1", "2.1 Intensive outpatient (9–19 h/week)", "IOP", asam3, 3),
        ("asam3:2.5", "2.5 Partial hospitalization (≥20 h/week)", "PHP", asam3, 4),
        ("asam3:3.1", "3.1 Clinically managed low-intensity residential", "Residential 3.1", asam3, 5),
        ("asam3:3.3", "3.3 Population-specific high-intensity residential", "Residential 3.3", asam3, 6),
        ("asam3:3.5", "3.5 Clinically managed high-intensity residential", "Residential 3.5", asam3, 6),
        ("asam3:3.7", "3.7 Medically monitored intensive inpatient", "Inpatient 3.7", asam3, 7),
        ("asam3:4", "4 Medically managed intensive inpatient", "Inpatient 4", asam3, 8),
        ("asam3:1-wm", "1-WM Ambulatory withdrawal management", "Ambulatory WM", asam3, 2),
        ("asam3:2-wm", "2-WM Ambulatory WM with extended on-site monitoring", "WM 2", asam3, 3),
        ("asam3:3.2-wm", "3.2-WM Clinically managed residential WM", "Residential WM", asam3, 6),
        ("asam3:3.7-wm", "3.7-WM Medically monitored inpatient WM", "Inpatient WM 3.7", asam3, 7),
        ("asam3:4-wm", "4-WM Medically managed intensive inpatient WM", "Inpatient WM 4", asam3, 8),
        ("asam3:otp", "OTP Opioid treatment program", "OTP", asam3, 2),
        ("asam4:1.0", "1.0 Long-term remission monitoring", "Remission monitoring", asam4, 1),
        ("asam4:1.5", "1.5 Outpatient therapy", "Outpatient", asam4, 2),
        ("asam4:1.7", "1.7 Medically managed outpatient", "Outpatient 1.7", asam4, 2),
        ("asam4:2.1", "2.1 Intensive outpatient", "IOP", asam4, 3),
        ("asam4:2.5", "2.5 High-intensity outpatient", "High-intensity OP", asam4, 4),
        ("asam4:2.7", "2.7 Medically managed intensive outpatient", "Intensive OP 2.7", asam4, 4),
        ("asam4:3.1", "3.1 Clinically managed low-intensity residential", "Residential 3.1", asam4, 5),
        ("asam4:3.5", "3.5 Clinically managed high-intensity residential", "Residential 3.5", asam4, 6),
        ("asam4:3.7", "3.7 Medically managed residential", "Residential 3.7", asam4, 7),
        ("asam4:4", "4 Medically managed inpatient", "Inpatient 4", asam4, 8),
        ("mh:psychiatric_hospital", "Psychiatric hospital", "Psychiatric hospital", mh, 8),
        ("mh:residential_treatment_center", "Residential treatment center", "RTC", mh, 6),
        ("mh:php", "Mental-health partial hospitalization", "PHP", mh, 4),
        ("mh:iop", "Mental-health intensive outpatient", "IOP", mh, 3),
        ("mh:wilderness", "Wilderness therapy", "Wilderness", mh, 6),
        ("mh:therapeutic_boarding_school", "Therapeutic boarding school", "Therapeutic school", mh, 5),
        ("mh:transitional_living", "Young-adult transitional living", "Transitional living", mh, 4),
        ("mh:sober_living", "Sober living (NARR)", "Sober living", mh, 2),
        ("mh:outpatient", "Outpatient therapy", "Outpatient", mh, 2),
    ]
    return {
        code: LevelOfCare(code, label, short, framework, intensity) for code, label, short, framework, intensity in rows
    }


LEVELS_OF_CARE: dict[str, LevelOfCare] = _levels()


def level_choices() -> list[tuple[str, str]]:
    return [(level.code, f"{level.framework}: {level.label}") for level in LEVELS_OF_CARE.values()]


def label(vocabulary: dict[str, str], key: str | None) -> str:
    if key is None:
        return ""
    return vocabulary.get(key, key)
