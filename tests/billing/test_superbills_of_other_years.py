"""The superbill page opens on the latest year; another year with a claim still open, or a superbill not yet filed
whose deadline is still ahead, is named at the top with a link to it, so in February last year's pending claim and
December's unfiled superbill stay in sight. Years with nothing left to do are not named. The page's query count
does not grow with the superbills of other years."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from portal.billing.tables import Claim
from tests.billing.claim_support import add_issued_month, issued_november
from tests.support.queries import count_queries

FEB_10_2027 = datetime(2027, 2, 10, 17, 0, tzinfo=UTC)


@pytest.fixture
async def november(bea: Any, casey: Any, jordan: Any, taylor: Any, clock: Any) -> dict[str, Any]:
    return await issued_november(bea, casey, jordan, taylor, clock)


async def add_claim(base: dict[str, Any], superbill_id: int, status: str, submitted_on: date | None) -> None:
    await Claim.insert(
        Claim(superbill=superbill_id, client=base["client"], status=status, submitted_on=submitted_on,
              filing_deadline=date(2027, 6, 1), created_at=base["created_at"], updated_at=base["created_at"])
    )  # fmt: skip


async def test_last_years_open_claim_and_unfiled_month_are_named_in_february(
    client: Any, clock: Any, pat: Any, november: dict[str, Any]
) -> None:
    base = november["superbill"]
    await add_claim(base, november["superbill_id"], "pending", date(2026, 12, 8))  # November: filed, pending
    await add_issued_month(base, "2026-12", 9012)  # December: not filed; 180 days from Dec 3 is Jun 1, 2027
    filed_and_paid = await add_issued_month(base, "2026-10", 9010)  # October: filed and paid, nothing left to do
    await add_claim(base, filed_and_paid, "paid", date(2026, 11, 8))
    await add_issued_month(base, "2025-03", 9003)  # March 2025: never filed, and its deadline has passed
    await add_issued_month(base, "2027-01", 9101)  # the latest month, so the page opens on 2027
    clock.set(FEB_10_2027)

    await client.login_as(pat)
    page = await client.get("/family/billing/superbills")
    assert page.status_code == 200
    assert "Superbill · January 2027" in page.text and "Superbill · November 2026" not in page.text
    notice = page.text.split('id="elsewhere"', 1)[1].split("</div>", 1)[0]
    assert "Still open in other years" in notice
    assert 'href="/family/billing/superbills?year=2026"' in notice
    assert "1 open claim" in notice
    assert "1 superbill not yet filed, the first due by Jun 1, 2027" in notice
    assert "2025" not in notice

    last_year = await client.get("/family/billing/superbills?year=2026")
    assert "Superbill · November 2026" in last_year.text and "Superbill · December 2026" in last_year.text
    # From 2026, 2027's January is the one still to file (180 days from Jan 3 is Jul 2, 2027).
    notice = last_year.text.split('id="elsewhere"', 1)[1].split("</div>", 1)[0]
    assert 'href="/family/billing/superbills?year=2027"' in notice and "due by Jul 2, 2027" in notice


async def test_no_notice_when_other_years_need_nothing(
    client: Any, clock: Any, pat: Any, november: dict[str, Any]
) -> None:
    base = november["superbill"]
    await add_claim(base, november["superbill_id"], "paid", date(2026, 12, 8))
    await add_issued_month(base, "2027-01", 9101)
    clock.set(FEB_10_2027)
    await client.login_as(pat)
    page = await client.get("/family/billing/superbills")
    assert "Superbill · January 2027" in page.text
    assert 'id="elsewhere"' not in page.text
    assert 'href="/family/billing/superbills?year=2026"' in page.text  # still reachable from the summary


async def test_the_query_count_does_not_grow_with_other_years(
    client: Any, clock: Any, pat: Any, november: dict[str, Any]
) -> None:
    base = november["superbill"]
    await add_issued_month(base, "2027-01", 9101)
    clock.set(FEB_10_2027)
    await client.login_as(pat)
    await client.get("/family/billing/superbills")
    with count_queries() as small:
        first = await client.get("/family/billing/superbills")
    assert "1 superbill not yet filed" in first.text
    for month in range(1, 11):  # ten more months of 2026, each with a pending claim
        superbill_id = await add_issued_month(base, f"2026-{month:02d}", 9000 + month)
        await add_claim(base, superbill_id, "pending", date(2026, month, 20) + timedelta(days=10))
    with count_queries() as large:
        page = await client.get("/family/billing/superbills")
    assert "10 open claims" in page.text
    assert large.count == small.count
