"""Notifications to relatives: at once, daily or off, and never a word about the client."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from portal.families import notifications
from portal.families.tables import PendingNotification
from portal.mail.tables import OutboxMessage

NEW_YORK = ZoneInfo("America/New_York")


async def outbox_for(email: str) -> list[dict[str, Any]]:
    return await OutboxMessage.select().where(OutboxMessage.to_address == email)


async def test_immediate_notifications_say_only_that_something_is_new(pat: dict[str, Any]) -> None:
    await notifications.notify([pat["id"]], "update")
    [message] = await outbox_for(pat["email"])
    assert message["subject"] == "You have a new update from Harbor Case Management"
    assert "http://testserver/family" in message["body_text"]
    for forbidden in ("Jordan", "Rivera", "F10", "placement"):
        assert forbidden not in message["body_text"] and forbidden not in message["subject"]


async def test_off_means_no_email(pat: dict[str, Any]) -> None:
    await notifications.set_preference(pat["id"], "off")
    await notifications.notify([pat["id"]], "message")
    assert await outbox_for(pat["email"]) == []


async def test_daily_digest_sends_one_email_with_counts_at_seven(pat: dict[str, Any], clock: Any) -> None:
    await notifications.set_preference(pat["id"], "daily")
    clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=NEW_YORK).astimezone(UTC))
    await notifications.notify([pat["id"]], "update")
    await notifications.notify([pat["id"]], "update")
    await notifications.notify([pat["id"]], "message")
    assert await outbox_for(pat["email"]) == []
    assert await notifications.send_daily_digests() == 0  # before the next 7:00
    clock.set(datetime(2026, 11, 21, 7, 1, tzinfo=NEW_YORK).astimezone(UTC))
    assert await notifications.send_daily_digests() == 1
    [digest] = await outbox_for(pat["email"])
    assert "- 1 new message" in digest["body_text"] and "- 2 new updates" in digest["body_text"]
    assert "Jordan" not in digest["body_text"]
    assert await notifications.send_daily_digests() == 0  # each notification goes into one digest only
    assert await PendingNotification.count().where(PendingNotification.digested_at.is_null()) == 0


async def test_an_unknown_preference_is_refused(pat: dict[str, Any]) -> None:
    import pytest

    from portal.errors import Invalid

    with pytest.raises(Invalid):
        await notifications.set_preference(pat["id"], "hourly")
