"""Text the practice types — a program's name, notes, evidence, incidents — is escaped on every network page and
in the placement picker: a script tag or an attribute break-out never reaches the browser as markup."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from portal.cases import placements
from portal.cases.tables import Placement
from portal.network import contacts, monitoring, vetting
from portal.network.tables import Credential, ProgramContact
from tests.cases.coordination_support import PLACEMENT_FORM
from tests.network.support import (
    DECISION,
    NOW,
    SITE_VISIT,
    TODAY,
    XSS,
    XSS_IMG,
    acting,
    add_license,
    add_program,
    all_checks,
)

PAYLOAD = XSS + XSS_IMG
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def test_payloads_are_escaped_on_every_page(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    who = acting(casey)
    program_id = await add_program(
        casey,
        name="Pine " + PAYLOAD,
        program_name=PAYLOAD,
        exclusion_criteria=PAYLOAD,
        private_pay_includes=PAYLOAD,
        in_network_insurers=PAYLOAD,
        psychiatry=PAYLOAD,
    )
    await add_license(casey, program_id, TODAY + timedelta(days=10), name=PAYLOAD, source=PAYLOAD, number=PAYLOAD[:90])
    await contacts.add_contact(who, program_id, {"role": "admissions", "name": PAYLOAD, "notes": PAYLOAD[:300]})
    await contacts.record_availability(who, program_id, {"observed_on": "2026-11-19", "note": PAYLOAD})
    await vetting.open_review(who, program_id, {"reason": "initial", "intake_source": PAYLOAD})
    checks = all_checks()
    checks[0]["evidence"] = PAYLOAD
    await vetting.record_desk_checks(who, program_id, checks)
    await vetting.record_site_visit(who, program_id, {**SITE_VISIT, "visitor": str(casey["id"]), "notes": PAYLOAD})
    await vetting.record_decision(who, program_id, {**DECISION, "rationale": PAYLOAD})
    await monitoring.record_incident(
        who, program_id, {"kind": "incident", "occurred_on": "2026-11-19", "description": PAYLOAD}
    )
    await placements.create_placement(
        who,
        jordan["id"],
        {**PLACEMENT_FORM, "program_id": str(program_id), "discharged_on": "2026-03-01", "discharge_type": "planned",
         "outcome": "completed", "outcome_note": PAYLOAD},
    )  # fmt: skip

    credential = await Credential.select(Credential.id).first()
    contact = await ProgramContact.select(ProgramContact.id).first()
    placement = await Placement.select(Placement.id).first()
    await client.login_as(casey)
    base = f"/network/programs/{program_id}"
    pages = [
        "/network",
        base,
        f"{base}/edit",
        f"{base}/availability/new",
        f"{base}/credentials/new",
        f"{base}/credentials/{credential['id']}/edit",
        f"{base}/contacts/{contact['id']}/edit",
        f"{base}/reviews/new",
        f"{base}/desk-review",
        f"{base}/site-visits/new",
        f"{base}/decision",
        f"{base}/incidents/new",
        "/network/programs/picker?q=Pine",
        f"/network/programs/picker/choose?program_id={program_id}",
        f"/clients/{jordan['id']}/placements/{placement['id']}/edit",
    ]
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "<script>alert(1)" not in response.text, path
        assert "<img src=x" not in response.text, path
    page = (await client.get(base)).text
    assert page.count(ESCAPED_SCRIPT) >= 10

    # The same payloads posted through the forms come back escaped in the error pages too.
    response = await client.post("/network/programs", data={"name": PAYLOAD, "age_min": "old"})
    assert response.status_code == 400 and "<script>alert(1)" not in response.text
    assert ESCAPED_SCRIPT in response.text


async def test_a_javascript_website_never_becomes_a_link(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    response = await client.post(
        "/network/programs", data={"name": "Sneaky", "website": "javascript:alert(document.cookie)"}
    )
    assert response.status_code == 400
    assert "Enter a web address" in response.text
    assert 'href="javascript:' not in response.text
