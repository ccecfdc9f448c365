"""Agreements on the billing pages: create one with a relative or an outside payer, edit its terms, activate,
pause and end it, add expenses with receipts."""

from __future__ import annotations

from typing import Any

from portal.billing.tables import Expense, RetainerAgreement
from portal.cases.tables import Relative
from portal.files.tables import StoredFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form(client_id: int, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client": client_id,
        "payer_relative": "",
        "payer_name": "Rivera Family Trust",
        "payer_email": "trustee@example.com",
        "monthly_fee": "8,500",
        "start_date": "2026-11-01",
        "end_date": "",
        "billing_day": "1",
        "included_hours": "20",
        "overage_rate": "250",
        "rollover_max_hours": "5",
    }
    data.update(fields)
    return data


async def test_bea_creates_activates_pauses_and_ends_an_agreement(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(bea)
    new_page = await client.get("/billing/agreements/new")
    assert "Jordan Rivera" in new_page.text and "Pat Rivera (parent, payer)" in new_page.text
    response = await client.post("/billing/agreements", data=form(jordan["id"]))
    assert response.status_code == 303
    path = response.headers["location"]
    row = await RetainerAgreement.select().first()
    assert (row["monthly_fee_cents"], row["included_minutes"], row["rollover_max_minutes"], row["status"]) == (
        850_000,
        1200,
        300,
        "draft",
    )
    page = (await client.get(path)).text
    assert "Rivera Family Trust" in page and "$8,500.00" in page and "Activate" in page

    for status, label in [("active", "Active"), ("paused", "Paused"), ("active", "Active"), ("ended", "Ended")]:
        response = await client.post(f"{path}/status", data={"status": status})
        assert response.status_code == 303
        assert (await RetainerAgreement.select().first())["status"] == status
        assert label in (await client.get(path)).text
    ended = await client.post(f"{path}/status", data={"status": "active"}, follow_redirects=True)
    assert "An agreement that is ended cannot become active." in ended.text


async def test_a_relative_pays_and_the_terms_can_change(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any]
) -> None:
    pat = await Relative.select().where(Relative.email == "pat@example.com").first()
    await client.login_as(bea)
    response = await client.post(
        "/billing/agreements", data=form(jordan["id"], payer_relative=pat["id"], payer_name="", payer_email="")
    )
    path = response.headers["location"]
    edit = (await client.get(f"{path}/edit")).text
    assert 'value="8500"' in edit and f'<option value="{pat["id"]}" selected>' in edit
    changed = await client.post(
        f"{path}/edit",
        data=form(
            jordan["id"], payer_relative=pat["id"], monthly_fee="9000.50", included_hours="", rollover_max_hours="0"
        ),
    )
    assert changed.status_code == 303
    row = await RetainerAgreement.select().first()
    assert (row["monthly_fee_cents"], row["included_minutes"], row["payer_relative"]) == (900_050, None, pat["id"])


async def test_expenses_with_receipts(client: Any, bea: dict[str, Any], jordan_agreement: int) -> None:
    await client.login_as(bea)
    path = f"/billing/agreements/{jordan_agreement}"
    response = await client.post(
        f"{path}/expenses",
        data={"incurred_on": "2026-11-12", "kind": "travel", "amount": "312.40", "description": "Mileage to a visit"},
        files={"receipt": ("mileage.pdf", PDF_BYTES, "application/pdf")},
    )
    assert response.status_code == 303
    [expense] = await Expense.select()
    assert (expense["amount_cents"], expense["description"]) == (31_240, "Travel: Mileage to a visit")
    stored = await StoredFile.select().where(StoredFile.id == expense["receipt"]).first()
    assert stored["original_name"] == "mileage.pdf"
    page = (await client.get(path)).text
    assert "Travel: Mileage to a visit" in page and "$312.40" in page and "Next invoice" in page
    receipt = await client.get(f"{path}/expenses/{expense['id']}/receipt")
    assert receipt.status_code == 200 and receipt.content == PDF_BYTES

    refused = await client.post(
        f"{path}/expenses",
        data={"incurred_on": "2026-11-12", "kind": "travel", "amount": "10", "description": "Parking"},
        files={"receipt": ("parking.pdf", b"MZ not a pdf", "application/pdf")},
    )
    assert refused.status_code == 400 and 'id="f-receipt-error"' in refused.text
    assert await Expense.count() == 1
