"""Superbills built from retainers (DOMAIN §2): the month's billable time becomes dated, coded, timed lines, the
month's payment is allocated to them, every field an insurer checks is validated, and an issued superbill is
frozen with a gapless statement number.

Building (pure reads; a preview stores nothing):
- Lines come from the client's billable time entries of the period. Each entry's activity maps to a service code
  of the catalogue (`portal.billing.catalogue`); entries are summed per date, code (with its modifiers) and
  rendering clinician — one line per date and code when one clinician worked — and units come from the code's
  unit rule (`portal.billing.units`). Per-month codes give one line per month, dated on its last date of service.
  Groups whose minutes earn no unit (7 minutes under the 8-minute rule) are left off and listed in `notes`.
- Diagnoses: the client's current ICD-10-CM diagnoses, primary first, at most 12 (letters A–L); every line points
  to the first four (primary first).
- Payment: the period's issued invoices must all be paid in full. The amount available for services is what
  was paid on them, net of refunds, less pass-through expenses billed on them (not services).
- Allocation rule (insurers need amount paid = total charge and a zero balance): when the payment is less than
  the lines' charges at full rate (the usual case — a retainer buys time at a discount), each line's charge is
  its pro-rata share of the payment, in cents, by largest remainder (so the shares add up exactly and no line
  exceeds its full-rate charge), and it is paid in full. When the payment is more than the full-rate charges,
  the lines keep their full rate, are paid in full, and the rest of the payment is named in `notes` as retainer
  time an insurer is not billed for. Either way total charge = amount paid and the balance is zero.
- The preview's `problems` name every validation failure (`portal.billing.superbill_validation`).

Issuing takes the next statement number from `statement_counter` in the same transaction as the superbill, its
lines, its snapshot (every printed field, frozen) and its audit event, so numbers are sequential and never
reused. The PDF is rendered after that transaction (a render holds no lock), stored as a StoredFile and linked;
if that step is ever interrupted, the first download renders it from the snapshot and links it.

Nothing of a note or of a time entry's description is read here: only dates, minutes, activities and who.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from portal.audit import services as audit
from portal.billing.catalogue import ensure_default_catalogue
from portal.billing.invoicing import balance_of
from portal.billing.money import Period
from portal.billing.tables import (
    BillingProfile,
    ClientInsurance,
    ClinicianProfile,
    Invoice,
    InvoiceLine,
    Payment,
    RetainerAgreement,
    ServiceCode,
    StatementCounter,
    Superbill,
)
from portal.billing.tables import SuperbillLine as SuperbillLineRow
from portal.billing.units import CodeRule, Entry, lines_from_entries
from portal.cases.clients import not_archived
from portal.cases.tables import Client, Diagnosis, TimeEntry
from portal.cases.vocabulary import ACTIVITIES
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import is_unique_violation, read_snapshot, write_transaction
from portal.errors import DomainError, NotFound
from portal.policy import MAX_ROW_ID, Action, Principal, Role, can, require
from portal.templating import money

LETTERS = "ABCDEFGHIJKL"
MAX_POINTERS = 4
SNAPSHOT_VERSION = 1


class SuperbillRefused(DomainError):
    """A superbill that cannot be issued, with every reason in plain words."""

    status_code = 422

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("This superbill cannot be issued: " + " ".join(self.problems))


class SuperbillAlreadyIssued(SuperbillRefused):
    status_code = 409

    def __init__(self, superbill_id: int, statement_number: int, period_label: str) -> None:
        self.superbill_id = superbill_id
        self.statement_number = statement_number
        super().__init__(
            [f"The superbill for {period_label} was already issued (statement number {statement_number})."]
        )


@dataclass(frozen=True)
class PreviewLine:
    service_date: date
    place_of_service: str
    code: str
    modifiers: list[str]
    description: str
    diagnosis_pointers: str
    units: int
    minutes: int
    charge_cents: int  # box 24F: the line's share of the payment (or its full rate when paid beyond it)
    paid_cents: int
    full_rate_cents: int  # units × the catalogue's rate per unit
    rendering_npi: str = ""
    clinician_id: int | None = None


@dataclass(frozen=True)
class DiagnosisEntry:
    letter: str
    code: str
    description: str


@dataclass(frozen=True)
class PaymentEntry:
    received_on: date
    amount_cents: int


@dataclass
class SuperbillPreview:
    client_id: int
    period: str
    period_label: str
    practice: dict[str, Any]
    clinician: dict[str, Any]
    patient: dict[str, Any]
    insured: dict[str, Any]
    diagnoses: list[DiagnosisEntry]
    lines: list[PreviewLine]
    payments: list[PaymentEntry]
    total_charge_cents: int
    total_paid_cents: int
    full_rate_cents: int
    paid_in_full: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    invoice_id: int | None = None
    issued_id: int | None = None
    issued_number: int | None = None

    @property
    def balance_cents(self) -> int:
        return self.total_charge_cents - self.total_paid_cents

    @property
    def totals(self) -> dict[str, int]:
        return {
            "charge_cents": self.total_charge_cents,
            "paid_cents": self.total_paid_cents,
            "balance_cents": self.balance_cents,
        }

    @property
    def can_issue(self) -> bool:
        return not self.problems and self.issued_id is None

    def snapshot(self, *, statement_number: int, issued_on: date) -> dict[str, Any]:
        """Every printed field, JSON-ready (dates as ISO strings), frozen when the superbill is issued."""
        return _jsonable(
            {
                "version": SNAPSHOT_VERSION,
                "statement_number": statement_number,
                "issued_on": issued_on,
                "period": self.period,
                "period_label": self.period_label,
                "accept_assignment": False,
                "practice": self.practice,
                "clinician": self.clinician,
                "patient": self.patient,
                "insured": self.insured,
                "diagnoses": [asdict(d) for d in self.diagnoses],
                "lines": [
                    {
                        **{k: v for k, v in asdict(line).items() if k not in {"modifiers", "clinician_id"}},
                        "modifiers": line.modifiers,
                    }
                    for line in self.lines
                ],
                "payments": [asdict(p) for p in self.payments],
                "totals": self.totals,
            }
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# --------------------------------------------------------------------------- allocation


def allocate(charges: list[int], payment: int) -> list[int]:
    """Split `payment` cents over lines with these full-rate `charges`: pro rata, by largest remainder (ties to
    the earlier line). The shares add up to min(payment, sum(charges)) exactly and no share exceeds its charge."""
    if any(charge < 0 for charge in charges) or payment < 0:
        raise ValueError("Charges and payments are never negative.")
    total = sum(charges)
    if payment >= total:
        return list(charges)
    shares = [payment * charge // total for charge in charges]
    remainders = [payment * charge % total for charge in charges]
    left = payment - sum(shares)
    for index in sorted(range(len(charges)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return shares


# --------------------------------------------------------------------------- building


def parse_period(period: str) -> Period:
    try:
        return Period.parse(str(period))
    except ValueError as exc:
        from portal.errors import Invalid

        raise Invalid(period=str(exc)) from None


async def _practice() -> dict[str, Any]:
    practice = await get_practice()
    row = await BillingProfile.select().order_by(BillingProfile.id).first() or {}
    return {
        "name": practice.name,
        "legal_name": row.get("legal_name") or practice.name,
        "street": row.get("street", ""),
        "city": row.get("city", ""),
        "state": row.get("state", ""),
        "zip_code": row.get("zip_code", ""),
        "phone": row.get("phone", ""),
        "tax_id": row.get("tax_id", ""),
        "tax_id_type": row.get("tax_id_type") or "ein",
        "npi": row.get("npi", ""),
        "taxonomy_code": row.get("taxonomy_code", ""),
        "time_zone": practice.time_zone,
    }


async def _clinicians(user_ids: set[int]) -> dict[int, dict[str, Any]]:
    from portal.accounts.tables import User

    if not user_ids:
        return {}
    ids = list(user_ids)
    users = {row["id"]: row["name"] for row in await User.select(User.id, User.name).where(User.id.is_in(ids))}
    profiles = {
        row["user"]: row for row in await ClinicianProfile.select().where(ClinicianProfile.user.is_in(list(user_ids)))
    }
    result: dict[int, dict[str, Any]] = {}
    for user_id in user_ids:
        profile = profiles.get(user_id)
        result[user_id] = {
            "user_id": user_id,
            "profile": profile is not None,
            "display_name": (profile["display_name"] if profile else "") or users.get(user_id, ""),
            "credentials": profile["credentials"] if profile else "",
            "npi": profile["npi"] if profile else "",
            "license_number": profile["license_number"] if profile else "",
            "license_state": profile["license_state"] if profile else "",
            "taxonomy_code": profile["taxonomy_code"] if profile else "",
            "signature_file_id": profile["signature"] if profile else None,
        }
    return result


def _unpaid(invoice: dict[str, Any]) -> int:
    """What is still owed on an invoice; an uncollectible one was written off, not paid, so it counts as owed."""
    if invoice["status"] == "uncollectible":
        return int(
            invoice["total_cents"] - invoice["paid_cents"] + invoice["refunded_cents"] - invoice["credited_cents"]
        )
    return balance_of(invoice)


async def build_preview(client_id: int, period_text: str) -> SuperbillPreview:
    """The superbill as it would be issued now (no permission check, no audit: callers do both)."""
    from portal.billing import superbill_validation as checks

    period = parse_period(period_text)
    client = await Client.select().where(Client.id == client_id).first()
    if client is None:
        raise NotFound("No such client.")
    await ensure_default_catalogue()
    practice = await _practice()
    insurance = await ClientInsurance.select().where(ClientInsurance.client == client_id).first()
    diagnosis_rows = (
        await Diagnosis.select(Diagnosis.code, Diagnosis.description, Diagnosis.is_primary)
        .where((Diagnosis.client == client_id) & Diagnosis.removed_at.is_null())
        .order_by(Diagnosis.is_primary, ascending=False)
        .order_by(Diagnosis.diagnosed_on, Diagnosis.id)
    )
    entries = await TimeEntry.select(
        TimeEntry.service_date, TimeEntry.minutes, TimeEntry.activity, TimeEntry.case_manager
    ).where(
        (TimeEntry.client == client_id)
        & (TimeEntry.billable == True)  # noqa: E712 (a column comparison)
        & (TimeEntry.service_date >= period.first_day)
        & (TimeEntry.service_date <= period.last_day)
    )
    codes = {row["activity"]: row for row in await ServiceCode.select() if row["active"]}
    invoices = await Invoice.select().where(
        (Invoice.client == client_id) & (Invoice.period == str(period)) & Invoice.status.not_in(["draft", "void"])
    )
    invoice_ids = [row["id"] for row in invoices]
    payments = (
        await Payment.select(Payment.received_on, Payment.amount_cents, Payment.refunded_cents)
        .where(Payment.invoice.is_in(invoice_ids))
        .order_by(Payment.received_on, Payment.id)
        if invoice_ids
        else []
    )
    expenses = (
        await InvoiceLine.select(InvoiceLine.amount_cents).where(
            InvoiceLine.invoice.is_in(invoice_ids) & (InvoiceLine.kind == "expense")
        )
        if invoice_ids
        else []
    )
    issued = (
        await Superbill.select(Superbill.id, Superbill.statement_number)
        .where((Superbill.client == client_id) & (Superbill.period == str(period)) & (Superbill.status == "issued"))
        .first()
    )

    notes: list[str] = []
    # Time entries → lines.
    unmapped: dict[str, int] = {}
    unit_entries: list[Entry] = []
    rules: dict[str, CodeRule] = {}
    code_rows: dict[str, dict[str, Any]] = {}
    for entry in entries:
        code = codes.get(entry["activity"])
        if code is None:
            unmapped[entry["activity"]] = unmapped.get(entry["activity"], 0) + int(entry["minutes"])
            continue
        key = f"{code['code']}|{code['modifiers']}"
        rules.setdefault(key, CodeRule(code["unit_rule"], int(code["unit_minutes"]), int(code["minimum_minutes"])))
        code_rows.setdefault(key, code)
        unit_entries.append(Entry(entry["service_date"], int(entry["minutes"]), key, int(entry["case_manager"])))
    for activity, minutes in sorted(unmapped.items()):
        label = ACTIVITIES.get(activity, activity)
        notes.append(f"{minutes} min of {label.lower()} have no active service code and are left off.")
    kept, dropped = lines_from_entries(unit_entries, rules)
    for group in dropped:
        code = code_rows[group.code_key]
        notes.append(
            f"{group.minutes} min of {code['code']} on {group.service_date:%b %-d} earn no unit and are left off."
        )

    diagnoses = [
        DiagnosisEntry(LETTERS[index], row["code"], row["description"]) for index, row in enumerate(diagnosis_rows[:12])
    ]
    if len(diagnosis_rows) > 12:
        notes.append("Only the first 12 diagnoses fit on a superbill (box 21).")
    pointers = "".join(d.letter for d in diagnoses[:MAX_POINTERS])

    clinician_ids = {line.clinician for line in kept}
    clinicians = await _clinicians(clinician_ids)
    minutes_by_clinician: dict[int, int] = {}
    for line in kept:
        minutes_by_clinician[line.clinician] = minutes_by_clinician.get(line.clinician, 0) + line.minutes
    signer = max(minutes_by_clinician, key=lambda who: (minutes_by_clinician[who], -who), default=None)

    # Payment.
    net_paid = sum(int(p["amount_cents"]) - int(p["refunded_cents"]) for p in payments)
    services_paid = max(net_paid - sum(int(row["amount_cents"]) for row in expenses), 0)
    period_label = period.label
    paid_in_full, unpaid_reason = True, ""
    if not invoices:
        paid_in_full, unpaid_reason = False, f"No invoice for {period_label} has been issued, so nothing is paid yet."
    else:
        due = [row for row in invoices if _unpaid(row) > 0]
        if due:
            amount = sum(_unpaid(row) for row in due)
            paid_in_full = False
            unpaid_reason = (
                f"{period_label} is not paid in full: {money(amount)} is still due on invoice "
                f"{', '.join(str(row['number']) for row in due)}. A superbill needs proof of payment and no balance."
            )
        elif services_paid <= 0:
            paid_in_full, unpaid_reason = False, f"Nothing was paid for services in {period_label}."

    full_rates = [line.units * int(code_rows[line.code_key]["charge_cents"]) for line in kept]
    full_total = sum(full_rates)
    if paid_in_full:
        shares = allocate(full_rates, services_paid)
        if services_paid > full_total and full_total > 0:
            notes.append(
                f"Of {money(services_paid)} paid, {money(full_total)} covers the coded services at full rate; "
                "the rest pays for retainer time that is not billed to an insurer."
            )
        charges, paid = shares, shares
    else:
        charges, paid = full_rates, [0] * len(kept)

    lines = []
    for index, line in enumerate(kept):
        code = code_rows[line.code_key]
        lines.append(
            PreviewLine(
                service_date=line.service_date,
                place_of_service=code["place_of_service"] or "",
                code=code["code"],
                modifiers=[m for m in (code["modifiers"] or "").split(",") if m][:4],
                description=code["description"],
                diagnosis_pointers=pointers,
                units=line.units,
                minutes=line.minutes,
                charge_cents=charges[index],
                paid_cents=paid[index],
                full_rate_cents=full_rates[index],
                rendering_npi=clinicians.get(line.clinician, {}).get("npi", ""),
                clinician_id=line.clinician,
            )
        )

    address = {k: client[k] for k in ("street", "city", "state", "zip_code")}
    patient = {
        "name": client["legal_name"],
        "date_of_birth": client["date_of_birth"],
        "sex": client["sex"],
        **address,
    }
    insured = {
        "plan_name": insurance["plan_name"] if insurance else "",
        "plan_type": insurance["plan_type"] if insurance else "",
        "member_id": insurance["member_id"] if insurance else "",
        "group_number": insurance["group_number"] if insurance else "",
        "patient_name_on_card": insurance["patient_name_on_card"] if insurance else "",
        "subscriber_name": (insurance["subscriber_name"] if insurance else "") or client["legal_name"],
        "subscriber_date_of_birth": insurance["subscriber_date_of_birth"] if insurance else None,
        "subscriber_relationship": insurance["subscriber_relationship"] if insurance else "self",
        "claims_address": insurance["claims_address"] if insurance else "",
        "timely_filing_days": insurance["timely_filing_days"] if insurance else None,
    }
    signing = dict(clinicians[signer]) if signer is not None else {}
    signing.pop("profile", None)
    total_charge = sum(line.charge_cents for line in lines)
    total_paid = sum(line.paid_cents for line in lines)

    problems: list[str] = []
    problems += checks.check_provider(practice, [clinicians[who] for who in sorted(clinician_ids)])
    problems += checks.check_patient(patient, insurance)
    problems += checks.check_diagnoses([asdict(d) for d in diagnoses])
    problems += checks.check_lines([asdict(line) for line in lines])
    problems += checks.check_totals(total_charge, total_paid, paid_in_full=paid_in_full, reason=unpaid_reason)
    if issued is not None:
        notes.insert(0, f"Already issued as statement number {issued['statement_number']}.")

    practice_out = {k: v for k, v in practice.items() if k != "time_zone"}
    return SuperbillPreview(
        client_id=client_id,
        period=str(period),
        period_label=period_label,
        practice=practice_out,
        clinician=signing,
        patient=patient,
        insured=insured,
        diagnoses=diagnoses,
        lines=lines,
        payments=[
            PaymentEntry(p["received_on"], int(p["amount_cents"]) - int(p["refunded_cents"]))
            for p in payments
            if int(p["amount_cents"]) - int(p["refunded_cents"]) > 0
        ],
        total_charge_cents=total_charge,
        total_paid_cents=total_paid,
        full_rate_cents=full_total,
        paid_in_full=paid_in_full,
        problems=problems,
        notes=notes,
        invoice_id=invoice_ids[0] if invoice_ids else None,
        issued_id=issued["id"] if issued else None,
        issued_number=issued["statement_number"] if issued else None,
    )


# --------------------------------------------------------------------------- the public functions


async def _client_exists(client_id: int) -> None:
    if (
        not isinstance(client_id, int)
        or not 0 < client_id <= MAX_ROW_ID
        or not await Client.exists().where((Client.id == client_id) & not_archived())
    ):
        raise NotFound("No such client.")


async def preview_superbill(principal: Principal, client_id: int, period: str) -> SuperbillPreview:
    require(principal, Action.SUPERBILLS_READ)
    await _client_exists(client_id)
    preview = await build_preview(client_id, period)
    await audit.record(
        principal,
        "superbill.preview",
        resource_type="client",
        resource_id=client_id,
        client_id=client_id,
        detail={"period": preview.period},
    )
    return preview


async def _take_statement_number() -> int:
    """Inside the caller's transaction: the counter row stays locked until it ends, so numbers have no gaps."""
    rows = await StatementCounter.raw(
        "UPDATE statement_counter SET last_number = last_number + 1 WHERE id = 1 RETURNING last_number"
    )
    if not rows:
        raise RuntimeError("The statement counter row is missing: run `portal migrate`.")
    return int(rows[0]["last_number"])


