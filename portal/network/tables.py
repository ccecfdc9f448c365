"""The practice's vetted program network: programs and their contacts, dated availability, credentials, the
vetting workflow (desk checks, site visits, scoped decisions, monitoring), incidents, and imports.

Facets (levels of care, populations, conditions, approaches, payment …) are kept twice: as JSON lists on the
program for display, and as ProgramFacet rows (program, facet, value) indexed for search — OR inside a facet
and AND across facets become plain indexed sub-queries on both engines."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete

from portal.accounts.tables import User
from portal.db import PortalTable
from portal.files.tables import StoredFile

RESTRICT = OnDelete.restrict


class Program(PortalTable, tablename="programs"):
    name = Varchar(length=200, index=True)  # the facility (SAMHSA name1)
    program_name = Varchar(length=200, default="")  # the program within it (name2)
    parent_company = Varchar(length=200, default="")
    phone_main = Varchar(length=40, default="")
    phone_admissions = Varchar(length=40, default="")
    phone_crisis = Varchar(length=40, default="")
    website = Varchar(length=300, default="")
    street1 = Varchar(length=200, default="")
    street2 = Varchar(length=200, default="")
    city = Varchar(length=100, default="", index=True)
    state = Varchar(length=2, default="", index=True)
    zip_code = Varchar(length=10, default="")
    county = Varchar(length=100, default="")
    latitude = DoublePrecision(null=True, default=None, index=True)
    longitude = DoublePrecision(null=True, default=None, index=True)
    samhsa_id = Varchar(length=100, null=True, default=None, unique=True)  # FindTreatment's frid
    npi = Varchar(length=10, default="")
    facility_type = Varchar(length=10, default="")  # SA, MH (SAMHSA typeFacility)
    # Display copies of the searchable facets (ProgramFacet rows are the index).
    program_types = JSON(default=[])
    levels_of_care = JSON(default=[])
    populations = JSON(default=[])
    genders = JSON(default=[])
    languages = JSON(default=[])
    conditions = JSON(default=[])
    approaches = JSON(default=[])
    payment = JSON(default=[])
    accreditations = JSON(default=[])
    age_min = Integer(null=True, default=None)
    age_max = Integer(null=True, default=None)
    length_of_stay = Varchar(length=100, default="")
    beds = Integer(null=True, default=None)
    psychiatry = Varchar(length=200, default="")
    nursing = Varchar(length=200, default="")
    academics = Varchar(length=200, default="")
    exclusion_criteria = Text(default="")
    exclusions = JSON(default=[])  # structured exclusion tags used by matching (e.g. "active_psychosis")
    in_network_insurers = JSON(default=[])
    accepts_out_of_network = Boolean(default=False)
    private_pay_cents = BigInt(null=True, default=None)  # per private_pay_unit
    private_pay_unit = Varchar(length=10, default="month")  # day, week, month, program
    private_pay_includes = Varchar(length=300, default="")
    vetting_status = Varchar(length=20, default="unvetted", index=True)
    next_review_on = Date(null=True, default=None)
    source = Varchar(length=20, default="manual")  # manual, samhsa
    # Fields the practice edited itself: an import never overwrites them.
    locally_edited = JSON(default=[])
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ProgramFacet(PortalTable, tablename="program_facets"):
    program = ForeignKey(Program, on_delete=OnDelete.cascade, null=False, index=True)
    facet = Varchar(length=30)  # level, type, population, gender, condition, approach, payment, accreditation, language
    value = Varchar(length=60)


class ProgramContact(PortalTable, tablename="program_contacts"):
    program = ForeignKey(Program, on_delete=RESTRICT, null=False, index=True)
    role = Varchar(length=20)  # admissions, clinical, family_liaison, executive, other
    name = Varchar(length=200)
    phone = Varchar(length=40, default="")
    email = Varchar(length=254, default="")
    notes = Varchar(length=300, default="")


class Availability(PortalTable, tablename="program_availability"):
    """A dated observation ("3 beds, two-week waitlist — called 20 Nov by Casey"), never a timeless flag."""

    program = ForeignKey(Program, on_delete=RESTRICT, null=False, index=True)
    observed_on = Date()
    beds_available = Integer(null=True, default=None)
    waitlist_days = Integer(null=True, default=None)
    note = Varchar(length=300, default="")
    observed_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()


class Credential(PortalTable, tablename="program_credentials"):
    program = ForeignKey(Program, on_delete=RESTRICT, null=False, index=True)
    kind = Varchar(length=20)  # license, accreditation, certification, membership
    name = Varchar(length=200)  # "Joint Commission", "CARF", "NJ DOH residential SUD license"
    number = Varchar(length=100, default="")
    issuer = Varchar(length=200, default="")
    expires_on = Date(null=True, default=None, index=True)
    verified_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    verified_on = Date(null=True, default=None)
    source = Varchar(length=300, default="")  # where it was verified (a URL or a registry)
    created_at = Timestamptz()


class VettingReview(PortalTable, tablename="program_vetting_reviews"):
    """One pass through the workflow: intake → desk review → site visit → decision; history is never rewritten."""

    program = ForeignKey(Program, on_delete=RESTRICT, null=False, index=True)
    reason = Varchar(length=30, default="initial")  # initial, annual, incident, complaint, ownership, leadership
    intake_source = Varchar(length=300, default="")
    stage = Varchar(length=20, default="intake")  # intake, desk_review, site_visit, decided
    opened_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    opened_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)


class DeskCheck(PortalTable, tablename="program_desk_checks"):
    review = ForeignKey(VettingReview, on_delete=RESTRICT, null=False, index=True)
    check = Varchar(length=40)  # state_license, accreditation, npi, exclusion_lists, inspections, complaints …
    result = Varchar(length=10)  # pass, concern, fail, na
    evidence = Text(default="")
    evidence_file = ForeignKey(StoredFile, on_delete=RESTRICT, null=True)
    checked_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    checked_at = Timestamptz()


class SiteVisit(PortalTable, tablename="program_site_visits"):
    program = ForeignKey(Program, on_delete=RESTRICT, null=False, index=True)
    review = ForeignKey(VettingReview, on_delete=RESTRICT, null=True)
    visited_on = Date()
    visitor = ForeignKey(User, on_delete=RESTRICT, null=True)
    mode = Varchar(length=10)  # in_person, virtual
    hours = Integer(default=4)
    checklist = JSON(default={})  # item -> good, concern, na
    notes = Text(default="")
    created_at = Timestamptz()


class SiteVisitPhoto(PortalTable, tablename="program_site_visit_photos"):
    visit = ForeignKey(SiteVisit, on_delete=RESTRICT, null=False, index=True)
    file = ForeignKey(StoredFile, on_delete=RESTRICT, null=False)


class VettingDecision(PortalTable, tablename="program_vetting_decisions"):
    program = ForeignKey(Program, on_delete=RESTRICT, null=False, index=True)
    review = ForeignKey(VettingReview, on_delete=RESTRICT, null=True)
    decision = Varchar(length=12)  # approved, provisional, declined
    levels = JSON(default=[])
    populations = JSON(default=[])
    conditions = JSON(default=[])
    rationale = Text(default="")
    next_review_on = Date(null=True, default=None)
    decided_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    decided_at = Timestamptz()


class ProgramIncident(PortalTable, tablename="program_incidents"):
    """Incidents, complaints, ownership and leadership changes: each puts the program back under review."""

    program = ForeignKey(Program, on_delete=RESTRICT, null=False, index=True)
    kind = Varchar(length=20)  # incident, complaint, ownership_change, leadership_change
    occurred_on = Date()
    description = Text()
    reported_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()


class ImportBatch(PortalTable, tablename="program_imports"):
    filename = Varchar(length=200)
    status = Varchar(length=10, default="queued")  # queued, running, done, failed
    total = Integer(default=0)
    processed = Integer(default=0)
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    skipped = JSON(default=[])  # [{"row": n, "reason": "..."}]
    error = Varchar(length=500, default="")
    file = ForeignKey(StoredFile, on_delete=RESTRICT, null=True)
    started_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
