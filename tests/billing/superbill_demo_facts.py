"""What the demo's superbills and claims contain, as the services show them, printed as JSON.

Run against a database the demo was loaded into (`python -m tests.billing.superbill_demo_facts` with
PORTAL_DATABASE_URL of that database); test_superbill_demo.py loads a scratch database and asserts on the output.
Read as Bea and as Pat; nothing here writes but audit events.
"""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader
from stdnum import luhn
from stdnum.us import ein

from portal.accounts.services import principal_for
from portal.accounts.tables import User
from portal.audit.services import verify_chain
from portal.billing import family_superbills
from portal.billing.tables import BillingProfile, ClientInsurance, ClinicianProfile, Invoice, Superbill
from portal.cases.tables import Client, Diagnosis
from portal.clock import to_local, utcnow
from portal.core.services import get_practice
from portal.files import services as files
from portal.mail.tables import OutboxMessage
from portal.policy import Principal
from portal.settings import apply_clock, get_settings


async def principal(email: str) -> Principal:
    user = await User.select().where(User.email == email).first()
    assert user is not None, email
    return principal_for(user)


def npi_valid(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and luhn.is_valid("80840" + npi)


def board_items(board: family_superbills.SuperbillBoard) -> list[dict[str, Any]]:
    return [
        {
            "period": item.superbill["period"],
            "estimate": item.estimate.plan_pays_cents if item.estimate else None,
            "deadline": item.deadline.isoformat(),
            "claims": [(view.claim["status"], view.claim["reimbursed_cents"]) for view in item.claims],
        }
        for item in board.items
    ]


def aware(moment: Any) -> datetime:
    """Timestamps come back as text on SQLite."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def facts() -> dict[str, Any]:
    jordan = await Client.select().where(Client.legal_name == "Jordan Rivera").first()
    assert jordan is not None
    profile = await BillingProfile.select().first()
    casey = await User.select().where(User.email == "casey@example.com").first()
    clinician = await ClinicianProfile.select().where(ClinicianProfile.user == casey["id"]).first()
    plan = await ClientInsurance.select().where(ClientInsurance.client == jordan["id"]).first()
    paid_invoices = await Invoice.select(Invoice.period, Invoice.paid_at).where(
        (Invoice.client == jordan["id"]) & (Invoice.status == "paid")
    )
    paid_periods = sorted(row["period"] for row in paid_invoices)
    practice = await get_practice()
    paid_on = {
        row["period"]: to_local(aware(row["paid_at"]), practice.time_zone).date().isoformat() for row in paid_invoices
    }
    superbills = []
    for row in await Superbill.select().where(Superbill.client == jordan["id"]).order_by(Superbill.period):
        data = await files.read_bytes(await files.get_info(row["pdf"])) if row["pdf"] else b""
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages) if data else ""
        superbills.append(
            {
                "period": row["period"],
                "status": row["status"],
                "statement_number": row["statement_number"],
                "charge": row["total_charge_cents"],
                "paid": row["total_paid_cents"],
                "pdf_has_npi": clinician is not None and clinician["npi"] in text,
            }
        )
    pat = await principal("pat@example.com")
    board = await family_superbills.family_superbills(pat)
    # Every year Pat can page to: in January the claims of the months before are last year's.
    boards = [board] + [
        await family_superbills.family_superbills(pat, year=year) for year in board.years if year != board.year
    ]
    diagnoses = await Diagnosis.count().where(Diagnosis.client == jordan["id"])
    superbill_mail = await OutboxMessage.count().where(OutboxMessage.subject.like("%superbill%"))
    chain = await verify_chain()
    return {
        "profile": {
            "legal_name": profile["legal_name"] if profile else "",
            "ein_valid": bool(profile) and ein.is_valid(profile["tax_id"]),
            "npi_valid": bool(profile) and npi_valid(profile["npi"]),
            "taxonomy": profile["taxonomy_code"] if profile else "",
            "street": profile["street"] if profile else "",
        },
        "clinician": {
            "name": clinician["display_name"] if clinician else "",
            "npi_valid": bool(clinician) and npi_valid(clinician["npi"]),
        },
        "plan": {
            "type": plan["plan_type"] if plan else "",
            "name_on_card": plan["patient_name_on_card"] if plan else "",
            "timely_filing_days": plan["timely_filing_days"] if plan else 0,
        },
        "diagnoses": diagnoses,
        "paid_periods": paid_periods,
        "paid_on": paid_on,
        "now_local": to_local(utcnow(), practice.time_zone).isoformat(),
        "superbills": superbills,
        "family_year": board.year,
        "family_board": board_items(board),
        "family_all_years": [item for each in boards for item in board_items(each)],
        "summary": {
            "paid": sum(each.summary.paid_cents for each in boards),
            "estimated": sum(each.summary.estimated_cents for each in boards),
            "reimbursed": sum(each.summary.reimbursed_cents for each in boards),
        },
        "superbill_mail": superbill_mail,
        "audit_intact": chain.intact,
    }


if __name__ == "__main__":
    apply_clock(get_settings())  # read at the clock the demo was loaded with
    print(json.dumps(asyncio.run(facts()), default=str))