async def issue_superbill(principal: Principal, client_id: int, period: str) -> int:
    """Validate, number, store and audit the superbill of (client, period); returns its id. Raises
    SuperbillRefused with every problem, or SuperbillAlreadyIssued when it exists (never a duplicate)."""
    require(principal, Action.SUPERBILLS_WRITE)
    await ensure_default_catalogue()  # may write: before the read snapshot, which must stay read-only
    async with read_snapshot():
        await _client_exists(client_id)
        preview = await build_preview(client_id, period)
        practice = await get_practice()
    if preview.issued_id is not None and preview.issued_number is not None:
        raise SuperbillAlreadyIssued(preview.issued_id, preview.issued_number, preview.period_label)
    if preview.problems:
        await audit.record(
            principal,
            "superbill.refused",
            resource_type="client",
            resource_id=client_id,
            client_id=client_id,
            detail={"period": preview.period, "problems": len(preview.problems)},
        )
        raise SuperbillRefused(preview.problems)
    issued_on = local_today(str(practice.time_zone))
    try:
        async with write_transaction():
            number = await _take_statement_number()
            snapshot = preview.snapshot(statement_number=number, issued_on=issued_on)
            rows = await Superbill.insert(
                Superbill(
                    client=client_id,
                    period=preview.period,
                    statement_number=number,
                    status="issued",
                    invoice=preview.invoice_id,
                    clinician=preview.clinician.get("user_id"),
                    issued_on=issued_on,
                    total_charge_cents=preview.total_charge_cents,
                    total_paid_cents=preview.total_paid_cents,
                    snapshot=snapshot,
                    issued_by=principal.user_id,
                    created_at=utcnow(),
                )
            ).returning(Superbill.id)
            superbill_id = int(rows[0]["id"])
            await SuperbillLineRow.insert(
                *[
                    SuperbillLineRow(
                        superbill=superbill_id,
                        position=position,
                        service_date=line.service_date,
                        place_of_service=line.place_of_service,
                        code=line.code,
                        modifiers=",".join(line.modifiers),
                        description=line.description,
                        diagnosis_pointers=line.diagnosis_pointers,
                        units=line.units,
                        minutes=line.minutes,
                        charge_cents=line.charge_cents,
                        paid_cents=line.paid_cents,
                    )
                    for position, line in enumerate(preview.lines)
                ]
            )
            await audit.record(
                principal,
                "superbill.issue",
                resource_type="superbill",
                resource_id=superbill_id,
                client_id=client_id,
                detail={"number": number, "period": preview.period},
            )
    except Exception as exc:
        if is_unique_violation(exc):
            existing = (
                await Superbill.select(Superbill.id, Superbill.statement_number)
                .where((Superbill.client == client_id) & (Superbill.period == preview.period))
                .where(Superbill.status == "issued")
                .first()
            )
            if existing is not None:
                raise SuperbillAlreadyIssued(
                    existing["id"], existing["statement_number"], preview.period_label
                ) from None
        raise
    await _render_and_store(superbill_id, snapshot, uploaded_by=principal.user_id)
    return superbill_id


