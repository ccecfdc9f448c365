"""Reading the books: invoice lists and details, payers and their statements.

Billing staff see names, amounts and dates; never anything clinical. Reads of one client's invoices are audited.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.audit import services as audit
from portal.billing.invoicing import balance_of
from portal.billing.money import Period
from portal.billing.tables import CreditNote, Invoice, InvoiceLine, Payment, Refund
from portal.cases.clients import not_archived
from portal.cases.tables import Client, Relative
from portal.clock import local_today
from portal.core.services import get_practice
from portal.errors import Invalid, NotFound
from portal.policy import MAX_ROW_ID, Action, Principal, require

INVOICE_STATUSES = {
    "draft": "Draft",
    "open": "Open",
    "paid": "Paid",
    "void": "Void",
    "uncollectible": "Written off",
}
# The list's status filter also knows "past due": open and due before today.
STATUS_FILTERS = {**INVOICE_STATUSES, "past_due": "Past due"}
PAYER_KEY_RE = re.compile(r"^(relative-[1-9][0-9]{0,9}|payer-[0-9a-f]{32})$")


def check_id(value: int, what: str = "record") -> int:
    """Ids come from URLs: one outside the integer column's range is simply not found."""
    if not 0 < value <= MAX_ROW_ID:
        raise NotFound(f"No such {what}.")
    return value


async def client_names(client_ids: list[int] | set[int]) -> dict[int, str]:
    """Client id → legal name (what a bill names), in one query."""
    ids = sorted({int(i) for i in client_ids if i})
    if not ids:
        return {}
    rows = await Client.select(Client.id, Client.legal_name).where(Client.id.is_in(ids))
    return {int(row["id"]): str(row["legal_name"]) for row in rows}


async def client_choices() -> list[tuple[int, str]]:
    """Every client not archived, by name (the filters' and the agreement form's choices)."""
    rows = await Client.select(Client.id, Client.legal_name).where(not_archived()).order_by(Client.legal_name)
    return [(row["id"], row["legal_name"]) for row in rows]


# --------------------------------------------------------------------------- payers


def payer_key(row: dict[str, Any]) -> str:
    """Our key of a payer: "relative-12", or "payer-<hash of the e-mail>" for an outside payer (no e-mail address
    in URLs or logs)."""
    if row.get("payer_relative"):
        return f"relative-{int(row['payer_relative'])}"
    email = str(row.get("payer_email") or "").strip().lower()
    return "payer-" + hashlib.sha256(email.encode()).hexdigest()[:32]


async def payer_where(key: str) -> Any:
    """A where-clause on Invoice for one payer's invoices; NotFound for a key nobody has."""
    if not PAYER_KEY_RE.match(key):
        raise NotFound("No such payer.")
    kind, _, rest = key.partition("-")
    if kind == "relative":
        relative_id = check_id(int(rest), "payer")
        return Invoice.payer_relative == relative_id
    emails = await Invoice.select(Invoice.payer_email).where(Invoice.payer_relative.is_null()).distinct()
    for row in emails:
        if payer_key({"payer_email": row["payer_email"]}) == key:
            return Invoice.payer_relative.is_null() & (Invoice.payer_email == row["payer_email"])
    raise NotFound("No such payer.")


# --------------------------------------------------------------------------- invoice lists


@dataclass(frozen=True)
class InvoiceFilters:
    period: str = ""
    status: str = ""
    client: int | None = None

    def as_params(self) -> dict[str, Any]:
        return {"period": self.period, "status": self.status, "client": self.client or ""}


def check_filters(data: dict[str, Any]) -> InvoiceFilters:
    """The list's filters (an allowlist): a period like 2026-11, a status, a client id."""
    errors: dict[str, str] = {}
    period = str(data.get("period") or "").strip()
    if period:
        try:
            period = str(Period.parse(period))
        except ValueError:
            errors["period"] = "A period looks like 2026-11."
    status = str(data.get("status") or "").strip()
    if status and status not in STATUS_FILTERS:
        errors["status"] = "Choose one of: " + ", ".join(STATUS_FILTERS) + "."
    client: int | None = None
    raw_client = data.get("client")
    if raw_client not in (None, ""):
        try:
            client = int(raw_client)
        except (TypeError, ValueError):
            errors["client"] = "Choose a client."
        else:
            if not 0 < client <= MAX_ROW_ID:
                errors["client"] = "Choose a client."
    if errors:
        raise Invalid(**errors)
    return InvoiceFilters(period=period, status=status, client=client)


