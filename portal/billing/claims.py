"""The out-of-network claim tracker: per issued superbill, the claims a family (or billing staff for them) filed,
each with its status history, amounts, the timely-filing deadline and attachments (EOBs, letters).

Who may do it: billing staff and the owner (SUPERBILLS_WRITE) for any superbill; a relative whose active grant
includes billing, past the billing consent gate, who pays for the superbill's month (the payer of its invoice, as
DESIGN §4 has families see invoices and superbills "when they are the payer"). Anyone else gets the same
NotFound as for a superbill that does not exist. Every read and write is audited with the client's id.

The filing deadline is the earliest date of service on the superbill plus the plan's timely-filing limit (365
days when no plan is on file): the limit runs from each date of service, so a claim filed after the earliest
line's limit would lose that line. Thirty days before it the worker e-mails the payer once, with no client data, for a
claim not yet submitted or one the insurer wants more information on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Min

from portal.audit import services as audit
from portal.billing.agreements import _dollars_to_cents
from portal.billing.family import _payer_link as payer_link
from portal.billing.ledger import check_id
from portal.billing.tables import (
    Claim,
    ClaimAttachment,
    ClaimStatusChange,
    ClientInsurance,
    Invoice,
    Superbill,
    SuperbillLine,
)
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import Invalid, NotFound
from portal.families.access import FamilyLink, family_links, passes_consent_gate
from portal.families.uploads import upload_problem
from portal.files import services as files
from portal.mail import services as mail
from portal.policy import Action, Principal, Role, can
from portal.settings import get_settings
from portal.validation import Checker

STATUSES = {
    "submitted": "Submitted",
    "pending": "Pending",
    "info_requested": "More information requested",
    "paid": "Paid",
    "denied": "Denied",
    "appealed": "Appealed",
}
OPEN_STATUSES = ("submitted", "pending", "info_requested", "appealed")
DEFAULT_TIMELY_FILING_DAYS = 365
REMINDER_DAYS = 30
Upload = tuple[bytes, str]


@dataclass(frozen=True)
class Access:
    """Who is acting on a superbill's claims: staff, or a relative through this link."""

    client_id: int
    link: FamilyLink | None = None

    @property
    def by_family(self) -> bool:
        return self.link is not None


@dataclass
class ClaimView:
    claim: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.claim["status"], self.claim["status"])


# --------------------------------------------------------------------------- who may see a superbill's claims


async def superbill_row(superbill_id: int) -> dict[str, Any]:
    check_id(superbill_id, "superbill")
    row = (
        await Superbill.select(*Superbill.all_columns(exclude=[Superbill.snapshot]))
        .where((Superbill.id == superbill_id) & (Superbill.status == "issued"))
        .first()
    )
    if row is None:
        raise NotFound("No such superbill.")
    return row


async def billing_link(principal: Principal, client_id: int, resource_type: str, resource_id: int | str) -> FamilyLink:
    """The relative's link to this client whose grant includes billing, past the consent gate; else NotFound."""
    for link in await family_links(principal):
        if link.client_id == client_id and link.sees("billing"):
            if await passes_consent_gate(
                principal, link, "billing", record=True, resource_type=resource_type, resource_id=resource_id
            ):
                return link
            break
    raise NotFound("No such superbill.")


async def superbill_access(principal: Principal, superbill: dict[str, Any], *, write: bool = False) -> Access:
    if principal.role == Role.FAMILY:
        # A family member sees a superbill when they pay for it (the payer of its invoice), as for invoices.
        invoice = None
        if superbill["invoice"] is not None:
            invoice = (
                await Invoice.select(Invoice.id, Invoice.client, Invoice.payer_relative, Invoice.status)
                .where(Invoice.id == superbill["invoice"])
                .first()
            )
        if invoice is None or invoice["client"] != superbill["client"]:
            raise NotFound("No such superbill.")
        link = await payer_link(principal, invoice, f"superbill-{superbill['id']}")
        return Access(client_id=superbill["client"], link=link)
    if can(principal, Action.SUPERBILLS_WRITE if write else Action.SUPERBILLS_READ):
        return Access(client_id=superbill["client"])
    raise NotFound("No such superbill.")


# --------------------------------------------------------------------------- deadlines


