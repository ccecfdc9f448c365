"""PDFs read back with pypdf: the invoice (number, period line, totals, payments, balance; nothing clinical), the
payment receipt, the payer's statement and the Good Faith Estimate (12 months from the terms, the $400 notice)."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from portal.billing import profile
from portal.billing.invoicing import add_credit_note, record_offline_payment
from portal.billing.tables import Payment, RetainerAgreement
from portal.cases import clients
from portal.policy import Principal
from tests.billing.conftest import bea_principal, log_minutes
from tests.billing.pages_support import DEC_1, jordan_invoice
from tests.cases.coordination_support import add_note

NOTE_TEXT = "Discussed relapse triggers and the Blue Ridge wilderness program"
CLINICAL = ["F10", "Alcohol", "relapse", "Blue Ridge", "wilderness", "Dana Reyes"]


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    # Words, one space apart: where a line wraps depends on the font, not on what the document says.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
async def clinical_record(jordan: dict[str, Any], casey: dict[str, Any]) -> None:
    """Jordan's chart holds a diagnosis and a note: none of it may reach a billing PDF."""
    system = Principal.system("tests")
    await clients.add_diagnosis(system, jordan["id"], "F10.20", is_primary=True, diagnosed_on=date(2026, 8, 1))
    await add_note(
        jordan, casey, DEC_1, "call", subject="Weekly call", body_text=NOTE_TEXT, body_html=f"<p>{NOTE_TEXT}</p>"
    )


async def test_the_invoice_pdf(
    client: Any, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int,
    clinical_record: None,
) -> None:  # fmt: skip
    await profile.save_profile(
        bea_principal(bea),
        {"street": "12 Harbor Street", "city": "Montclair", "state": "NJ", "zip_code": "07042", "tax_id": "12-3456789"},
    )
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 4), 22 * 60)
    invoice = await jordan_invoice(bea, jordan_agreement)
    await record_offline_payment(
        bea_principal(bea),
        invoice["id"],
        {"amount_cents": 400_000, "method": "check", "reference": "1042", "received_on": "2026-12-02"},
    )
    await client.login_as(bea)
    response = await client.get(f"/billing/invoices/{invoice['id']}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert f"invoice-{invoice['number']}.pdf" in response.headers["content-disposition"]
    text = text_of(response.content)
    assert f"No. {invoice['number']}" in text
    assert "Case management services — November 2026" in text
    assert "Additional case management time — November 2026 (2 h at $250.00/h)" in text
    assert "$8,500.00" in text and "$500.00" in text
    assert "$9,000.00" in text  # the total
    assert "−$4,000.00" in text and "$5,000.00" in text  # the payment and the balance due
    assert "Pat Rivera" in text and "Harbor Case Management" in text and "12 Harbor Street" in text
    assert "December 1, 2026" in text and "December 15, 2026" in text  # issued and due
    assert re.search(r"Page 1 of 1", text)
    for word in CLINICAL:
        assert word not in text, word


async def test_the_receipt_and_the_statement(
    client: Any, bea: dict[str, Any], jordan_agreement: int, clinical_record: None
) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await add_credit_note(bea_principal(bea), invoice["id"], 50_000, "Courtesy credit")
    await record_offline_payment(
        bea_principal(bea),
        invoice["id"],
        {"amount_cents": 800_000, "method": "wire", "reference": "WIRE-77", "received_on": "2026-12-05"},
    )
    [payment] = await Payment.select()
    await client.login_as(bea)
    receipt = text_of((await client.get(f"/billing/invoices/{invoice['id']}/payments/{payment['id']}/receipt")).content)
    assert "Payment receipt" in receipt and "$8,000.00" in receipt and "WIRE-77" in receipt
    assert "Wire transfer" in receipt and "December 5, 2026" in receipt and "Balance" in receipt

    statement = text_of(
        (await client.get(f"/billing/payers/relative-{invoice['payer_relative']}/statement.pdf")).content
    )
    assert "Statement" in statement and "Pat Rivera" in statement
    assert "Courtesy credit" not in statement  # the reason stays internal; the amount shows
    assert "−$500.00" in statement and "WIRE-77" in statement
    assert "Balance due" in statement and "$0.00" in statement
    for word in CLINICAL:
        assert word not in receipt and word not in statement, word


async def test_the_good_faith_estimate(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int, clinical_record: None
) -> None:
    await client.login_as(bea)
    response = await client.get(f"/billing/agreements/{jordan_agreement}/good-faith-estimate.pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "Good Faith Estimate" in text
    assert "Jordan Rivera" in text and "March 14, 2004" in text  # name and date of birth belong on a GFE
    assert "December 2026" in text and "November 2027" in text and "December 2027" not in text  # 12 months
    assert "$102,000.00" in text  # 12 × $8,500
    assert "$400 or more" in text and "$102,400.00" in text
    assert "None expected unless more than 20 hours" in text and "$250.00 per hour" in text
    assert "billed at cost" in text
    for word in CLINICAL:
        assert word not in text, word

    # The one given out is kept and given again, until the terms change.
    agreement = await RetainerAgreement.select().where(RetainerAgreement.id == jordan_agreement).first()
    assert agreement["good_faith_estimate"] is not None
    again = await client.get(f"/billing/agreements/{jordan_agreement}/good-faith-estimate.pdf")
    assert again.content == response.content
    await client.post(
        f"/billing/agreements/{jordan_agreement}/edit",
        data={
            "payer_relative": agreement["payer_relative"],
            "monthly_fee": "9000",
            "start_date": "2026-08-01",
            "end_date": "2027-02-15",
            "billing_day": "1",
            "included_hours": "20",
            "overage_rate": "250",
            "rollover_max_hours": "0",
        },
    )
    changed = text_of((await client.get(f"/billing/agreements/{jordan_agreement}/good-faith-estimate.pdf")).content)
    assert "$9,000.00" in changed and "February 2027" in changed and "March 2027" not in changed
    assert "15 of 28 days" in changed  # February, prorated
    assert "$22,821.43" in changed  # December and January in full, half of February: 9,000 × 2 + 9,000 × 15/28
