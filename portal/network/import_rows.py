"""One FindTreatment.gov row → the Program columns it sets, or the reason it is skipped.

Only the fields a row actually carries are returned, so a CSV without a `county` column leaves every program's
county alone. Services map onto the facet lists through vocabulary.SAMHSA_MAP (values it does not know are
ignored); when a row carries services at all, every facet list and the age range are set from them, since the
services are SAMHSA's complete description of the facility. AGE groups also give the numeric age range:
children/adolescents up to 17, young adults 18–25, adults 26–64, seniors 65 and older (N-SUMHSS's bands)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from portal.network.facets import FACET_COLUMNS, FACET_VOCABULARIES, normalise_facets
from portal.network.import_files import SourceRow
from portal.network.tables import Program
from portal.network.vocabulary import SAMHSA_MAP
from portal.validation import US_STATES

# SAMHSA column → Program column, for the plain text fields.
TEXT_FIELDS = {
    "name1": "name",
    "name2": "program_name",
    "street1": "street1",
    "street2": "street2",
    "city": "city",
    "county": "county",
    "phone": "phone_main",
    "intake1": "phone_admissions",
    "hotline1": "phone_crisis",
    "typeFacility": "facility_type",
}
AGE_GROUPS: dict[str, tuple[int | None, int | None]] = {
    "Children/adolescents": (None, 17),
    "Young adults": (18, 25),
    "Adults": (26, 64),
    "Seniors (65 or older)": (65, None),
}
FACET_LIST_COLUMNS = tuple(FACET_COLUMNS.values())
# Every column an import may write; a program's `locally_edited` names the ones it must leave alone.
IMPORTED_COLUMNS = (
    *TEXT_FIELDS.values(),
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "website",
    "samhsa_id",
    *FACET_LIST_COLUMNS,
    "age_min",
    "age_max",
)
LABELS = {
    "name": "name",
    "program_name": "program name (name2)",
    "phone_main": "phone",
    "phone_admissions": "intake phone",
    "phone_crisis": "hotline",
    "facility_type": "facility type",
    "samhsa_id": "frid",
}
_WORDS = re.compile(r"[^0-9a-z]+")
# USPS abbreviations, so "1014 East Market Street" and "1014 E. Market St" are the same address.
_ABBREVIATIONS = {
    "street": "st",
    "avenue": "ave",
    "road": "rd",
    "drive": "dr",
    "boulevard": "blvd",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "highway": "hwy",
    "parkway": "pkwy",
    "suite": "ste",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
}
_VOCABULARY_ORDER = {facet: {value: index for index, value in enumerate(v)} for facet, v in FACET_VOCABULARIES.items()}
# SAMHSA's texts carry stray double spaces ("Buprenorphine with naloxone  (Suboxone®)"): values are compared
# with their spacing collapsed.
_MAP = {
    code: {" ".join(text.split()): targets for text, targets in values.items()} for code, values in SAMHSA_MAP.items()
}


class Skip(Exception):
    """The row cannot be imported; the message is the reason shown in the report."""


@dataclass
class ParsedRow:
    number: int
    label: str
    samhsa_id: str | None
    values: dict[str, Any]
    name_key: tuple[str, ...]


def normalise(text: str) -> str:
    return " ".join(_ABBREVIATIONS.get(word, word) for word in _WORDS.split(text.lower()) if word)


def name_key(name: str, program_name: str, street: str, city: str, state: str, zip_code: str) -> tuple[str, ...]:
    """What "the same name and address" means when a row has no frid: case, spacing and punctuation aside."""
    return (normalise(name), normalise(program_name), normalise(street), normalise(city), state.upper(), zip_code[:5])


def _text(data: dict[str, Any], key: str) -> str | None:
    """The field as text, None when the row does not have it at all."""
    if key not in data:
        return None
    value = data[key]
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Skip(f"{key} is not text")
    return str(value).replace("\x00", "").strip()


def _fit(column: str, value: str) -> str:
    length = Program._meta.get_column_by_name(column).length  # type: ignore[attr-defined]
    if len(value) > length:
        raise Skip(f"{LABELS.get(column, column.replace('_', ' '))} is longer than {length} characters")
    return value


def _coordinate(data: dict[str, Any], key: str, limit: float) -> float | None:
    raw = data.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise Skip(f"bad coordinates: {key} is not a number")
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise Skip(f"bad coordinates: {key} {str(raw)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise Skip(f"bad coordinates: {key} {str(raw)[:40]!r} is not a number")
    if not -limit <= number <= limit:
        raise Skip(f"bad coordinates: {key} {number} is out of range (±{limit:g})")
    return number


def _zip(data: dict[str, Any]) -> str | None:
    zip5 = _text(data, "zip")
    if zip5 is None:
        return None
    zip4 = _text(data, "zip4") or ""
    if "-" in zip5 and not zip4:
        zip5, _, zip4 = zip5.partition("-")
    if zip5.isdigit() and 3 <= len(zip5) <= 5:
        zip5 = zip5.zfill(5)  # spreadsheets drop the leading zeros of New England ZIP codes
    else:
        return ""
    return f"{zip5}-{zip4}" if len(zip4) == 4 and zip4.isdigit() else zip5


def _website(value: str) -> str:
    """Only web addresses become links: http(s) URLs kept, bare domains given http://, anything else dropped."""
    if not value:
        return ""
    lowered = value.lower()
    if lowered.startswith(("http://", "https://")):
        url = value
    elif ":" in value.split("/", 1)[0] or " " in value or "." not in value:
        return ""
    else:
        url = "http://" + value
    return url if len(url) <= 300 else ""


