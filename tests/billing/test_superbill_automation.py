"""When a month's invoice is paid in full, the worker issues its superbill and tells the payer, with no client
data in the e-mail; once only. A superbill that cannot be issued becomes one notice for billing staff."""

from __future__ import annotations

from datetime import timedelta
from email.message import Message
from typing import Any

from portal.billing.tables import BillingNotice, ClientInsurance, Superbill
from portal.worker import run_once
from tests.billing.claim_support import DEC_3
from tests.billing.conftest import bea_principal, make_agreement
from tests.billing.family_billing_support import family
from tests.billing.superbill_support import DIAGNOSES, bill_november, set_up_chart, set_up_insurance, set_up_provider


async def november_for_pat(bea: Any, casey: Any, jordan: Any, taylor: Any, clock: Any, **options: Any) -> int:
    clock.set(DEC_3)
    people = await family(jordan, taylor)
    agreement = await make_agreement(
        bea_principal(bea), jordan["id"], payer_relative=people["pat"]["id"], payer_name="", payer_email=""
    )
    await set_up_provider(bea, casey)
    await set_up_chart(jordan, casey)
    return agreement


def body(message: Message) -> str:
    part = message.get_payload(0) if message.is_multipart() else message
    assert isinstance(part, Message)
    payload = part.get_payload(decode=True)
    return payload.decode() if isinstance(payload, bytes) else str(payload)


async def test_a_paid_month_gets_its_superbill_and_the_payer_a_content_free_email(
    bea: Any, casey: Any, jordan: Any, taylor: Any, clock: Any, smtp_server: Any, settings_override: Any
) -> None:
    settings_override(smtp_url=smtp_server.url)
    agreement = await november_for_pat(bea, casey, jordan, taylor, clock)
    await set_up_insurance(jordan)
    await bill_november(bea, agreement)

    report = await run_once()
    assert report.superbills == 1
    [superbill] = await Superbill.select().where(Superbill.client == jordan["id"])
    assert (superbill["period"], superbill["status"]) == ("2026-11", "issued")
    assert superbill["total_paid_cents"] == superbill["total_charge_cents"] > 0

    # (the invoice e-mail of December 1st goes out in the same round)
    messages = [m for m in smtp_server.wait_for(2) if m["Subject"].startswith("A new superbill")]
    [message] = messages
    assert message["To"] == "pat@example.com"
    assert message["Subject"].startswith("A new superbill is ready")
    text = message["Subject"] + body(message)
    assert "/family/billing/superbills" in text
    for secret in ("Jordan", "Rivera", "November", *DIAGNOSES, "Horizon", "T1016"):
        assert secret not in text

    again = await run_once()  # idempotent: nothing more issued, nobody e-mailed twice
    assert again.superbills == 0
    assert await Superbill.count().where(Superbill.client == jordan["id"]) == 1
    assert [m["Subject"].startswith("A new superbill") for m in smtp_server.messages].count(True) == 1


async def test_a_month_not_paid_in_full_or_without_insurance_gets_nothing(
    bea: Any, casey: Any, jordan: Any, taylor: Any, clock: Any
) -> None:
    agreement = await november_for_pat(bea, casey, jordan, taylor, clock)
    await bill_november(bea, agreement)  # paid, but no insurance on file
    assert (await run_once()).superbills == 0
    assert await Superbill.count() == 0
    assert await BillingNotice.count() == 0


async def test_a_refused_superbill_is_one_notice_for_billing_staff_until_it_can_be_issued(
    client: Any, bea: Any, casey: Any, jordan: Any, taylor: Any, clock: Any
) -> None:
    agreement = await november_for_pat(bea, casey, jordan, taylor, clock)
    await set_up_insurance(jordan, name_on_card="Jordan A. Rivera")  # does not match the client's name
    invoice = await bill_november(bea, agreement)

    first = await run_once()
    assert first.superbills == 0
    [notice] = await BillingNotice.select().where(BillingNotice.invoice == invoice["id"])
    assert notice["kind"] == "superbill_refused" and notice["resolved_at"] is None
    assert notice["message"].startswith("The superbill for November 2026 could not be issued:")
    assert "card" in notice["message"]

    await client.login_as(bea)
    page = await client.get("/billing/claims")
    assert page.status_code == 200
    assert "Superbills that could not be issued" in page.text and "could not be issued: " in page.text
    assert f'href="/billing/insurance/{jordan["id"]}"' in page.text

    await run_once()
    clock.advance(hours=2)
    await run_once()
    assert await BillingNotice.count() == 1  # no spam

    await ClientInsurance.update({ClientInsurance.patient_name_on_card: "Jordan Rivera"}).where(
        ClientInsurance.client == jordan["id"]
    )
    clock.advance(hours=12)
    assert (await run_once()).superbills == 0  # retried once a day, not every round
    clock.set(DEC_3 + timedelta(days=1, hours=1))
    assert (await run_once()).superbills == 1
    [notice] = await BillingNotice.select().where(BillingNotice.invoice == invoice["id"])
    assert notice["resolved_at"] is not None and notice["resolution"] == "Superbill issued."
    await client.login_as(bea)
    assert "None: every month paid in full" in (await client.get("/billing/claims")).text
