"""Case coordination: clients, their case managers, relatives, care teams, consents and disclosures, notes,
time, tasks and placements. Clinical and money records are never cascaded away: ON DELETE RESTRICT."""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
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


class Client(PortalTable, tablename="clients"):
    legal_name = Varchar(length=200)
    preferred_name = Varchar(length=200, default="")
    date_of_birth = Date(null=True, default=None)
    sex = Varchar(length=20, default="unknown")
    pronouns = Varchar(length=40, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=40, default="")
    street = Varchar(length=200, default="")
    city = Varchar(length=100, default="")
    state = Varchar(length=2, default="")
    zip_code = Varchar(length=10, default="")
    status = Varchar(length=20, default="intake", index=True)
    # Records received from a federally assisted SUD program: 42 CFR Part 2 limits apply to them.
    has_part2_records = Boolean(default=False)
    recommended_level = Varchar(length=40, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    archived_at = Timestamptz(null=True, default=None, index=True)


class ClientAssignment(PortalTable, tablename="client_assignments"):
    """Which case managers work with a client: one primary, any secondary. Ended rows are history."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    case_manager = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    is_primary = Boolean(default=False)
    started_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None, index=True)


class Handoff(PortalTable, tablename="client_handoffs"):
    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    from_case_manager = ForeignKey(User, on_delete=RESTRICT, null=True)
    to_case_manager = ForeignKey(User, on_delete=RESTRICT, null=False)
    summary = Text()
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()


class Assessment(PortalTable, tablename="intake_assessments"):
    """The intake assessment; one per client, edited over time (every change audited)."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, unique=True)
    presenting_concerns = Text(default="")
    treatment_history = Text(default="")
    substance_use = Text(default="")
    risk_and_safety = Text(default="")
    risk_level = Varchar(length=20, default="")
    risk_assessed_on = Date(null=True, default=None)
    family_dynamics = Text(default="")
    financial_resources = Text(default="")
    insurance = Text(default="")
    logistics = Text(default="")
    updated_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    updated_at = Timestamptz()


class Diagnosis(PortalTable, tablename="diagnoses"):
    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    code = Varchar(length=10)  # ICD-10-CM, with the dot (F10.20)
    description = Varchar(length=300)
    is_primary = Boolean(default=False)
    diagnosed_on = Date()
    recorded_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()
    removed_at = Timestamptz(null=True, default=None)


class Relative(PortalTable, tablename="relatives"):
    """A relative of one client. The same person for two clients is two rows linked to one family account."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    user = ForeignKey(User, on_delete=RESTRICT, null=True, index=True)  # their portal account, once invited
    name = Varchar(length=200)
    email = Varchar(length=254, default="")
    phone = Varchar(length=40, default="")
    relationship = Varchar(length=30, default="parent")
    legal_authority = Varchar(length=30, default="none")
    is_payer = Boolean(default=False)
    created_at = Timestamptz()
    removed_at = Timestamptz(null=True, default=None)


class CareTeamParty(PortalTable, tablename="care_team_parties"):
    """An outside person or organisation; shared across clients (one therapist, many clients)."""

    is_organisation = Boolean(default=False)
    name = Varchar(length=200)
    organisation = Varchar(length=200, default="")
    party_type = Varchar(length=30, index=True)
    credentials = Varchar(length=100, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=40, default="")
    fax = Varchar(length=40, default="")
    address = Varchar(length=300, default="")
    npi = Varchar(length=10, default="")
    created_at = Timestamptz()


class CareTeamMember(PortalTable, tablename="care_team_members"):
    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    party = ForeignKey(CareTeamParty, on_delete=RESTRICT, null=False, index=True)
    role = Varchar(length=120, default="")
    started_on = Date(null=True, default=None)
    ended_on = Date(null=True, default=None)
    created_at = Timestamptz()


class Consent(PortalTable, tablename="consents"):
    """A release of information (authorization) signed by or for the client."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    recipient_type = Varchar(length=10)  # party, relative, class
    recipient_party = ForeignKey(CareTeamParty, on_delete=RESTRICT, null=True)
    recipient_relative = ForeignKey(Relative, on_delete=RESTRICT, null=True)
    recipient_class = Varchar(length=200, default="")  # Part 2 TPO consents may name a class
    categories = JSON(default=[])
    purposes = JSON(default=[])
    effective_on = Date()
    expires_on = Date(null=True, default=None)
    until_revoked = Boolean(default=False)
    jurisdiction = Varchar(length=2, default="")
    covers_part2 = Boolean(default=False)
    signed_by_name = Varchar(length=200)
    signer_capacity = Varchar(length=30, default="self")
    signed_on = Date()
    evidence_file = ForeignKey(StoredFile, on_delete=RESTRICT, null=True)
    esignature_name = Varchar(length=200, default="")
    esignature_at = Timestamptz(null=True, default=None)
    esignature_ip = Varchar(length=64, default="")
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    revocation_note = Varchar(length=300, default="")
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()


class ConsentLifetimeRule(PortalTable, tablename="consent_lifetime_rules"):
    """A jurisdiction's cap on how long a release may last (e.g. 365 days); a practice setting."""

    jurisdiction = Varchar(length=2, unique=True)
    max_days = Integer()


class Disclosure(PortalTable, tablename="disclosures"):
    """Information that left the practice: the accounting of disclosures (kept at least six years)."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    consent = ForeignKey(Consent, on_delete=RESTRICT, null=True)
    basis = Varchar(length=30)  # "consent", or "hipaa_treatment" when the practice allows provider sharing
    recipient_type = Varchar(length=10)
    recipient_party = ForeignKey(CareTeamParty, on_delete=RESTRICT, null=True)
    recipient_relative = ForeignKey(Relative, on_delete=RESTRICT, null=True)
    recipient_label = Varchar(length=300)
    categories = JSON(default=[])
    purpose = Varchar(length=40)
    includes_part2 = Boolean(default=False)
    resource_type = Varchar(length=40, default="")
    resource_id = Varchar(length=64, default="")
    disclosed_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    disclosed_at = Timestamptz(index=True)


class Note(PortalTable, tablename="coordination_notes"):
    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    author = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    kind = Varchar(length=20, index=True)
    occurred_at = Timestamptz(index=True)
    minutes = Integer(default=0)
    billable = Boolean(default=False)
    activity = Varchar(length=30, default="")
    subject = Varchar(length=200, default="")
    body_html = Text(default="")  # sanitised rich text
    body_text = Text(default="")  # plain text of the body, for search
    shared = Boolean(default=False)  # audience: internal (default) or shared through the consent gate
    is_part2 = Boolean(default=False)
    signed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class NoteParty(PortalTable, tablename="note_parties"):
    """Who took part: care-team parties and relatives."""

    note = ForeignKey(Note, on_delete=RESTRICT, null=False, index=True)
    party = ForeignKey(CareTeamParty, on_delete=RESTRICT, null=True, index=True)
    relative = ForeignKey(Relative, on_delete=RESTRICT, null=True, index=True)


class NoteAddendum(PortalTable, tablename="note_addenda"):
    note = ForeignKey(Note, on_delete=RESTRICT, null=False, index=True)
    author = ForeignKey(User, on_delete=RESTRICT, null=False)
    body_html = Text()
    created_at = Timestamptz()


class NoteAttachment(PortalTable, tablename="note_attachments"):
    note = ForeignKey(Note, on_delete=RESTRICT, null=False, index=True)
    file = ForeignKey(StoredFile, on_delete=RESTRICT, null=False)
    created_at = Timestamptz()


class NoteShare(PortalTable, tablename="note_shares"):
    note = ForeignKey(Note, on_delete=RESTRICT, null=False, index=True)
    party = ForeignKey(CareTeamParty, on_delete=RESTRICT, null=False)
    disclosure = ForeignKey(Disclosure, on_delete=RESTRICT, null=False)
    shared_by = ForeignKey(User, on_delete=RESTRICT, null=False)
    shared_at = Timestamptz()


class TimeEntry(PortalTable, tablename="time_entries"):
    """Every billable minute. Dates of service are days in the practice's time zone."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    case_manager = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    note = ForeignKey(Note, on_delete=RESTRICT, null=True, unique=True)
    service_date = Date(index=True)
    minutes = Integer()
    activity = Varchar(length=30)
    description = Varchar(length=200, default="")
    billable = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Task(PortalTable, tablename="tasks"):
    client = ForeignKey(Client, on_delete=RESTRICT, null=True, index=True)
    assignee = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    title = Varchar(length=200)
    details = Text(default="")
    due_on = Date(null=True, default=None, index=True)
    priority = Varchar(length=10, default="normal")
    done_at = Timestamptz(null=True, default=None, index=True)
    done_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()


class Placement(PortalTable, tablename="placements"):
    """An episode of care at a program."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    program_name = Varchar(length=200)
    program_id = Integer(null=True, default=None, index=True)  # the program network links this
    level_of_care = Varchar(length=40)
    referred_on = Date(null=True, default=None)
    admitted_on = Date(null=True, default=None)
    expected_discharge_on = Date(null=True, default=None, index=True)
    discharged_on = Date(null=True, default=None)
    discharge_type = Varchar(length=20, default="")
    step_down_level = Varchar(length=40, default="")
    aftercare_plan = Text(default="")
    outcome = Varchar(length=30, default="")
    outcome_note = Text(default="")
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class TransitionItem(PortalTable, tablename="placement_transition_items"):
    placement = ForeignKey(Placement, on_delete=RESTRICT, null=False, index=True)
    item = Varchar(length=30)
    done_at = Timestamptz(null=True, default=None)
    done_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    note = Varchar(length=300, default="")
    # Unique (placement, item): a unique index made in a hand-written migration (Piccolo's composite
    # constraint DDL does not run on SQLite).
