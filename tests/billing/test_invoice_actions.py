"""What staff do to an invoice on its page: record an offline payment (it becomes paid), refuse one above the
balance with a message, add a credit note, void, and write off (the owner only)."""

from __future__ import annotations

from typing import Any

import pytest

from portal.billing.tables import CreditNote, Invoice, Payment
from portal.mail.tables import OutboxMessage
from tests.billing.pages_support import DEC_1, jordan_invoice


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def reload(invoice: dict[str, Any]) -> dict[str, Any]:
    row = await Invoice.select().where(Invoice.id == invoice["id"]).first()
    assert row is not None
    return row


async def test_an_offline_payment_of_the_balance_makes_the_invoice_paid(
    client: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await client.login_as(bea)
    page = await client.get(f"/billing/invoices/{invoice['id']}")
    assert 'value="8500.00"' in page.text  # the balance, ready to record
    response = await client.post(
        f"/billing/invoices/{invoice['id']}/payments",
        data={"amount": "8,500.00", "method": "check", "reference": "Check 1042", "received_on": "2026-12-03"},
    )
    assert response.status_code == 303
    row = await reload(invoice)
    assert (row["status"], row["paid_cents"]) == ("paid", 850_000)
    [payment] = await Payment.select()
    assert (payment["method"], payment["reference"], str(payment["received_on"])) == (
        "check",
        "Check 1042",
        "2026-12-03",
    )
    page = await client.get(f"/billing/invoices/{invoice['id']}")
    assert "Paid" in page.text and "Check 1042" in page.text and "Record a payment" not in page.text


async def test_a_partial_payment_leaves_the_rest_open(client: Any, bea: dict[str, Any], jordan_agreement: int) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await client.login_as(bea)
    await client.post(
        f"/billing/invoices/{invoice['id']}/payments",
        data={"amount": "500", "method": "wire", "reference": "W-1", "received_on": "2026-12-02"},
    )
    row = await reload(invoice)
    assert (row["status"], row["paid_cents"]) == ("open", 50_000)
    assert 'value="8000.00"' in (await client.get(f"/billing/invoices/{invoice['id']}")).text


async def test_a_payment_above_the_balance_is_refused_with_a_message(
    client: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await client.login_as(bea)
    response = await client.post(
        f"/billing/invoices/{invoice['id']}/payments",
        data={"amount": "9000", "method": "check", "reference": "", "received_on": "2026-12-03"},
    )
    assert response.status_code == 400
    assert "More than the balance of $8,500.00." in response.text
    assert 'id="f-amount-error"' in response.text
    assert await Payment.count() == 0 and (await reload(invoice))["status"] == "open"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": "lots"}, "amount", "enter an amount in dollars"),
        ({"amount": "0"}, "amount", "at least 1"),
        ({"received_on": "yesterday"}, "received_on", "use a date like"),
        ({"method": "bitcoin"}, "method", "Choose one of the listed options"),
    ],
)
async def test_bad_payment_input_shows_form_errors(
    client: Any, bea: dict[str, Any], jordan_agreement: int, fields: dict[str, str], field: str, message: str
) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await client.login_as(bea)
    data = {"amount": "100", "method": "check", "reference": "", "received_on": "2026-12-03", **fields}
    response = await client.post(f"/billing/invoices/{invoice['id']}/payments", data=data)
    assert response.status_code == 400
    assert f'id="f-{field}-error"' in response.text and message in response.text
    assert await Payment.count() == 0


async def test_a_credit_note_lowers_the_balance(client: Any, bea: dict[str, Any], jordan_agreement: int) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await client.login_as(bea)
    response = await client.post(
        f"/billing/invoices/{invoice['id']}/credit-notes", data={"credit_amount": "1,000", "reason": "Goodwill"}
    )
    assert response.status_code == 303
    row = await reload(invoice)
    assert (row["credited_cents"], row["status"], row["total_cents"]) == (100_000, "open", 850_000)
    [credit] = await CreditNote.select()
    assert credit["reason"] == "Goodwill"
    page = await client.get(f"/billing/invoices/{invoice['id']}")
    assert "Goodwill" in page.text and "$7,500.00" in page.text

    too_much = await client.post(
        f"/billing/invoices/{invoice['id']}/credit-notes", data={"credit_amount": "8000", "reason": "Too much"}
    )
    assert too_much.status_code == 400 and "cannot exceed the balance" in too_much.text
    missing_reason = await client.post(
        f"/billing/invoices/{invoice['id']}/credit-notes", data={"credit_amount": "10", "reason": ""}
    )
    assert missing_reason.status_code == 400 and "Reason is required." in missing_reason.text


