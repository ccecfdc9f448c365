"""Reading a FindTreatment.gov locator file into rows, before anything is written.

Two formats, told apart by the file's name or, failing that, its first character:

- JSON: an API response, an object whose `rows` list holds one object per facility (as
  ../shared/data/findtreatment_sample.json), or that list on its own.
- CSV: a header line with the same column names (name1, name2, street1, street2, city, state, zip, zip4, county,
  latitude, longitude, phone, intake1, hotline1, website, typeFacility, frid …; matched without regard to case,
  extra columns ignored, missing optional ones left alone on import). Services come either as one column per
  SAMHSA service code (TC, SET, TAP, PAY, AGE …) holding that code's values separated by semicolons, exactly as
  the API's `f3` text, or as a `services` column holding the API's JSON list; both may be used together.

A file that cannot be read as a whole (not UTF-8, bad JSON, a CSV with a broken line or quoting, the wrong
top-level shape) raises MalformedFile naming where it broke; the importer then writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from portal.errors import Invalid
from portal.network.vocabulary import SAMHSA_MAP

SERVICE_CODES = frozenset(SAMHSA_MAP)
TEXT_COLUMNS = (
    "frid",
    "name1",
    "name2",
    "street1",
    "street2",
    "city",
    "state",
    "zip",
    "zip4",
    "county",
    "latitude",
    "longitude",
    "phone",
    "intake1",
    "hotline1",
    "website",
    "typeFacility",
)
_CANONICAL = {name.lower(): name for name in TEXT_COLUMNS}
MAX_ROWS = 200_000


class MalformedFile(Invalid):
    """The file as a whole cannot be read; the message says where (line and column, or row)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}. Nothing was imported.", file=f"{where}: {problem}.")
        self.where = where
        self.problem = problem


@dataclass
class SourceRow:
    """One facility as the file gives it: SAMHSA field names, and services as a list of {f2: code, f3: text}."""

    number: int  # the row's position in the JSON list, or the CSV line it starts on
    label: str  # "row 3" (JSON) or "line 7" (CSV): how the report points at it
    data: dict[str, Any]
    services: list[Any] | None = None  # None: the file says nothing about services
    problems: list[str] = field(default_factory=list)  # cell-level trouble: the row is skipped, the file is not


def detect_format(data: bytes, filename: str) -> str:
    name = filename.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith(".csv"):
        return "csv"
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "json" if start in (b"{", b"[") else "csv"


def _text(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MalformedFile(f"line {line}", f"the file is not UTF-8 text (byte {exc.start + 1})") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise MalformedFile(f"line {line}", "the file contains a NUL character (is it a binary file?)")
    return text


def read_rows(data: bytes, filename: str) -> list[SourceRow]:
    """Every row of the file, or MalformedFile. An empty file is malformed too (there is nothing to import)."""
    if not data.strip():
        raise MalformedFile("line 1", "the file is empty")
    rows = read_json(data) if detect_format(data, filename) == "json" else read_csv(data)
    if len(rows) > MAX_ROWS:
        raise MalformedFile(f"row {MAX_ROWS + 1}", f"the file has more than {MAX_ROWS:,} rows; split it")
    return rows


# --------------------------------------------------------------------------- JSON


def read_json(data: bytes) -> list[SourceRow]:
    text = _text(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedFile(f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})") from None
    if isinstance(document, dict) and isinstance(document.get("rows"), list):
        items = document["rows"]
    elif isinstance(document, list):
        items = document
    else:
        raise MalformedFile("line 1", 'expected an API response: an object with a "rows" list')
    rows = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise MalformedFile(f"row {index}", f"each row must be an object, this one is {type(item).__name__}")
        services = item.get("services") if "services" in item else None
        rows.append(SourceRow(index, f"row {index}", item, services))
    return rows


# --------------------------------------------------------------------------- CSV


def read_csv(data: bytes) -> list[SourceRow]:
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header, header_line = _header(reader)
    rows: list[SourceRow] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise MalformedFile(f"line {start}", _csv_problem(str(exc))) from None
        if not record or all(not cell.strip() for cell in record):
            continue  # blank lines are tolerated
        if len(record) != len(header):
            raise MalformedFile(
                f"line {start}", f"{len(record)} fields where the header (line {header_line}) has {len(header)}"
            )
        rows.append(_csv_row(start, header, record))
    return rows


def _header(reader: Any) -> tuple[list[str], int]:
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            raise MalformedFile("line 1", "the file has no header line") from None
        except csv.Error as exc:
            raise MalformedFile(f"line {start}", _csv_problem(str(exc))) from None
        if record and any(cell.strip() for cell in record):
            break
    header = [cell.strip() for cell in record]
    seen: set[str] = set()
    for name in header:
        key = name.upper() if name.upper() in SERVICE_CODES else name.lower()
        if name and key in seen:
            raise MalformedFile(f"line {start}", f"the header names the column {name!r} twice")
        seen.add(key)
    if "name1" not in seen:
        raise MalformedFile(f"line {start}", "the header has no name1 column (is this a FindTreatment.gov file?)")
    return header, start


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message:
        return "a quoted field is never closed (unterminated quote)"
    if "field larger than field limit" in message:
        return "a field is longer than 131,072 characters (is a quote never closed?)"
    if "expected after" in message:
        return "a quoted field does not end where it should (an unterminated or unescaped quote)"
    return f"the line cannot be read as CSV ({message})"


def _csv_row(line: int, header: list[str], record: list[str]) -> SourceRow:
    data: dict[str, Any] = {}
    services: list[Any] | None = None
    problems: list[str] = []
    for name, value in zip(header, record, strict=True):
        if not name:
            continue
        canonical = _CANONICAL.get(name.lower())
        if canonical is not None:
            data[canonical] = value
        elif name.upper() in SERVICE_CODES:
            services = services if services is not None else []
            if value.strip():
                services.append({"f2": name.upper(), "f3": value})
        elif name.lower() == "services":
            services = services if services is not None else []
            if value.strip():
                try:
                    listed = json.loads(value)
                except json.JSONDecodeError as exc:
                    problems.append(f"the services column is not valid JSON ({exc.msg})")
                    continue
                if not isinstance(listed, list):
                    problems.append("the services column must hold a JSON list")
                    continue
                services.extend(listed)
    return SourceRow(line, f"line {line}", data, services, problems)
