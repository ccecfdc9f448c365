"""JSON shapes of the update endpoints: the relative's feed and the practice's drafts, preview and publishing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from portal.cases.schemas import Id, Short, Tiny

Body = Annotated[str, msgspec.Meta(max_length=20_000)]


# --------------------------------------------------------------------------- relatives


class FamilyUpdateItem(msgspec.Struct):
    id: int
    client_id: int
    title: str
    published_at: datetime
    read: bool
    is_follow_up: bool = False
    attachments: int = 0


class AttachmentOut(msgspec.Struct):
    id: int
    name: str
    content_type: str
    size_bytes: int
    download_url: str


class UpdateRef(msgspec.Struct):
    id: int
    title: str
    published_at: datetime | None


class FamilyUpdateOut(msgspec.Struct):
    id: int
    client_id: int
    title: str
    body_html: str
    body_text: str
    published_at: datetime
    read_at: datetime
    attachments: list[AttachmentOut]
    follows_up: UpdateRef | None = None  # only when this relative received the update it follows up
    follow_ups: list[UpdateRef] = []
    part2_notice: str | None = None
    consent_summary: str | None = None


# --------------------------------------------------------------------------- staff


class UpdateCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: Short
    body: Body
    # Consent categories besides family_communication (always included): placements, substance_use_records …
    categories: Annotated[list[Tiny], msgspec.Meta(max_length=20)] = []
    # Relatives to send it to; empty means every relative with access to updates when it is published.
    relative_ids: Annotated[list[Id], msgspec.Meta(max_length=100)] = []
    follows_up_id: Id | None = None
    started_from_note_id: Id | None = None


class UpdatePatch(msgspec.Struct, forbid_unknown_fields=True):
    title: Short | msgspec.UnsetType = msgspec.UNSET
    body: Body | msgspec.UnsetType = msgspec.UNSET
    categories: Annotated[list[Tiny], msgspec.Meta(max_length=20)] | msgspec.UnsetType = msgspec.UNSET
    relative_ids: Annotated[list[Id], msgspec.Meta(max_length=100)] | msgspec.UnsetType = msgspec.UNSET


class UpdateListItem(msgspec.Struct):
    id: int
    title: str
    status: str
    categories: list[str]
    updated_at: datetime
    published_at: datetime | None
    follows_up_id: int | None
    recipients: int
    read: int


class ReceiptOut(msgspec.Struct):
    relative_id: int
    name: str
    delivered_at: datetime
    read_at: datetime | None


class OutcomeOut(msgspec.Struct):
    relative_id: int
    name: str
    # "" when the relative receives it; otherwise suspended, no_access, updates_off, not_selected, or the consent
    # gate's reason (no_consent, recipient_not_named, category_not_covered, expired, revoked …).
    reason: str
    message: str


class UpdateOut(msgspec.Struct):
    id: int
    client_id: int
    title: str
    body_html: str
    status: str
    categories: list[str]
    relative_ids: list[int]
    follows_up_id: int | None
    started_from_note_id: int | None
    author: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    attachments: list[AttachmentOut]
    receipts: list[ReceiptOut]  # published: who received it and when they read it
    preview: list[OutcomeOut]  # draft: what publishing would do now, for every relative


class PublishOut(msgspec.Struct):
    update: UpdateOut
    received: list[OutcomeOut]
    not_received: list[OutcomeOut]
