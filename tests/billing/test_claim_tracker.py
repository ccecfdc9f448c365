"""Families with billing access, and billing staff, record a claim for an issued superbill and follow it: status
history, amounts, the timely-filing deadline and EOBs. Anyone else is told nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from portal.billing.claims import deadline_from, reminder_date
from portal.billing.tables import Claim, ClaimAttachment, ClaimStatusChange
from tests.billing.claim_support import DEADLINE, issued_november
from tests.billing.family_billing_support import audit_count

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
async def november(
    bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any], clock: Any
) -> dict[str, Any]:
    return await issued_november(bea, casey, jordan, taylor, clock)


async def test_pat_records_a_claim_and_follows_it_to_paid(
    client: Any, pat: dict[str, Any], november: dict[str, Any]
) -> None:
    sid = november["superbill_id"]
    await client.login_as(pat)
    page = await client.get(f"/family/billing/superbills/{sid}")
    assert page.status_code == 200
    assert "November 2026" in page.text and "May 2, 2027" in page.text

    response = await client.post(
        f"/family/billing/superbills/{sid}/claims",
        data={"submitted_on": "2026-12-03", "claim_number": "HZN-2026-0042", "status": "submitted"},
    )
    assert response.status_code == 303, response.text
    [claim] = await Claim.select().where(Claim.superbill == sid)
    assert claim["claim_number"] == "HZN-2026-0042"
    assert claim["submitted_on"] == date(2026, 12, 3)
    assert str(claim["filing_deadline"]) == DEADLINE
    assert claim["client"] == november["superbill"]["client"]

    refused = await client.post(f"/family/billing/claims/{claim['id']}", data={"status": "paid"})
    assert refused.status_code == 400
    assert "Enter the amount reimbursed for a paid claim." in refused.text

    too_much = await client.post(
        f"/family/billing/claims/{claim['id']}", data={"status": "paid", "reimbursed": "999999"}
    )
    assert too_much.status_code == 400
    assert "cannot be more than the superbill&#39;s total charge" in too_much.text

    done = await client.post(
        f"/family/billing/claims/{claim['id']}",
        data={"status": "paid", "allowed": "800", "reimbursed": "412.50", "note": "EOB arrived"},
    )
    assert done.status_code == 303
    row = await Claim.select().where(Claim.id == claim["id"]).first()
    assert (row["status"], row["allowed_cents"], row["reimbursed_cents"]) == ("paid", 800_00, 412_50)
    history = (
        await ClaimStatusChange.select().where(ClaimStatusChange.claim == claim["id"]).order_by(ClaimStatusChange.id)
    )
    assert [(h["status"], h["note"]) for h in history] == [("submitted", ""), ("paid", "EOB arrived")]

    page = await client.get(f"/family/billing/superbills/{sid}")
    assert "More information requested" in page.text  # a status one can choose
    assert "EOB arrived" in page.text and "$412.50" in page.text
    assert await audit_count("billing.claim.create", claim["client"]) == 1
    assert await audit_count("billing.claim.update", claim["client"]) == 1


async def test_bad_claim_input_is_named(client: Any, pat: dict[str, Any], november: dict[str, Any]) -> None:
    await client.login_as(pat)
    response = await client.post(
        f"/family/billing/superbills/{november['superbill_id']}/claims",
        data={"submitted_on": "2027-01-15", "status": "lost", "allowed": "12.345", "claim_number": "<script>"},
    )
    assert response.status_code == 400
    for message in (
        "Submitted on cannot be in the future.",
        "Choose one of the listed options for status.",
        "Allowed amount: enter an amount in dollars",
        "Claim number: letters, digits, spaces",
    ):
        assert message in response.text
    assert await Claim.count() == 0


async def test_an_eob_is_checked_by_its_content(client: Any, pat: dict[str, Any], november: dict[str, Any]) -> None:
    await client.login_as(pat)
    sid = november["superbill_id"]
    await client.post(f"/family/billing/superbills/{sid}/claims", data={"status": "submitted"})
    claim = await Claim.select().where(Claim.superbill == sid).first()
    url = f"/family/billing/claims/{claim['id']}/attachments"
    token = await client.csrf_token()
    fake = await client.http.post(
        url, data={"_csrf_token": token}, files={"file": ("eob.pdf", b"<html>not a pdf</html>", "application/pdf")}
    )
    assert fake.status_code == 400
    assert "is not a real PDF file" in fake.text
    good = await client.http.post(
        url,
        data={"_csrf_token": token, "description": "EOB November"},
        files={"file": ("eob.pdf", PDF, "application/pdf")},
    )
    assert good.status_code == 303, good.text
    [attachment] = await ClaimAttachment.select().where(ClaimAttachment.claim == claim["id"])
    assert attachment["description"] == "EOB November"
    download = await client.get(f"{url}/{attachment['id']}")
    assert download.status_code == 200 and download.content == PDF
    assert "attachment" in download.headers["content-disposition"]


async def test_billing_staff_track_claims_too(client: Any, bea: dict[str, Any], november: dict[str, Any]) -> None:
    await client.login_as(bea)
    sid = november["superbill_id"]
    response = await client.post(
        f"/billing/claims/superbills/{sid}/claims", data={"status": "pending", "claim_number": "A-1"}
    )
    assert response.status_code == 303, response.text
    page = await client.get(f"/billing/claims/superbills/{sid}")
    assert page.status_code == 200 and "A-1" in page.text and "Pending" in page.text
    board = await client.get(f"/billing/claims/clients/{november['superbill']['client']}")
    assert board.status_code == 200 and "November 2026" in board.text


@pytest.mark.parametrize("who", ["sam", "robin", "casey"])
async def test_nobody_else_sees_or_records_a_claim(
    client: Any, who: str, november: dict[str, Any], casey: dict[str, Any]
) -> None:
    sid = november["superbill_id"]
    if who == "casey":
        await client.login_as(casey)
    else:
        await client.login(f"{who}@example.com")
    page = await client.get(f"/family/billing/superbills/{sid}")
    post = await client.post(f"/family/billing/superbills/{sid}/claims", data={"status": "submitted"})
    staff = await client.get(f"/billing/claims/superbills/{sid}")
    pdf = await client.get(f"/family/billing/superbills/{sid}/pdf")
    expected = 403 if who == "casey" else 404
    assert {page.status_code, post.status_code, pdf.status_code} == {expected}
    assert staff.status_code == 403
    assert await Claim.count() == 0


def test_the_deadline_is_the_earliest_date_of_service_plus_the_plans_limit() -> None:
    assert deadline_from(date(2026, 11, 3), "2026-11", 180) == date(2027, 5, 2)
    assert deadline_from(date(2026, 11, 3), "2026-11", None) == date(2027, 11, 3)  # no plan: 365 days
    assert deadline_from(None, "2026-12", 90) == date(2027, 3, 1)  # no lines: the month's first day
    assert reminder_date(date(2027, 5, 2)) == date(2027, 4, 2)
