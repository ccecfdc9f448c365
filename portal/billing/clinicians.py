"""Who a superbill names: the billing provider's superbill fields (legal name, tax id and its kind, organisation NPI,
taxonomy) and the rendering clinicians (name with credentials, individual NPI, license, signature image).

The practice's address, phone, EIN and NPI are also what invoices print; they are edited on the billing settings
page (`portal.billing.profile`). Here: the superbill-only fields, validated as an insurer would (EIN or SSN with
`stdnum.us`, NPIs with the Luhn check digit over 80840).
"""

from __future__ import annotations

import re
from typing import Any

from stdnum.us import ein, ssn

from portal.accounts.tables import User
from portal.audit import services as audit
from portal.billing.superbill_validation import npi_is_valid
from portal.billing.tables import BillingProfile, ClinicianProfile
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import Invalid, NotFound
from portal.policy import MAX_ROW_ID, Action, Principal, Role, require
from portal.validation import Checker

TAXONOMY_PATTERN = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
STAFF_ROLES = (Role.OWNER.value, Role.CASE_MANAGER.value)
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024


async def superbill_profile() -> dict[str, Any]:
    row = await BillingProfile.select().order_by(BillingProfile.id).first()
    return row or {}


def check_superbill_profile(data: dict[str, Any]) -> dict[str, Any]:
    c = Checker(data)
    legal_name = c.text("legal_name", max_length=200, label="Legal name")
    kind = c.choice("tax_id_type", {"ein": "EIN", "ssn": "SSN"}, default="ein", label="Tax id type")
    tax_id = c.text("tax_id", max_length=20, label="Tax id")
    formatted = ""
    if tax_id:
        module = ssn if kind == "ssn" else ein
        if module.is_valid(tax_id):
            formatted = module.format(tax_id)
        else:
            c.fail(
                "tax_id",
                "Enter a valid SSN, like 123-45-6789." if kind == "ssn" else "Enter a valid EIN, like 12-3456789.",
            )
    npi = c.text("npi", max_length=20, label="NPI").replace(" ", "")
    if npi and not npi_is_valid(npi):
        c.fail("npi", "Enter a 10-digit NPI (its last digit is a check digit).")
    taxonomy = c.text("taxonomy_code", max_length=10, label="Taxonomy code").upper()
    if taxonomy and not TAXONOMY_PATTERN.match(taxonomy):
        c.fail("taxonomy_code", "Enter a 10-character taxonomy code, like 1041C0700X.")
    c.done()
    return {"legal_name": legal_name, "tax_id_type": kind, "tax_id": formatted, "npi": npi, "taxonomy_code": taxonomy}


async def save_superbill_profile(principal: Principal, data: dict[str, Any]) -> None:
    require(principal, Action.SUPERBILLS_WRITE)
    values = check_superbill_profile(data)
    async with write_transaction():
        row = await BillingProfile.select(BillingProfile.id).order_by(BillingProfile.id).first()
        if row is None:
            await BillingProfile.insert(BillingProfile(**values, updated_at=utcnow()))
        else:
            changes: dict[Any, Any] = {**values, "updated_at": utcnow()}
            await BillingProfile.update(changes).where(BillingProfile.id == row["id"])
        await audit.record(principal, "superbill.provider.update", resource_type="billing_profile")


async def clinicians() -> list[dict[str, Any]]:
    """Every active staff member who may render services, with their profile (or None)."""
    users = (
        await User.select(User.id, User.name, User.role)
        .where(User.role.is_in(list(STAFF_ROLES)) & (User.active == True))  # noqa: E712
        .order_by(User.name)
    )
    profiles = {row["user"]: row for row in await ClinicianProfile.select()}
    return [{**user, "profile": profiles.get(user["id"])} for user in users]


async def clinician(user_id: int) -> dict[str, Any]:
    if not isinstance(user_id, int) or not 0 < user_id <= MAX_ROW_ID:
        raise NotFound("No such clinician.")
    user = (
        await User.select(User.id, User.name, User.role)
        .where((User.id == user_id) & User.role.is_in(list(STAFF_ROLES)))
        .first()
    )
    if user is None:
        raise NotFound("No such clinician.")
    profile = await ClinicianProfile.select().where(ClinicianProfile.user == user_id).first()
    return {**user, "profile": profile}


def check_clinician(data: dict[str, Any]) -> dict[str, Any]:
    c = Checker(data)
    display_name = c.text("display_name", max_length=200, label="Name as printed", required=True)
    credentials = c.text("credentials", max_length=60, label="Credentials", required=True)
    npi = c.text("npi", max_length=20, label="NPI", required=True).replace(" ", "")
    if npi and not npi_is_valid(npi):
        c.fail("npi", "Enter a 10-digit NPI (its last digit is a check digit).")
    license_number = c.text("license_number", max_length=40, label="License number")
    license_state = c.state("license_state")
    taxonomy = c.text("taxonomy_code", max_length=10, label="Taxonomy code").upper()
    if taxonomy and not TAXONOMY_PATTERN.match(taxonomy):
        c.fail("taxonomy_code", "Enter a 10-character taxonomy code, like 1041C0700X.")
    c.done()
    return {
        "display_name": display_name,
        "credentials": credentials,
        "npi": npi,
        "license_number": license_number,
        "license_state": license_state,
        "taxonomy_code": taxonomy,
    }


async def save_clinician(
    principal: Principal,
    user_id: int,
    data: dict[str, Any],
    *,
    signature: bytes | None = None,
    signature_name: str = "signature.png",
) -> None:
    """Create or update a clinician's superbill profile; `signature` (PNG or JPEG bytes) replaces the image."""
    from portal.files.services import store_upload, validate_upload

    require(principal, Action.SUPERBILLS_WRITE)
    await clinician(user_id)
    values = check_clinician(data)
    if signature:
        if len(signature) > MAX_SIGNATURE_BYTES:
            raise Invalid(signature="The signature image must be smaller than 2 MB.")
        try:
            content_type = validate_upload(signature, signature_name)
        except Invalid:
            raise Invalid(signature="Upload the signature as a PNG or JPEG image.") from None
        if content_type not in {"image/png", "image/jpeg"}:
            raise Invalid(signature="Upload the signature as a PNG or JPEG image.")
    async with write_transaction():
        if signature:
            info = await store_upload(signature, signature_name, uploaded_by=principal.user_id)
            values["signature"] = info.id
        existing = await ClinicianProfile.select(ClinicianProfile.id).where(ClinicianProfile.user == user_id).first()
        if existing is None:
            await ClinicianProfile.insert(ClinicianProfile(user=user_id, **values, updated_at=utcnow()))
        else:
            changes: dict[Any, Any] = {**values, "updated_at": utcnow()}
            await ClinicianProfile.update(changes).where(ClinicianProfile.id == existing["id"])
        await audit.record(
            principal,
            "superbill.clinician.update",
            resource_type="clinician_profile",
            resource_id=user_id,
            detail={"signature": bool(signature)},
        )
