"""What the demo's retainer billing contains, as the services show it, printed as JSON.

Run against a database the demo was loaded into (`python -m tests.billing.billing_demo_facts` with
PORTAL_DATABASE_URL of that database); test_billing_demo.py loads a scratch database and asserts on the output.
The books are read as Bea, the family side as Pat; nothing here writes (the runs at the end are dry runs).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
from typing import Any

from pypdf import PdfReader

from portal.accounts.services import principal_for
from portal.accounts.tables import User
from portal.audit.services import verify_chain
from portal.audit.tables import AuditEvent
from portal.billing import family, ledger, reports
from portal.billing.money import Period
from portal.billing.run import run_monthly_billing
from portal.billing.tables import Invoice, InvoiceLine, Payment, RetainerAgreement
from portal.cases.tables import Client, Relative
from portal.clock import local_today
from portal.core.services import get_practice
from portal.files import services as files
from portal.mail.tables import OutboxMessage
from portal.policy import Principal


async def principal(email: str) -> Principal:
    user = await User.select().where(User.email == email).first()
    assert user is not None, email
    return principal_for(user)


async def estimate_text(file_id: int | None) -> dict[str, Any]:
    if file_id is None:
        return {"pages": 0, "text": ""}
    data = await files.read_bytes(await files.get_info(file_id))
    reader = PdfReader(io.BytesIO(data), strict=True)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return {"pages": len(reader.pages), "text": text}


async def facts() -> dict[str, Any]:
    today = local_today((await get_practice()).time_zone)
    bea = await principal("bea@example.com")
    pat = await principal("pat@example.com")
    clients = {row["id"]: row["legal_name"] for row in await Client.select(Client.id, Client.legal_name)}
    relatives = {row["id"]: row["name"] for row in await Relative.select(Relative.id, Relative.name)}
    users = {row["id"]: row["email"] for row in await User.select(User.id, User.email)}

    agreements = {}
    for row in await RetainerAgreement.select().order_by(RetainerAgreement.id):
        agreements[clients[row["client"]]] = {
            "status": row["status"],
            "payer": relatives[row["payer_relative"]] if row["payer_relative"] else row["payer_name"],
            "payer_is_relative": row["payer_relative"] is not None,
            "monthly_fee_cents": row["monthly_fee_cents"],
            "included_minutes": row["included_minutes"],
            "overage_rate_cents": row["overage_rate_cents"],
            "rollover_max_minutes": row["rollover_max_minutes"],
            "start_days_ago": (today - row["start_date"]).days,
            "end_date": row["end_date"],
            "created_by": users.get(row["created_by"]),
            "estimate": await estimate_text(row["good_faith_estimate"]),
        }

    lines: dict[int, list[str]] = {}
    for line in await InvoiceLine.select().order_by(InvoiceLine.invoice, InvoiceLine.position):
        lines.setdefault(line["invoice"], []).append(line["description"])
    payments: dict[int, list[dict[str, Any]]] = {}
    for payment in await Payment.select().order_by(Payment.id):
        payments.setdefault(payment["invoice"], []).append(
            {
                "amount_cents": payment["amount_cents"],
                "method": payment["method"],
                "reference": payment["reference"],
                "received_on": payment["received_on"],
                "recorded_by": users.get(payment["recorded_by"]),
            }
        )
    invoices = []
    for row in await Invoice.select().order_by(Invoice.number):
        invoices.append(
            {
                "number": row["number"],
                "client": clients[row["client"]],
                "period": row["period"],
                "status": row["status"],
                "payer": row["payer_name"],
                "total_cents": row["total_cents"],
                "paid_cents": row["paid_cents"],
                "issued_on": row["issued_on"],
                "due_on": row["due_on"],
                "stripe_invoice_id": row["stripe_invoice_id"],
                "lines": lines.get(row["id"], []),
                "payments": payments.get(row["id"], []),
            }
        )

    past_due, _ = await ledger.list_invoices(bea, ledger.InvoiceFilters(status="past_due"))
    aging = await reports.accounts_receivable_aging(bea)
    runs = [
        {"actor": row["actor_label"], "detail": row["detail"]}
        for row in await AuditEvent.select(AuditEvent.actor_label, AuditEvent.detail)
        .where(AuditEvent.action == "billing.run")
        .order_by(AuditEvent.id)
    ]
    # Dry runs: the billed months again (nothing new), and this month, still to be run.
    current = Period.of(today)
    again = {}
    period = current
    for _ in range(4):
        period = period.previous()
        summary = await run_monthly_billing(bea, str(period), dry_run=True)
        again[str(period)] = {"existing": summary.existing, "planned": len(summary.planned)}
    this_month = await run_monthly_billing(bea, str(current), dry_run=True)

    pat_view = await family.family_billing(pat)
    (account,) = pat_view.accounts
    hours = account.hours
    chain = await verify_chain()
    return {
        "today": today,
        "agreements": agreements,
        "invoices": invoices,
        "past_due": [(row["client_name"], row["period"], row["payer_name"]) for row in past_due],
        "aging_total_cents": aging.total_cents,
        "runs": runs,
        "again": again,
        "this_month": {
            "existing": this_month.existing,
            "planned": sorted((clients[p.client_id], p.total_cents) for p in this_month.planned),
        },
        "pat": {
            "clients": [a.client_name for a in pat_view.accounts],
            "invoices": [(row["period"], row["status"]) for row in pat_view.invoices],
            "open_balance_cents": account.open_balance_cents,
            "next_due": account.next_due is not None,
            "hours": None
            if hours is None
            else {"included": hours.included, "rolled_over": hours.rolled_over, "used": hours.used},
        },
        "outbox": await OutboxMessage.count(),
        "audit_intact": chain.intact,
    }


def main() -> None:
    os.environ["PORTAL_LOG_LEVEL"] = "WARNING"
    print(json.dumps(asyncio.run(facts()), default=str))


if __name__ == "__main__":
    main()
