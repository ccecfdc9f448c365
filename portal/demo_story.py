"""The demo's clock: what happened over the last months, replayed in time order through the services.

The demo is a practice that has been working for a while. Each step of the story is scheduled at a moment in
the past and runs while `portal.clock.utcnow()` stands at that moment, so everything the services stamp
(created and signed times, ticks, e-signatures, audit events) reads as it would have, and the audit chain runs
forward in time. Dates are relative to today in the practice's time zone, so the demo looks alive whenever it
is loaded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal.clock import current_clock, set_clock

Step = Callable[[], Awaitable[None]]


class Story:
    def __init__(self, now: datetime, time_zone: str) -> None:
        self.now = now
        self.zone = ZoneInfo(time_zone)
        self.today = now.astimezone(self.zone).date()
        self._steps: list[tuple[datetime, int, Step]] = []

    def day(self, days_ago: int) -> date:
        """A date relative to today (negative: in the future)."""
        return self.today - timedelta(days=days_ago)

    def moment(self, days_ago: int, clock_time: str) -> datetime:
        """A wall-clock time ("14:30", practice time zone) on a day before today, in UTC."""
        hour, minute = (int(part) for part in clock_time.split(":"))
        return datetime.combine(self.day(days_ago), time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def at(self, moment: datetime, step: Step) -> None:
        if moment >= self.now:
            raise ValueError(f"A demo step is scheduled in the future ({moment.isoformat()}).")
        self._steps.append((moment, len(self._steps), step))

    async def run(self) -> None:
        """Every step in time order (steps at the same moment in the order they were scheduled)."""
        standing = [self.now]
        previous = current_clock()
        set_clock(lambda: standing[0])
        try:
            for moment, _, step in sorted(self._steps, key=lambda entry: (entry[0], entry[1])):
                standing[0] = moment
                await step()
        finally:
            set_clock(previous)
