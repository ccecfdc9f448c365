"""The demo's superbills and out-of-network claims, replayed on the story clock after the billing demo.

On Jordan's intake day Casey records the family's PPO plan (Pat's employer plan, Jordan a covered child) with
its out-of-network benefits; the next morning Bea fills in the practice's billing identity (legal name, address,
EIN, organisation NPI, taxonomy) and Casey's rendering-clinician profile (an individual NPI with a valid check
digit). At 08:15 on the first morning when a month has ended and Pat has paid it in full (the 2nd, or the morning
after a late payment), its superbill is issued as the automation would (through `issue_superbill`, quietly: nobody
is e-mailed about months-old superbills). Pat then files the oldest one with the plan, and it is paid; the next
one is pending.
Jordan's three diagnoses come from the case demo (portal/cases/demo.py).

This depends only on what the billing demo (`plan_billing_work`) has created by then: Jordan's agreement and
paid invoices.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from stdnum import luhn

from portal.billing import claims, clinicians, insurance, profile
from portal.billing.demo import BillingIds, billed_periods
from portal.billing.money import Period
from portal.billing.superbills import SuperbillRefused, issue_superbill
from portal.billing.tables import Invoice
from portal.cases.demo_work import Cast
from portal.demo_story import Story
from portal.policy import Principal

JORDAN_OPENED_DAYS_AGO = 123  # Jordan's intake (portal/cases/demo.py)
EIN = "46-2817365"
TAXONOMY = "251B00000X"  # case management agency
CASEY_TAXONOMY = "1041C0700X"  # clinical social worker


def npi_with_check_digit(first_nine: str) -> str:
    """An NPI: nine digits and the Luhn check digit computed over the prefix 80840 (DOMAIN §2)."""
    return first_nine + luhn.calc_check_digit("80840" + first_nine)


PRACTICE_NPI = npi_with_check_digit("198765432")  # type 2 (organisation)
CASEY_NPI = npi_with_check_digit("154872036")  # type 1 (individual)

JORDAN_PLAN = {
    "plan_name": "Horizon Blue PPO Gold",
    "plan_type": "ppo",
    "member_id": "HZN447281905",
    "group_number": "GRP-20418",
    "patient_name_on_card": "Jordan Rivera",
    "subscriber_relationship": "child",
    "subscriber_name": "Pat Rivera",
    "subscriber_date_of_birth": "1968-04-12",
    "claims_address": "Horizon Blue Claims\nPO Box 1609\nNewark, NJ 07101",
    "oon_deductible": "2,000",
    "oon_deductible_met": "1,500",
    "oon_coinsurance_percent": "30",
    "oon_out_of_pocket_max": "8,000",
    "oon_out_of_pocket_met": "1,500",
    "allowed_percent": "70",
    "allowed_amounts": "T1016 = 22.50\n99368 = 95.00\n99366 = 110.00",
    "timely_filing_days": "180",
}


def plan_superbill_work(story: Story, cast: Cast, billing: BillingIds) -> None:
    """Schedule the plan, the practice's billing identity, the superbills of paid months and two claims."""
    intake = story.moment(JORDAN_OPENED_DAYS_AGO, "11:30")

    async def record_plan() -> None:
        await insurance.save_insurance(cast.principals["casey"], cast.clients["jordan"], JORDAN_PLAN)

    async def billing_identity() -> None:
        bea = cast.principals["bea"]
        await profile.save_profile(
            bea,
            {
                "street": "12 Harbor Street, Suite 3",
                "city": "Montclair",
                "state": "NJ",
                "zip_code": "07042",
                "phone": "973-555-0100",
                "email": "billing@harbor-cm.example.com",
                "tax_id": EIN,
                "npi": PRACTICE_NPI,
            },
        )
        await clinicians.save_superbill_profile(
            bea,
            {
                "legal_name": "Harbor Case Management LLC",
                "tax_id_type": "ein",
                "tax_id": EIN,
                "npi": PRACTICE_NPI,
                "taxonomy_code": TAXONOMY,
            },
        )
        casey = await _user_id("casey@example.com")
        await clinicians.save_clinician(
            bea,
            casey,
            {
                "display_name": "Casey Morales, LCSW",
                "credentials": "LCSW",
                "npi": CASEY_NPI,
                "license_number": "44SC05821",
                "license_state": "NJ",
                "taxonomy_code": CASEY_TAXONOMY,
            },
        )

    story.at(intake, record_plan)
    story.at(story.moment(JORDAN_OPENED_DAYS_AGO - 1, "10:30"), billing_identity)

    issued: dict[str, int] = {}

    def issue_moment(period: Period) -> datetime | None:
        """08:15 on the first morning when the month has ended and its invoice is paid; None if it never is."""
        paid_at = billing.paid_at.get(("jordan", str(period)))
        if paid_at is None:
            return None
        ended = period.next().first_day + timedelta(days=1)  # the 2nd: the month has ended
        paid_day = paid_at.astimezone(story.zone).date() + timedelta(days=1)  # the morning after the payment
        day = max(ended, paid_day)
        return story.moment((story.today - day).days, "08:15")

    def issue(period: Period, moment: datetime) -> None:
        async def step() -> None:
            paid = await Invoice.exists().where(
                (Invoice.client == cast.clients["jordan"])
                & (Invoice.period == str(period))
                & (Invoice.status == "paid")
            )
            if not paid:
                return
            try:
                issued[str(period)] = await issue_superbill(
                    Principal.system("superbill-automation"), cast.clients["jordan"], str(period)
                )
            except SuperbillRefused:
                return  # a month the demo cannot bill an insurer for stays without a superbill

        story.at(moment, step)

    issued_on: dict[Period, date] = {}
    for period in billed_periods(story):
        moment = issue_moment(period)
        if moment is not None and moment < story.now:
            issued_on[period] = moment.astimezone(story.zone).date()
            issue(period, moment)
    periods = list(issued_on)

    def claim_steps(first: Period, second: Period | None) -> None:
        filed_on = issued_on[first] + timedelta(days=5)

        async def file_first() -> None:
            superbill_id = issued.get(str(first))
            if superbill_id is None:
                return
            claim_id = await claims.record_claim(
                cast.principals["pat"],
                superbill_id,
                {"submitted_on": filed_on.isoformat(), "claim_number": "HZN-26-0081342", "status": "submitted"},
            )
            moment_paid = filed_on + timedelta(days=24)
            paid_steps.append((claim_id, moment_paid))

        if filed_on >= story.today:
            return
        story.at(story.moment((story.today - filed_on).days, "20:10"), file_first)
        paid_on = filed_on + timedelta(days=24)

        async def paid() -> None:
            for claim_id, _ in paid_steps:
                await claims.update_claim(
                    cast.principals["pat"],
                    claim_id,
                    {"status": "paid", "allowed": "1,260.00", "reimbursed": "532.00", "note": "EOB received"},
                )

        if paid_on < story.today:
            story.at(story.moment((story.today - paid_on).days, "19:30"), paid)
        if second is None:
            return
        second_filed = issued_on[second] + timedelta(days=4)

        async def file_second() -> None:
            superbill_id = issued.get(str(second))
            if superbill_id is None:
                return
            await claims.record_claim(
                cast.principals["pat"],
                superbill_id,
                {"submitted_on": second_filed.isoformat(), "claim_number": "HZN-26-0094417", "status": "pending"},
            )

        if second_filed < story.today:
            story.at(story.moment((story.today - second_filed).days, "20:40"), file_second)

    paid_steps: list[tuple[int, date]] = []
    if periods:
        # The first full month Jordan was with the practice (the intake month is prorated).
        full = [p for p in periods if p.first_day > story.day(JORDAN_OPENED_DAYS_AGO)]
        if full:
            claim_steps(full[0], full[1] if len(full) > 1 else None)


async def _user_id(email: str) -> int:
    from portal.accounts.tables import User

    row = await User.select(User.id).where(User.email == email).first()
    assert row is not None, f"the demo has no {email}"
    return int(row["id"])
