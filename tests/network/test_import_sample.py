"""Importing SAMHSA's 30-row sample: every row becomes an unvetted program with its services mapped onto the facet
lists and the search index; importing it again changes nothing; a field the practice edited survives; CSV gives
the same programs as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from portal.network import facets, programs
from portal.network.tables import Program, ProgramFacet
from tests.network.import_support import (
    MOHR_CENTER,
    as_csv,
    as_json,
    program_by_frid,
    run_import,
    sample_bytes,
    sample_rows,
    snapshot,
)
from tests.network.support import acting

UVA_CHILD = "91d941353abe0a60"  # row 10: UVA Child/Adolescent Psychiatry Clinic (outpatient, children only)
FAIR_WINDS = "98ed33f5485aefab"  # row 28: Fair Winds, a residential treatment center for children
ADDICTION_ALLIES = "d0ac0e214edc9d4b"  # row 13: Addiction Allies LLC (SUD outpatient, IOP, PHP, OTP)


async def _by_prefix(prefix: str) -> dict[str, Any]:
    frid = next(row["frid"] for row in sample_rows() if row["frid"].startswith(prefix))
    return await program_by_frid(frid)


async def test_the_sample_creates_every_row_unvetted_with_its_fields(db: Any) -> None:
    report = await run_import(sample_bytes())

    assert (report.total, report.created, report.updated, report.unchanged, report.skipped) == (30, 30, 0, 0, [])
    assert await Program.count() == 30
    rows = await Program.select().output(load_json=True)
    assert {r["samhsa_id"] for r in rows} == {r["frid"] for r in sample_rows()}
    assert {(r["vetting_status"], r["source"], tuple(r["locally_edited"])) for r in rows} == {
        ("unvetted", "samhsa", ())
    }
    mohr = await program_by_frid(MOHR_CENTER)
    assert (mohr["name"], mohr["program_name"], mohr["street1"], mohr["city"], mohr["state"], mohr["zip_code"]) == (
        "Region Ten Community Services Board",
        "Mohr Center",
        "1014 East Market Street",
        "Charlottesville",
        "VA",
        "22902",
    )
    assert (mohr["phone_main"], mohr["phone_admissions"], mohr["phone_crisis"]) == ("434-979-8871", "434-972-1800", "")
    assert (mohr["website"], mohr["facility_type"]) == ("http://www.regionten.org", "SA")
    assert (mohr["latitude"], mohr["longitude"]) == (38.0282239, -78.4725231)


@pytest.mark.parametrize(
    ("frid", "column", "expected"),
    [
        # TC (type of care)
        (MOHR_CENTER[:16], "program_types", ["substance_use", "residential"]),
        (UVA_CHILD, "program_types", ["mental_health", "outpatient"]),
        # SET (service settings): "Residential; Short-term residential" → residential, ASAM 3.5 (lists are kept in the
        # vocabulary's order, whatever the order of the file)
        (MOHR_CENTER[:16], "levels_of_care", ["asam3:3.5"]),
        (UVA_CHILD, "levels_of_care", ["asam3:1", "mh:outpatient"]),
        (ADDICTION_ALLIES, "levels_of_care", ["asam3:1", "asam3:2.1", "asam3:2.5", "asam3:otp"]),
        (FAIR_WINDS, "levels_of_care", ["mh:residential_treatment_center"]),
        # PAY (payment accepted), with PYAS's sliding fee scale
        (
            MOHR_CENTER[:16],
            "payment",
            ["private_pay", "private_insurance", "medicaid", "sliding_scale", "government_funding"],
        ),
        (ADDICTION_ALLIES, "payment", ["private_pay", "private_insurance", "medicaid", "military"]),
        # AGE (age groups accepted) → populations
        (MOHR_CENTER[:16], "populations", ["young_adults", "adults"]),
        (UVA_CHILD, "populations", ["adolescents"]),
        # GN, LCA, TAP, FT
        (MOHR_CENTER[:16], "genders", ["male"]),
        (MOHR_CENTER[:16], "accreditations", ["state_license"]),
        (
            MOHR_CENTER[:16],
            "approaches",
            ["cbt", "motivational_interviewing", "trauma_therapy", "family_program", "mat_accepted"],
        ),
    ],
)
async def test_services_map_onto_the_facets(db: Any, frid: str, column: str, expected: list[str]) -> None:
    await run_import(sample_bytes())
    program = await _by_prefix(frid)
    assert program[column] == expected


async def test_age_groups_give_the_age_range(db: Any) -> None:
    await run_import(sample_bytes())
    # "Adults; Young adults": 18–64; children only: up to 17; with seniors: no upper limit.
    assert ((m := await program_by_frid(MOHR_CENTER))["age_min"], m["age_max"]) == (18, 64)
    assert ((u := await _by_prefix(UVA_CHILD))["age_min"], u["age_max"]) == (None, 17)
    dual = next(r for r in sample_rows() if r["name1"] == "Dual Recovery Center")  # adults, seniors, young adults
    assert ((d := await program_by_frid(dual["frid"]))["age_min"], d["age_max"]) == (18, None)


async def test_the_search_index_holds_exactly_the_facet_lists(db: Any) -> None:
    await run_import(sample_bytes())
    for row in await Program.select().output(load_json=True):
        index = await facets.facets_of(row["id"])
        assert {f: sorted(v) for f, v in index.items() if v} == {
            f: sorted(v) for f, v in facets.facets_from_program(row).items() if v
        }
    assert await ProgramFacet.count() == sum(
        len(values)
        for row in await Program.select().output(load_json=True)
        for values in facets.facets_from_program(row).values()
    )


async def test_importing_the_sample_again_changes_nothing(db: Any) -> None:
    await run_import(sample_bytes())
    before = await Program.select(Program.id, Program.updated_at).order_by(Program.id)
    facet_count = await ProgramFacet.count()

    again = await run_import(sample_bytes())

    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 30, [])
    assert await Program.select(Program.id, Program.updated_at).order_by(Program.id) == before
    assert await ProgramFacet.count() == facet_count


async def test_a_changed_row_updates_only_what_changed(db: Any) -> None:
    await run_import(sample_bytes())
    rows = sample_rows()
    rows[0] = {**rows[0], "phone": "434-555-0199", "services": [s for s in rows[0]["services"] if s["f2"] != "GN"]}

    report = await run_import(as_json(rows))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 29)
    mohr = await program_by_frid(MOHR_CENTER)
    assert (mohr["phone_main"], mohr["genders"], mohr["levels_of_care"]) == ("434-555-0199", [], ["asam3:3.5"])
    assert "gender" not in await facets.facets_of(mohr["id"])


async def test_a_field_the_practice_edited_survives_a_reimport(db: Any, casey: dict[str, Any]) -> None:
    await run_import(sample_bytes())
    mohr = await program_by_frid(MOHR_CENTER)
    await programs.update_program(
        acting(casey),
        mohr["id"],
        {"phone_main": "(434) 555-0123", "levels_of_care": ["asam3:3.5", "asam3:3.7"], "private_pay": "28,000"},
    )
    rows = sample_rows()
    rows[0] = {**rows[0], "phone": "434-979-0000", "website": "https://regionten.org/mohr"}

    report = await run_import(as_json(rows))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 29)
    after = await program_by_frid(MOHR_CENTER)
    assert after["phone_main"] == "(434) 555-0123"  # the practice's own
    assert after["levels_of_care"] == ["asam3:3.5", "asam3:3.7"]
    assert after["private_pay_cents"] == 2_800_000
    assert after["website"] == "https://regionten.org/mohr"  # not edited: the file's new value is taken
    assert sorted((await facets.facets_of(mohr["id"]))["level"]) == ["asam3:3.5", "asam3:3.7"]
    assert (await run_import(as_json(rows))).unchanged == 30


async def test_a_program_typed_in_by_hand_is_linked_not_duplicated(db: Any, casey: dict[str, Any]) -> None:
    program_id = await programs.create_program(
        acting(casey),
        {
            "name": "Region Ten Community Services Board",
            "program_name": "Mohr Center",
            "street1": "1014 East Market St.",  # punctuation and case aside, the same address
            "city": "charlottesville",
            "state": "VA",
            "zip_code": "22902",
        },
    )
    report = await run_import(sample_bytes())

    assert (report.created, report.updated) == (29, 1)
    linked = await program_by_frid(MOHR_CENTER)
    assert linked["id"] == program_id and linked["source"] == "manual"
    assert linked["street1"] == "1014 East Market St."  # typed by the practice: kept
    assert linked["levels_of_care"] == ["asam3:3.5"]  # never typed: taken from the file
    assert await Program.count() == 30


@pytest.mark.parametrize("services", ["columns", "json"])
async def test_csv_gives_the_same_programs_as_json(db: Any, services: str) -> None:
    await run_import(sample_bytes())
    from_json = await snapshot()
    await ProgramFacet.delete(force=True)
    await Program.delete(force=True)

    report = await run_import(as_csv(sample_rows(), services=services), "sample.csv")

    assert (report.created, report.skipped) == (30, [])
    assert await snapshot() == from_json
    assert (await run_import(sample_bytes())).unchanged == 30


async def test_a_csv_without_optional_columns_leaves_those_fields_alone(db: Any) -> None:
    await run_import(sample_bytes())
    lines = as_csv(sample_rows()).decode().splitlines()
    header = lines[0].split(",")
    keep = [header.index(name) for name in ("frid", "name1", "name2", "street1", "city", "state", "zip", "phone")]
    import csv
    import io

    records = list(csv.reader(io.StringIO("\n".join(lines))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for record in records:
        writer.writerow([record[i] for i in keep])

    report = await run_import(out.getvalue().encode(), "few-columns.csv")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 30)
    mohr = await program_by_frid(MOHR_CENTER)
    assert mohr["levels_of_care"] == ["asam3:3.5"] and mohr["latitude"] == 38.0282239


def test_every_mapped_value_is_in_the_vocabularies() -> None:
    from portal.network.facets import FACET_VOCABULARIES
    from portal.network.vocabulary import SAMHSA_MAP

    for code, values in SAMHSA_MAP.items():
        for text, targets in values.items():
            for facet, value in targets:
                assert value in FACET_VOCABULARIES[facet], (code, text, facet, value)


def test_the_sample_is_the_real_one() -> None:
    assert len(sample_rows()) == 30
    assert json.loads(sample_bytes())["rows"][0]["frid"] == MOHR_CENTER
