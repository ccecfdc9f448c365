"""A program's facets live twice — JSON lists on Program for the page, ProgramFacet rows for search — and every
write keeps the two the same: set_facets itself, creating a program, and editing it (unticking a facet too)."""

from __future__ import annotations

from typing import Any

import pytest

from portal.clock import utcnow
from portal.network import facets
from portal.network.tables import Program, ProgramFacet
from tests.network.support import NOW, add_program, form_of, program


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


def _sorted(index: dict[str, list[str]]) -> dict[str, list[str]]:
    return {facet: sorted(values) for facet, values in index.items() if values}


async def assert_in_sync(program_id: int) -> None:
    row = await program(program_id)
    from_json = {facet: sorted(row[column]) for facet, column in facets.FACET_COLUMNS.items() if row[column]}
    assert _sorted(await facets.facets_of(program_id)) == from_json


async def _bare_program() -> int:
    now = utcnow()
    rows = await Program.insert(Program(name="Bare", created_at=now, updated_at=now)).returning(Program.id)
    return int(rows[0]["id"])


async def test_set_facets_writes_both_copies_and_leaves_unnamed_facets_alone(db: Any) -> None:
    program_id = await _bare_program()
    await facets.set_facets(program_id, {"level": ["asam3:3.5", "asam3:3.5"], "payment": ["private_pay"]})
    await facets.set_facets(program_id, {"payment": ["medicaid", "private_pay"], "condition": []})
    assert _sorted(await facets.facets_of(program_id)) == {
        "level": ["asam3:3.5"],
        "payment": ["medicaid", "private_pay"],
    }
    row = await program(program_id)
    assert row["levels_of_care"] == ["asam3:3.5"]
    assert row["payment"] == ["medicaid", "private_pay"]
    assert row["conditions"] == []


async def test_set_facets_many_replaces_each_programs_own_rows(db: Any) -> None:
    first, second = await _bare_program(), await _bare_program()
    await facets.set_facets_many({first: {"type": ["residential"]}, second: {"type": ["iop"], "gender": ["all"]}})
    await facets.set_facets_many({first: {"type": ["php"]}, second: {"gender": ["male"]}})
    assert _sorted(await facets.facets_of(first)) == {"type": ["php"]}
    assert _sorted(await facets.facets_of(second)) == {"type": ["iop"], "gender": ["male"]}
    await assert_in_sync(first)
    await assert_in_sync(second)


async def test_unknown_facet_or_value_is_refused_and_nothing_changes(db: Any) -> None:
    program_id = await _bare_program()
    with pytest.raises(ValueError):
        await facets.set_facets(program_id, {"colour": ["blue"]})
    with pytest.raises(ValueError):
        await facets.set_facets(program_id, {"level": ["asam9:9"]})
    with pytest.raises(ValueError):
        await facets.set_facets(program_id, {"level": "asam3:3.5"})  # type: ignore[dict-item]
    assert await facets.facets_of(program_id) == {}


async def test_creating_a_program_on_the_form_indexes_every_facet(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    response = await client.post("/network/programs", data=form_of())
    assert response.status_code == 303
    program_id = int(response.headers["location"].rsplit("/", 1)[1])
    await assert_in_sync(program_id)
    index = await facets.facets_of(program_id)
    assert sorted(index["level"]) == ["asam3:3.1", "asam3:3.5"]
    assert sorted(index["condition"]) == ["co_occurring", "opioids", "trauma"]
    assert index["payment"] == ["private_pay", "out_of_network"] or sorted(index["payment"]) == [
        "out_of_network",
        "private_pay",
    ]


async def test_editing_on_the_form_changes_and_clears_facets_in_both_places(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    # The browser leaves out an unticked checkbox group altogether: conditions are cleared.
    data = form_of(levels_of_care=["asam3:2.5"], populations=["adults", "lgbtq"])
    del data["conditions"]
    response = await client.post(f"/network/programs/{program_id}/edit", data=data)
    assert response.status_code == 303
    await assert_in_sync(program_id)
    index = _sorted(await facets.facets_of(program_id))
    assert index["level"] == ["asam3:2.5"]
    assert index["population"] == ["adults", "lgbtq"]
    assert "condition" not in index
    assert (await program(program_id))["conditions"] == []


async def test_a_failed_edit_changes_neither_copy(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    before = await ProgramFacet.count().where(ProgramFacet.program == program_id)
    response = await client.post(
        f"/network/programs/{program_id}/edit", data=form_of(levels_of_care=["asam3:2.5"], age_min="old")
    )
    assert response.status_code == 400
    assert await ProgramFacet.count().where(ProgramFacet.program == program_id) == before
    assert sorted((await program(program_id))["levels_of_care"]) == ["asam3:3.1", "asam3:3.5"]
