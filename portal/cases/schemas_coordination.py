"""JSON shapes of the coordination API: notes, time entries, tasks and placements. Input structs bound every
string and id; the services check the meaning (choices, dates, who may be named) and name the field at fault."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from portal.cases.note_input import MAX_BODY_CHARS
from portal.cases.placements import MAX_PLAN_LENGTH
from portal.cases.schemas import Id, Short
from portal.cases.vocabulary import (
    ACTIVITIES,
    DISCHARGE_TYPES,
    LEVELS_OF_CARE,
    NOTE_KINDS,
    PLACEMENT_OUTCOMES,
    TASK_PRIORITIES,
)


def one_of(choices: Iterable[str], max_length: int = 40) -> msgspec.Meta:
    """A bounded string whose documentation lists the accepted codes (the service checks them)."""
    return msgspec.Meta(max_length=max_length, description="One of: " + ", ".join(choices) + ".")


NoteKind = Annotated[str, one_of(NOTE_KINDS)]
Activity = Annotated[str, one_of(ACTIVITIES)]
Priority = Annotated[str, one_of(TASK_PRIORITIES)]
LevelCode = Annotated[str, one_of(LEVELS_OF_CARE)]
DischargeType = Annotated[str, one_of(DISCHARGE_TYPES)]
Outcome = Annotated[str, one_of(PLACEMENT_OUTCOMES)]

Description = Annotated[str, msgspec.Meta(max_length=200)]
ChecklistNote = Annotated[str, msgspec.Meta(max_length=300)]
TaskDetails = Annotated[str, msgspec.Meta(max_length=10_000)]
NoteBody = Annotated[
    str,
    msgspec.Meta(max_length=MAX_BODY_CHARS, description="Plain text (blank lines make paragraphs) or simple HTML."),
]
PlanText = Annotated[str, msgspec.Meta(max_length=MAX_PLAN_LENGTH)]
LocalDateTime = Annotated[
    str,
    msgspec.Meta(
        max_length=40,
        description="When it happened: an ISO date and time, read in the practice's time zone when it has no "
        "offset (2025-03-10T14:30), or with an offset (2025-03-10T14:30-04:00).",
        examples=["2025-03-10T14:30"],
    ),
]


class PersonRef(msgspec.Struct):
    id: int
    name: str


# --------------------------------------------------------------------------- notes


class NotePartyRef(msgspec.Struct, forbid_unknown_fields=True):
    """Someone who took part: a care-team party (`party`) or a relative of the client (`relative`), by id."""

    kind: Literal["party", "relative"]
    id: Id


class NotePartyOut(msgspec.Struct):
    kind: str
    id: int
    name: str


class NoteSummaryOut(msgspec.Struct):
    id: int
    kind: str
    occurred_at: datetime
    minutes: int
    billable: bool
    activity: str
    subject: str
    excerpt: str
    shared: bool
    is_part2: bool
    signed_at: datetime | None
    author_name: str
    parties: list[NotePartyOut]
    attachment_count: int


class AddendumOut(msgspec.Struct):
    id: int
    author: PersonRef
    body_html: str
    created_at: datetime


class NoteAttachmentOut(msgspec.Struct):
    id: int
    name: str
    content_type: str
    size_bytes: int
    created_at: datetime
    url: str


class NoteShareOut(msgspec.Struct):
    id: int
    party_id: int
    party_name: str
    shared_at: datetime
    shared_by_name: str
    disclosure_id: int


class NoteOut(msgspec.Struct):
    id: int
    client_id: int
    kind: str
    occurred_at: datetime
    minutes: int
    billable: bool
    activity: str
    subject: str
    body_html: str
    body_text: str
    is_part2: bool
    shared: bool
    is_draft: bool
    signed_at: datetime | None
    editable: bool
    author: PersonRef
    parties: list[NotePartyOut]
    addenda: list[AddendumOut]
    attachments: list[NoteAttachmentOut]
    shares: list[NoteShareOut]
    time_entry_id: int | None
    created_at: datetime
    updated_at: datetime


class NoteCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: NoteKind
    occurred_at: LocalDateTime
    subject: Short
    minutes: int = 0
    billable: bool = False
    activity: Activity = ""
    body: NoteBody = ""
    parties: Annotated[list[NotePartyRef], msgspec.Meta(max_length=50)] = []
    is_part2: bool | None = None


class NotePatch(msgspec.Struct, forbid_unknown_fields=True):
    kind: NoteKind | msgspec.UnsetType = msgspec.UNSET
    occurred_at: LocalDateTime | msgspec.UnsetType = msgspec.UNSET
    subject: Short | msgspec.UnsetType = msgspec.UNSET
    minutes: int | msgspec.UnsetType = msgspec.UNSET
    billable: bool | msgspec.UnsetType = msgspec.UNSET
    activity: Activity | msgspec.UnsetType = msgspec.UNSET
    body: NoteBody | msgspec.UnsetType = msgspec.UNSET
    parties: Annotated[list[NotePartyRef], msgspec.Meta(max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    is_part2: bool | msgspec.UnsetType = msgspec.UNSET


class AddendumCreate(msgspec.Struct, forbid_unknown_fields=True):
    body: NoteBody


class NoteShareCreate(msgspec.Struct, forbid_unknown_fields=True):
    party_id: Id


# --------------------------------------------------------------------------- time entries


class TimeEntryOut(msgspec.Struct):
    id: int
    service_date: date
    minutes: int
    activity: str
    description: str
    billable: bool
    case_manager: PersonRef
    note_id: int | None
    changeable: bool
    created_at: datetime
    updated_at: datetime


class TimeEntryCreate(msgspec.Struct, forbid_unknown_fields=True):
    service_date: date
    minutes: int
    activity: Activity
    description: Description = ""
    billable: bool = True
    case_manager_id: Id | None = None


class TimeEntryPatch(msgspec.Struct, forbid_unknown_fields=True):
    service_date: date | msgspec.UnsetType = msgspec.UNSET
    minutes: int | msgspec.UnsetType = msgspec.UNSET
    activity: Activity | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    billable: bool | msgspec.UnsetType = msgspec.UNSET
    case_manager_id: Id | msgspec.UnsetType = msgspec.UNSET


# --------------------------------------------------------------------------- tasks


class TaskOut(msgspec.Struct):
    id: int
    title: str
    details: str
    due_on: date | None
    priority: str
    client_id: int | None
    client_name: str
    assignee: PersonRef
    done: bool
    done_at: datetime | None
    done_by_name: str | None
    overdue: bool
    created_at: datetime


class TaskCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Short
    details: TaskDetails = ""
    due_on: date | None = None
    priority: Priority = "normal"
    assignee_id: Id | None = None


class OwnTaskCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Short
    client_id: Id | None = None
    details: TaskDetails = ""
    due_on: date | None = None
    priority: Priority = "normal"
    assignee_id: Id | None = None


# --------------------------------------------------------------------------- placements


class ChecklistItemOut(msgspec.Struct):
    id: int
    item: str
    label: str
    done: bool
    done_at: datetime | None
    done_by_name: str | None
    note: str


class PlacementOut(msgspec.Struct):
    id: int
    program_name: str
    level_of_care: str
    level_label: str
    referred_on: date | None
    admitted_on: date | None
    expected_discharge_on: date | None
    discharged_on: date | None
    discharge_type: str
    step_down_level: str
    aftercare_plan: str
    outcome: str
    outcome_note: str
    status: str
    days_to_discharge: int | None
    checklist: list[ChecklistItemOut]
    created_at: datetime
    updated_at: datetime


class PlacementCreate(msgspec.Struct, forbid_unknown_fields=True):
    program_name: Short
    level_of_care: LevelCode
    referred_on: date | None = None
    admitted_on: date | None = None
    expected_discharge_on: date | None = None
    step_down_level: LevelCode = ""
    aftercare_plan: PlanText = ""
    discharged_on: date | None = None
    discharge_type: DischargeType = ""
    outcome: Outcome = ""
    outcome_note: PlanText = ""


class PlacementPatch(msgspec.Struct, forbid_unknown_fields=True):
    program_name: Short | msgspec.UnsetType = msgspec.UNSET
    level_of_care: LevelCode | msgspec.UnsetType = msgspec.UNSET
    referred_on: date | msgspec.UnsetType | None = msgspec.UNSET
    admitted_on: date | msgspec.UnsetType | None = msgspec.UNSET
    expected_discharge_on: date | msgspec.UnsetType | None = msgspec.UNSET
    step_down_level: LevelCode | msgspec.UnsetType = msgspec.UNSET
    aftercare_plan: PlanText | msgspec.UnsetType = msgspec.UNSET
    discharged_on: date | msgspec.UnsetType | None = msgspec.UNSET
    discharge_type: DischargeType | msgspec.UnsetType = msgspec.UNSET
    outcome: Outcome | msgspec.UnsetType = msgspec.UNSET
    outcome_note: PlanText | msgspec.UnsetType = msgspec.UNSET


class PlacementDischarge(msgspec.Struct, forbid_unknown_fields=True):
    discharged_on: date
    discharge_type: DischargeType
    outcome: Outcome
    outcome_note: PlanText = ""
    step_down_level: LevelCode | msgspec.UnsetType = msgspec.UNSET
    aftercare_plan: PlanText | msgspec.UnsetType = msgspec.UNSET


class ChecklistItemSet(msgspec.Struct, forbid_unknown_fields=True):
    done: bool
    note: ChecklistNote | msgspec.UnsetType = msgspec.UNSET
