"""Thirty days before a claim's timely-filing deadline the payer gets one e-mail with no client data, while the
claim is not yet submitted (or the insurer asked for more); the page shows the deadline coming up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.billing import claims
from portal.billing.tables import Claim
from portal.mail.tables import OutboxMessage
from portal.worker import run_once
from tests.billing.claim_support import issued_november
from tests.billing.family_billing_support import audit_count

SUBJECT = "A claim deadline is coming up — Harbor Case Management"


async def reminders() -> list[dict[str, Any]]:
    return await OutboxMessage.select().where(OutboxMessage.subject == SUBJECT)


async def test_one_reminder_thirty_days_before_the_deadline(
    client: Any, bea: Any, casey: Any, jordan: Any, taylor: Any, pat: Any, clock: Any
) -> None:
    november = await issued_november(bea, casey, jordan, taylor, clock)
    sid = november["superbill_id"]
    await client.login_as(pat)
    await client.post(f"/family/billing/superbills/{sid}/claims", data={"status": "submitted", "claim_number": "A"})
    filed = await client.post(
        f"/family/billing/superbills/{sid}/claims",
        data={"status": "submitted", "claim_number": "B", "submitted_on": "2026-12-03"},
    )
    assert filed.status_code == 303
    assert {str(r["filing_deadline"]) for r in await Claim.select()} == {"2027-05-02"}

    clock.set(datetime(2027, 4, 1, 17, 0, tzinfo=UTC))  # 31 days before
    assert await claims.send_deadline_reminders() == 0
    await client.login_as(pat)  # months later: a new session
    page = await client.get(f"/family/billing/superbills/{sid}")
    assert "Coming up" not in page.text and "April 2, 2027" in page.text

    clock.set(datetime(2027, 4, 3, 17, 0, tzinfo=UTC))  # 29 days before
    report = await run_once()
    assert report.claim_reminders == 1
    [email] = await reminders()
    assert email["to_address"] == "pat@example.com"
    for secret in ("Jordan", "Rivera", "November", "A", "Horizon"):
        assert secret not in email["body_text"].replace("An insurance", "")
    assert "/family/billing/superbills" in email["body_text"]
    [reminded] = await Claim.select().where(Claim.reminder_sent_at.is_not_null())
    assert reminded["claim_number"] == "A"
    assert await audit_count("billing.claim.reminder", jordan["id"]) == 1

    assert (await run_once()).claim_reminders == 0  # once
    assert len(await reminders()) == 1
    await client.login_as(pat)
    page = await client.get(f"/family/billing/superbills/{sid}")
    assert "Coming up" in page.text and "less than 30 days away" in page.text


async def test_no_reminder_after_the_deadline_or_for_a_filed_claim(
    client: Any, bea: Any, casey: Any, jordan: Any, taylor: Any, pat: Any, clock: Any
) -> None:
    november = await issued_november(bea, casey, jordan, taylor, clock)
    await client.login_as(pat)
    await client.post(
        f"/family/billing/superbills/{november['superbill_id']}/claims",
        data={"status": "pending", "submitted_on": "2026-12-03"},
    )
    clock.set(datetime(2027, 4, 20, 17, 0, tzinfo=UTC))
    assert await claims.send_deadline_reminders() == 0
    await Claim.update({Claim.status: "info_requested"}, force=True)
    assert await claims.send_deadline_reminders() == 1  # the insurer wants more before the deadline
    clock.set(datetime(2027, 5, 4, 17, 0, tzinfo=UTC))
    await Claim.update({Claim.reminder_sent_at: None}, force=True)
    assert await claims.send_deadline_reminders() == 0  # too late to remind
