"""A client's insurance plan: billing staff (any client) and the client's case manager (at intake) record it;
bad input is named field by field; every read and write is audited; nobody else sees it."""

from __future__ import annotations

from typing import Any

from portal.billing.tables import ClientInsurance
from portal.clock import local_today
from tests.billing.family_billing_support import audit_count

PLAN = {
    "plan_name": "Horizon PPO Gold",
    "plan_type": "ppo",
    "member_id": "HZN123456789",
    "group_number": "GRP-7781",
    "patient_name_on_card": "Jordan Rivera",
    "subscriber_relationship": "child",
    "subscriber_name": "Pat Rivera",
    "subscriber_date_of_birth": "1970-05-20",
    "claims_address": "Horizon Claims, PO Box 1609, Newark, NJ 07101",
    "oon_deductible": "3,000",
    "oon_deductible_met": "450.50",
    "oon_coinsurance_percent": "30",
    "oon_out_of_pocket_max": "9000",
    "oon_out_of_pocket_met": "450.50",
    "allowed_amounts": "T1016 = 25.00\n99368 = 120",
    "timely_filing_days": "180",
    "plan_year_start_month": "7",
}


async def test_billing_staff_record_the_plan(client: Any, bea: Any, jordan: Any) -> None:
    await client.login_as(bea)
    response = await client.post(f"/billing/insurance/{jordan['id']}", data=PLAN)
    assert response.status_code == 303, response.text
    row = await ClientInsurance.select().where(ClientInsurance.client == jordan["id"]).first()
    assert row["member_id"] == "HZN123456789" and row["plan_type"] == "ppo"
    assert (row["oon_deductible_cents"], row["oon_deductible_met_cents"]) == (300_000, 45_050)
    assert row["oon_out_of_pocket_max_cents"] == 900_000 and row["timely_filing_days"] == 180
    assert row["updated_by"] == bea["id"]
    # Left empty, the amounts met are for this year in the practice's time zone.
    assert row["oon_met_year"] == local_today("America/New_York").year
    assert row["plan_year_start_month"] == 7
    page = await client.get(f"/billing/insurance/{jordan['id']}")
    assert page.status_code == 200
    assert "T1016 = 25.00" in page.text and "99368 = 120.00" in page.text and 'value="3000.00"' in page.text
    assert f'value="{row["oon_met_year"]}"' in page.text
    assert '<option value="7" selected>July</option>' in page.text
    assert await audit_count("billing.insurance.create", jordan["id"]) == 1
    assert await audit_count("billing.insurance.view", jordan["id"]) == 1

    again = await client.post(f"/billing/insurance/{jordan['id']}", data={**PLAN, "plan_type": "hmo"})
    assert again.status_code == 303
    assert await ClientInsurance.count().where(ClientInsurance.client == jordan["id"]) == 1
    assert await audit_count("billing.insurance.update", jordan["id"]) == 1


async def test_bad_input_is_named_field_by_field(client: Any, bea: Any, jordan: Any) -> None:
    await client.login_as(bea)
    bad = {
        **PLAN,
        "plan_type": "ppx",
        "member_id": "",
        "subscriber_name": "",
        "subscriber_date_of_birth": "2099-01-01",
        "oon_deductible_met": "5000",
        "oon_coinsurance_percent": "130",
        "allowed_amounts": "T1016 costs 25",
        "timely_filing_days": "10",
        "oon_met_year": "1990",
        "plan_year_start_month": "13",
    }
    response = await client.post(f"/billing/insurance/{jordan['id']}", data=bad)
    assert response.status_code == 400
    for message in (
        "Choose one of the listed options for plan type.",
        "Member id is required.",
        "Subscriber&#39;s name is required when the patient is not the subscriber.",
        "Subscriber&#39;s date of birth cannot be in the future.",
        "The amount met cannot be more than the deductible.",
        "Coinsurance (%) must be at most 100.",
        "Line 1: write a code and an amount, like T1016 = 25.00.",
        "Timely-filing limit (days) must be at least 30.",
        "Year of the amounts met must be at least",
        "Choose one of the listed options for plan year starts in.",
    ):
        assert message in response.text, message
    wrong_code = await client.post(f"/billing/insurance/{jordan['id']}", data={**PLAN, "allowed_amounts": "T10 = 5"})
    assert wrong_code.status_code == 400 and "is not a CPT/HCPCS code" in wrong_code.text
    assert await ClientInsurance.count() == 0


async def test_a_case_manager_records_the_plan_of_their_own_client_at_intake(
    client: Any, casey: Any, jordan: Any, taylor: Any
) -> None:
    await client.login_as(casey)
    page = await client.get(f"/billing/insurance/{jordan['id']}")
    assert page.status_code == 200 and "Insurance plan" in page.text
    assert (await client.post(f"/billing/insurance/{jordan['id']}", data=PLAN)).status_code == 303
    assert (await client.get(f"/billing/insurance/{taylor['id']}")).status_code == 404
    assert (await client.post(f"/billing/insurance/{taylor['id']}", data=PLAN)).status_code == 404
    assert await ClientInsurance.count().where(ClientInsurance.client == taylor["id"]) == 0


async def test_families_and_missing_clients_get_nothing(client: Any, pat: Any, bea: Any, jordan: Any) -> None:
    await client.login_as(pat)
    assert (await client.get(f"/billing/insurance/{jordan['id']}")).status_code == 403
    assert (await client.post(f"/billing/insurance/{jordan['id']}", data=PLAN)).status_code == 403
    await client.login_as(bea)
    assert (await client.get("/billing/insurance/999999")).status_code == 404
    assert (await client.get("/billing/insurance/99999999999")).status_code == 404
