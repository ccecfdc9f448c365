"""JSON shapes of the cases API. Input structs bound every string; services validate the meaning."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

import msgspec

Short = Annotated[str, msgspec.Meta(max_length=200)]
Tiny = Annotated[str, msgspec.Meta(max_length=40)]
Long = Annotated[str, msgspec.Meta(max_length=100_000)]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int


class CaseManagerRef(msgspec.Struct):
    id: int
    name: str


class ClientOut(msgspec.Struct):
    id: int
    legal_name: str
    preferred_name: str
    status: str
    date_of_birth: date | None = None
    sex: str = "unknown"
    pronouns: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    has_part2_records: bool = False
    recommended_level: str = ""
    primary_case_manager: CaseManagerRef | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ClientCreate(msgspec.Struct, forbid_unknown_fields=True):
    legal_name: Short
    preferred_name: Short = ""
    date_of_birth: date | None = None
    sex: Tiny = "unknown"
    pronouns: Tiny = ""
    email: Annotated[str, msgspec.Meta(max_length=254)] = ""
    phone: Tiny = ""
    street: Short = ""
    city: Short = ""
    state: Tiny = ""
    zip_code: Tiny = ""
    status: Tiny = "intake"
    has_part2_records: bool = False
    recommended_level: Tiny = ""
    primary_case_manager_id: Id | None = None


class ClientPatch(msgspec.Struct, forbid_unknown_fields=True):
    legal_name: Short | msgspec.UnsetType = msgspec.UNSET
    preferred_name: Short | msgspec.UnsetType = msgspec.UNSET
    date_of_birth: date | msgspec.UnsetType | None = msgspec.UNSET
    sex: Tiny | msgspec.UnsetType = msgspec.UNSET
    pronouns: Tiny | msgspec.UnsetType = msgspec.UNSET
    email: Annotated[str, msgspec.Meta(max_length=254)] | msgspec.UnsetType = msgspec.UNSET
    phone: Tiny | msgspec.UnsetType = msgspec.UNSET
    street: Short | msgspec.UnsetType = msgspec.UNSET
    city: Short | msgspec.UnsetType = msgspec.UNSET
    state: Tiny | msgspec.UnsetType = msgspec.UNSET
    zip_code: Tiny | msgspec.UnsetType = msgspec.UNSET
    status: Tiny | msgspec.UnsetType = msgspec.UNSET
    has_part2_records: bool | msgspec.UnsetType = msgspec.UNSET
    recommended_level: Tiny | msgspec.UnsetType = msgspec.UNSET


def provided(struct: msgspec.Struct) -> dict[str, Any]:
    """The fields a client actually sent (UNSET ones left out)."""
    return {
        name: getattr(struct, name) for name in struct.__struct_fields__ if getattr(struct, name) is not msgspec.UNSET
    }


class CareTeamMemberOut(msgspec.Struct):
    id: int
    party_id: int
    name: str
    party_type: str
    organisation: str
    credentials: str
    role: str
    email: str
    phone: str
    npi: str
    is_health_care_provider: bool
    started_on: date | None
    ended_on: date | None


class CareTeamMemberCreate(msgspec.Struct, forbid_unknown_fields=True):
    party_id: Id | None = None
    role: Annotated[str, msgspec.Meta(max_length=120)] = ""
    started_on: date | None = None
    name: Short = ""
    party_type: Tiny = ""
    organisation: Short = ""
    credentials: Annotated[str, msgspec.Meta(max_length=100)] = ""
    email: Annotated[str, msgspec.Meta(max_length=254)] = ""
    phone: Tiny = ""
    fax: Tiny = ""
    address: Annotated[str, msgspec.Meta(max_length=300)] = ""
    npi: Tiny = ""
    is_organisation: bool = False


class ConsentOut(msgspec.Struct):
    id: int
    recipient_type: str
    recipient: str
    recipient_party_id: int | None
    recipient_relative_id: int | None
    categories: list[str]
    purposes: list[str]
    effective_on: date
    expires_on: date | None
    until_revoked: bool
    covers_part2: bool
    signed_by_name: str
    signer_capacity: str
    signed_on: date
    status: str
    revoked_at: datetime | None


Category = Annotated[str, msgspec.Meta(max_length=40)]


class ConsentCreate(msgspec.Struct, forbid_unknown_fields=True):
    recipient_type: Tiny
    categories: Annotated[list[Category], msgspec.Meta(max_length=20)]
    purposes: Annotated[list[Category], msgspec.Meta(max_length=20)]
    effective_on: date
    signed_by_name: Short
    signed_on: date
    esignature_name: Short
    recipient_party: Id | None = None
    recipient_relative: Id | None = None
    recipient_class: Short = ""
    expires_on: date | None = None
    until_revoked: bool = False
    covers_part2: bool = False
    jurisdiction: Tiny = ""
    signer_capacity: Tiny = "self"


class ConsentRevoke(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=300)] = ""


class DisclosureOut(msgspec.Struct):
    id: int
    disclosed_at: datetime
    recipient_type: str
    recipient: str
    categories: list[str]
    purpose: str
    basis: str
    consent_id: int | None
    includes_part2: bool
    resource_type: str
    resource_id: str
