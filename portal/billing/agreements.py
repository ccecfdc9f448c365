"""Retainer agreements: who pays how much for what, from when; and the pass-through expenses billed at cost."""

from __future__ import annotations

from typing import Any

from portal.audit import services as audit
from portal.billing.tables import Expense, RetainerAgreement
from portal.cases.tables import Client, Relative
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import Conflict, NotFound
from portal.policy import Action, Principal, require
from portal.validation import Checker

STATUSES = {"draft": "Draft", "active": "Active", "paused": "Paused", "ended": "Ended"}
TRANSITIONS = {
    "draft": {"active"},
    "active": {"paused", "ended"},
    "paused": {"active", "ended"},
    "ended": set(),
}
EXPENSE_KINDS = {"travel": "Travel", "site_visit": "Site-visit costs", "other": "Other pass-through cost"}


def _dollars_to_cents(c: Checker, name: str, *, required: bool, label: str) -> int | None:
    """Amounts are typed in dollars ("8,500" or "8500.00") and kept in cents."""
    raw = c.data.get(name)
    if raw in (None, ""):
        if required:
            c.fail(name, f"{label} is required.")
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw * 100
    text = str(raw).strip().replace(",", "").replace("$", "")
    try:
        whole, _, fraction = text.partition(".")
        if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
            raise ValueError
        cents = int(whole) * 100 + int((fraction + "00")[:2] or 0)
    except ValueError:
        c.fail(name, f"{label}: enter an amount in dollars, like 8500 or 8,500.00.")
        return None
    if cents > 10_000_000_00:
        c.fail(name, f"{label} is too large.")
        return None
    return cents


async def check_agreement_fields(data: dict[str, Any]) -> dict[Any, Any]:
    c = Checker(data)
    values: dict[Any, Any] = {}
    client_id = c.integer("client", required=True, minimum=1, maximum=2**31 - 1, label="Client")
    if client_id is not None and not await Client.exists().where(Client.id == client_id):
        c.fail("client", "Choose a client.")
    values["client"] = client_id
    payer_relative = c.integer("payer_relative", minimum=1, maximum=2**31 - 1, label="Payer")
    if payer_relative is not None:
        relative = (
            await Relative.select()
            .where(
                (Relative.id == payer_relative) & (Relative.client == (client_id or 0)) & Relative.removed_at.is_null()
            )
            .first()
        )
        if relative is None:
            c.fail("payer_relative", "Choose one of the client's relatives.")
        elif not relative["email"]:
            c.fail("payer_relative", "This relative has no e-mail address for invoices.")
        values.update(payer_relative=payer_relative, payer_name="", payer_email="")
    else:
        values["payer_relative"] = None
        values["payer_name"] = c.text("payer_name", required=True, max_length=200, label="Payer's name")
        values["payer_email"] = c.email("payer_email", required=True)
    values["monthly_fee_cents"] = _dollars_to_cents(c, "monthly_fee", required=True, label="Monthly fee")
    values["start_date"] = c.date("start_date", required=True, label="Start date")
    values["end_date"] = c.date("end_date", label="End date")
    if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
        c.fail("end_date", "The end date is before the start date.")
    values["billing_day"] = c.integer("billing_day", minimum=1, maximum=28, default=1, label="Billing day")
    included_hours = c.integer("included_hours", minimum=0, maximum=744, label="Included hours")
    values["included_minutes"] = included_hours * 60 if included_hours is not None else None
    values["overage_rate_cents"] = _dollars_to_cents(c, "overage_rate", required=False, label="Overage rate") or 0
    rollover_hours = c.integer("rollover_max_hours", minimum=0, maximum=744, default=0, label="Rollover")
    values["rollover_max_minutes"] = (rollover_hours or 0) * 60
    if values["rollover_max_minutes"] and values["included_minutes"] is None:
        c.fail("rollover_max_hours", "Rollover needs included hours.")
    values["autopay"] = c.boolean("autopay")
    c.done()
    return values


