"""E-mails about money: to payers (a link only, never a client's name or anything clinical)."""

from __future__ import annotations

from typing import Any

from portal.core.services import get_practice
from portal.mail import services as mail
from portal.settings import get_settings


async def email_payer_new_invoice(invoice: dict[str, Any], *, practice_name: str | None = None) -> None:
    name = practice_name or (await get_practice()).name
    link = f"{get_settings().base_url}/family/billing"
    await mail.enqueue(
        invoice["payer_email"],
        f"A new invoice from {name}",
        f"A new invoice from {name} is ready.\n\nSign in to view and pay it:\n{link}\n",
    )


async def email_payer(email: str, subject_tail: str, line: str) -> None:
    """A short notice to a payer ("Your payment did not go through") with a link to the billing page."""
    practice = await get_practice()
    link = f"{get_settings().base_url}/family/billing"
    await mail.enqueue(email, f"{subject_tail} — {practice.name}", f"{line}\n\nSign in for details:\n{link}\n")
