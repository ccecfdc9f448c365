"""The out-of-network reimbursement estimate, with worked numbers (DOMAIN §2)."""

from __future__ import annotations

from portal.billing.estimates import ServiceLine, estimate_reimbursement
from portal.billing.insurance import Benefits

# Forty units of T1016 (10 hours) at $50.00 a unit: $2,000.00 charged.
T1016_MONTH = [ServiceLine("T1016", 24, 1200_00), ServiceLine("T1016", 16, 800_00)]


def ppo(**changes: object) -> Benefits:
    values: dict[str, object] = {
        "plan_type": "ppo",
        "deductible_cents": 1000_00,
        "deductible_met_cents": 400_00,
        "coinsurance_percent": 30,
        "out_of_pocket_max_cents": 5000_00,
        "out_of_pocket_met_cents": 1000_00,
        "allowed_amounts": {"T1016": 25_00},
    }
    values.update(changes)
    return Benefits(**values)  # type: ignore[arg-type]


def test_allowed_times_units_less_the_deductible_left_times_the_plans_share() -> None:
    # allowed 40 × $25 = $1,000; $600 of deductible left; ($1,000 − $600) × 70 % = $280.
    estimate = estimate_reimbursement(ppo(), T1016_MONTH)
    assert estimate.charge_cents == 2000_00
    assert estimate.allowed_cents == 1000_00
    assert estimate.deductible_applied_cents == 600_00
    assert estimate.coinsurance_cents == 120_00
    assert estimate.plan_pays_cents == 280_00
    assert estimate.member_pays_cents == 720_00
    assert not estimate.capped_by_out_of_pocket
    assert "Estimate" in estimate.label and "not by us" in estimate.label


def test_a_met_deductible_leaves_only_coinsurance() -> None:
    estimate = estimate_reimbursement(ppo(deductible_met_cents=1000_00), T1016_MONTH)
    assert estimate.deductible_applied_cents == 0
    assert estimate.plan_pays_cents == 700_00  # $1,000 × 70 %


def test_the_out_of_pocket_maximum_caps_the_members_share() -> None:
    # Only $100 of out-of-pocket left: the member pays $100 of the $1,000 allowed, the plan $900.
    estimate = estimate_reimbursement(ppo(out_of_pocket_met_cents=4900_00), T1016_MONTH)
    assert estimate.capped_by_out_of_pocket
    assert estimate.plan_pays_cents == 900_00
    assert estimate.member_pays_cents == 100_00
    assert estimate.deductible_applied_cents == 100_00
    assert estimate.coinsurance_cents == 0


def test_a_percentage_rule_applies_to_codes_without_an_amount() -> None:
    # 60 % of $2,000 = $1,200 allowed; no deductible left; 80 % of it = $960.
    benefits = ppo(allowed_amounts={}, allowed_percent=60, deductible_met_cents=1000_00, coinsurance_percent=20)
    estimate = estimate_reimbursement(benefits, T1016_MONTH)
    assert estimate.allowed_cents == 1200_00
    assert estimate.plan_pays_cents == 960_00


def test_the_allowed_amount_is_never_more_than_the_charge() -> None:
    benefits = ppo(allowed_amounts={"T1016": 80_00}, deductible_met_cents=1000_00, coinsurance_percent=0)
    estimate = estimate_reimbursement(benefits, [ServiceLine("T1016", 2, 100_00)])
    assert estimate.allowed_cents == 100_00
    assert estimate.plan_pays_cents == 100_00


def test_codes_without_an_allowed_amount_are_left_out_and_named() -> None:
    lines = [*T1016_MONTH, ServiceLine("99368", 1, 150_00)]
    estimate = estimate_reimbursement(ppo(), lines)
    assert estimate.codes_without_allowed == ["99368"]
    assert estimate.allowed_cents == 1000_00
    nothing = estimate_reimbursement(ppo(allowed_amounts={}), lines)
    assert nothing.plan_pays_cents == 0
    assert "not on file" in nothing.reason


def test_hmo_and_epo_plans_pay_nothing_out_of_network_and_say_why() -> None:
    for plan_type, name in (("hmo", "HMO"), ("epo", "EPO")):
        estimate = estimate_reimbursement(ppo(plan_type=plan_type), T1016_MONTH)
        assert estimate.plan_pays_cents == 0
        assert estimate.reason.startswith(name)
        assert "out of network" in estimate.reason


def test_cents_round_down_so_the_estimate_never_overstates() -> None:
    benefits = ppo(allowed_amounts={}, allowed_percent=100, deductible_met_cents=1000_00, coinsurance_percent=50)
    estimate = estimate_reimbursement(benefits, [ServiceLine("T1016", 1, 3_33)])
    assert estimate.plan_pays_cents == 1_66
    assert estimate.coinsurance_cents == 1_67


def test_the_months_of_a_year_share_one_deductible_and_one_out_of_pocket_maximum() -> None:
    """$600 of deductible left: the first month takes it all, the second pays coinsurance only, and the third
    stops at what is left of the $5,000 out-of-pocket maximum ($1,000 met before the first month)."""
    from portal.billing.estimates import estimate_year

    big_month = [ServiceLine("T1016", 400, 20_000_00)]  # allowed 400 × $25 = $10,000
    first, second, third = estimate_year(ppo(), [T1016_MONTH, T1016_MONTH, big_month])
    assert (first.deductible_applied_cents, first.plan_pays_cents) == (600_00, 280_00)
    assert (second.deductible_applied_cents, second.coinsurance_cents, second.plan_pays_cents) == (0, 300_00, 700_00)
    # Met so far: $1,000 + $720 (first) + $300 (second) = $2,020 → $2,980 left of the maximum.
    assert third.capped_by_out_of_pocket and third.member_pays_cents == 2980_00
    assert third.plan_pays_cents == 10_000_00 - 2980_00
    # Alone, the same month would have used the deductible again: that is what carrying it avoids.
    assert estimate_reimbursement(ppo(), T1016_MONTH).deductible_applied_cents == 600_00


def test_amounts_met_belong_to_their_own_year() -> None:
    """Met in 2026: a 2026 month starts from them; a 2027 month starts from nothing met (a new plan year), and so
    does a month of a year before the one recorded (what was met then is not known)."""
    met_in_2026 = ppo(met_year=2026)
    assert met_in_2026.for_year(2026) == met_in_2026
    assert estimate_reimbursement(met_in_2026.for_year(2026), T1016_MONTH).deductible_applied_cents == 600_00
    for year in (2027, 2025):
        fresh = met_in_2026.for_year(year)
        assert (fresh.deductible_met_cents, fresh.out_of_pocket_met_cents) == (0, 0)
        assert estimate_reimbursement(fresh, T1016_MONTH).deductible_applied_cents == 1000_00
    # A plan whose year is not known applies the amounts to every year, as before.
    assert ppo().for_year(2031) == ppo()


def test_a_plan_year_can_start_in_any_month() -> None:
    calendar, july = ppo(), ppo(plan_year_start_month=7)
    assert [calendar.plan_year_of(p) for p in ("2026-12", "2027-01", "2027-06", "2027-07")] == [2026, 2027, 2027, 2027]
    assert [july.plan_year_of(p) for p in ("2026-12", "2027-01", "2027-06", "2027-07")] == [2026, 2026, 2026, 2027]
