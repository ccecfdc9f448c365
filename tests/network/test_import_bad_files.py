"""A file that cannot be read as a whole imports nothing and says where it broke; a row that cannot be imported is
skipped with its reason while the others are imported."""

from __future__ import annotations

from typing import Any

import pytest

from portal.network.import_files import MalformedFile
from portal.network.tables import Program, ProgramFacet
from tests.network.import_support import as_csv, as_json, run_import, sample_bytes, sample_rows


async def _imports_nothing(data: bytes, filename: str) -> str:
    with pytest.raises(MalformedFile) as caught:
        await run_import(data, filename)
    assert await Program.count() == 0 and await ProgramFacet.count() == 0
    return caught.value.message


async def test_truncated_json_imports_nothing_and_names_the_line(db: Any) -> None:
    text = sample_bytes().decode()
    lines = text.splitlines(keepends=True)
    truncated = "".join(lines[:400])  # cut inside row 10 or so
    message = await _imports_nothing(truncated.encode(), "sample.json")
    assert message.startswith("line 400, column ") or message.startswith("line 401, column "), message
    assert "not valid JSON" in message and "Nothing was imported" in message


async def test_a_csv_with_an_unterminated_quote_on_line_7_imports_nothing(db: Any) -> None:
    lines = as_csv(sample_rows()).decode().splitlines(keepends=True)
    # Line 7 is the 6th facility; open a quote in its name and never close it.
    lines[6] = lines[6].replace("Empowering Families Program", '"Empowering Families Program', 1)
    assert lines[6].count('"') % 2 == 1
    message = await _imports_nothing("".join(lines).encode(), "sample.csv")
    assert message.startswith("line 7: ") and "unterminated" in message, message


async def test_a_csv_line_with_a_field_too_many_names_its_line(db: Any) -> None:
    lines = as_csv(sample_rows()).decode().splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n") + ",surplus\n"
    message = await _imports_nothing("".join(lines).encode(), "sample.csv")
    assert message.startswith("line 5: ") and "fields where the header (line 1) has" in message, message


async def test_a_stray_quote_inside_a_csv_field_names_its_line(db: Any) -> None:
    lines = as_csv(sample_rows()).decode().splitlines(keepends=True)
    lines[2] = lines[2].replace(",Charlottesville,", ',"Charlottesville"x,', 1)
    message = await _imports_nothing("".join(lines).encode(), "sample.csv")
    assert message.startswith("line 3: ") and "unescaped quote" in message, message


async def test_a_quote_left_open_on_the_last_line_names_that_line(db: Any) -> None:
    text = as_csv(sample_rows()[:5]).decode() + 'frid-x,"Open Quote Center,,,,VA\n'
    message = await _imports_nothing(text.encode(), "sample.csv")
    assert message.startswith("line 7: ") and "never closed (unterminated quote)" in message, message


@pytest.mark.parametrize(
    ("content", "where", "problem"),
    [
        (b'{"data": []}', "line 1", 'an object with a "rows" list'),
        (b'"rows"', "line 1", 'an object with a "rows" list'),
        (b'{"rows": [{"name1": "A"}, 42]}', "row 2", "each row must be an object"),
        (b"", "line 1", "the file is empty"),
        (b'{"rows": [\n{"name1": "\xff"}]}', "line 2", "not UTF-8"),
    ],
)
async def test_the_wrong_shape_imports_nothing(db: Any, content: bytes, where: str, problem: str) -> None:
    message = await _imports_nothing(content, "file.json")
    assert message.startswith(where + ": ") and problem in message, message


async def test_a_csv_without_a_name_column_is_refused(db: Any) -> None:
    message = await _imports_nothing(b"city,state\nCharlottesville,VA\n", "places.csv")
    assert message.startswith("line 1: ") and "no name1 column" in message


BASE = {
    "name1": "Blue Ridge Recovery",
    "street1": "1 Main Street",
    "city": "Charlottesville",
    "state": "VA",
    "zip": "22902",
    "latitude": "38.03",
    "longitude": "-78.48",
}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"name1": ""}, "missing name (name1)"),
        ({"name1": None}, "missing name (name1)"),
        ({"latitude": "91.5"}, "bad coordinates: latitude 91.5 is out of range (±90)"),
        ({"longitude": "-181"}, "bad coordinates: longitude -181.0 is out of range (±180)"),
        ({"latitude": "north"}, "bad coordinates: latitude 'north' is not a number"),
        ({"longitude": "NaN"}, "bad coordinates: longitude 'NaN' is not a number"),
        ({"latitude": ""}, "bad coordinates: a latitude without a longitude, or the other way round"),
        ({"latitude": "0", "longitude": "0"}, "bad coordinates: 0, 0 is not a US address"),
        ({"state": "XX"}, "unknown state 'XX'"),
        ({"state": ""}, "missing state"),
        ({"name1": "x" * 201}, "name is longer than 200 characters"),
        ({"services": "TC"}, "services must be a list of {f2: code, f3: values} entries"),
        ({"services": [{"f2": "TC"}]}, "services must be a list of {f2: code, f3: values} entries"),
    ],
)
async def test_a_row_that_cannot_be_imported_is_skipped_with_its_reason(
    db: Any, changes: dict[str, Any], reason: str
) -> None:
    rows = [{**BASE, "frid": "good-1"}, {**BASE, "frid": "bad-1", "name1": "Other", **changes}]
    report = await run_import(as_json(rows))
    assert report.created == 1
    assert report.skipped == [{"row": 2, "where": "row 2", "reason": reason}]
    assert await Program.count() == 1


async def test_duplicates_in_the_file_are_imported_once(db: Any) -> None:
    rows = [
        {**BASE, "frid": "a"},
        {**BASE, "frid": "a", "name1": "Same frid, other name"},
        {**BASE, "name1": "No Frid Center"},
        {**BASE, "name1": "NO FRID  center", "street1": "1 Main St."},  # the same name and address
        {**BASE, "frid": "b", "name1": "No Frid Center"},  # has its own frid: a facility of its own
    ]
    report = await run_import(as_json(rows))
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.skipped == [
        {"row": 2, "where": "row 2", "reason": "duplicate in file: same frid as row 1"},
        {"row": 4, "where": "row 4", "reason": "duplicate in file: same name and address as row 3"},
    ]
    again = await run_import(as_json(rows))
    assert (again.created, again.updated, again.unchanged, len(again.skipped)) == (0, 0, 3, 2)


async def test_skipped_csv_rows_are_named_by_their_line(db: Any) -> None:
    rows = sample_rows()[:3]
    rows[1] = {**rows[1], "state": "Virginia"}
    report = await run_import(as_csv(rows), "three.csv")
    assert report.created == 2
    assert report.skipped == [{"row": 3, "where": "line 3", "reason": "unknown state 'Virginia'"}]


async def test_zip_codes_and_websites_are_cleaned(db: Any) -> None:
    rows = [
        {**BASE, "frid": "z1", "zip": "2138", "state": "MA", "website": "www.example.org"},
        {**BASE, "frid": "z2", "zip": "22902", "zip4": "1234", "website": "javascript:alert(1)"},
        {**BASE, "frid": "z3", "zip": 22902, "website": "ftp://example.org"},
    ]
    report = await run_import(as_json(rows))
    assert report.created == 3
    got = {r["samhsa_id"]: (r["zip_code"], r["website"]) for r in await Program.select()}
    assert got == {
        "z1": ("02138", "http://www.example.org"),
        "z2": ("22902-1234", ""),
        "z3": ("22902", ""),
    }
