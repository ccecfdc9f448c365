"""How minutes become billing units (CMS-1500 box 24G), by the unit rule of a service code (DOMAIN §2).

Raw minutes are stored on time entries; the payer's rule is applied only when a superbill is built:

- `eight_minute` (CMS "8-minute rule"): a unit needs at least 8 of its 15 minutes. units = minutes // 15, plus
  one when the remainder is at least 8 (7 min = 0, 8 = 1, 22 = 1, 23 = 2, 37 = 2, 38 = 3). For another unit
  length the threshold is just over half a unit (unit // 2 + 1).
- `first_after_one`: the first unit after 1 minute; each later unit needs half a unit (7.5 of 15 minutes, so 8)
  beyond the full units before it (7 = 1, 8 = 1, 22 = 1, 23 = 2, 37 = 2, 38 = 3).
- `per_session`: one unit per session (one date) once the session reaches the code's minimum (99368: 30 min).
- `per_month`: one unit per calendar month once the month's minutes reach the minimum (99484: 20 min). The line
  is dated on the last date of service of that month for that code (a superbill never prints a range).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

UNIT_RULES = {
    "eight_minute": "8-minute rule (15-minute units)",
    "first_after_one": "First unit after 1 minute, later units after half a unit",
    "per_session": "One unit per session",
    "per_month": "One unit per calendar month",
}
TIMED_RULES = frozenset({"eight_minute", "first_after_one"})


def units_for(rule: str, minutes: int, *, unit_minutes: int = 15, minimum_minutes: int = 0) -> int:
    """The units `minutes` earn under `rule` (0 when they earn none)."""
    if minutes <= 0:
        return 0
    unit = max(int(unit_minutes or 15), 1)
    if rule == "eight_minute":
        full, remainder = divmod(minutes, unit)
        return full + (1 if remainder >= unit // 2 + 1 else 0)
    if rule == "first_after_one":
        rest = minutes - unit
        if rest <= 0:
            return 1
        full, remainder = divmod(rest, unit)
        return 1 + full + (1 if remainder * 2 >= unit else 0)
    if rule in {"per_session", "per_month"}:
        return 1 if minutes >= max(int(minimum_minutes or 0), 1) else 0
    raise ValueError(f"Unknown unit rule {rule!r}.")


@dataclass(frozen=True)
class Entry:
    """One billable time entry, reduced to what a superbill needs (never its description)."""

    service_date: date
    minutes: int
    code_key: str  # the service code (its activity), so entries of different activities with one code merge
    clinician: int


@dataclass(frozen=True)
class CodeRule:
    rule: str
    unit_minutes: int = 15
    minimum_minutes: int = 0


@dataclass(frozen=True)
class UnitLine:
    service_date: date
    code_key: str
    clinician: int
    minutes: int
    units: int


def lines_from_entries(entries: Iterable[Entry], rules: dict[str, CodeRule]) -> tuple[list[UnitLine], list[UnitLine]]:
    """Group entries into superbill lines: one per date, code and rendering clinician (minutes summed), or one per
    month for per-month codes, dated on the last date of service. Returns (lines with units, groups that earn no
    unit), both sorted by date then code."""
    daily: dict[tuple[date, str, int], int] = {}
    monthly: dict[tuple[str, int], tuple[date, int]] = {}
    for entry in entries:
        rule = rules[entry.code_key]
        if rule.rule == "per_month":
            key = (entry.code_key, entry.clinician)
            last, total = monthly.get(key, (entry.service_date, 0))
            monthly[key] = (max(last, entry.service_date), total + entry.minutes)
        else:
            day_key = (entry.service_date, entry.code_key, entry.clinician)
            daily[day_key] = daily.get(day_key, 0) + entry.minutes
    groups = [UnitLine(day, key, who, minutes, 0) for (day, key, who), minutes in daily.items()]
    groups += [UnitLine(day, key, who, minutes, 0) for (key, who), (day, minutes) in monthly.items()]
    kept: list[UnitLine] = []
    dropped: list[UnitLine] = []
    for group in sorted(groups, key=lambda g: (g.service_date, g.code_key, g.clinician)):
        rule = rules[group.code_key]
        units = units_for(
            rule.rule, group.minutes, unit_minutes=rule.unit_minutes, minimum_minutes=rule.minimum_minutes
        )
        line = UnitLine(group.service_date, group.code_key, group.clinician, group.minutes, units)
        (kept if units > 0 else dropped).append(line)
    return kept, dropped
