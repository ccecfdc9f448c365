"""Pat pays Jordan's retainer: on /family/billing he sees his invoices (number, period, total, status, balance,
due date), this month's hours and the next payment due; an invoice's page shows its lines and payments and a
"Pay now" that goes to Stripe's hosted page (or, offline, to the practice's instructions); after Stripe's
webhook the invoice is paid, and the receipt, the invoice and the statement download as PDFs, each audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from portal.billing import profile
from portal.billing.invoicing import record_offline_payment
from portal.billing.tables import Payment
from tests.billing.conftest import bea_principal, log_minutes
from tests.billing.family_billing_support import DEC_1, audit_count, family, november_invoice, pdf_text
from tests.billing.stripe_support import deliver
from tests.support.fake_stripe import FakeStripe


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def test_pat_sees_his_invoices_hours_and_next_payment(
    client: Any, bea: dict[str, Any], casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any],
    taylor: dict[str, Any],
) -> None:  # fmt: skip
    relatives = await family(jordan, taylor)
    await log_minutes(jordan["id"], casey["id"], date(2026, 12, 1), 90)
    issued = await november_invoice(bea, jordan, relatives["pat"]["id"])
    await client.login_as(pat)

    page = await client.get("/family/billing")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    assert f"Invoice {issued['number']} · November 2026" in text
    assert "Total $8,500.00" in text and "Balance $8,500.00" in text and "Due Dec 15, 2026" in text
    assert '<span class="badge info">Open</span>' in text
    assert "$8,500.00</strong>\n      due December 15, 2026" in text  # the next payment
    assert f'href="/family/billing/invoices/{issued["id"]}">View and pay invoice {issued["number"]}' in text
    assert "Hours in December 2026" in text and "1 h 30 min</strong> used of 20 h" in text
    assert "Remaining</dt><dd>18 h 30 min" in text
    assert f'href="/family/billing/statements/{jordan["id"]}"' in text
    assert '<a href="/family/billing" aria-current="page">Billing</a>' in text  # the navigation's link

    dashboard = await client.get("/family")
    assert "Next payment" in dashboard.text and "$8,500.00 due December 15, 2026" in dashboard.text
    assert await audit_count("family.billing.view", jordan["id"]) == 1


async def test_offline_the_pay_button_shows_the_practices_instructions(
    client: Any, bea: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    relatives = await family(jordan, taylor)
    await profile.save_profile(
        bea_principal(bea),
        {"street": "12 Harbor Lane", "city": "Montclair", "state": "NJ", "zip_code": "07042",
         "payment_instructions": "Checks payable to Harbor Case Management.\nWire: ask Bea for details."},
    )  # fmt: skip
    issued = await november_invoice(bea, jordan, relatives["pat"]["id"])
    await client.login_as(pat)

    page = await client.get(f"/family/billing/invoices/{issued['id']}")
    assert page.status_code == 200
    assert '<a class="button primary block-button" href="#how-to-pay">Pay now</a>' in page.text
    assert "Checks payable to Harbor Case Management.\nWire: ask Bea for details." in page.text
    assert "12 Harbor Lane" in page.text and "Case management services — November 2026" in page.text
    pay = await client.get(f"/family/billing/invoices/{issued['id']}/pay")
    assert pay.status_code == 303 and pay.headers["location"] == f"/family/billing/invoices/{issued['id']}#how-to-pay"

    await record_offline_payment(
        bea_principal(bea),
        issued["id"],
        {"amount_cents": 850_000, "method": "check", "reference": "Check 1042", "received_on": "2026-12-03"},
    )
    paid = await client.get(f"/family/billing/invoices/{issued['id']}")
    assert '<span class="badge ok">Paid</span>' in paid.text and "Pay now" not in paid.text
    assert "December 3, 2026 · Check" in paid.text and "how-to-pay" not in paid.text


async def test_pat_pays_on_stripes_page_and_downloads_the_receipt(
    fake_stripe: FakeStripe, client: Any, other_client: Any, bea: dict[str, Any], pat: dict[str, Any],
    jordan: dict[str, Any], taylor: dict[str, Any],
) -> None:  # fmt: skip
    relatives = await family(jordan, taylor)
    issued = await november_invoice(bea, jordan, relatives["pat"]["id"])
    assert issued["stripe_hosted_url"].startswith(fake_stripe.url)
    await client.login_as(pat)

    page = await client.get(f"/family/billing/invoices/{issued['id']}")
    assert f'href="/family/billing/invoices/{issued["id"]}/pay">Pay now</a>' in page.text
    assert "Stripe's secure page" in page.text and "how-to-pay" not in page.text
    pay = await client.get(f"/family/billing/invoices/{issued['id']}/pay")
    assert pay.status_code == 303 and pay.headers["location"] == issued["stripe_hosted_url"]
    assert await audit_count("family.invoice.pay", jordan["id"]) == 1

    paid_event = fake_stripe.pay(issued["stripe_invoice_id"])  # Pat pays on the hosted page
    assert (await deliver(other_client, fake_stripe, paid_event)).status_code == 200

    page = await client.get(f"/family/billing/invoices/{issued['id']}")
    assert '<span class="badge ok">Paid</span>' in page.text and "Pay now" not in page.text
    payment = await Payment.select().where(Payment.invoice == issued["id"]).first()
    receipt_path = f"/family/billing/invoices/{issued['id']}/payments/{payment['id']}/receipt"
    assert receipt_path in page.text
    listing = await client.get("/family/billing")
    assert "Nothing to pay right now." in listing.text and '<span class="badge ok">Paid</span>' in listing.text

    receipt = await client.get(receipt_path)
    assert receipt.status_code == 200 and receipt.headers["content-type"] == "application/pdf"
    assert (
        receipt.headers["content-disposition"].startswith("attachment")
        and receipt.headers["cache-control"] == "no-store"
    )
    text = pdf_text(receipt.content)
    assert "Payment receipt" in text and "Amount received $8,500.00" in text and "Paid to date $8,500.00" in text
    assert "Balance $0.00" in text and "Card" in text


async def test_every_download_is_audited_each_time(
    client: Any, bea: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    relatives = await family(jordan, taylor)
    issued = await november_invoice(bea, jordan, relatives["pat"]["id"])
    await record_offline_payment(
        bea_principal(bea),
        issued["id"],
        {"amount_cents": 300_000, "method": "wire", "reference": "W-77", "received_on": "2026-12-02"},
    )
    payment = await Payment.select().where(Payment.invoice == issued["id"]).first()
    await client.login_as(pat)
    downloads = {
        "family.invoice.pdf": f"/family/billing/invoices/{issued['id']}/pdf",
        "family.payment.receipt": f"/family/billing/invoices/{issued['id']}/payments/{payment['id']}/receipt",
        "family.statement.pdf": f"/family/billing/statements/{jordan['id']}",
    }
    texts = {}
    for _ in range(2):
        for path in downloads.values():
            response = await client.get(path)
            assert response.status_code == 200 and response.headers["cache-control"] == "no-store", path
            texts[path] = pdf_text(response.content)
    for action in downloads:
        assert await audit_count(action, jordan["id"]) == 2, action
    assert f"Invoice No. {issued['number']}" in texts[downloads["family.invoice.pdf"]]
    assert "Amount received $3,000.00" in texts[downloads["family.payment.receipt"]]
    assert "$5,500.00" in texts[downloads["family.statement.pdf"]]  # the balance
    disclosures = await audit_count("disclosure.allowed", jordan["id"])
    assert disclosures >= 6  # the consent gate recorded each download's disclosure
