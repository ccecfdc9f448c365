"""JSON shapes of the program API (one program, its credentials, vetting and availability). Input structs bound
every string; the services validate the meaning (vocabulary keys, dates, ranges)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from portal.network.vetting import STAFF_REASONS
from portal.network.vocabulary import CREDENTIAL_KINDS, DECISIONS

Short = Annotated[str, msgspec.Meta(max_length=200)]
Text300 = Annotated[str, msgspec.Meta(max_length=300)]
Long = Annotated[str, msgspec.Meta(max_length=20_000)]
Code = Annotated[str, msgspec.Meta(max_length=40)]
Codes = Annotated[list[Code], msgspec.Meta(max_length=60)]


def one_of(choices: dict[str, str]) -> msgspec.Meta:
    return msgspec.Meta(max_length=40, description="One of: " + ", ".join(choices) + ".")


class PersonRef(msgspec.Struct):
    id: int
    name: str


class ProgramOut(msgspec.Struct):
    id: int
    name: str
    program_name: str
    parent_company: str
    vetting_status: str
    vetting_status_label: str
    next_review_on: date | None
    phone_main: str
    phone_admissions: str
    phone_crisis: str
    website: str
    street1: str
    street2: str
    city: str
    state: str
    zip_code: str
    county: str
    latitude: float | None
    longitude: float | None
    samhsa_id: str | None
    npi: str
    program_types: list[str]
    levels_of_care: list[str]
    populations: list[str]
    genders: list[str]
    languages: list[str]
    conditions: list[str]
    approaches: list[str]
    payment: list[str]
    accreditations: list[str]
    age_min: int | None
    age_max: int | None
    length_of_stay: str
    beds: int | None
    psychiatry: str
    nursing: str
    academics: str
    exclusion_criteria: str
    exclusions: list[str]
    in_network_insurers: list[str]
    accepts_out_of_network: bool
    private_pay_cents: int | None
    private_pay_unit: str
    private_pay_includes: str
    source: str
    locally_edited: list[str]
    created_at: datetime
    updated_at: datetime


class CredentialOut(msgspec.Struct):
    id: int
    kind: str
    name: str
    number: str
    issuer: str
    expires_on: date | None
    state: str  # expired, expiring (within 60 days), current, no_expiry
    days_left: int | None
    verified_on: date | None
    verified_by: PersonRef | None
    source: str
    created_at: datetime


class CredentialCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[str, one_of(CREDENTIAL_KINDS)]
    name: Short
    number: Annotated[str, msgspec.Meta(max_length=100)] = ""
    issuer: Short = ""
    expires_on: date | None = None
    verified_on: date | None = None
    source: Text300 = ""


class DeskCheckOut(msgspec.Struct):
    id: int
    check: str
    result: str
    evidence: str
    evidence_file_name: str | None
    checked_by: PersonRef | None
    checked_at: datetime


class SiteVisitOut(msgspec.Struct):
    id: int
    review_id: int | None
    visited_on: date
    visitor: PersonRef | None
    mode: str
    hours: int
    checklist: dict[str, str]
    notes: str
    photo_count: int


class DecisionOut(msgspec.Struct):
    id: int
    review_id: int | None
    decision: str
    levels: list[str]
    populations: list[str]
    conditions: list[str]
    rationale: str
    next_review_on: date | None
    decided_by: PersonRef | None
    decided_at: datetime


class ReviewOut(msgspec.Struct):
    id: int
    reason: str
    intake_source: str
    stage: str
    opened_by: PersonRef | None
    opened_at: datetime
    closed_at: datetime | None
    desk_checks: list[DeskCheckOut]
    site_visits: list[SiteVisitOut]
    decisions: list[DecisionOut]


class IncidentOut(msgspec.Struct):
    id: int
    kind: str
    occurred_on: date
    description: str
    reported_by: PersonRef | None
    created_at: datetime


class VettingOut(msgspec.Struct):
    program_id: int
    vetting_status: str
    next_review_on: date | None
    reviews: list[ReviewOut]  # newest first
    incidents: list[IncidentOut]  # newest first


class ReviewCreate(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, one_of(STAFF_REASONS)] = "initial"
    intake_source: Text300 = ""


class DecisionCreate(msgspec.Struct, forbid_unknown_fields=True):
    decision: Annotated[str, one_of(DECISIONS)]
    rationale: Long
    levels: Codes = msgspec.field(default_factory=list)
    populations: Codes = msgspec.field(default_factory=list)
    conditions: Codes = msgspec.field(default_factory=list)
    next_review_on: date | None = None


class AvailabilityOut(msgspec.Struct):
    id: int
    observed_on: date
    beds_available: int | None
    waitlist_days: int | None
    note: str
    observed_by: PersonRef | None
    created_at: datetime


class AvailabilityCreate(msgspec.Struct, forbid_unknown_fields=True):
    observed_on: date
    beds_available: Annotated[int, msgspec.Meta(ge=0, le=10_000)] | None = None
    waitlist_days: Annotated[int, msgspec.Meta(ge=0, le=3_650)] | None = None
    note: Text300 = ""
