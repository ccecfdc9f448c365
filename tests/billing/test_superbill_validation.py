"""Validation before a superbill is issued: each failure is named in plain words on the preview and refused by
issue_superbill — an invalid ICD-10 code, a wrong NPI check digit, a month not paid in full, a missing place of
service, a name that does not match the insurance card, a bad tax id. A refused superbill stores nothing and
uses no statement number."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from portal.billing.catalogue import ensure_default_catalogue
from portal.billing.superbills import SuperbillRefused, issue_superbill, preview_superbill
from portal.billing.tables import BillingProfile, ClientInsurance, ServiceCode, StatementCounter, Superbill
from portal.cases.tables import Diagnosis
from portal.clock import utcnow
from tests.billing.conftest import bea_principal
from tests.billing.pages_support import DEC_1
from tests.billing.superbill_support import (
    bill_november,
    ready_november,
    set_up_chart,
    set_up_insurance,
    set_up_provider,
)


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def refusal(bea: dict[str, Any], client_id: int) -> list[str]:
    with pytest.raises(SuperbillRefused) as refused:
        await issue_superbill(bea_principal(bea), client_id, "2026-11")
    assert await Superbill.count() == 0
    counter = await StatementCounter.select().where(StatementCounter.id == 1).first()
    assert counter is not None and counter["last_number"] == 0  # no number used
    return refused.value.problems


async def test_a_ready_month_has_no_problems(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await ready_november(bea, casey, jordan, jordan_agreement)
    preview = await preview_superbill(bea_principal(bea), jordan["id"], "2026-11")
    assert preview.problems == [] and preview.can_issue
    assert [d.code for d in preview.diagnoses] == ["F10.20", "F41.1", "F33.1"]
    assert preview.total_paid_cents == preview.total_charge_cents == 80500 and preview.balance_cents == 0
    assert any("earn no unit" in note for note in preview.notes)
    assert await Superbill.count() == 0  # a preview stores nothing


async def test_an_invalid_icd10_code_is_refused(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await ready_november(bea, casey, jordan, jordan_agreement)
    for code in ("F99.99", "F10"):  # not in the code set; a category, not a billable code
        await Diagnosis.insert(
            Diagnosis(
                client=jordan["id"], code=code, description="?", diagnosed_on=date(2026, 9, 1), created_at=utcnow()
            )
        )
    problems = await refusal(bea, jordan["id"])
    assert "Diagnosis F99.99 is not a valid billable ICD-10-CM code (box 21)." in problems
    assert "Diagnosis F10 is not a valid billable ICD-10-CM code (box 21)." in problems
    assert len(problems) == 2


async def test_a_wrong_npi_check_digit_is_refused(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await set_up_provider(bea, casey, casey_npi="1234567890")
    await set_up_insurance(jordan)
    await set_up_chart(jordan, casey)
    await bill_november(bea, jordan_agreement)
    problems = await refusal(bea, jordan["id"])
    assert problems == ["Casey Morales, LCSW's NPI 1234567890 fails the NPI check digit (box 24J)."]


async def test_a_month_not_paid_in_full_is_refused(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    invoice = await ready_november(bea, casey, jordan, jordan_agreement, pay_cents=400_000)
    problems = await refusal(bea, jordan["id"])
    assert problems == [
        f"November 2026 is not paid in full: $4,500.00 is still due on invoice {invoice['number']}. "
        "A superbill needs proof of payment and no balance."
    ]
    preview = await preview_superbill(bea_principal(bea), jordan["id"], "2026-11")
    assert preview.problems == problems and not preview.can_issue
    assert preview.total_paid_cents == 0 and preview.lines  # the lines are shown at full rate, unpaid


async def test_a_month_without_an_invoice_is_refused(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await set_up_provider(bea, casey)
    await set_up_insurance(jordan)
    await set_up_chart(jordan, casey)
    problems = await refusal(bea, jordan["id"])
    assert problems == ["No invoice for November 2026 has been issued, so nothing is paid yet."]


async def test_a_missing_place_of_service_is_refused(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await ready_november(bea, casey, jordan, jordan_agreement)
    assert await ensure_default_catalogue() == 10  # every activity of the vocabulary gets a code
    await ServiceCode.update({ServiceCode.place_of_service: ""}).where(ServiceCode.activity == "team_conference")
    problems = await refusal(bea, jordan["id"])
    assert problems == ["The line of 2026-11-10 (99368) has no place of service (box 24B)."]


async def test_a_name_unlike_the_insurance_card_is_refused(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await ready_november(bea, casey, jordan, jordan_agreement)
    await ClientInsurance.update({ClientInsurance.patient_name_on_card: "JORDAN  RIVERA."}).where(
        ClientInsurance.client == jordan["id"]
    )
    preview = await preview_superbill(bea_principal(bea), jordan["id"], "2026-11")
    assert preview.problems == []  # case, spacing and punctuation do not matter
    await ClientInsurance.update({ClientInsurance.patient_name_on_card: "Jordan A. Rivera"}).where(
        ClientInsurance.client == jordan["id"]
    )
    problems = await refusal(bea, jordan["id"])
    assert problems == [
        "The patient's name (Jordan Rivera) does not match the insurance card (Jordan A. Rivera) (box 2)."
    ]


async def test_a_bad_tax_id_and_missing_plan_are_refused(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await set_up_provider(bea, casey)
    await set_up_chart(jordan, casey)
    await bill_november(bea, jordan_agreement)
    await BillingProfile.update({BillingProfile.tax_id: "00-0000000"}).where(BillingProfile.id > 0)
    problems = await refusal(bea, jordan["id"])
    assert problems == [
        "The practice's tax id is not a valid EIN (box 25).",
        "No insurance plan is on file for this client (boxes 1a, 4, 11).",
    ]


async def test_a_clinician_without_a_profile_is_refused(
    db: None, bea: dict[str, Any], casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any],
    jordan_agreement: int,
) -> None:  # fmt: skip
    from tests.billing.superbill_support import log_time

    await ready_november(bea, casey, jordan, jordan_agreement)
    await log_time(jordan["id"], morgan["id"], date(2026, 11, 6), 30, "care_coordination")
    problems = await refusal(bea, jordan["id"])
    assert problems == ["Morgan Lee has no clinician profile (NPI and credentials) for superbills."]


async def test_a_written_off_month_is_refused(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    from portal.billing.tables import Invoice

    invoice = await ready_november(bea, casey, jordan, jordan_agreement, pay_cents=600_000)
    await Invoice.update({Invoice.status: "uncollectible"}).where(Invoice.id == invoice["id"])
    problems = await refusal(bea, jordan["id"])
    assert problems[0].startswith("November 2026 is not paid in full: $2,500.00 is still due on invoice")