def services_to_facets(services: list[Any]) -> tuple[dict[str, list[str]], int | None, int | None]:
    """({facet: values}, age_min, age_max) from a row's services; Skip when they are not {f2, f3} entries."""
    found: dict[str, list[str]] = {facet: [] for facet in FACET_COLUMNS}
    bands: list[tuple[int | None, int | None]] = []
    if not isinstance(services, list):
        raise Skip("services must be a list of {f2: code, f3: values} entries")
    for entry in services:
        if not isinstance(entry, dict) or not isinstance(entry.get("f2"), str) or not isinstance(entry.get("f3"), str):
            raise Skip("services must be a list of {f2: code, f3: values} entries")
        code = entry["f2"].strip().upper()
        mapping = _MAP.get(code)
        if mapping is None:
            continue
        for value in entry["f3"].split(";"):
            value = " ".join(value.split())
            if code == "AGE" and value in AGE_GROUPS:
                bands.append(AGE_GROUPS[value])
            for facet, facet_value in mapping.get(value, ()):
                found[facet].append(facet_value)
    age_min = age_max = None
    if bands:
        lows, highs = [low for low, _ in bands], [high for _, high in bands]
        age_min = None if None in lows else min(low for low in lows if low is not None)
        age_max = None if None in highs else max(high for high in highs if high is not None)
    # In the vocabulary's order, whatever the order of the file's services or columns.
    ordered = {
        facet: sorted(values, key=_VOCABULARY_ORDER[facet].__getitem__)
        for facet, values in normalise_facets(found).items()
    }
    return ordered, age_min, age_max


def parse_row(row: SourceRow) -> ParsedRow:
    """The Program columns this row sets (Skip with the reason when it cannot be imported)."""
    if row.problems:
        raise Skip(row.problems[0])
    data = row.data
    values: dict[str, Any] = {}
    for source, column in TEXT_FIELDS.items():
        text = _text(data, source)
        if text is not None:
            values[column] = _fit(column, text)
    if not values.get("name"):
        raise Skip("missing name (name1)")
    state = _text(data, "state")
    if not state:
        raise Skip("missing state")
    if state.upper() not in US_STATES:
        raise Skip(f"unknown state {state[:20]!r}")
    values["state"] = state.upper()
    zip_code = _zip(data)
    if zip_code is not None:
        values["zip_code"] = zip_code
    if "latitude" in data or "longitude" in data:
        latitude, longitude = _coordinate(data, "latitude", 90), _coordinate(data, "longitude", 180)
        if (latitude is None) != (longitude is None):
            raise Skip("bad coordinates: a latitude without a longitude, or the other way round")
        if latitude == 0 and longitude == 0:
            raise Skip("bad coordinates: 0, 0 is not a US address")
        values["latitude"], values["longitude"] = latitude, longitude
    website = _text(data, "website")
    if website is not None:
        values["website"] = _website(website)
    samhsa_id = _text(data, "frid") or None
    if samhsa_id is not None:
        values["samhsa_id"] = _fit("samhsa_id", samhsa_id)
    if row.services is not None:
        facet_values, values["age_min"], values["age_max"] = services_to_facets(row.services)
        for facet, column in FACET_COLUMNS.items():
            values[column] = facet_values[facet]
    key = name_key(
        values["name"],
        values.get("program_name", ""),
        values.get("street1", ""),
        values.get("city", ""),
        values["state"],
        values.get("zip_code", ""),
    )
    return ParsedRow(row.number, row.label, samhsa_id, values, key)


def parse_rows(rows: list[SourceRow]) -> tuple[list[ParsedRow], list[dict[str, Any]]]:
    """(rows to import, skipped rows with reasons). A facility that appears twice is imported once: the first
    time it appears (by frid, or by name and address when a row has no frid)."""
    parsed: list[ParsedRow] = []
    skipped: list[dict[str, Any]] = []
    by_frid: dict[str, str] = {}
    by_key: dict[tuple[str, ...], str] = {}
    for row in rows:
        try:
            result = parse_row(row)
        except Skip as reason:
            skipped.append({"row": row.number, "where": row.label, "reason": str(reason)})
            continue
        first = by_frid.get(result.samhsa_id) if result.samhsa_id else by_key.get(result.name_key)
        if first is not None:
            what = "frid" if result.samhsa_id else "name and address"
            skipped.append(
                {"row": row.number, "where": row.label, "reason": f"duplicate in file: same {what} as {first}"}
            )
            continue
        if result.samhsa_id:
            by_frid[result.samhsa_id] = row.label
        by_key.setdefault(result.name_key, row.label)
        parsed.append(result)
    return parsed, skipped
