"""The arithmetic of a retainer, as pure functions: proration, included and rolled-over time, overage.

Money is integer cents and rounds half up; time is integer minutes. Nothing here touches the database.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from fractions import Fraction


def round_half_up(value: Fraction) -> int:
    """Cents from an exact fraction of cents, rounding halves away from zero."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
    if remainder * 2 >= magnitude.denominator:
        whole += 1
    return sign * whole


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        try:
            year_text, month_text = text.split("-")
            year, month = int(year_text), int(month_text)
        except ValueError:
            raise ValueError(f"A period looks like 2026-11, not {text!r}.") from None
        if len(year_text) != 4 or len(month_text) != 2 or not 1 <= month <= 12 or not 2000 <= year <= 2200:
            raise ValueError(f"A period looks like 2026-11, not {text!r}.")
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def label(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)


def active_days(period: Period, start: date, end: date | None) -> int:
    """Days of the period on which an agreement running from `start` to `end` (inclusive) is in force."""
    first = max(period.first_day, start)
    last = min(period.last_day, end) if end is not None else period.last_day
    return max(0, (last - first).days + 1)


def prorated_fee(monthly_fee_cents: int, period: Period, start: date, end: date | None) -> int:
    """The retainer for the period, prorated by days when the agreement starts or ends inside it."""
    days = active_days(period, start, end)
    if days == period.days:
        return monthly_fee_cents
    return round_half_up(Fraction(monthly_fee_cents * days, period.days))


def prorated_minutes(minutes: int, period: Period, start: date, end: date | None) -> int:
    """Included time shrinks with a partial month the same way the fee does (rounded down: never a gift)."""
    days = active_days(period, start, end)
    return minutes * days // period.days


@dataclass(frozen=True)
class HoursBalance:
    """One month of included time: what was available and how it was used."""

    period: Period
    included: int  # this month's included minutes (prorated)
    rolled_over: int  # carried in from the month before
    used: int  # billable minutes of the month
    overage: int  # minutes beyond included + rolled over

    @property
    def available(self) -> int:
        return self.included + self.rolled_over

    @property
    def remaining(self) -> int:
        return max(0, self.available - self.used)

    @property
    def percent_used(self) -> int:
        if self.available == 0:
            return 100 if self.used else 0
        return self.used * 100 // self.available


def hours_balances(
    *,
    start: date,
    end: date | None,
    included_minutes: int | None,
    rollover_max_minutes: int,
    used_by_period: dict[Period, int],
    through: Period,
) -> list[HoursBalance]:
    """Month by month from the agreement's start to `through`: unused included time rolls into the next month,
    up to the rollover limit (it never compounds beyond it)."""
    balances: list[HoursBalance] = []
    period = Period.of(start)
    carried = 0
    while (period.year, period.month) <= (through.year, through.month):
        included = prorated_minutes(included_minutes or 0, period, start, end)
        used = used_by_period.get(period, 0)
        available = included + carried
        # Without included hours the retainer covers all time: there is no overage.
        overage = max(0, used - available) if included_minutes is not None else 0
        balances.append(HoursBalance(period, included, carried, used, overage))
        carried = min(rollover_max_minutes, max(0, available - used))
        period = period.next()
    return balances


def overage_amount(minutes: int, hourly_rate_cents: int) -> int:
    return round_half_up(Fraction(minutes * hourly_rate_cents, 60))


def describe_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"
