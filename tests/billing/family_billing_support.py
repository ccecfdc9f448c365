"""Helpers of the family billing tests: Jordan's family (Pat pays, with a release covering billing; Sam suspended;
Robin a relative of another client), Jordan's retainer paid by Pat, and November's invoice issued on December 1st."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from portal.audit.tables import AuditEvent
from portal.billing.tables import Invoice
from portal.families.tables import AccessGrant
from tests.billing.conftest import bea_principal, make_agreement
from tests.billing.pages_support import DEC_1, issue_period
from tests.families.conftest import family_release, grant, relative_of

__all__ = ["DEC_1", "audit_count", "family", "november_invoice", "pdf_text"]


async def family(jordan: dict[str, Any], taylor: dict[str, Any], *, release: bool = True) -> dict[str, Any]:
    """Pat: active, every part, a release for family communication and billing (unless `release` is False).
    Sam: suspended. Robin: Taylor's relative, active on Taylor only."""
    pat = await relative_of(jordan["id"], "pat@example.com")
    sam = await relative_of(jordan["id"], "sam@example.com")
    robin = await relative_of(taylor["id"], "robin@example.com")
    await grant(pat["id"])
    await grant(sam["id"], state="suspended")
    await grant(robin["id"])
    if release:
        await family_release(jordan["id"], pat["id"], ["family_communication", "billing"])
    return {"pat": pat, "sam": sam, "robin": robin}


async def november_invoice(bea: dict[str, Any], jordan: dict[str, Any], payer_relative: int) -> dict[str, Any]:
    """Jordan's retainer ($8,500 a month, Pat pays) and its November invoice, issued (offline unless a test
    configured Stripe)."""
    agreement = await make_agreement(
        bea_principal(bea), jordan["id"], payer_relative=payer_relative, payer_name="", payer_email=""
    )
    await issue_period(bea)
    row = await Invoice.select().where((Invoice.agreement == agreement) & (Invoice.period == "2026-11")).first()
    assert row is not None and row["status"] == "open"
    return row


async def make_active(relative_id: int) -> None:
    await AccessGrant.update({AccessGrant.state: "active"}).where(AccessGrant.relative == relative_id)


async def audit_count(action: str, client_id: int) -> int:
    return await AuditEvent.count().where((AuditEvent.action == action) & (AuditEvent.client_id == client_id))


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
