"""The payer's side of billing: a relative who pays a client's retainer sees their invoices, pays them (on Stripe's
hosted page, or by the practice's offline instructions), and downloads invoices, receipts and statements.

Who sees an invoice, decided here and nowhere else: a signed-in family member whose link to the invoice's client
is an active grant that includes billing, who is the invoice's payer (the agreement named that relative, and the
invoice keeps the name), and, for an adult client, whose release from the client covers billing (the consent
gate, which records the disclosure). Anyone else (the other parent, a suspended relative, a relative of another
client, staff) gets the same NotFound as for an invoice that does not exist. Drafts are never shown.

Nothing clinical appears: lines read "Case management services — November 2026"; credit and refund reasons are
the practice's own notes and stay on the staff side. Every page view and download is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count

from portal.audit import services as audit
from portal.billing.hours import MonthHours, hours_for_payer
from portal.billing.invoicing import balance_of
from portal.billing.ledger import (
    INVOICE_LIST_COLUMNS,
    InvoiceDetail,
    Statement,
    check_id,
    decorate_invoice,
    load_invoice_detail,
    load_statement,
)
from portal.billing.tables import Invoice, Payment, RetainerAgreement
from portal.clock import local_today
from portal.core.services import get_practice
from portal.errors import NotFound
from portal.families.access import FamilyLink, family_links, passes_consent_gate
from portal.families.tables import AccessGrant
from portal.policy import Action, Principal, Role, require

SHOWN_STATUSES = ("open", "paid", "void", "uncollectible")  # never a draft


@dataclass(frozen=True)
class PaymentDue:
    invoice_id: int
    number: int
    amount_cents: int
    due_on: date | None
    is_past_due: bool


@dataclass
class PayerAccount:
    """One loved one whose retainer this relative pays."""

    link: FamilyLink
    hours: MonthHours | None = None
    next_due: PaymentDue | None = None
    open_balance_cents: int = 0
    invoice_count: int = 0

    @property
    def client_id(self) -> int:
        return self.link.client_id

    @property
    def client_name(self) -> str:
        return self.link.client_name


@dataclass
class FamilyBilling:
    accounts: list[PayerAccount]
    invoices: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    current_client_id: int | None = None

    @property
    def links(self) -> list[FamilyLink]:
        return [account.link for account in self.accounts]


# --------------------------------------------------------------------------- who pays for whom


def _billing_grants(user_id: int) -> Any:
    """A sub-select: the relative rows of this user whose active grant includes billing."""
    return AccessGrant.select(AccessGrant.relative).where(
        (AccessGrant.relative.user == user_id)
        & AccessGrant.relative.removed_at.is_null()
        & (AccessGrant.state == "active")
        & (AccessGrant.sees_billing == True)  # noqa: E712 (a column comparison, not a truth test)
    )


async def pays_for_someone(principal: Principal) -> bool:
    """For the navigation: is this family member the payer of some agreement or invoice, with billing access?
    (One or two cheap queries; the consent gate is left to the page, which then simply shows nothing.)"""
    if principal.role != Role.FAMILY or principal.user_id is None:
        return False
    grants = _billing_grants(principal.user_id)
    if await RetainerAgreement.exists().where(RetainerAgreement.payer_relative.is_in(grants)):
        return True
    return bool(await Invoice.exists().where(Invoice.payer_relative.is_in(grants)))


async def _paying_links(principal: Principal) -> list[FamilyLink]:
    """The links (active, billing granted) on which this relative is the payer of an agreement or an invoice."""
    links = [link for link in await family_links(principal) if link.sees("billing")]
    if not links:
        return []
    relative_ids = [link.relative_id for link in links]
    paying = {
        row["payer_relative"]
        for row in await RetainerAgreement.select(RetainerAgreement.payer_relative)
        .where(RetainerAgreement.payer_relative.is_in(relative_ids))
        .distinct()
    }
    if len(paying) < len(relative_ids):
        paying |= {
            row["payer_relative"]
            for row in await Invoice.select(Invoice.payer_relative)
            .where(Invoice.payer_relative.is_in(relative_ids) & (Invoice.status != "draft"))
            .distinct()
        }
    return [link for link in links if link.relative_id in paying]


async def _gate(principal: Principal, link: FamilyLink, resource_type: str, resource_id: str | int) -> bool:
    """The consent gate for billing (a guardian of a minor passes; an adult's release must cover billing). The
    decision is audited and, when allowed, recorded as a disclosure."""
    return await passes_consent_gate(
        principal, link, "billing", record=True, resource_type=resource_type, resource_id=resource_id
    )


async def _payer_link(principal: Principal, invoice: dict[str, Any], resource_id: str | int) -> FamilyLink:
    """The relative's link that makes them this invoice's payer with access, past the consent gate; else NotFound."""
    if invoice["status"] not in SHOWN_STATUSES or not invoice["payer_relative"]:
        raise NotFound("Not found.")
    for link in await family_links(principal):
        if (
            link.client_id == invoice["client"]
            and link.relative_id == invoice["payer_relative"]
            and link.sees("billing")
        ):
            if await _gate(principal, link, "invoice", resource_id):
                return link
            break
    raise NotFound("Not found.")


# --------------------------------------------------------------------------- the billing page


async def family_billing(
    principal: Principal, *, client_id: int | None = None, page: int = 1, per_page: int = 24
) -> FamilyBilling:
    """The payer's invoices across the loved ones they pay for (newest first, a page at a time), each loved one's
    hours this month and next payment due. The number of queries grows with loved ones, never with invoices."""
    require(principal, Action.FAMILY_PORTAL)
    links = await _paying_links(principal)
    if client_id is not None:
        links = [link for link in links if link.client_id == client_id]
        if not links:
            raise NotFound("Not found.")
    accounts = [PayerAccount(link) for link in links if await _gate(principal, link, "family_billing", link.client_id)]
    if client_id is not None and not accounts:
        raise NotFound("Not found.")
    result = FamilyBilling(accounts=accounts, current_client_id=client_id)
    if not accounts:
        return result
    today = local_today((await get_practice()).time_zone)
    relative_ids = [account.link.relative_id for account in accounts]
    client_ids = [account.client_id for account in accounts]
    mine = (
        Invoice.payer_relative.is_in(relative_ids)
        & Invoice.client.is_in(client_ids)
        & Invoice.status.is_in(list(SHOWN_STATUSES))
    )
    counts = {
        row["payer_relative"]: int(row["invoices"])
        for row in await Invoice.select(Invoice.payer_relative, Count(alias="invoices"))
        .where(mine)
        .group_by(Invoice.payer_relative)
    }
    for account in accounts:
        account.invoice_count = counts.get(account.link.relative_id, 0)
    result.total = sum(counts.values())
    rows = (
        await Invoice.select(*INVOICE_LIST_COLUMNS)
        .where(mine)
        .order_by(Invoice.number, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    names = {account.client_id: account.client_name for account in accounts}
    for row in rows:
        decorate_invoice(row, today)
        row["client_name"] = names.get(row["client"], "")  # what the family calls them, not the legal name
    result.invoices = rows
    by_relative = {account.link.relative_id: account for account in accounts}
    open_rows = await (
        Invoice.select(*Invoice.all_columns())
        .where(mine & (Invoice.status == "open"))
        .order_by(Invoice.due_on, Invoice.number)
    )
    for row in open_rows:
        account = by_relative[row["payer_relative"]]
        balance = balance_of(row)
        if balance <= 0:
            continue
        account.open_balance_cents += balance
        if account.next_due is None:
            account.next_due = _due_of(row, balance, today)
    for account in accounts:
        try:
            account.hours = await hours_for_payer(principal, account.client_id)
        except NotFound:
            account.hours = None  # the relative pays, but is not flagged as the family's payer: no hours
        await audit.record(
            principal,
            "family.billing.view",
            resource_type="family_billing",
            resource_id=account.client_id,
            client_id=account.client_id,
        )
    return result


def _due_of(row: dict[str, Any], balance: int, today: date) -> PaymentDue:
    due_on = row["due_on"]
    return PaymentDue(
        invoice_id=int(row["id"]),
        number=int(row["number"]),
        amount_cents=balance,
        due_on=due_on,
        is_past_due=due_on is not None and due_on < today,
    )


async def payment_due(link: FamilyLink) -> PaymentDue | None:
    """The oldest open invoice this relative pays for this client: its balance and due date (one query; no
    policy or consent check here: the family dashboard decides whether to show it)."""
    if not link.sees("billing"):
        return None
    rows = await (
        Invoice.select(*Invoice.all_columns())
        .where(
            (Invoice.payer_relative == link.relative_id)
            & (Invoice.client == link.client_id)
            & (Invoice.status == "open")
        )
        .order_by(Invoice.due_on, Invoice.number)
    )
    today = local_today((await get_practice()).time_zone)
    for row in rows:
        balance = balance_of(row)
        if balance > 0:
            return _due_of(row, balance, today)
    return None


async def allows_billing(principal: Principal, link: FamilyLink, resource_type: str) -> bool:
    """The billing consent gate, for another page that shows billing facts (the family dashboard)."""
    return await _gate(principal, link, resource_type, link.client_id)


# --------------------------------------------------------------------------- one invoice, its PDFs and paying it


@dataclass
class FamilyInvoice:
    detail: InvoiceDetail
    link: FamilyLink

    @property
    def invoice(self) -> dict[str, Any]:
        return self.detail.invoice

    @property
    def payable(self) -> bool:
        return self.invoice["status"] == "open" and self.detail.balance_cents > 0

    @property
    def pays_online(self) -> bool:
        """Stripe issued it: the payer pays on Stripe's hosted page (card data never reaches the portal)."""
        url = str(self.invoice["stripe_hosted_url"] or "")
        return self.payable and url.startswith(("https://", "http://"))


async def _invoice_row(invoice_id: int) -> dict[str, Any]:
    check_id(invoice_id, "invoice")
    row = (
        await Invoice.select(Invoice.id, Invoice.client, Invoice.payer_relative, Invoice.status)
        .where(Invoice.id == invoice_id)
        .first()
    )
    if row is None:
        raise NotFound("Not found.")
    return row


async def family_invoice(principal: Principal, invoice_id: int, *, audit_action: str) -> FamilyInvoice:
    """One of the payer's invoices with its lines and payments; `audit_action` names what they did with it
    ("family.invoice.view", "family.invoice.pdf", "family.invoice.pay")."""
    require(principal, Action.FAMILY_PORTAL)
    row = await _invoice_row(invoice_id)
    link = await _payer_link(principal, row, invoice_id)
    detail = await load_invoice_detail(invoice_id)
    await audit.record(
        principal, audit_action, resource_type="invoice", resource_id=invoice_id, client_id=row["client"]
    )
    return FamilyInvoice(detail=detail, link=link)


async def family_receipt(
    principal: Principal, invoice_id: int, payment_id: int
) -> tuple[dict[str, Any], FamilyInvoice]:
    """A payment of one of the payer's invoices, for its receipt (audited as a download)."""
    require(principal, Action.FAMILY_PORTAL)
    check_id(payment_id, "payment")
    row = await _invoice_row(invoice_id)
    payment = await Payment.select().where((Payment.id == payment_id) & (Payment.invoice == invoice_id)).first()
    if payment is None:
        raise NotFound("Not found.")
    link = await _payer_link(principal, row, invoice_id)
    detail = await load_invoice_detail(invoice_id)
    await audit.record(
        principal,
        "family.payment.receipt",
        resource_type="payment",
        resource_id=payment_id,
        client_id=row["client"],
        detail={"invoice": invoice_id},
    )
    return payment, FamilyInvoice(detail=detail, link=link)


async def family_statement(principal: Principal, client_id: int) -> Statement:
    """The payer's statement for one loved one: every issued invoice they were billed, with payments, credits and
    refunds, and the balance (audited as a download)."""
    require(principal, Action.FAMILY_PORTAL)
    check_id(client_id, "client")
    for link in await _paying_links(principal):
        if link.client_id == client_id:
            if not await _gate(principal, link, "payer_statement", client_id):
                break
            statement = await load_statement(f"relative-{link.relative_id}")
            await audit.record(
                principal,
                "family.statement.pdf",
                resource_type="payer",
                resource_id=f"relative-{link.relative_id}",
                client_id=client_id,
            )
            return statement
    raise NotFound("Not found.")