def load_snapshot(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        loaded = json.loads(value or "{}")
        return loaded if isinstance(loaded, dict) else {}
    return dict(value or {})


async def _render_and_store(superbill_id: int, snapshot: dict[str, Any], *, uploaded_by: int | None) -> bytes:
    from portal.billing.superbill_pdf import render_superbill
    from portal.files.services import store_bytes

    data = await render_superbill(snapshot)
    info = await store_bytes(
        data, f"superbill-{snapshot['statement_number']}.pdf", "application/pdf", uploaded_by=uploaded_by
    )
    async with write_transaction():
        await Superbill.update({Superbill.pdf: info.id}).where((Superbill.id == superbill_id) & Superbill.pdf.is_null())
    return data


async def _readable(principal: Principal, superbill_id: int) -> dict[str, Any]:
    """The superbill row if this person may read it: billing staff and the owner; a family member only when they
    are the payer of the period's invoice with billing access past the consent gate. Else NotFound."""
    if not isinstance(superbill_id, int) or not 0 < superbill_id <= MAX_ROW_ID:
        raise NotFound("No such superbill.")
    row = await Superbill.select().where(Superbill.id == superbill_id).first()
    if can(principal, Action.SUPERBILLS_READ):
        if row is None:
            raise NotFound("No such superbill.")
        return row
    if principal.role == Role.FAMILY and row is not None and row["invoice"] is not None and row["status"] == "issued":
        from portal.billing.family import _payer_link

        invoice = (
            await Invoice.select(Invoice.id, Invoice.client, Invoice.payer_relative, Invoice.status)
            .where(Invoice.id == row["invoice"])
            .first()
        )
        if invoice is not None:
            await _payer_link(principal, invoice, superbill_id)
            return row
    if principal.role == Role.FAMILY:
        raise NotFound("No such superbill.")
    require(principal, Action.SUPERBILLS_READ)
    raise NotFound("No such superbill.")


async def superbill_pdf_bytes(principal: Principal, superbill_id: int) -> bytes:
    row = await _readable(principal, superbill_id)
    await audit.record(
        principal,
        "superbill.pdf",
        resource_type="superbill",
        resource_id=superbill_id,
        client_id=row["client"],
    )
    if row["pdf"] is not None:
        from portal.files.services import get_info, read_bytes

        return await read_bytes(await get_info(row["pdf"]))
    return await _render_and_store(superbill_id, load_snapshot(row["snapshot"]), uploaded_by=None)


def superbill_document(row: dict[str, Any]) -> dict[str, Any]:
    """The superbill as JSON: the frozen snapshot with its id, client and status."""
    return {
        "id": row["id"],
        "client_id": row["client"],
        "status": row["status"],
        **load_snapshot(row["snapshot"]),
    }


async def superbill_json(principal: Principal, superbill_id: int) -> dict[str, Any]:
    row = await _readable(principal, superbill_id)
    await audit.record(
        principal,
        "superbill.view",
        resource_type="superbill",
        resource_id=superbill_id,
        client_id=row["client"],
    )
    return superbill_document(row)


SUMMARY_COLUMNS = (
    Superbill.id,
    Superbill.client,
    Superbill.period,
    Superbill.statement_number,
    Superbill.status,
    Superbill.issued_on,
    Superbill.total_charge_cents,
    Superbill.total_paid_cents,
)


async def list_superbills(principal: Principal, client_id: int) -> list[dict[str, Any]]:
    """A client's superbills, newest period first (staff only; audited)."""
    require(principal, Action.SUPERBILLS_READ)
    await _client_exists(client_id)
    rows = (
        await Superbill.select(*SUMMARY_COLUMNS)
        .where(Superbill.client == client_id)
        .order_by(Superbill.period, ascending=False)
    )
    await audit.record(principal, "superbill.list", resource_type="client", resource_id=client_id, client_id=client_id)
    return list(rows)


async def superbill_clients(principal: Principal, *, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    """Clients with a retainer (not archived), by name, one page of them, each with its latest issued superbill
    (period, statement number) and how many it has: three queries, whatever the page size. Audited as one
    overview event (as the claims overview is); each client's own page is audited when opened."""
    require(principal, Action.SUPERBILLS_READ)
    where = Client.id.is_in(RetainerAgreement.select(RetainerAgreement.client)) & not_archived()
    total = await Client.count().where(where)
    rows = list(
        await Client.select(Client.id, Client.legal_name)
        .where(where)
        .order_by(Client.legal_name)
        .order_by(Client.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    issued: dict[int, list[dict[str, Any]]] = {}
    if rows:
        for row in (
            await Superbill.select(Superbill.client, Superbill.period, Superbill.statement_number)
            .where(Superbill.client.is_in([r["id"] for r in rows]) & (Superbill.status == "issued"))
            .order_by(Superbill.period, ascending=False)
        ):
            issued.setdefault(row["client"], []).append(row)
    for row in rows:
        mine = issued.get(row["id"], [])
        row["superbills"] = len(mine)
        row["latest"] = {**mine[0], "period_label": Period.parse(str(mine[0]["period"])).label} if mine else None
    await audit.record(principal, "superbill.overview", resource_type="superbill", detail={"page": page})
    return rows, total


async def statement_number(superbill_id: int) -> int:
    """The statement number of a superbill the caller has already been allowed to read (for file names)."""
    row = await Superbill.select(Superbill.statement_number).where(Superbill.id == superbill_id).first()
    if row is None:
        raise NotFound("No such superbill.")
    return int(row["statement_number"])


async def issue_or_existing(principal: Principal, client_id: int, period: str) -> tuple[int, int, bool, bytes]:
    """For the CLI: issue the superbill of (client, period), or take the one already issued. Returns (id,
    statement number, newly issued?, PDF bytes); raises SuperbillRefused with the problems."""
    try:
        superbill_id, new = await issue_superbill(principal, client_id, period), True
    except SuperbillAlreadyIssued as exc:
        superbill_id, new = exc.superbill_id, False
    data = await superbill_pdf_bytes(principal, superbill_id)
    return superbill_id, await statement_number(superbill_id), new, data
