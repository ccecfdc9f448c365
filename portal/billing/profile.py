"""What the practice prints on invoices, statements, receipts and Good Faith Estimates: its name (from the
practice settings), address, contact details, tax id and NPI, and how to pay offline; and how long an invoice may
stay past due before the owner is asked to decide (collections.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stdnum import luhn
from stdnum.us import ein

from portal.audit import services as audit
from portal.billing.tables import BillingProfile
from portal.clock import utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.policy import Action, Principal, require
from portal.validation import Checker

DEFAULT_INSTRUCTIONS = "Pay by check to the practice at the address above, or ask us for wire or ACH details."
DEFAULT_OWNER_DECISION_DAYS = 30


@dataclass(frozen=True)
class PracticeProfile:
    name: str
    time_zone: str
    street: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""
    email: str = ""
    tax_id: str = ""
    npi: str = ""
    payment_instructions: str = ""
    owner_decision_after_days: int = DEFAULT_OWNER_DECISION_DAYS

    @property
    def address_lines(self) -> list[str]:
        city_line = ", ".join(part for part in (self.city, f"{self.state} {self.zip_code}".strip()) if part)
        return [line for line in (self.street, city_line) if line]

    @property
    def instructions(self) -> str:
        return self.payment_instructions or DEFAULT_INSTRUCTIONS


FIELDS = (
    "street",
    "city",
    "state",
    "zip_code",
    "phone",
    "email",
    "tax_id",
    "npi",
    "payment_instructions",
    "owner_decision_after_days",
)


async def get_profile() -> PracticeProfile:
    practice = await get_practice()
    row = await BillingProfile.select().order_by(BillingProfile.id).first()
    values = {name: row[name] for name in FIELDS} if row else {}
    return PracticeProfile(name=practice.name, time_zone=practice.time_zone, **values)


def check_profile(data: dict[str, Any]) -> dict[str, Any]:
    c = Checker(data)
    values: dict[str, Any] = {
        "street": c.text("street", max_length=200, label="Street"),
        "city": c.text("city", max_length=100, label="City"),
        "state": c.state("state"),
        "zip_code": c.zip_code("zip_code"),
        "phone": c.phone("phone"),
        "email": c.email("email"),
        "payment_instructions": c.text("payment_instructions", max_length=1000, label="Payment instructions"),
    }
    tax_id = c.text("tax_id", max_length=20, label="Tax id")
    if tax_id and not ein.is_valid(tax_id):
        c.fail("tax_id", "Enter the practice's EIN, like 12-3456789.")
    values["tax_id"] = ein.format(tax_id) if tax_id and ein.is_valid(tax_id) else ""
    npi = c.text("npi", max_length=20, label="NPI").replace(" ", "")
    if npi and not (len(npi) == 10 and npi.isdigit() and luhn.is_valid("80840" + npi)):
        c.fail("npi", "Enter a 10-digit NPI (its last digit is a check digit).")
    values["npi"] = npi
    values["owner_decision_after_days"] = c.integer(
        "owner_decision_after_days",
        minimum=1,
        maximum=365,
        default=DEFAULT_OWNER_DECISION_DAYS,
        label="Days past due before the owner decides",
    )
    c.done()
    return values


async def save_profile(principal: Principal, data: dict[str, Any]) -> None:
    require(principal, Action.BILLING_WRITE)
    values = check_profile(data)
    async with write_transaction():
        row = await BillingProfile.select(BillingProfile.id).order_by(BillingProfile.id).first()
        if row is None:
            await BillingProfile.insert(BillingProfile(**values, updated_at=utcnow()))
        else:
            changes: dict[Any, Any] = {**values, "updated_at": utcnow()}
            await BillingProfile.update(changes).where(BillingProfile.id == row["id"])
        await audit.record(principal, "billing.profile.update", resource_type="billing_profile")
