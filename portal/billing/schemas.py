"""JSON shapes of the billing API. Money is integer cents; periods are "YYYY-MM". Input structs bound every
string and forbid unknown fields; the services validate the meaning."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec

from portal.cases.schemas import Page

Short = Annotated[str, msgspec.Meta(max_length=200)]
Tiny = Annotated[str, msgspec.Meta(max_length=40)]
Email = Annotated[str, msgspec.Meta(max_length=254)]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
Cents = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000_00)]

__all__ = ["Page"]


class AgreementOut(msgspec.Struct):
    id: int
    client_id: int
    status: str
    payer_relative_id: int | None
    payer_name: str
    payer_email: str
    monthly_fee_cents: int
    start_date: date
    end_date: date | None
    billing_day: int
    included_hours: int | None
    overage_rate_cents: int
    rollover_max_hours: int
    autopay: bool
    created_at: datetime | None = None
    updated_at: datetime | None = None


class AgreementCreate(msgspec.Struct, forbid_unknown_fields=True):
    client_id: Id
    monthly_fee_cents: Cents
    start_date: date
    payer_relative_id: Id | None = None
    payer_name: Short = ""
    payer_email: Email = ""
    end_date: date | None = None
    billing_day: Annotated[int, msgspec.Meta(ge=-1000, le=1000)] = 1
    included_hours: Annotated[int, msgspec.Meta(ge=-1000, le=100_000)] | None = None
    overage_rate_cents: Cents = 0
    rollover_max_hours: Annotated[int, msgspec.Meta(ge=-1000, le=100_000)] = 0
    autopay: bool = False


class InvoiceSummaryOut(msgspec.Struct):
    id: int
    number: int
    period: str
    client_id: int
    total_cents: int
    status: str
    balance_cents: int
    due_on: date | None


class InvoiceLineOut(msgspec.Struct):
    position: int
    kind: str
    description: str
    quantity: int
    unit_amount_cents: int
    amount_cents: int


class PaymentOut(msgspec.Struct):
    id: int
    invoice_id: int
    amount_cents: int
    method: str
    reference: str
    received_on: date
    refunded_cents: int


class CreditNoteOut(msgspec.Struct):
    id: int
    amount_cents: int
    reason: str
    created_at: datetime


class RefundOut(msgspec.Struct):
    id: int
    payment_id: int
    amount_cents: int
    reason: str
    created_at: datetime


class InvoiceOut(msgspec.Struct):
    id: int
    number: int
    period: str
    client_id: int
    agreement_id: int | None
    status: str
    payer_name: str
    payer_email: str
    issued_on: date | None
    due_on: date | None
    total_cents: int
    paid_cents: int
    refunded_cents: int
    credited_cents: int
    balance_cents: int
    lines: list[InvoiceLineOut]
    payments: list[PaymentOut]
    credit_notes: list[CreditNoteOut]
    refunds: list[RefundOut]


class PaymentCreate(msgspec.Struct, forbid_unknown_fields=True):
    """An offline payment: method is one of check, wire, ach, cash."""

    amount_cents: Annotated[int, msgspec.Meta(ge=-(2**62), le=2**62)]
    method: Tiny
    received_on: date
    reference: Annotated[str, msgspec.Meta(max_length=120)] = ""


class PaymentRecorded(msgspec.Struct):
    payment: PaymentOut
    invoice: InvoiceSummaryOut


class SkippedOut(msgspec.Struct):
    agreement_id: int
    client_id: int | None
    reason: str


class BillingRunOut(msgspec.Struct):
    id: int
    period: str
    status: str
    total: int
    done: int
    created: int
    existing: int
    skipped: list[SkippedOut]
    error: str
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class BillingRunCreate(msgspec.Struct, forbid_unknown_fields=True):
    period: Annotated[str, msgspec.Meta(max_length=20, description='A month, like "2026-11".')]


def skipped_out(items: list[dict[str, Any]]) -> list[SkippedOut]:
    return [
        SkippedOut(agreement_id=int(s["agreement"]), client_id=s.get("client"), reason=str(s.get("reason", "")))
        for s in items
    ]