def _where(filters: InvoiceFilters, today: date) -> Any:
    where: Any = not_archived(Invoice.client)
    if filters.period:
        where &= Invoice.period == filters.period
    if filters.status == "past_due":
        where &= (Invoice.status == "open") & (Invoice.due_on < today)
    elif filters.status:
        where &= Invoice.status == filters.status
    if filters.client:
        where &= Invoice.client == filters.client
    return where


def decorate_invoice(row: dict[str, Any], today: date) -> dict[str, Any]:
    row["balance_cents"] = balance_of(row)
    row["status_label"] = INVOICE_STATUSES.get(row["status"], row["status"])
    row["is_past_due"] = row["status"] == "open" and row["due_on"] is not None and row["due_on"] < today
    row["period_label"] = Period.parse(row["period"]).label
    row["payer_key"] = payer_key(row)
    return row


INVOICE_LIST_COLUMNS = [
    *Invoice.all_columns(),
    Invoice.client.legal_name.as_alias("client_name"),
]


async def list_invoices(
    principal: Principal, filters: InvoiceFilters, *, page: int = 1, per_page: int = 25
) -> tuple[list[dict[str, Any]], int]:
    """Newest first (by number), `per_page` at a time, with the total count for the pager."""
    require(principal, Action.BILLING_READ)
    today = local_today((await get_practice()).time_zone)
    where = _where(filters, today)
    total = await Invoice.count().where(where)
    rows = (
        await Invoice.select(*INVOICE_LIST_COLUMNS)
        .where(where)
        .order_by(Invoice.number, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [decorate_invoice(row, today) for row in rows], total


# --------------------------------------------------------------------------- one invoice


@dataclass
class InvoiceDetail:
    invoice: dict[str, Any]
    client_name: str
    lines: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    credits: list[dict[str, Any]]
    refunds: list[dict[str, Any]]

    @property
    def balance_cents(self) -> int:
        return balance_of(self.invoice)


async def load_invoice_detail(invoice_id: int) -> InvoiceDetail:
    """One invoice with its lines, payments, credit notes and refunds (no policy check: callers decide)."""
    check_id(invoice_id, "invoice")
    row = await Invoice.select(*INVOICE_LIST_COLUMNS).where(Invoice.id == invoice_id).first()
    if row is None:
        raise NotFound("No such invoice.")
    today = local_today((await get_practice()).time_zone)
    invoice = decorate_invoice(row, today)
    lines = await InvoiceLine.select().where(InvoiceLine.invoice == invoice_id).order_by(InvoiceLine.position)
    payments = await Payment.select().where(Payment.invoice == invoice_id).order_by(Payment.received_on, Payment.id)
    credits = await CreditNote.select().where(CreditNote.invoice == invoice_id).order_by(CreditNote.id)
    refunds = (
        await Refund.select(*Refund.all_columns(), Refund.payment.received_on.as_alias("payment_received_on"))
        .where(Refund.payment.invoice == invoice_id)
        .order_by(Refund.id)
    )
    return InvoiceDetail(invoice, invoice["client_name"], lines, payments, credits, refunds)


async def invoice_detail(principal: Principal, invoice_id: int, *, audit_action: str = "invoice.view") -> InvoiceDetail:
    require(principal, Action.BILLING_READ)
    detail = await load_invoice_detail(invoice_id)
    if audit_action:
        await audit.record(
            principal, audit_action, resource_type="invoice", resource_id=invoice_id, client_id=detail.invoice["client"]
        )
    return detail


async def load_payment(payment_id: int) -> tuple[dict[str, Any], InvoiceDetail]:
    """A payment and its invoice, for a receipt (no policy check: callers decide)."""
    check_id(payment_id, "payment")
    payment = await Payment.select().where(Payment.id == payment_id).first()
    if payment is None:
        raise NotFound("No such payment.")
    return payment, await load_invoice_detail(int(payment["invoice"]))


async def agreement_invoices(agreement_id: int) -> list[dict[str, Any]]:
    today = local_today((await get_practice()).time_zone)
    rows = (
        await Invoice.select(*INVOICE_LIST_COLUMNS)
        .where(Invoice.agreement == agreement_id)
        .order_by(Invoice.period, ascending=False)
    )
    return [decorate_invoice(row, today) for row in rows]


# --------------------------------------------------------------------------- statements


@dataclass
class Statement:
    payer_key: str
    payer_name: str
    payer_email: str
    as_of: date
    invoices: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    credits: list[dict[str, Any]] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def billed_cents(self) -> int:
        return sum(int(i["total_cents"]) for i in self.invoices if i["status"] != "void")

    @property
    def paid_cents(self) -> int:
        return sum(int(p["amount_cents"]) for p in self.payments)

    @property
    def refunded_cents(self) -> int:
        return sum(int(r["amount_cents"]) for r in self.refunds)

    @property
    def credited_cents(self) -> int:
        return sum(int(c["amount_cents"]) for c in self.credits if c["invoice_status"] != "void")

    @property
    def written_off_cents(self) -> int:
        return sum(
            int(i["total_cents"] - i["paid_cents"] + i["refunded_cents"] - i["credited_cents"])
            for i in self.invoices
            if i["status"] == "uncollectible"
        )

    @property
    def balance_cents(self) -> int:
        return sum(int(i["balance_cents"]) for i in self.invoices)

    @property
    def past_due_cents(self) -> int:
        return sum(int(i["balance_cents"]) for i in self.invoices if i["is_past_due"])


async def load_statement(key: str) -> Statement:
    """Every issued invoice of one payer, with the payments, refunds and credit notes against them (no policy
    check: callers decide)."""
    where = await payer_where(key)
    today = local_today((await get_practice()).time_zone)
    rows = (
        await Invoice.select(*INVOICE_LIST_COLUMNS).where(where & (Invoice.status != "draft")).order_by(Invoice.number)
    )
    if not rows:
        raise NotFound("No such payer.")
    invoices = [decorate_invoice(row, today) for row in rows]
    latest = invoices[-1]
    name, email = latest["payer_name"], latest["payer_email"]
    if latest["payer_relative"]:
        relative = (
            await Relative.select(Relative.name, Relative.email).where(Relative.id == latest["payer_relative"]).first()
        )
        if relative is not None:
            name, email = relative["name"], relative["email"] or email
    ids = [row["id"] for row in invoices]
    numbers = {row["id"]: row["number"] for row in invoices}
    statuses = {row["id"]: row["status"] for row in invoices}
    payments = await Payment.select().where(Payment.invoice.is_in(ids)).order_by(Payment.received_on, Payment.id)
    credits = await CreditNote.select().where(CreditNote.invoice.is_in(ids)).order_by(CreditNote.created_at)
    refunds = (
        await Refund.select(*Refund.all_columns(), Refund.payment.invoice.as_alias("invoice"))
        .where(Refund.payment.invoice.is_in(ids))
        .order_by(Refund.id)
    )
    for item in [*payments, *credits, *refunds]:
        item["invoice_number"] = numbers.get(item["invoice"])
        item["invoice_status"] = statuses.get(item["invoice"])
    return Statement(key, name, email, today, invoices, payments, credits, refunds)


async def statement_for(principal: Principal, key: str, *, audit_action: str = "payer.statement") -> Statement:
    require(principal, Action.BILLING_READ)
    statement = await load_statement(key)
    for client_id in sorted({int(row["client"]) for row in statement.invoices}):
        await audit.record(principal, audit_action, resource_type="payer", resource_id=key, client_id=client_id)
    return statement


async def payers(principal: Principal) -> list[dict[str, Any]]:
    """Every payer with an issued invoice: key, name, invoice count and balance (for the statements index)."""
    require(principal, Action.BILLING_READ)
    rows = await Invoice.select(
        Invoice.payer_relative,
        Invoice.payer_name,
        Invoice.payer_email,
        Invoice.status,
        Invoice.total_cents,
        Invoice.paid_cents,
        Invoice.refunded_cents,
        Invoice.credited_cents,
    ).where((Invoice.status != "draft") & not_archived(Invoice.client))
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = payer_key(row)
        entry = grouped.setdefault(key, {"key": key, "name": row["payer_name"], "invoices": 0, "balance_cents": 0})
        entry["invoices"] += 1
        entry["balance_cents"] += balance_of(row)
    return sorted(grouped.values(), key=lambda entry: str(entry["name"]).lower())
