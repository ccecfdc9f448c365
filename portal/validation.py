"""Checking form and JSON input in services: collect every problem, then raise one Invalid naming each field."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from portal.errors import Invalid

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
        "VI",
        "GU",
        "AS",
        "MP",
    ]
)


class Checker:
    """`c = Checker(data)`, `c.text("name", required=True)`, …, then `c.done()` raises if anything was wrong."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def _raw(self, name: str) -> Any:
        value = self.data.get(name)
        if isinstance(value, str):
            value = value.strip()
        return value

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, name: str, *, required: bool = False, max_length: int = 200, label: str = "This field") -> str:
        value = self._raw(name)
        if value is None or value == "":
            if required:
                self.fail(name, f"{label} is required.")
            return ""
        if not isinstance(value, str):
            self.fail(name, f"{label} must be text.")
            return ""
        if len(value) > max_length:
            self.fail(name, f"{label} must be at most {max_length} characters.")
            return value[:max_length]
        if "\x00" in value:
            self.fail(name, f"{label} contains characters that are not allowed.")
            return ""
        return value

    def choice(
        self,
        name: str,
        choices: Mapping[str, Any] | Collection[str],
        *,
        required: bool = True,
        default: str = "",
        label: str = "This field",
    ) -> str:
        value = self._raw(name)
        if value in (None, ""):
            if required and not default:
                self.fail(name, f"Choose {label.lower()}.")
            return default
        if not isinstance(value, str) or value not in choices:
            self.fail(name, f"Choose one of the listed options for {label.lower()}.")
            return default
        return value

    def choices(self, name: str, choices: dict[str, str], *, required: bool = False, label: str = "") -> list[str]:
        value = self.data.get(name)
        if value in (None, ""):
            values: list[Any] = []
        elif isinstance(value, list | tuple):
            values = list(value)
        else:
            values = [value]
        cleaned = []
        for item in values:
            if not isinstance(item, str) or item not in choices:
                self.fail(name, f"Unknown {label or 'option'}: {str(item)[:40]!r}.")
                return []
            if item not in cleaned:
                cleaned.append(item)
        if required and not cleaned:
            self.fail(name, f"Choose at least one {label or 'option'}.")
        return cleaned

    def date(self, name: str, *, required: bool = False, label: str = "Date") -> date | None:
        value = self._raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, f"{label} is required.")
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            parsed = value  # already a date (decoded JSON): the range below applies all the same
        else:
            try:
                parsed = date.fromisoformat(str(value))
            except ValueError:
                self.fail(name, f"{label}: use a date like 2026-11-20.")
                return None
        if not date(1900, 1, 1) <= parsed <= date(2200, 1, 1):
            self.fail(name, f"{label} is out of range.")
            return None
        return parsed

    def local_datetime(
        self, name: str, time_zone: str, *, required: bool = False, label: str = "Date and time"
    ) -> datetime | None:
        """A wall-clock date and time in the practice's time zone (from a datetime-local input), as UTC."""
        value = self._raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, f"{label} is required.")
            return None
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = datetime.fromisoformat(str(value))
            except ValueError:
                self.fail(name, f"{label}: use a date and time like 2026-11-20T14:30.")
                return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(time_zone))
        if not datetime(1900, 1, 1, tzinfo=moment.tzinfo) <= moment <= datetime(2200, 1, 1, tzinfo=moment.tzinfo):
            self.fail(name, f"{label} is out of range.")
            return None
        return moment

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
        default: int | None = None,
        label: str = "This number",
    ) -> int | None:
        value = self._raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, f"{label} is required.")
            return default
        if isinstance(value, bool):
            self.fail(name, f"{label} must be a whole number.")
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(name, f"{label} must be a whole number.")
            return default
        if minimum is not None and number < minimum:
            self.fail(name, f"{label} must be at least {minimum}.")
        if maximum is not None and number > maximum:
            self.fail(name, f"{label} must be at most {maximum}.")
        return number

    def boolean(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, bool):
            return value
        return isinstance(value, str) and value.lower() in {"on", "true", "1", "yes"}

    def email(self, name: str, *, required: bool = False) -> str:
        value = self.text(name, required=required, max_length=254, label="E-mail address").lower()
        if value and not EMAIL_RE.match(value):
            self.fail(name, "Enter a valid e-mail address.")
        return value

    def phone(self, name: str) -> str:
        value = self.text(name, max_length=40, label="Phone")
        if value and not re.fullmatch(r"[0-9+().\-\s x]{7,40}", value):
            self.fail(name, "Enter a phone number using digits, spaces and + ( ) - only.")
        return value

    def state(self, name: str) -> str:
        value = self.text(name, max_length=40, label="State").upper()
        if value and value not in US_STATES:
            self.fail(name, "Use a two-letter US state code such as NY.")
        return value

    def zip_code(self, name: str) -> str:
        value = self.text(name, max_length=40, label="ZIP code")
        if value and not re.fullmatch(r"\d{5}(-\d{4})?", value):
            self.fail(name, "Use a ZIP code like 10001 or 10001-1234.")
        return value

    def done(self) -> None:
        if self.errors:
            raise Invalid(**self.errors)


def start_of_day(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone))
