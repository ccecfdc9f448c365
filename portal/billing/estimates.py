"""An out-of-network reimbursement estimate for one month's superbill, from the plan's benefits (DOMAIN §2).

    allowed   = Σ over lines of (the plan's allowed amount per unit for the code × units), never more than the
                line's charge; a code without an allowed amount uses the plan's percentage of the charge, and
                without that the line is left out (and named)
    deductible applied = min(allowed, what remains of the OON deductible)
    plan pays = (allowed − deductible applied) × (1 − coinsurance), rounded down to the cent
    the member's share (deductible applied + coinsurance) never exceeds what remains of the out-of-pocket
    maximum: anything above it is paid by the plan
    HMO and EPO plans: 0, with that reason.

Months of one plan year (the calendar year, or twelve months from the month the plan's year starts in) are
estimated in order, each starting from what the months before it left of the deductible and of the out-of-pocket
maximum (`estimate_year`): the plan's "met so far" figures are what was met before the first of them, so a family's
third month does not count the deductible a second time.
Those figures belong to the plan year they were recorded for (`Benefits.for_year`): another plan year starts from
nothing met, so a new plan year does not inherit the last one's met deductible.

It is an estimate, never a promise: every page that shows it says so. Pure functions; no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from portal.billing.insurance import NO_OON_PLAN_TYPES, PLAN_TYPES, Benefits

ESTIMATE_LABEL = "Estimate only — what your plan pays is decided by your plan, not by us."


@dataclass(frozen=True)
class ServiceLine:
    code: str
    units: int
    charge_cents: int  # the line's full charge (all units)


@dataclass(frozen=True)
class Estimate:
    charge_cents: int
    allowed_cents: int
    deductible_applied_cents: int
    coinsurance_cents: int  # the member's coinsurance on what is left after the deductible
    plan_pays_cents: int  # the estimate
    reason: str = ""  # why it is zero (an HMO/EPO plan), or ""
    codes_without_allowed: list[str] = field(default_factory=list)
    capped_by_out_of_pocket: bool = False
    label: str = ESTIMATE_LABEL

    @property
    def member_pays_cents(self) -> int:
        return self.allowed_cents - self.plan_pays_cents


def allowed_for(benefits: Benefits, line: ServiceLine) -> int | None:
    """The plan's allowed amount for one line (never above the charge), or None when the plan names none."""
    per_unit = (benefits.allowed_amounts or {}).get(line.code.upper())
    if per_unit is not None:
        return min(per_unit * line.units, line.charge_cents)
    if benefits.allowed_percent is not None:
        return line.charge_cents * benefits.allowed_percent // 100
    return None


def estimate_reimbursement(benefits: Benefits, lines: Iterable[ServiceLine]) -> Estimate:
    lines = list(lines)
    charge = sum(line.charge_cents for line in lines)
    if benefits.plan_type in NO_OON_PLAN_TYPES:
        return Estimate(
            charge_cents=charge,
            allowed_cents=0,
            deductible_applied_cents=0,
            coinsurance_cents=0,
            plan_pays_cents=0,
            reason=f"{PLAN_TYPES[benefits.plan_type]} plans usually pay nothing out of network.",
        )
    allowed = 0
    missing: list[str] = []
    for line in lines:
        amount = allowed_for(benefits, line)
        if amount is None:
            if line.code not in missing:
                missing.append(line.code)
            continue
        allowed += amount
    remaining_deductible = max(0, benefits.deductible_cents - benefits.deductible_met_cents)
    deductible_applied = min(allowed, remaining_deductible)
    after_deductible = allowed - deductible_applied
    plan_pays = after_deductible * (100 - benefits.coinsurance_percent) // 100
    coinsurance = after_deductible - plan_pays
    capped = False
    if benefits.out_of_pocket_max_cents is not None:
        remaining_oop = max(0, benefits.out_of_pocket_max_cents - benefits.out_of_pocket_met_cents)
        member_share = deductible_applied + coinsurance
        if member_share > remaining_oop:
            capped = True
            plan_pays = allowed - remaining_oop
            # The cap eats the coinsurance first, then the deductible.
            coinsurance = max(0, remaining_oop - deductible_applied)
            deductible_applied = min(deductible_applied, remaining_oop)
    reason = ""
    if allowed == 0 and missing:
        reason = "The plan's allowed amounts for these services are not on file."
    return Estimate(
        charge_cents=charge,
        allowed_cents=allowed,
        deductible_applied_cents=deductible_applied,
        coinsurance_cents=coinsurance,
        plan_pays_cents=plan_pays,
        reason=reason,
        codes_without_allowed=missing,
        capped_by_out_of_pocket=capped,
    )


def estimate_year(benefits: Benefits, months: Sequence[Iterable[ServiceLine]]) -> list[Estimate]:
    """One estimate per month of one benefit year, oldest first: each month's deductible applied and member's
    share count toward the months after it (never past the deductible or the out-of-pocket maximum)."""
    estimates: list[Estimate] = []
    running = benefits
    for lines in months:
        estimate = estimate_reimbursement(running, lines)
        estimates.append(estimate)
        member_share = estimate.deductible_applied_cents + estimate.coinsurance_cents
        running = replace(
            running,
            deductible_met_cents=min(
                running.deductible_cents, running.deductible_met_cents + estimate.deductible_applied_cents
            ),
            out_of_pocket_met_cents=running.out_of_pocket_met_cents + member_share,
        )
    return estimates
