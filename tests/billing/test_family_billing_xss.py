"""A payer's name and a client's name are text on the family billing pages and in their PDFs, never markup."""

from __future__ import annotations

from typing import Any

import pytest

from portal.billing.invoicing import record_offline_payment
from portal.billing.tables import Payment
from portal.cases.tables import Client, Relative
from tests.billing.conftest import bea_principal
from tests.billing.family_billing_support import DEC_1, family, november_invoice, pdf_text

PAYER = '<script>alert("payer")</script>'
CLIENT = '"><img src=x onerror=alert(2)>'


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def test_payer_and_client_names_are_escaped(
    client: Any, bea: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    relatives = await family(jordan, taylor)
    await Relative.update({Relative.name: PAYER}).where(Relative.id == relatives["pat"]["id"])
    await Client.update({Client.preferred_name: CLIENT}).where(Client.id == jordan["id"])
    issued = await november_invoice(bea, jordan, relatives["pat"]["id"])
    assert issued["payer_name"] == PAYER
    await record_offline_payment(
        bea_principal(bea),
        issued["id"],
        {"amount_cents": 1_000, "method": "check", "reference": "<b>1</b>", "received_on": "2026-12-02"},
    )
    payment = await Payment.select(Payment.id).where(Payment.invoice == issued["id"]).first()
    await client.login_as(pat)

    pages = [
        await client.get("/family/billing"),
        await client.get(f"/family/billing/invoices/{issued['id']}"),
        await client.get("/family"),
    ]
    for response in pages:
        assert response.status_code == 200, response.url
        assert "<script>alert" not in response.text and "<img src=x" not in response.text, response.url
    assert "&lt;script&gt;alert(&#34;payer&#34;)&lt;/script&gt;" in pages[1].text
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in pages[0].text

    receipt = await client.get(f"/family/billing/invoices/{issued['id']}/payments/{payment['id']}/receipt")
    assert '<script>alert("payer")</script>' in pdf_text(receipt.content)  # printed as the literal text
    statement = await client.get(f"/family/billing/statements/{jordan['id']}")
    assert '<script>alert("payer")</script>' in pdf_text(statement.content)
