"""Telling relatives something new is waiting, without ever saying what.

E-mails say only "You have a new update from <practice>" and link to the portal; no client name, no content.
Each person chooses: at once, a daily digest, or off. Unread badges in the portal come from the data itself
(unread updates and messages), so they work whatever the e-mail preference.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal.accounts.tables import User
from portal.clock import utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import Invalid
from portal.families.tables import NotificationPreference, PendingNotification
from portal.mail import services as mail
from portal.settings import get_settings

MODES = {"immediate": "At once", "daily": "A daily summary", "off": "Off"}
KINDS = {"update": "update", "message": "message", "document": "document"}


async def preference_of(user_id: int) -> str:
    row = (
        await NotificationPreference.select(NotificationPreference.mode)
        .where(NotificationPreference.user == user_id)
        .first()
    )
    return row["mode"] if row else "immediate"


async def set_preference(user_id: int, mode: str) -> None:
    if mode not in MODES:
        raise Invalid(mode="Choose how you want to be told.")
    async with write_transaction():
        updated = (
            await NotificationPreference.update({NotificationPreference.mode: mode})
            .where(NotificationPreference.user == user_id)
            .returning(NotificationPreference.id)
        )
        if not updated:
            await NotificationPreference.insert(NotificationPreference(user=user_id, mode=mode))


# Where the e-mail's link lands after sign-in, per kind (a page that lists what is new, never the item itself).
LINK_PATHS = {"update": "/family/updates"}


def _link(kind: str = "") -> str:
    return f"{get_settings().base_url}{LINK_PATHS.get(kind, '/family')}"


async def notify(user_ids: list[int], kind: str) -> None:
    """Something new of `kind` for these family members (call inside the unit of work that created it)."""
    if kind not in KINDS or not user_ids:
        return
    ids = sorted(set(user_ids))
    preferences = {
        row["user"]: row["mode"]
        for row in await NotificationPreference.select().where(NotificationPreference.user.is_in(ids))
    }
    users = {row["id"]: row for row in await User.select(User.id, User.email, User.active).where(User.id.is_in(ids))}
    practice = await get_practice()
    now = utcnow()
    async with write_transaction():
        for user_id in ids:
            user = users.get(user_id)
            if user is None or not user["active"]:
                continue
            mode = preferences.get(user_id, "immediate")
            if mode == "off":
                continue
            if mode == "daily":
                await PendingNotification.insert(PendingNotification(user=user_id, kind=kind, created_at=now))
                continue
            await mail.enqueue(
                user["email"],
                f"You have a new {KINDS[kind]} from {practice.name}",
                f"You have a new {KINDS[kind]} from {practice.name}.\n\n"
                f"Sign in to read it:\n{_link(kind)}\n\n"
                "You can change how often we e-mail you on your notifications page in the portal.\n",
            )


DIGEST_HOUR = 7  # local time of the practice


def digest_cutoff(now: datetime, time_zone: str) -> datetime:
    """Everything pending before the most recent 7:00 (practice time) goes into that morning's digest."""
    local = now.astimezone(ZoneInfo(time_zone))
    seven = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if local < seven:
        seven -= timedelta(days=1)
    return seven


async def send_daily_digests() -> int:
    """One e-mail per person with pending notifications: counts only. The worker calls this every round;
    it finds something to send once a day. Returns how many e-mails were queued."""
    practice = await get_practice()
    cutoff = digest_cutoff(utcnow(), practice.time_zone)
    pending = await PendingNotification.select().where(
        PendingNotification.digested_at.is_null() & (PendingNotification.created_at <= cutoff)
    )
    if not pending:
        return 0
    by_user: dict[int, Counter[str]] = {}
    for row in pending:
        by_user.setdefault(row["user"], Counter())[row["kind"]] += 1
    users = {
        row["id"]: row
        for row in await User.select(User.id, User.email, User.active).where(User.id.is_in(list(by_user)))
    }
    sent = 0
    async with write_transaction():
        for user_id, counts in by_user.items():
            user = users.get(user_id)
            if user is not None and user["active"]:
                lines = [f"- {n} new {KINDS[kind]}{'s' if n > 1 else ''}" for kind, n in sorted(counts.items())]
                await mail.enqueue(
                    user["email"],
                    f"Your daily summary from {practice.name}",
                    f"Since yesterday you have, from {practice.name}:\n" + "\n".join(lines) + "\n\n"
                    f"Sign in to read them:\n{_link()}\n",
                )
                sent += 1
        await PendingNotification.update({PendingNotification.digested_at: utcnow()}).where(
            PendingNotification.id.is_in([row["id"] for row in pending])
        )
    return sent