async def first_service_dates(superbill_ids: list[int]) -> dict[int, date]:
    if not superbill_ids:
        return {}
    rows = (
        await SuperbillLine.select(SuperbillLine.superbill, Min(SuperbillLine.service_date, alias="first"))
        .where(SuperbillLine.superbill.is_in(superbill_ids))
        .group_by(SuperbillLine.superbill)
    )
    return {row["superbill"]: _as_date(row["first"]) for row in rows if row["first"] is not None}


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


async def timely_filing_days(client_ids: list[int]) -> dict[int, int]:
    rows = await ClientInsurance.select(ClientInsurance.client, ClientInsurance.timely_filing_days).where(
        ClientInsurance.client.is_in(client_ids or [-1])
    )
    return {row["client"]: int(row["timely_filing_days"]) for row in rows}


def deadline_from(first_service: date | None, period: str, days: int | None) -> date:
    """The earliest date of service (or the period's first day, for a superbill without lines) plus the limit."""
    if first_service is None:
        year, month = (int(part) for part in period.split("-"))
        first_service = date(year, month, 1)
    return first_service + timedelta(days=days or DEFAULT_TIMELY_FILING_DAYS)


async def filing_deadlines(superbills: list[dict[str, Any]]) -> dict[int, date]:
    """Superbill id -> its timely-filing deadline (two queries, whatever the number of superbills)."""
    first = await first_service_dates([row["id"] for row in superbills])
    limits = await timely_filing_days(sorted({row["client"] for row in superbills}))
    return {
        row["id"]: deadline_from(first.get(row["id"]), row["period"], limits.get(row["client"])) for row in superbills
    }


def reminder_date(deadline: date) -> date:
    return deadline - timedelta(days=REMINDER_DAYS)


# --------------------------------------------------------------------------- reading claims


async def claims_for(superbill_ids: list[int]) -> dict[int, list[ClaimView]]:
    """Superbill id -> its claims (newest first) with history and attachments: three queries in all."""
    if not superbill_ids:
        return {}
    rows = (
        await Claim.select()
        .where(Claim.superbill.is_in(superbill_ids))
        .order_by(Claim.created_at, ascending=False)
        .order_by(Claim.id, ascending=False)
    )
    views = {row["id"]: ClaimView(row) for row in rows}
    ids = list(views) or [-1]
    for change in (
        await ClaimStatusChange.select(
            *ClaimStatusChange.all_columns(), ClaimStatusChange.changed_by.name.as_alias("changed_by_name")
        )
        .where(ClaimStatusChange.claim.is_in(ids))
        .order_by(ClaimStatusChange.changed_at)
        .order_by(ClaimStatusChange.id)
    ):
        change["status_label"] = STATUSES.get(change["status"], change["status"])
        views[change["claim"]].history.append(change)
    for attachment in (
        await ClaimAttachment.select(
            *ClaimAttachment.all_columns(),
            ClaimAttachment.file.original_name.as_alias("file_name"),
            ClaimAttachment.file.size_bytes.as_alias("size_bytes"),
        )
        .where(ClaimAttachment.claim.is_in(ids))
        .order_by(ClaimAttachment.id)
    ):
        views[attachment["claim"]].attachments.append(attachment)
    result: dict[int, list[ClaimView]] = {}
    for view in views.values():
        result.setdefault(view.claim["superbill"], []).append(view)
    return result


async def superbill_claims(principal: Principal, superbill_id: int) -> tuple[dict[str, Any], Access, list[ClaimView]]:
    """A superbill (staff or family access) with its claims; the view is audited."""
    superbill = await superbill_row(superbill_id)
    access = await superbill_access(principal, superbill)
    views = (await claims_for([superbill_id])).get(superbill_id, [])
    await audit.record(
        principal,
        "billing.claims.view",
        resource_type="superbill",
        resource_id=superbill_id,
        client_id=access.client_id,
    )
    return superbill, access, views


async def claim_row(claim_id: int) -> dict[str, Any]:
    check_id(claim_id, "claim")
    row = await Claim.select().where(Claim.id == claim_id).first()
    if row is None:
        raise NotFound("No such claim.")
    return row


# --------------------------------------------------------------------------- recording and updating claims


