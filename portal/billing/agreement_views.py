"""Reading agreements for the billing pages and the API: the list, one agreement with its expenses and invoices,
and the choices of the agreement form (clients, and relatives who can receive invoices)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.audit import services as audit
from portal.billing.agreements import STATUSES, TRANSITIONS
from portal.billing.hours import MonthHours, client_hours
from portal.billing.ledger import agreement_invoices, check_id
from portal.billing.tables import Expense, RetainerAgreement
from portal.cases.clients import not_archived
from portal.cases.tables import Relative
from portal.errors import Invalid, NotFound
from portal.files import services as files
from portal.policy import MAX_ROW_ID, Action, Principal, require

AGREEMENT_COLUMNS = [
    *RetainerAgreement.all_columns(),
    RetainerAgreement.client.legal_name.as_alias("client_name"),
    RetainerAgreement.payer_relative.name.as_alias("relative_name"),
    RetainerAgreement.payer_relative.email.as_alias("relative_email"),
]
ACTION_LABELS = {"active": "Activate", "paused": "Pause", "ended": "End"}


def decorate_agreement(row: dict[str, Any]) -> dict[str, Any]:
    row["payer"] = row["relative_name"] or row["payer_name"]
    row["payer_contact"] = row["relative_email"] or row["payer_email"]
    row["status_label"] = STATUSES.get(row["status"], row["status"])
    row["included_hours"] = row["included_minutes"] // 60 if row["included_minutes"] is not None else None
    row["rollover_max_hours"] = row["rollover_max_minutes"] // 60
    row["next_statuses"] = [
        (status, label) for status, label in ACTION_LABELS.items() if status in TRANSITIONS[row["status"]]
    ]
    return row


def check_list_filters(data: dict[str, Any]) -> tuple[str, int | None]:
    errors: dict[str, str] = {}
    status = str(data.get("status") or "").strip()
    if status and status not in STATUSES:
        errors["status"] = "Choose one of: " + ", ".join(STATUSES) + "."
    client: int | None = None
    if data.get("client") not in (None, ""):
        try:
            client = int(data["client"])
        except (TypeError, ValueError):
            errors["client"] = "Choose a client."
        else:
            if not 0 < client <= MAX_ROW_ID:
                errors["client"] = "Choose a client."
    if errors:
        raise Invalid(**errors)
    return status, client


async def list_agreements(
    principal: Principal, *, status: str = "", client: int | None = None, page: int = 1, per_page: int = 25
) -> tuple[list[dict[str, Any]], int]:
    require(principal, Action.BILLING_READ)
    where: Any = not_archived(RetainerAgreement.client)
    if status:
        where &= RetainerAgreement.status == status
    if client:
        where &= RetainerAgreement.client == client
    total = await RetainerAgreement.count().where(where)
    rows = (
        await RetainerAgreement.select(*AGREEMENT_COLUMNS)
        .where(where)
        .order_by(RetainerAgreement.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [decorate_agreement(row) for row in rows], total


async def load_agreement(agreement_id: int) -> dict[str, Any]:
    check_id(agreement_id, "agreement")
    row = await RetainerAgreement.select(*AGREEMENT_COLUMNS).where(RetainerAgreement.id == agreement_id).first()
    if row is None:
        raise NotFound("No such agreement.")
    return decorate_agreement(row)


@dataclass
class AgreementDetail:
    agreement: dict[str, Any]
    expenses: list[dict[str, Any]]
    invoices: list[dict[str, Any]]
    hours: MonthHours | None

    @property
    def unbilled_expenses_cents(self) -> int:
        return sum(int(e["amount_cents"]) for e in self.expenses if e["invoice_line"] is None)


async def agreement_detail(principal: Principal, agreement_id: int) -> AgreementDetail:
    require(principal, Action.BILLING_READ)
    agreement = await load_agreement(agreement_id)
    expenses = (
        await Expense.select().where(Expense.agreement == agreement_id).order_by(Expense.incurred_on, ascending=False)
    )
    await audit.record(
        principal, "agreement.view", resource_type="agreement", resource_id=agreement_id, client_id=agreement["client"]
    )
    return AgreementDetail(
        agreement, expenses, await agreement_invoices(agreement_id), await client_hours(agreement["client"])
    )


async def expense_receipt(principal: Principal, agreement_id: int, expense_id: int) -> tuple[bytes, files.FileInfo]:
    require(principal, Action.BILLING_READ)
    check_id(expense_id, "expense")
    agreement = await load_agreement(agreement_id)
    row = await Expense.select().where((Expense.id == expense_id) & (Expense.agreement == agreement_id)).first()
    if row is None or row["receipt"] is None:
        raise NotFound("No receipt on file.")
    info = await files.get_info(row["receipt"])
    data = await files.read_bytes(info)
    await audit.record(
        principal, "expense.receipt.download", resource_type="expense", resource_id=expense_id,
        client_id=agreement["client"],
    )  # fmt: skip
    return data, info


# --------------------------------------------------------------------------- form choices


async def payer_relative_choices(client_id: int | None = None) -> list[dict[str, Any]]:
    """Relatives with an e-mail address (invoices go by e-mail), payers first, grouped by client."""
    where = Relative.removed_at.is_null() & (Relative.email != "") & not_archived(Relative.client)
    if client_id is not None:
        where &= Relative.client == client_id
    rows = await Relative.select(
        Relative.id,
        Relative.name,
        Relative.relationship,
        Relative.is_payer,
        Relative.client,
        Relative.client.legal_name.as_alias("client_name"),
    ).where(where)
    return sorted(rows, key=lambda r: (str(r["client_name"]).lower(), not r["is_payer"], str(r["name"]).lower()))


def form_values(agreement: dict[str, Any]) -> dict[str, Any]:
    """An agreement as the form shows it (amounts in dollars, time in hours)."""

    def dollars(cents: int) -> str:
        return f"{cents // 100}" if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"

    return {
        "client": agreement["client"],
        "payer_relative": agreement["payer_relative"] or "",
        "payer_name": agreement["payer_name"],
        "payer_email": agreement["payer_email"],
        "monthly_fee": dollars(int(agreement["monthly_fee_cents"])),
        "start_date": agreement["start_date"].isoformat(),
        "end_date": agreement["end_date"].isoformat() if agreement["end_date"] else "",
        "billing_day": agreement["billing_day"],
        "included_hours": agreement["included_hours"] if agreement["included_hours"] is not None else "",
        "overage_rate": dollars(int(agreement["overage_rate_cents"])),
        "rollover_max_hours": agreement["rollover_max_hours"],
        "autopay": agreement["autopay"],
    }
