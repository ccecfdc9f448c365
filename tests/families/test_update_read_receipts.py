"""Opening an update records when the relative first read it; the case manager sees "Pat Rivera read it Tuesday
9:14 AM" and "Sam Rivera has not read it yet", in the practice's time zone; the feed marks what is unread."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from portal.families import update_feed
from portal.families.tables import AccessGrant, UpdateRecipient
from portal.families.update_receipts import read_receipt
from tests.families.conftest import family_release
from tests.families.updates_support import acting, published_update

NEW_YORK = ZoneInfo("America/New_York")


def last_weeks_monday() -> datetime:
    # Relative to the real date: the fixtures' releases run from 30 days ago to 300 days ahead.
    today = datetime.now(NEW_YORK).date()
    return datetime.combine(today - timedelta(days=today.weekday() + 7), time(10, 0), tzinfo=NEW_YORK)


async def test_the_first_opening_is_the_read_receipt(
    client: Any,
    other_client: Any,
    clock: Any,
    jordan_family: dict[str, Any],
    casey: dict[str, Any],
    jordan: dict[str, Any],
    pat: dict[str, Any],
) -> None:
    await AccessGrant.update({AccessGrant.state: "active"}).where(AccessGrant.relative == jordan_family["sam"]["id"])
    await family_release(jordan["id"], jordan_family["sam"]["id"], ["family_communication"])
    monday = last_weeks_monday()
    clock.set(monday)
    update_id = await published_update(casey, jordan, title="Monday's update")
    await client.login_as(pat)
    feed = (await client.get("/family/updates")).text
    assert '<span class="badge info">New</span>' in feed and "1 new" in feed
    assert (await client.get("/api/v1/family/updates")).json()["items"][0]["read"] is False
    assert await update_feed.unread_count(acting(pat)) == 1

    # Sessions time out after 30 idle minutes: each day starts with signing in again.
    clock.set(monday + timedelta(days=1, minutes=-46))  # Tuesday 9:14 in New York
    await client.login_as(pat)
    assert (await client.get(f"/family/updates/{update_id}")).status_code == 200
    clock.set(monday + timedelta(days=2))  # opening it again on Wednesday changes nothing
    await client.login_as(pat)
    assert (await client.get(f"/api/v1/family/updates/{update_id}")).status_code == 200

    [pats] = await UpdateRecipient.select().where(
        (UpdateRecipient.update == update_id) & (UpdateRecipient.relative == jordan_family["pat"]["id"])
    )
    assert pats["read_at"].astimezone(NEW_YORK).strftime("%A %H:%M") == "Tuesday 09:14"
    feed = (await client.get("/family/updates")).text
    assert '<span class="badge info">New</span>' not in feed and "1 new" not in feed
    assert (await client.get("/api/v1/family/updates")).json()["items"][0]["read"] is True
    assert await update_feed.unread_count(acting(pat)) == 0

    clock.set(monday + timedelta(days=3))  # Thursday: the case manager looks
    await other_client.login_as(casey)
    page = (await other_client.get(f"/clients/{jordan['id']}/updates/{update_id}")).text
    assert "Pat Rivera read it Tuesday 9:14 AM" in page
    assert "Sam Rivera has not read it yet" in page
    listing = (await other_client.get(f"/clients/{jordan['id']}/updates")).text
    assert "2 recipients · 1 read" in listing
    api = (await other_client.get(f"/api/v1/clients/{jordan['id']}/updates/{update_id}")).json()
    assert [(r["name"], r["read_at"] is not None) for r in api["receipts"]] == [
        ("Pat Rivera", True),
        ("Sam Rivera", False),
    ]


def test_read_receipts_read_like_a_person_would_say_them() -> None:
    now = datetime(2026, 11, 19, 15, 0, tzinfo=NEW_YORK)  # a Thursday
    zone = "America/New_York"
    assert read_receipt("Pat", None, now, zone) == "Pat has not read it yet"
    assert read_receipt("Pat", now.replace(hour=8, minute=5), now, zone) == "Pat read it today 8:05 AM"
    assert read_receipt("Pat", now - timedelta(days=1), now, zone) == "Pat read it yesterday 3:00 PM"
    assert read_receipt("Pat", datetime(2026, 11, 17, 9, 14, tzinfo=NEW_YORK), now, zone) == (
        "Pat read it Tuesday 9:14 AM"
    )
    assert read_receipt("Pat", datetime(2026, 11, 2, 21, 30, tzinfo=NEW_YORK), now, zone) == (
        "Pat read it Nov 2, 2026 9:30 PM"
    )
    # Stored in UTC, told in the practice's time: 14:14 UTC on a November Tuesday is 9:14 in New York.
    utc = ZoneInfo("UTC")
    assert read_receipt("Pat", datetime(2026, 11, 17, 14, 14, tzinfo=utc), now, zone) == "Pat read it Tuesday 9:14 AM"