async def create_agreement(principal: Principal, data: dict[str, Any]) -> int:
    require(principal, Action.BILLING_WRITE)
    values = await check_agreement_fields(data)
    now = utcnow()
    async with write_transaction():
        rows = await RetainerAgreement.insert(
            RetainerAgreement(**values, status="draft", created_by=principal.user_id, created_at=now, updated_at=now)
        ).returning(RetainerAgreement.id)
        agreement_id = int(rows[0]["id"])
        await audit.record(
            principal,
            "agreement.create",
            resource_type="agreement",
            resource_id=agreement_id,
            client_id=values["client"],
        )
    return agreement_id


async def get_agreement(agreement_id: int) -> dict[str, Any]:
    row = await RetainerAgreement.select().where(RetainerAgreement.id == agreement_id).first()
    if row is None:
        raise NotFound("No such agreement.")
    return row


async def update_agreement(principal: Principal, agreement_id: int, data: dict[str, Any]) -> None:
    """Terms can change while a draft; an active agreement's terms apply to months not yet billed."""
    require(principal, Action.BILLING_WRITE)
    agreement = await get_agreement(agreement_id)
    if agreement["status"] == "ended":
        raise Conflict("An ended agreement cannot be changed.")
    values = await check_agreement_fields({**data, "client": agreement["client"]})
    async with write_transaction():
        await RetainerAgreement.update({**values, "updated_at": utcnow()}).where(RetainerAgreement.id == agreement_id)
        await audit.record(
            principal,
            "agreement.update",
            resource_type="agreement",
            resource_id=agreement_id,
            client_id=agreement["client"],
        )


async def set_status(principal: Principal, agreement_id: int, status: str) -> None:
    require(principal, Action.BILLING_WRITE)
    agreement = await get_agreement(agreement_id)
    if status not in TRANSITIONS.get(agreement["status"], set()):
        raise Conflict(f"An agreement that is {agreement['status']} cannot become {status}.")
    changes: dict[Any, Any] = {RetainerAgreement.status: status, RetainerAgreement.updated_at: utcnow()}
    if status == "ended" and agreement["end_date"] is None:
        changes[RetainerAgreement.end_date] = utcnow().date()
    async with write_transaction():
        await RetainerAgreement.update(changes).where(RetainerAgreement.id == agreement_id)
        await audit.record(
            principal,
            "agreement.status",
            resource_type="agreement",
            resource_id=agreement_id,
            client_id=agreement["client"],
            detail={"from": agreement["status"], "to": status},
        )


async def add_expense(
    principal: Principal, agreement_id: int, data: dict[str, Any], receipt: tuple[bytes, str] | None = None
) -> int:
    """A cost billed at cost on the next invoice. The invoice line says only "Pass-through expenses at cost"."""
    from portal.files import services as files

    require(principal, Action.BILLING_WRITE)
    agreement = await get_agreement(agreement_id)
    c = Checker(data)
    incurred_on = c.date("incurred_on", required=True, label="Date")
    kind = c.choice("kind", EXPENSE_KINDS, default="other", label="Kind")
    note = c.text("description", max_length=150, label="Description")
    amount = _dollars_to_cents(c, "amount", required=True, label="Amount")
    if amount is not None and amount <= 0:
        c.fail("amount", "The amount must be more than zero.")
    c.done()
    async with write_transaction():
        receipt_id = None
        if receipt is not None:
            receipt_id = (await files.store_upload(receipt[0], receipt[1], uploaded_by=principal.user_id)).id
        rows = await Expense.insert(
            Expense(
                agreement=agreement_id,
                incurred_on=incurred_on,
                description=f"{EXPENSE_KINDS[kind]}: {note}"[:200],
                amount_cents=amount,
                receipt=receipt_id,
                created_by=principal.user_id,
                created_at=utcnow(),
            )
        ).returning(Expense.id)
        await audit.record(
            principal, "expense.add", resource_type="expense", resource_id=rows[0]["id"], client_id=agreement["client"]
        )
    return int(rows[0]["id"])
