"""The current time, in one place, so tests can move it (expiry, timeouts, rate-limit windows)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_clock: Callable[[], datetime] | None = None


def utcnow() -> datetime:
    """Timezone-aware UTC now (or the time a test has set)."""
    if _clock is not None:
        return _clock()
    return datetime.now(UTC)


def set_clock(clock: Callable[[], datetime] | None) -> None:
    global _clock
    _clock = clock


def current_clock() -> Callable[[], datetime] | None:
    """The clock a test (or the demo loader) has set, so it can be put back afterwards."""
    return _clock


def local_today(time_zone: str) -> date:
    """Today's date in the practice's time zone: the date of service for work done now."""
    return utcnow().astimezone(ZoneInfo(time_zone)).date()


def to_local(moment: datetime, time_zone: str) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(time_zone))
