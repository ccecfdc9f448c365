"""Program.locally_edited names the fields the practice wrote itself (Program column names), so an import never
overwrites them: everything typed into a new program, and each field changed on an imported one."""

from __future__ import annotations

from typing import Any

import pytest

from portal.clock import utcnow
from portal.network import programs
from portal.network.tables import Program
from tests.network.support import NOW, acting, add_program, audit_actions, form_of, program


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def _imported_program() -> int:
    now = utcnow()
    rows = await Program.insert(
        Program(
            name="Blue Ridge Treatment Center",
            city="Charlottesville",
            state="VA",
            zip_code="22902",
            phone_main="434-555-0199",
            samhsa_id="SAMHSA-42",
            source="samhsa",
            created_at=now,
            updated_at=now,
        )
    ).returning(Program.id)
    return int(rows[0]["id"])


async def test_a_program_typed_in_by_the_practice_records_every_field_given(db: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey, academics="", phone_crisis="")
    row = await program(program_id)
    edited = set(row["locally_edited"])
    assert {"name", "phone_main", "levels_of_care", "private_pay_cents", "private_pay_unit", "exclusions"} <= edited
    assert "academics" not in edited and "phone_crisis" not in edited
    # Coordinates from the ZIP code's centre are derived, not typed: an import may replace them.
    assert row["latitude"] is not None and "latitude" not in edited
    assert row["source"] == "manual" and row["vetting_status"] == "unvetted"


async def test_editing_an_imported_program_records_only_the_changed_fields(client: Any, casey: dict[str, Any]) -> None:
    program_id = await _imported_program()
    await client.login_as(casey)
    page = await client.get(f"/network/programs/{program_id}/edit")
    assert page.status_code == 200
    assert "a later import will not overwrite it" in page.text
    current = programs.form_values(await program(program_id))
    response = await client.post(
        f"/network/programs/{program_id}/edit",
        data={**current, "phone_main": "434-555-0100", "levels_of_care": ["asam3:3.5"], "private_pay": "900"},
    )
    assert response.status_code == 303
    row = await program(program_id)
    assert row["locally_edited"] == ["levels_of_care", "phone_main", "private_pay_cents"]
    assert row["private_pay_cents"] == 90_000
    assert row["samhsa_id"] == "SAMHSA-42" and row["source"] == "samhsa"

    # A second edit adds to the list; saving without changes adds nothing and writes nothing.
    await programs.update_program(acting(casey), program_id, {"city": "Crozet"})
    assert (await program(program_id))["locally_edited"] == [
        "city",
        "levels_of_care",
        "phone_main",
        "private_pay_cents",
    ]
    assert await programs.update_program(acting(casey), program_id, {"city": "Crozet"}) == []
    assert await audit_actions("program.update") == ["program.update", "program.update"]


async def test_the_edit_form_round_trips_without_changing_anything(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    before = await program(program_id)
    await client.login_as(casey)
    page = await client.get(f"/network/programs/{program_id}/edit")
    assert 'value="32000"' in page.text  # dollars on the form, cents in the table
    response = await client.post(f"/network/programs/{program_id}/edit", data=form_of())
    assert response.status_code == 303
    after = await program(program_id)
    assert after["locally_edited"] == before["locally_edited"]
    assert after["updated_at"] == before["updated_at"]
