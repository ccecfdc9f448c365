"""The payer's superbills: each month to download (the stored PDF), its estimate and filing deadline, a yearly
summary with a chart. Relatives without billing, suspended ones and those of other clients see nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from portal.billing.tables import Claim, ClientInsurance, Superbill, SuperbillLine
from portal.families.tables import AccessGrant
from portal.files import services as files
from tests.billing.claim_support import add_issued_month, issued_november
from tests.billing.family_billing_support import audit_count, pdf_text
from tests.billing.superbill_support import CASEY_NPI, EIN
from tests.support.queries import count_queries


@pytest.fixture
async def november(bea: Any, casey: Any, jordan: Any, taylor: Any, clock: Any) -> dict[str, Any]:
    return await issued_november(bea, casey, jordan, taylor, clock)


async def test_pat_sees_the_month_with_its_estimate_and_deadline(
    client: Any, pat: Any, jordan: Any, november: dict[str, Any]
) -> None:
    # Allowed $25 a unit for T1016, 80 % of the charge otherwise; the $3,000 deductible is met; 30 % coinsurance.
    await ClientInsurance.update(
        {
            ClientInsurance.allowed_amounts: {"T1016": 2500},
            ClientInsurance.allowed_percent: 80,
            ClientInsurance.oon_deductible_met_cents: 300_000,
        }
    ).where(ClientInsurance.client == jordan["id"])
    lines = await SuperbillLine.select().where(SuperbillLine.superbill == november["superbill_id"])
    allowed = sum(
        min(2500 * line["units"], line["charge_cents"]) if line["code"] == "T1016" else line["charge_cents"] * 80 // 100
        for line in lines
    )
    expected = allowed * 70 // 100

    await client.login_as(pat)
    billing = await client.get("/family/billing")
    assert 'href="/family/billing/superbills"' in billing.text
    page = await client.get("/family/billing/superbills")
    assert page.status_code == 200
    assert "Superbill · November 2026" in page.text
    dollars = f"${expected // 100:,}.{expected % 100:02d}"
    assert f"Estimate {dollars}" in page.text
    assert "File by May 2, 2027" in page.text
    assert 'id="claims-year-chart"' in page.text and 'data-key="estimated"' in page.text
    assert "2026 at a glance" in page.text

    detail = await client.get(f"/family/billing/superbills/{november['superbill_id']}")
    assert dollars in detail.text and "Estimate only" in detail.text and "May 2, 2027" in detail.text
    assert await audit_count("family.superbills.view", jordan["id"]) == 1


async def test_the_download_is_the_stored_pdf(client: Any, pat: Any, jordan: Any, november: dict[str, Any]) -> None:
    await client.login_as(pat)
    response = await client.get(f"/family/billing/superbills/{november['superbill_id']}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    stored = await files.read_bytes(await files.get_info(november["superbill"]["pdf"]))
    assert response.content == stored
    text = pdf_text(response.content)
    assert CASEY_NPI in text and EIN in text
    assert await audit_count("family.superbill.pdf", jordan["id"]) == 1


async def test_the_summary_adds_up_the_year(client: Any, pat: Any, november: dict[str, Any]) -> None:
    sid = november["superbill_id"]
    await client.login_as(pat)
    await client.post(
        f"/family/billing/superbills/{sid}/claims",
        data={"status": "paid", "submitted_on": "2026-12-03", "reimbursed": "250"},
    )
    page = await client.get("/family/billing/superbills?year=2026")
    paid = november["superbill"]["total_paid_cents"]
    assert f'id="summary-paid">${paid // 100:,}.{paid % 100:02d}' in page.text
    assert 'id="summary-reimbursed">$250.00' in page.text
    empty = await client.get("/family/billing/superbills?year=2025")
    assert "No superbills in 2025 yet." in empty.text


@pytest.mark.parametrize("who", ["sam", "robin"])
async def test_others_see_no_superbill(client: Any, who: str, jordan: Any, november: dict[str, Any]) -> None:
    await client.login(f"{who}@example.com")
    page = await client.get("/family/billing/superbills")
    assert page.status_code == 200
    assert "November 2026" not in page.text and "No superbills for you." in page.text
    assert (await client.get(f"/family/billing/superbills?client={jordan['id']}")).status_code == 404


async def test_without_billing_in_the_grant_pat_sees_nothing(client: Any, pat: Any, november: dict[str, Any]) -> None:
    await AccessGrant.update({AccessGrant.sees_billing: False}).where(AccessGrant.relative == november["pat"]["id"])
    await client.login_as(pat)
    page = await client.get("/family/billing/superbills")
    assert "November 2026" not in page.text
    assert (await client.get(f"/family/billing/superbills/{november['superbill_id']}")).status_code == 404
    assert (await client.get(f"/family/billing/superbills/{november['superbill_id']}/pdf")).status_code == 404


async def test_without_a_release_covering_billing_jordans_payer_sees_nothing(
    client: Any, bea: Any, casey: Any, jordan: Any, taylor: Any, pat: Any, clock: Any
) -> None:
    """Jordan is an adult: his parent sees billing only under his release (the consent gate)."""
    november = await issued_november(bea, casey, jordan, taylor, clock, release=False)
    await client.login_as(pat)
    assert "November 2026" not in (await client.get("/family/billing/superbills")).text
    assert (await client.get(f"/family/billing/superbills/{november['superbill_id']}")).status_code == 404


async def test_the_page_query_count_does_not_grow_with_superbills(
    client: Any, pat: Any, november: dict[str, Any]
) -> None:
    await client.login_as(pat)
    await client.get("/family/billing/superbills")
    with count_queries() as small:
        await client.get("/family/billing/superbills")
    base = november["superbill"]
    for month in range(1, 8):  # more months, each with a line and claims
        superbill_id = await add_issued_month(base, f"2026-{month:02d}", 9000 + month, charge_cents=1000, units=1)
        for _ in range(2):
            await Claim.insert(
                Claim(
                    superbill=superbill_id,
                    client=base["client"],
                    filing_deadline=date(2026, month, 3) + timedelta(days=180),
                    created_at=base["created_at"],
                    updated_at=base["created_at"],
                )
            )
    with count_queries() as large:
        page = await client.get("/family/billing/superbills")
    assert page.text.count("Superbill · ") == 8
    assert large.count == small.count


async def test_an_earlier_month_of_the_year_uses_up_the_deductible_first(
    client: Any, pat: Any, jordan: Any, november: dict[str, Any]
) -> None:
    """October's superbill (issued before) takes the deductible; November's estimate starts from what is left."""
    from portal.billing.estimates import ServiceLine, estimate_reimbursement
    from portal.billing.family_superbills import estimates_for
    from portal.billing.insurance import Benefits

    await ClientInsurance.update(
        {ClientInsurance.allowed_percent: 80, ClientInsurance.oon_deductible_cents: 50_000}
    ).where(ClientInsurance.client == jordan["id"])
    base = november["superbill"]
    await add_issued_month(base, "2026-10", 9001, charge_cents=40_000, units=5, service_day=6)
    estimates = await estimates_for([base])  # November alone is asked for; October is read for the deductible
    november_estimate = estimates[base["id"]]
    assert november_estimate is not None
    # October: allowed 80 % of $400 = $320, all of it toward the $500 deductible; $180 is left for November.
    assert november_estimate.deductible_applied_cents == min(18_000, november_estimate.allowed_cents)
    plan = Benefits.of(await ClientInsurance.select().where(ClientInsurance.client == jordan["id"]).first())
    lines = await SuperbillLine.select().where(SuperbillLine.superbill == base["id"])
    alone = estimate_reimbursement(plan, [ServiceLine(x["code"], x["units"], x["charge_cents"]) for x in lines])
    assert alone.deductible_applied_cents == min(50_000, alone.allowed_cents) > 18_000
    assert november_estimate.plan_pays_cents > alone.plan_pays_cents

    await client.login_as(pat)
    page = await client.get(f"/family/billing/superbills/{base['id']}")
    dollars = november_estimate.plan_pays_cents
    assert f"${dollars // 100:,}.{dollars % 100:02d}" in page.text


async def test_a_new_year_starts_with_nothing_met(jordan: Any, november: dict[str, Any]) -> None:
    """The plan's deductible was met in 2026: November owes none of it; January 2027 starts a new plan year and
    takes the deductible again."""
    from portal.billing.family_superbills import estimates_for

    await ClientInsurance.update(
        {
            ClientInsurance.allowed_percent: 80,
            ClientInsurance.oon_deductible_cents: 50_000,
            ClientInsurance.oon_deductible_met_cents: 50_000,
            ClientInsurance.oon_met_year: 2026,
        }
    ).where(ClientInsurance.client == jordan["id"])
    base = november["superbill"]
    january_id = await add_issued_month(base, "2027-01", 9101, charge_cents=40_000, units=5, service_day=6)
    january = await Superbill.select().where(Superbill.id == january_id).first()
    estimates = await estimates_for([base, january])
    november_estimate, january_estimate = estimates[base["id"]], estimates[january["id"]]
    assert november_estimate is not None and january_estimate is not None
    assert november_estimate.deductible_applied_cents == 0
    # January: allowed 80 % of $400 = $320, all of it toward the new year's $500 deductible.
    assert january_estimate.allowed_cents == 32_000
    assert january_estimate.deductible_applied_cents == 32_000 and january_estimate.plan_pays_cents == 0


async def test_a_plan_year_from_july_shares_one_deductible_across_new_year(
    jordan: Any, november: dict[str, Any]
) -> None:
    """A plan whose year runs from July: November 2026 and January 2027 share the 2026 plan year's deductible;
    July 2027 starts the next plan year with nothing met."""
    from portal.billing.family_superbills import estimates_for

    await ClientInsurance.update(
        {
            ClientInsurance.allowed_percent: 80,
            ClientInsurance.oon_deductible_cents: 80_000,
            ClientInsurance.oon_deductible_met_cents: 0,
            ClientInsurance.oon_met_year: 2026,
            ClientInsurance.plan_year_start_month: 7,
        }
    ).where(ClientInsurance.client == jordan["id"])
    base = november["superbill"]
    january_id = await add_issued_month(base, "2027-01", 9101, charge_cents=40_000, units=5, service_day=6)
    july_id = await add_issued_month(base, "2027-07", 9107, charge_cents=40_000, units=5, service_day=6)
    rows = await Superbill.select().where(Superbill.id.is_in([january_id, july_id]))
    estimates = await estimates_for([base, *rows])
    november_estimate, january_estimate, july_estimate = (estimates[i] for i in (base["id"], january_id, july_id))
    assert november_estimate is not None and january_estimate is not None and july_estimate is not None
    # January (allowed 80 % of $400 = $320) pays toward what November left of the same plan year's deductible.
    left = 80_000 - november_estimate.deductible_applied_cents
    assert 0 < left < 32_000
    assert january_estimate.deductible_applied_cents == left
    # July starts a new plan year: the whole $320 goes to a fresh deductible.
    assert july_estimate.deductible_applied_cents == 32_000
