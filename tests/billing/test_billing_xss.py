"""A payer's name and an expense's description are shown as text everywhere they appear: pages, the run
preview, statements, reports and PDFs."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from portal.billing.agreements import add_expense
from portal.billing.tables import Invoice
from tests.billing.conftest import bea_principal, make_agreement
from tests.billing.pages_support import DEC_1, issue_period

PAYER = '<script>alert("payer")</script>'
EXPENSE = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def test_payer_names_and_expense_descriptions_are_escaped(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any]
) -> None:
    agreement = await make_agreement(bea_principal(bea), jordan["id"], payer_name=PAYER, payer_email="x@example.com")
    await add_expense(
        bea_principal(bea),
        agreement,
        {"incurred_on": "2026-11-10", "kind": "other", "amount": "20", "description": EXPENSE},
    )
    await client.login_as(bea)
    preview = await client.get("/billing/runs/preview?period=2026-11")
    await issue_period(bea)
    invoice = await Invoice.select().first()
    pages = [
        preview,
        await client.get("/billing/agreements"),
        await client.get(f"/billing/agreements/{agreement}"),
        await client.get("/billing/invoices"),
        await client.get(f"/billing/invoices/{invoice['id']}"),
        await client.get("/billing/payers"),
        await client.get("/billing/reports"),
        await client.get("/billing"),
    ]
    statement_link = pages[5].text.split('href="/billing/payers/', 1)[1].split("/statement", 1)[0]
    pages.append(await client.get(f"/billing/payers/{statement_link}/statement"))
    for response in pages:
        assert response.status_code == 200, response.url
        assert "<script>alert" not in response.text and "<img src=x" not in response.text, response.url
    assert "&lt;script&gt;alert(&#34;payer&#34;)&lt;/script&gt;" in pages[1].text
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[2].text

    pdf = await client.get(f"/billing/invoices/{invoice['id']}/pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert '<script>alert("payer")' in text  # printed as the literal text, not run
