"""Helpers of the superbill tests: Jordan's November 2026 made ready for a superbill — the practice's billing
profile (EIN, organisation NPI, taxonomy), Casey as rendering clinician (an NPI with a valid check digit), Jordan's
PPO plan, three diagnoses, billable time of several activities (with descriptions and a note that must never reach
a superbill), and November's invoice paid in full."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from portal.billing import clinicians, profile
from portal.billing.invoicing import record_offline_payment
from portal.billing.tables import ClientInsurance, Invoice
from portal.cases import clients
from portal.cases.tables import TimeEntry
from portal.clock import utcnow
from portal.policy import Principal
from tests.billing.conftest import bea_principal
from tests.billing.pages_support import jordan_invoice
from tests.cases.coordination_support import add_note

CASEY_NPI = "1234567893"
PRACTICE_NPI = "1987654328"
EIN = "12-3456789"
NOTE_TEXT = "Discussed relapse triggers and the Blue Ridge wilderness program"
ENTRY_TEXT = "Called the Blue Ridge admissions director about a bed"
DIAGNOSES = ("F10.20", "F41.1", "F33.1")
# (day of November, minutes, activity): several entries on one day are summed per code.
NOVEMBER_TIME = (
    (3, 30, "care_coordination"),
    (3, 15, "case_management"),  # same code (T1016) and day as the entry above: one line of 45 min, 3 units
    (5, 23, "care_coordination"),  # 2 units under the 8-minute rule
    (10, 45, "team_conference"),  # 99368, one session
    (12, 7, "care_coordination"),  # earns no unit: left off
    (17, 60, "family_meeting"),  # 99366, one session
    (24, 38, "research"),  # G9012, 3 units
)


async def log_time(client_id: int, user_id: int, day: date, minutes: int, activity: str, **extra: Any) -> None:
    now = utcnow()
    await TimeEntry.insert(
        TimeEntry(
            client=client_id,
            case_manager=user_id,
            service_date=day,
            minutes=minutes,
            activity=activity,
            description=extra.pop("description", ENTRY_TEXT),
            billable=extra.pop("billable", True),
            created_at=now,
            updated_at=now,
        )
    )


async def set_up_provider(bea: dict[str, Any], casey: dict[str, Any], *, casey_npi: str = CASEY_NPI) -> None:
    principal = bea_principal(bea)
    await profile.save_profile(
        principal,
        {
            "street": "12 Harbor Street",
            "city": "Montclair",
            "state": "NJ",
            "zip_code": "07042",
            "phone": "973-555-0100",
            "tax_id": EIN,
        },
    )
    await clinicians.save_superbill_profile(
        principal,
        {
            "legal_name": "Harbor Case Management LLC",
            "tax_id_type": "ein",
            "tax_id": EIN,
            "npi": PRACTICE_NPI,
            "taxonomy_code": "251B00000X",
        },
    )
    await clinicians.save_clinician(
        principal,
        casey["id"],
        {
            "display_name": "Casey Morales, LCSW",
            "credentials": "LCSW",
            "npi": CASEY_NPI,
            "license_number": "44SC01234",
            "license_state": "NJ",
        },
    )
    if casey_npi != CASEY_NPI:  # a wrong check digit cannot be typed in; it can only come from older data
        from portal.billing.tables import ClinicianProfile

        await ClinicianProfile.update({ClinicianProfile.npi: casey_npi}).where(ClinicianProfile.user == casey["id"])


async def set_up_insurance(jordan: dict[str, Any], *, name_on_card: str = "Jordan Rivera") -> None:
    await ClientInsurance.insert(
        ClientInsurance(
            client=jordan["id"],
            plan_name="Horizon PPO Gold",
            plan_type="ppo",
            member_id="HZN123456789",
            group_number="GRP-7781",
            patient_name_on_card=name_on_card,
            subscriber_name="Pat Rivera",
            subscriber_date_of_birth=date(1970, 5, 20),
            subscriber_relationship="child",
            claims_address="Horizon Claims, PO Box 1609, Newark, NJ 07101",
            oon_deductible_cents=300_000,
            oon_coinsurance_percent=30,
            timely_filing_days=180,
        )
    )


async def set_up_chart(jordan: dict[str, Any], casey: dict[str, Any]) -> None:
    system = Principal.system("tests")
    for index, code in enumerate(DIAGNOSES):
        await clients.add_diagnosis(system, jordan["id"], code, is_primary=index == 0, diagnosed_on=date(2026, 8, 1))
    await add_note(
        jordan,
        casey,
        datetime(2026, 11, 3, 15, 0, tzinfo=UTC),
        "call",
        subject="Weekly call",
        body_text=NOTE_TEXT,
        body_html=f"<p>{NOTE_TEXT}</p>",
    )
    for day, minutes, activity in NOVEMBER_TIME:
        await log_time(jordan["id"], casey["id"], date(2026, 11, day), minutes, activity)
    await log_time(jordan["id"], casey["id"], date(2026, 11, 20), 90, "care_coordination", billable=False)
    await log_time(jordan["id"], casey["id"], date(2026, 10, 30), 60, "care_coordination")  # another month


async def bill_november(bea: dict[str, Any], agreement_id: int, *, pay_cents: int | None = None) -> dict[str, Any]:
    """November's invoice, paid in full (or `pay_cents` of it) by check on December 2nd."""
    invoice = await jordan_invoice(bea, agreement_id)
    amount = invoice["total_cents"] if pay_cents is None else pay_cents
    if amount:
        await record_offline_payment(
            bea_principal(bea),
            invoice["id"],
            {"amount_cents": amount, "method": "check", "reference": "1042", "received_on": "2026-12-02"},
        )
    row = await Invoice.select().where(Invoice.id == invoice["id"]).first()
    assert row is not None
    return row


async def ready_november(
    bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], agreement_id: int, **options: Any
) -> dict[str, Any]:
    await set_up_provider(bea, casey)
    await set_up_insurance(jordan)
    await set_up_chart(jordan, casey)
    return await bill_november(bea, agreement_id, **options)


async def seed_scratch() -> None:
    """For the CLI test, in a subprocess against a migrated scratch database: the named people, Jordan's retainer
    and a November ready for a superbill (Jordan is client 1; Taylor, client 2, has nothing set up)."""
    from portal.cases.tables import Relative
    from portal.clock import set_clock
    from tests.billing.conftest import make_agreement
    from tests.billing.pages_support import DEC_1
    from tests.support import people

    set_clock(lambda: DEC_1)
    await people.seed()
    await people.seed_cases()
    bea, casey = await people.get("bea@example.com"), await people.get("casey@example.com")
    jordan = await people.client_named("Jordan Rivera")
    pat = await Relative.select().where(Relative.email == "pat@example.com").first()
    assert pat is not None
    agreement = await make_agreement(
        bea_principal(bea), jordan["id"], payer_relative=pat["id"], payer_name="", payer_email=""
    )
    await ready_november(bea, casey, jordan, agreement)


if __name__ == "__main__":
    import asyncio

    asyncio.run(seed_scratch())