async def test_voiding_an_unpaid_invoice(client: Any, bea: dict[str, Any], jordan_agreement: int) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await client.login_as(bea)
    response = await client.post(f"/billing/invoices/{invoice['id']}/void", data={})
    assert response.status_code == 303
    row = await reload(invoice)
    assert row["status"] == "void" and row["number"] == invoice["number"]
    again = await client.post(f"/billing/invoices/{invoice['id']}/void", data={}, follow_redirects=True)
    assert "Only an unpaid draft or open invoice can be voided" in again.text


async def test_writing_off_is_the_owners_decision(
    client: Any, bea: dict[str, Any], olivia: dict[str, Any], jordan_agreement: int
) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await client.login_as(bea)
    page = await client.get(f"/billing/invoices/{invoice['id']}")
    assert "/write-off" not in page.text and "Writing off a balance is the owner's decision." in page.text
    assert (await client.post(f"/billing/invoices/{invoice['id']}/write-off", data={})).status_code == 403
    assert (await reload(invoice))["status"] == "open"

    await client.logout()
    await client.login_as(olivia)
    page = await client.get(f"/billing/invoices/{invoice['id']}")
    assert "Write off as uncollectible" in page.text
    assert (await client.post(f"/billing/invoices/{invoice['id']}/write-off", data={})).status_code == 303
    row = await reload(invoice)
    assert row["status"] == "uncollectible"
    assert "Written off" in (await client.get(f"/billing/invoices/{invoice['id']}")).text


async def test_the_payer_can_be_sent_the_link_again(client: Any, bea: dict[str, Any], jordan_agreement: int) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await client.login_as(bea)
    assert (await client.post(f"/billing/invoices/{invoice['id']}/send", data={})).status_code == 303
    messages = await OutboxMessage.select().where(OutboxMessage.to_address == "pat@example.com")
    assert len(messages) == 2 and all("Jordan" not in m["body_text"] for m in messages)


async def test_unknown_invoices_are_not_found(client: Any, bea: dict[str, Any]) -> None:
    await client.login_as(bea)
    for path in ["/billing/invoices/999999", "/billing/invoices/99999999999999", "/billing/invoices/999999/pdf"]:
        assert (await client.get(path)).status_code == 404, path
    assert (await client.post("/billing/invoices/99999999999/void", data={})).status_code == 404


async def test_refunding_part_of_a_check_from_the_invoice_page(
    client: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    invoice = await jordan_invoice(bea, jordan_agreement)
    await client.login_as(bea)
    await client.post(
        f"/billing/invoices/{invoice['id']}/payments",
        data={"amount": "8500", "method": "check", "reference": "C-9", "received_on": "2026-12-02"},
    )
    [payment] = await Payment.select()
    page = (await client.get(f"/billing/invoices/{invoice['id']}")).text
    assert "Refund a payment" in page and "$8,500.00 refundable" in page
    too_much = await client.post(
        f"/billing/invoices/{invoice['id']}/refunds",
        data={"payment": payment["id"], "refund_amount": "9000", "refund_reason": "Overpaid"},
    )
    assert too_much.status_code == 400 and 'id="f-refund_amount-error"' in too_much.text
    response = await client.post(
        f"/billing/invoices/{invoice['id']}/refunds",
        data={"payment": payment["id"], "refund_amount": "500", "refund_reason": "Two days not worked"},
    )
    assert response.status_code == 303
    row = await reload(invoice)
    assert (row["refunded_cents"], row["paid_cents"]) == (50_000, 850_000)
    page = (await client.get(f"/billing/invoices/{invoice['id']}")).text
    assert "Two days not worked" in page and "$8,000.00 refundable" in page
    other = await client.post(
        f"/billing/invoices/{invoice['id']}/refunds",
        data={"payment": "999999", "refund_amount": "1", "refund_reason": "x"},
    )
    assert other.status_code == 400 and "Choose one of the invoice" in other.text
