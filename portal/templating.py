"""Jinja filters shared by every template."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment

from portal.clock import to_local
from portal.navigation import nav_for


def format_datetime(value: datetime | None, time_zone: str = "UTC", fmt: str = "%b %-d, %Y %-I:%M %p") -> str:
    if value is None:
        return "—"
    return to_local(value, time_zone).strftime(fmt)


def format_date(value: date | datetime | None, fmt: str = "%b %-d, %Y") -> str:
    if value is None:
        return "—"
    return value.strftime(fmt)


def money(cents: int | None) -> str:
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}${cents // 100:,}.{cents % 100:02d}"


def register_filters(environment: Environment) -> None:
    filters: dict[str, Any] = {
        "datetime": format_datetime,
        "date": format_date,
        "money": money,
    }
    environment.filters.update(filters)
    environment.globals["nav_for"] = nav_for
