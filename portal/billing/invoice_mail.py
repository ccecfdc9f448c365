"""Sending an issued invoice's link to its payer again (the e-mail says only that an invoice is waiting)."""

from __future__ import annotations

from portal.audit import services as audit
from portal.billing import notices
from portal.billing.ledger import load_invoice_detail
from portal.db import write_transaction
from portal.errors import Conflict
from portal.policy import Action, Principal, require


async def send_invoice_link(principal: Principal, invoice_id: int) -> None:
    require(principal, Action.BILLING_WRITE)
    detail = await load_invoice_detail(invoice_id)
    if detail.invoice["status"] not in {"open", "paid"}:
        raise Conflict("Only an issued invoice can be sent.")
    async with write_transaction():
        await notices.email_payer_new_invoice(detail.invoice)
        await audit.record(
            principal,
            "invoice.send",
            resource_type="invoice",
            resource_id=invoice_id,
            client_id=detail.invoice["client"],
        )