def _check_claim(data: dict[str, Any], *, today: date, charge_cents: int, creating: bool) -> dict[str, Any]:
    c = Checker(data)
    values: dict[str, Any] = {}
    if creating or "status" in data:
        values["status"] = c.choice("status", STATUSES, default="submitted", label="Status")
    if creating or "submitted_on" in data:
        submitted = c.date("submitted_on", label="Submitted on")
        if submitted is not None and submitted > today:
            c.fail("submitted_on", "Submitted on cannot be in the future.")
        values["submitted_on"] = submitted
    if creating or "claim_number" in data:
        number = c.text("claim_number", max_length=60, label="Claim number")
        if number and not all(ch.isalnum() or ch in "-_ ./" for ch in number):
            c.fail("claim_number", "Claim number: letters, digits, spaces and - _ . / only.")
        values["claim_number"] = number
    for name, label in (("allowed", "Allowed amount"), ("reimbursed", "Amount reimbursed")):
        key = f"{name}_cents"
        if key in data:  # JSON: cents (or null to clear)
            raw = data[key]
            if raw is not None and (not isinstance(raw, int) or isinstance(raw, bool) or raw < 0):
                c.fail(key, f"{label}: a whole number of cents, zero or more.")
                raw = None
            values[key] = raw
        elif creating or name in data:
            values[key] = _dollars_to_cents(c, name, required=False, label=label)
        cents = values.get(key)
        if cents is not None and cents > charge_cents:
            c.fail(name if key not in data else key, f"{label} cannot be more than the superbill's total charge.")
    if creating or "notes" in data:
        values["notes"] = c.text("notes", max_length=2000, label="Notes")
    note = c.text("note", max_length=500, label="Note")
    c.done()
    values["_note"] = note
    return values


async def record_claim(principal: Principal, superbill_id: int, data: dict[str, Any]) -> int:
    """A new claim for an issued superbill (status "submitted" unless given); its deadline is fixed now."""
    superbill = await superbill_row(superbill_id)
    access = await superbill_access(principal, superbill, write=True)
    today = local_today((await get_practice()).time_zone)
    values = _check_claim(data, today=today, charge_cents=int(superbill["total_charge_cents"]), creating=True)
    if values["status"] == "paid" and values.get("reimbursed_cents") is None:
        raise Invalid(reimbursed="Enter the amount reimbursed for a paid claim.")
    note = values.pop("_note")
    deadline = (await filing_deadlines([superbill]))[superbill_id]
    now = utcnow()
    async with write_transaction():
        rows = await Claim.insert(
            Claim(
                superbill=superbill_id,
                client=superbill["client"],
                filing_deadline=deadline,
                created_by=principal.user_id,
                created_at=now,
                updated_at=now,
                **values,
            )
        ).returning(Claim.id)
        claim_id = int(rows[0]["id"])
        await ClaimStatusChange.insert(
            ClaimStatusChange(
                claim=claim_id, status=values["status"], note=note, changed_by=principal.user_id, changed_at=now
            )
        )
        await _audit(principal, "billing.claim.create", access, claim_id, status=values["status"])
    return claim_id


async def _claim_and_access(principal: Principal, claim_id: int, *, write: bool) -> tuple[dict[str, Any], Access]:
    claim = await claim_row(claim_id)
    try:
        superbill = await superbill_row(claim["superbill"])
    except NotFound:
        raise NotFound("No such claim.") from None
    return claim, await superbill_access(principal, superbill, write=write)


