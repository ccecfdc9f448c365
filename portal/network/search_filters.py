"""The search's parameters, shared by the search page and `GET /api/v1/programs`: facets as repeatable
parameters (`level=asam3:3.5&level=asam3:3.7` means either), `vetting`, `state`, `age` (years), `price_min` and
`price_max` (private pay in dollars a month), `q` (text in the name or city), `zip` and `radius_miles`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.cases.vocabulary import LEVELS_OF_CARE
from portal.errors import Invalid
from portal.network import geo
from portal.network.facets import FACET_VOCABULARIES
from portal.network.vocabulary import FACETS, VETTING_STATUSES
from portal.validation import US_STATES

FACET_PARAMS = tuple(FACETS)  # level, type, population, gender, condition, approach, payment, accreditation, language
OTHER_PARAMS = ("vetting", "state", "age", "price_min", "price_max", "q", "zip", "radius_miles")
SEARCH_PARAMS = frozenset((*FACET_PARAMS, *OTHER_PARAMS))
DEFAULT_RADIUS_MILES = 50.0
MAX_RADIUS_MILES = 3000.0
MAX_VALUES = 60
MAX_PRICE_DOLLARS = 10_000_000


class SearchError(Invalid):
    """A search parameter that cannot be used; `param` names it (a 400 naming the parameter in the API)."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message, **{param: message})
        self.param = param


@dataclass
class SearchFilters:
    facets: dict[str, list[str]] = field(default_factory=dict)
    vetting: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    age: int | None = None
    price_min_cents: int | None = None
    price_max_cents: int | None = None
    q: str = ""
    zip_code: str = ""
    radius_miles: float | None = None
    page: int = 1
    per_page: int = 20

    @property
    def is_empty(self) -> bool:
        return not (
            self.facets
            or self.vetting
            or self.states
            or self.q
            or self.zip_code
            or self.age is not None
            or self.price_min_cents is not None
            or self.price_max_cents is not None
        )


# --------------------------------------------------------------------------- reading the parameters


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    raw = params.get(name)
    items = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
    values = [str(item).strip() for item in items if str(item).strip()]
    if len(values) > MAX_VALUES:
        raise SearchError(name, f"At most {MAX_VALUES} values for {name}.")
    return list(dict.fromkeys(values))


def _one(params: Mapping[str, Any], name: str) -> str:
    values = _values(params, name)
    if len(values) > 1:
        raise SearchError(name, f"Give {name} once.")
    return values[0] if values else ""


def _number(params: Mapping[str, Any], name: str, low: float, high: float, label: str) -> float | None:
    text = _one(params, name).replace(",", "").removeprefix("$")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise SearchError(name, f"{label} must be a number.") from None
    if not low <= number <= high:
        raise SearchError(name, f"{label} must be between {low:g} and {high:g}.")
    return number


LEVEL_PREFIXES = {"asam3": "ASAM ", "asam4": "ASAM 4th ed. ", "mh": ""}


def facet_label(facet: str, value: str) -> str:
    """ "Private pay", "ASAM 3.5 Clinically managed high-intensity residential" …"""
    if facet == "level":
        level = LEVELS_OF_CARE.get(value)
        return LEVEL_PREFIXES.get(value.split(":")[0], "") + level.label if level else value
    return str(FACET_VOCABULARIES[facet].get(value, value))


def parse_filters(
    params: Mapping[str, Any], *, page: int = 1, per_page: int = 20, radius_needs_zip: bool = True
) -> SearchFilters:
    """Search filters from query parameters (a name → value or list of values mapping); SearchError names the
    first parameter that cannot be used. Empty values are ignored (an HTML form sends every field, and its radius
    even without a ZIP code: `radius_needs_zip=False` lets that pass)."""
    filters = SearchFilters(page=page, per_page=per_page)
    for facet in FACET_PARAMS:
        values = _values(params, facet)
        unknown = [v for v in values if v not in FACET_VOCABULARIES[facet]]
        if unknown:
            raise SearchError(facet, f"Unknown {FACETS[facet].lower()}: {unknown[0][:40]!r}.")
        if values:
            filters.facets[facet] = values
    filters.vetting = _values(params, "vetting")
    if any(v not in VETTING_STATUSES for v in filters.vetting):
        raise SearchError("vetting", f"Vetting status is one of {', '.join(VETTING_STATUSES)}.")
    filters.states = [s.upper() for s in _values(params, "state")]
    if any(s not in US_STATES for s in filters.states):
        raise SearchError("state", "Use two-letter US state codes such as NY.")
    age = _number(params, "age", 0, 120, "Age")
    if age is not None and age != int(age):
        raise SearchError("age", "Age must be a whole number of years.")
    filters.age = None if age is None else int(age)
    price_min = _number(params, "price_min", 0, MAX_PRICE_DOLLARS, "The lowest private-pay rate")
    price_max = _number(params, "price_max", 0, MAX_PRICE_DOLLARS, "The highest private-pay rate")
    filters.price_min_cents = None if price_min is None else round(price_min * 100)
    filters.price_max_cents = None if price_max is None else round(price_max * 100)
    if price_min is not None and price_max is not None and price_min > price_max:
        raise SearchError("price_max", "The highest private-pay rate is below the lowest.")
    filters.q = " ".join(_one(params, "q").split())[:100]
    zip_text = _one(params, "zip")
    radius = _number(params, "radius_miles", 1, MAX_RADIUS_MILES, "The radius")
    if zip_text:
        if geo.zip_centroid(zip_text) is None:
            raise SearchError("zip", f"Unknown ZIP code {zip_text[:12]!r}: use five digits, like 22902.")
        filters.zip_code = geo.five_digit_zip(zip_text) or ""
        filters.radius_miles = radius if radius is not None else DEFAULT_RADIUS_MILES
    elif radius is not None and radius_needs_zip:
        raise SearchError("zip", "A radius needs a ZIP code to measure from.")
    return filters
