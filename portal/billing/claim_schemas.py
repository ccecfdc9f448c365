"""JSON shapes of the claim API. Money is integer cents; dates are ISO dates. Input structs bound every string and
forbid unknown fields; portal.billing.claims validates the meaning (and names each problem)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec

Cents = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000_00)]
ClaimNumber = Annotated[str, msgspec.Meta(max_length=60)]
Status = Annotated[str, msgspec.Meta(max_length=20)]
Note = Annotated[str, msgspec.Meta(max_length=500)]
Notes = Annotated[str, msgspec.Meta(max_length=2000)]


class ClaimStatusChangeOut(msgspec.Struct):
    status: str
    note: str
    changed_at: datetime


class ClaimAttachmentOut(msgspec.Struct):
    id: int
    description: str
    file_name: str


class ClaimOut(msgspec.Struct):
    id: int
    superbill_id: int
    client_id: int
    status: str
    status_label: str
    submitted_on: date | None
    claim_number: str
    allowed_cents: int | None
    reimbursed_cents: int | None
    filing_deadline: date
    reminder_sent_at: datetime | None
    notes: str
    history: list[ClaimStatusChangeOut]
    attachments: list[ClaimAttachmentOut]
    created_at: datetime
    updated_at: datetime


class ClaimList(msgspec.Struct):
    items: list[ClaimOut]
    total: int


class ClaimCreate(msgspec.Struct, forbid_unknown_fields=True):
    status: Status = "submitted"
    submitted_on: date | None = None
    claim_number: ClaimNumber = ""
    allowed_cents: Cents | None = None
    reimbursed_cents: Cents | None = None
    notes: Notes = ""
    note: Note = ""


class ClaimUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Only the fields sent change; a status change is kept in the claim's history (with `note`)."""

    status: Status | msgspec.UnsetType = msgspec.UNSET
    submitted_on: date | msgspec.UnsetType | None = msgspec.UNSET
    claim_number: ClaimNumber | msgspec.UnsetType = msgspec.UNSET
    allowed_cents: Cents | msgspec.UnsetType | None = msgspec.UNSET
    reimbursed_cents: Cents | msgspec.UnsetType | None = msgspec.UNSET
    notes: Notes | msgspec.UnsetType = msgspec.UNSET
    note: Note | msgspec.UnsetType = msgspec.UNSET


def given(struct: msgspec.Struct) -> dict[str, Any]:
    """The fields of an input struct that were sent (UNSET left out), for the services' checkers."""
    return {name: value for name, value in msgspec.structs.asdict(struct).items() if value is not msgspec.UNSET}
