"""Contacts at a program (admissions, clinical, family liaison …) and dated availability observations: newest
first on the program page, with who found out and when; never a timeless flag."""

from __future__ import annotations

from typing import Any

import pytest

from portal.network import contacts
from portal.network.tables import ProgramContact
from tests.network.support import NOW, acting, add_program, audit_actions


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def test_availability_is_listed_newest_first_with_its_observer(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any]
) -> None:
    program_id = await add_program(casey)
    await contacts.record_availability(
        acting(morgan), program_id, {"observed_on": "2026-11-02", "beds_available": "0", "waitlist_days": "21"}
    )
    await client.login_as(casey)
    response = await client.post(
        f"/network/programs/{program_id}/availability",
        data={"observed_on": "2026-11-20", "beds_available": "3", "waitlist_days": "14", "note": "called admissions"},
    )
    assert response.status_code == 303
    rows = await contacts.list_availability(program_id)
    assert [(str(r["observed_on"]), r["observed_by_name"]) for r in rows] == [
        ("2026-11-20", "Casey Morales"),
        ("2026-11-02", "Morgan Lee"),
    ]
    section = (await client.get(f"/network/programs/{program_id}")).text.split('id="availability"')[1]
    section = section.split("</section>")[0]
    assert section.index("3 beds, 14-day waitlist") < section.index("0 beds, 21-day waitlist")
    assert "Nov 20, 2026 · by Casey Morales" in section
    assert "18 days old" in section
    assert await audit_actions("program.availability") == ["program.availability.record"] * 2


async def test_contacts_are_added_edited_and_removed(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    base = f"/network/programs/{program_id}/contacts"
    response = await client.post(
        base, data={"role": "family_liaison", "name": "Jamie Fox", "email": "JAMIE@pineridge.example"}
    )
    assert response.status_code == 303
    row = await ProgramContact.select().first()
    assert row["email"] == "jamie@pineridge.example" and row["role"] == "family_liaison"
    response = await client.post(
        f"{base}/{row['id']}/edit", data={"role": "clinical", "name": "Dr. Jamie Fox", "phone": "434-555-0123"}
    )
    assert response.status_code == 303
    page = (await client.get(f"/network/programs/{program_id}")).text.split('id="contacts"')[1]
    assert "Dr. Jamie Fox" in page and "Clinical director" in page and "434-555-0123" in page
    bad = await client.post(base, data={"role": "admissions", "name": "X", "email": "not-an-email"})
    assert bad.status_code == 400 and "Enter a valid e-mail address" in bad.text
    response = await client.post(f"{base}/{row['id']}/remove", data={})
    assert response.status_code == 303
    assert await ProgramContact.count() == 0
    assert await audit_actions("program.contact") == [
        "program.contact.add",
        "program.contact.update",
        "program.contact.remove",
    ]