async def update_claim(principal: Principal, claim_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Change a claim's status (kept in its history), number, dates or amounts; only the fields given."""
    claim, access = await _claim_and_access(principal, claim_id, write=True)
    superbill = await superbill_row(claim["superbill"])
    today = local_today((await get_practice()).time_zone)
    values = _check_claim(data, today=today, charge_cents=int(superbill["total_charge_cents"]), creating=False)
    note = values.pop("_note")
    status = values.get("status", claim["status"])
    reimbursed = values.get("reimbursed_cents", claim["reimbursed_cents"])
    if status == "paid" and reimbursed is None:
        raise Invalid(reimbursed="Enter the amount reimbursed for a paid claim.")
    now = utcnow()
    async with write_transaction():
        changes: dict[Any, Any] = {**values, "updated_at": now}
        await Claim.update(changes).where(Claim.id == claim_id)
        if status != claim["status"] or note:
            await ClaimStatusChange.insert(
                ClaimStatusChange(
                    claim=claim_id, status=status, note=note, changed_by=principal.user_id, changed_at=now
                )
            )
        await _audit(principal, "billing.claim.update", access, claim_id, status=status, fields=sorted(values))
    return await claim_row(claim_id)


async def add_attachment(principal: Principal, claim_id: int, description: str, upload: Upload | None) -> int:
    """An EOB or a letter, checked by content like every upload, kept under a uuid."""
    _, access = await _claim_and_access(principal, claim_id, write=True)
    c = Checker({"description": description})
    text = c.text("description", max_length=200, label="Description")
    problem = "Choose a file to upload." if upload is None else upload_problem(*upload)
    if problem:
        c.fail("file", problem)
    c.done()
    assert upload is not None
    async with write_transaction():
        stored = await files.store_upload(upload[0], upload[1], uploaded_by=principal.user_id)
        rows = await ClaimAttachment.insert(
            ClaimAttachment(
                claim=claim_id,
                file=stored.id,
                description=text or files.safe_display_name(upload[1])[:200],
                uploaded_by=principal.user_id,
                created_at=utcnow(),
            )
        ).returning(ClaimAttachment.id)
        attachment_id = int(rows[0]["id"])
        await _audit(principal, "billing.claim.attachment.upload", access, claim_id, attachment=attachment_id)
    return attachment_id


async def attachment_file(principal: Principal, claim_id: int, attachment_id: int) -> files.FileInfo:
    _, access = await _claim_and_access(principal, claim_id, write=False)
    check_id(attachment_id, "attachment")
    row = (
        await ClaimAttachment.select()
        .where((ClaimAttachment.id == attachment_id) & (ClaimAttachment.claim == claim_id))
        .first()
    )
    if row is None:
        raise NotFound("No such attachment.")
    await _audit(principal, "billing.claim.attachment.download", access, claim_id, attachment=attachment_id)
    return await files.get_info(row["file"])


async def _audit(principal: Principal, action: str, access: Access, claim_id: int, **detail: Any) -> None:
    if access.link is not None:
        detail["by_relative"] = access.link.relative_id
    await audit.record(
        principal, action, resource_type="claim", resource_id=claim_id, client_id=access.client_id, detail=detail
    )


# --------------------------------------------------------------------------- the deadline reminder (worker)


async def send_deadline_reminders() -> int:
    """E-mail the payer once, 30 days before a claim's filing deadline, when the claim is not yet submitted or the
    insurer asked for more information. The e-mail names no client and nothing clinical. Returns how many."""
    today = local_today((await get_practice()).time_zone)
    invoice: Any = Claim.superbill.invoice  # a two-hop join; Piccolo's types stop at one hop
    due = await Claim.select(Claim.id, Claim.client, invoice.payer_email.as_alias("payer_email")).where(
        Claim.reminder_sent_at.is_null()
        & (Claim.filing_deadline >= today)
        & (Claim.filing_deadline <= today + timedelta(days=REMINDER_DAYS))
        & (Claim.submitted_on.is_null() | (Claim.status == "info_requested"))
        & (Claim.superbill.status == "issued")
    )
    if not due:
        return 0
    practice = await get_practice()
    link = f"{get_settings().base_url}/family/billing/superbills"
    system = Principal.system("worker")
    sent = 0
    for row in due:
        async with write_transaction():
            # Claimed by a conditional update, so two workers never send the same reminder.
            claimed = (
                await Claim.update({Claim.reminder_sent_at: utcnow()}, use_auto_update=False)
                .where((Claim.id == row["id"]) & Claim.reminder_sent_at.is_null())
                .returning(Claim.id)
            )
            if not claimed:
                continue
            if row["payer_email"]:
                await mail.enqueue(
                    row["payer_email"],
                    f"A claim deadline is coming up — {practice.name}",
                    "An insurance claim deadline is coming up in the next 30 days.\n\n"
                    f"Sign in to the portal for details:\n{link}\n",
                )
                sent += 1
            await audit.record(
                system, "billing.claim.reminder", resource_type="claim", resource_id=row["id"], client_id=row["client"]
            )
    return sent
