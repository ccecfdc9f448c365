"""The current time, in one place, so tests can move it (expiry, timeouts, rate-limit windows)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_clock: Callable[[], datetime] | None = None
_started_at: datetime | None = None  # the instant start_clock_at began from, so a second call is a no-op


def utcnow() -> datetime:
    """Timezone-aware UTC now (or the time a test has set)."""
    if _clock is not None:
        return _clock()
    return datetime.now(UTC)


def set_clock(clock: Callable[[], datetime] | None) -> None:
    global _clock, _started_at
    _clock = clock
    _started_at = None


def start_clock_at(moment: datetime) -> bool:
    """A running clock that reads `moment` now and advances with real time (PORTAL_CLOCK_START: demos, journeys).
    False when it already runs from there (the CLI and the app both apply the setting)."""
    global _started_at
    if _started_at == moment and _clock is not None:
        return False
    started = time.monotonic()
    set_clock(lambda: moment + timedelta(seconds=time.monotonic() - started))
    _started_at = moment
    return True


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
