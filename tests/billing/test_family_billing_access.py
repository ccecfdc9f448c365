"""Only the payer sees an invoice: Sam (suspended), Robin (another client's relative), Sam made active with
billing access but not the payer, and Pat himself without billing in his grant or without Jordan's release
covering billing (Jordan is an adult) all get the same 404 as for an invoice that does not exist, and
/family/billing shows them nothing. A draft is nobody's yet."""

from __future__ import annotations

from typing import Any

import pytest

from portal.billing.invoicing import record_offline_payment
from portal.billing.tables import Invoice, Payment
from portal.families.tables import AccessGrant
from tests.billing.conftest import bea_principal, make_agreement
from tests.billing.family_billing_support import DEC_1, audit_count, family, make_active, november_invoice
from tests.support import people


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def paid_invoice(bea: dict[str, Any], jordan: dict[str, Any], pat_relative: int) -> tuple[int, int]:
    issued = await november_invoice(bea, jordan, pat_relative)
    await record_offline_payment(
        bea_principal(bea),
        issued["id"],
        {"amount_cents": 100_000, "method": "check", "reference": "1", "received_on": "2026-12-02"},
    )
    payment = await Payment.select(Payment.id).where(Payment.invoice == issued["id"]).first()
    return issued["id"], payment["id"]


def paths(invoice_id: int, payment_id: int, client_id: int) -> list[str]:
    base = f"/family/billing/invoices/{invoice_id}"
    return [
        base,
        f"{base}/pay",
        f"{base}/pdf",
        f"{base}/payments/{payment_id}/receipt",
        f"/family/billing/statements/{client_id}",
        f"/family/billing?client={client_id}",
    ]


async def sees_nothing(client: Any, invoice_id: int, payment_id: int, client_id: int, *, nav: bool = False) -> None:
    for path in paths(invoice_id, payment_id, client_id):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "8,500" not in response.text and "November 2026" not in response.text, path
    page = await client.get("/family/billing")
    assert page.status_code == 200 and "No invoices for you." in page.text and "8,500" not in page.text
    assert ('href="/family/billing"' in page.text) is nav
    dashboard = await client.get("/family")
    assert "Next payment" not in dashboard.text


async def test_sam_suspended_and_robin_unrelated_get_404(
    client: Any, bea: dict[str, Any], sam: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    robin = await people.get("robin@example.com")
    relatives = await family(jordan, taylor)
    invoice_id, payment_id = await paid_invoice(bea, jordan, relatives["pat"]["id"])
    for person in (sam, robin):
        await client.login_as(person)
        await sees_nothing(client, invoice_id, payment_id, jordan["id"])
    assert await audit_count("family.invoice.view", jordan["id"]) == 0
    assert await audit_count("family.invoice.pdf", jordan["id"]) == 0
    assert await audit_count("family.payment.receipt", jordan["id"]) == 0
    assert await audit_count("family.statement.pdf", jordan["id"]) == 0


async def test_a_relative_with_billing_access_who_is_not_the_payer_gets_404(
    client: Any, bea: dict[str, Any], sam: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    from tests.families.conftest import family_release

    relatives = await family(jordan, taylor)
    await make_active(relatives["sam"]["id"])
    await family_release(jordan["id"], relatives["sam"]["id"], ["family_communication", "billing"])
    invoice_id, payment_id = await paid_invoice(bea, jordan, relatives["pat"]["id"])
    await client.login_as(sam)
    await sees_nothing(client, invoice_id, payment_id, jordan["id"])


async def test_pat_without_a_release_covering_billing_sees_nothing(
    client: Any, bea: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    from tests.families.conftest import family_release

    relatives = await family(jordan, taylor, release=False)
    await family_release(jordan["id"], relatives["pat"]["id"], ["family_communication"])  # billing not covered
    invoice_id, payment_id = await paid_invoice(bea, jordan, relatives["pat"]["id"])
    await client.login_as(pat)
    # The navigation offers Billing (deciding it runs no consent check); the page then shows nothing.
    await sees_nothing(client, invoice_id, payment_id, jordan["id"], nav=True)
    assert await audit_count("disclosure.denied", jordan["id"]) >= 1


async def test_pat_without_billing_in_his_grant_gets_404(
    client: Any, bea: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    relatives = await family(jordan, taylor)
    await AccessGrant.update({AccessGrant.sees_billing: False}).where(AccessGrant.relative == relatives["pat"]["id"])
    invoice_id, payment_id = await paid_invoice(bea, jordan, relatives["pat"]["id"])
    await client.login_as(pat)
    await sees_nothing(client, invoice_id, payment_id, jordan["id"])


async def test_drafts_other_payers_invoices_and_foreign_payments_are_not_found(
    client: Any, bea: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    relatives = await family(jordan, taylor)
    invoice_id, payment_id = await paid_invoice(bea, jordan, relatives["pat"]["id"])
    # Taylor's retainer is paid by a trust: Pat never sees its invoice, nor its payment through his own invoice.
    await make_agreement(bea_principal(bea), taylor["id"], payer_name="Brooks Trust", payer_email="t@example.com")
    await make_agreement(bea_principal(bea), jordan["id"], status="active", payer_name="Grandma",
                         payer_email="grandma@example.com", start_date="2026-12-01")  # fmt: skip
    from tests.billing.pages_support import issue_period

    await issue_period(bea)
    taylors = await Invoice.select().where(Invoice.client == taylor["id"]).first()
    await record_offline_payment(
        bea_principal(bea),
        taylors["id"],
        {"amount_cents": 100, "method": "cash", "reference": "", "received_on": "2026-12-02"},
    )
    foreign_payment = await Payment.select(Payment.id).where(Payment.invoice == taylors["id"]).first()
    await Invoice.update({Invoice.status: "draft"}).where(Invoice.id == invoice_id)

    await client.login_as(pat)
    for path in [
        *paths(invoice_id, payment_id, jordan["id"])[:4],  # now a draft
        f"/family/billing/invoices/{taylors['id']}",
        f"/family/billing/invoices/{invoice_id}/payments/{foreign_payment['id']}/receipt",
        "/family/billing/invoices/999999",
        "/family/billing/invoices/99999999999999",
        f"/family/billing/statements/{taylor['id']}",
        "/family/billing?client=abc",
    ]:
        assert (await client.get(path)).status_code == 404, path


async def test_staff_are_not_shown_the_family_pages(
    client: Any, bea: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    relatives = await family(jordan, taylor)
    invoice_id, _ = await paid_invoice(bea, jordan, relatives["pat"]["id"])
    for email in ("bea@example.com", "olivia@example.com", "casey@example.com"):
        await client.login_as(await people.get(email))
        for path in ("/family/billing", f"/family/billing/invoices/{invoice_id}"):
            assert (await client.get(path)).status_code in {403, 404}, (email, path)
