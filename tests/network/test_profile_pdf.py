"""The printable program profile for a family: program information only. Read back with pypdf, it names the
program, its care, costs and credentials — and holds no vetting rationale, desk-check evidence, site-visit note,
incident, outcome note, contact note or vetting status."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from portal.cases import placements
from portal.network import contacts, monitoring, vetting
from tests.cases.coordination_support import PLACEMENT_FORM
from tests.network.support import (
    DECISION,
    NOW,
    SITE_VISIT,
    TODAY,
    acting,
    add_license,
    add_program,
    all_checks,
    pdf_text,
)

SECRETS = {
    "rationale": "RATIONALE-SECRET: the director was evasive about staffing",
    "evidence": "EVIDENCE-SECRET: lawsuit found on PACER",
    "visit": "VISIT-SECRET: the milieu skews much older",
    "incident": "INCIDENT-SECRET: a resident was hurt",
    "outcome": "OUTCOME-SECRET: relapsed two weeks after discharge",
    "contact": "CONTACT-SECRET: never call after 3pm",
    "intake": "INTAKE-SECRET: recommended by a former client",
}


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def test_the_profile_holds_program_information_only(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    who = acting(casey)
    program_id = await add_program(casey)
    await add_license(casey, program_id, TODAY + timedelta(days=300), number="RSUD-1234")
    await contacts.add_contact(
        who,
        program_id,
        {"role": "admissions", "name": "Alex Kim", "phone": "434-555-0111", "notes": SECRETS["contact"]},
    )
    await contacts.record_availability(who, program_id, {"observed_on": "2026-11-19", "beds_available": "3"})
    await vetting.open_review(who, program_id, {"reason": "initial", "intake_source": SECRETS["intake"]})
    checks = all_checks()
    checks[5]["result"], checks[5]["evidence"] = "concern", SECRETS["evidence"]
    await vetting.record_desk_checks(who, program_id, checks)
    await vetting.record_site_visit(
        who, program_id, {**SITE_VISIT, "visitor": str(casey["id"]), "notes": SECRETS["visit"]}
    )
    await vetting.record_decision(who, program_id, {**DECISION, "rationale": SECRETS["rationale"]})
    await monitoring.record_incident(
        who, program_id, {"kind": "incident", "occurred_on": "2026-11-19", "description": SECRETS["incident"]}
    )
    await placements.create_placement(
        who,
        jordan["id"],
        {**PLACEMENT_FORM, "program_id": str(program_id), "discharged_on": "2026-03-01", "discharge_type": "planned",
         "outcome": "completed", "outcome_note": SECRETS["outcome"]},
    )  # fmt: skip

    await client.login_as(casey)
    response = await client.get(f"/network/programs/{program_id}/profile.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    text = " ".join(pdf_text(response.content).split())

    for expected in (
        "Pine Ridge Recovery",
        "Young Adult Residential",
        "12 Ridge Road",
        "(434) 555-0101",
        "3.5 Clinically managed high-intensity residential",
        "Co-occurring disorders",
        "Dialectical behavior therapy",
        "18–26",
        "$32,000.00 per month",
        "Room, board, therapy, psychiatry",
        "Aetna",
        "RSUD-1234",
        "No active psychosis",
        "Alex Kim",
        "Harbor Case Management",
    ):
        assert expected in text, expected
    for secret in SECRETS.values():
        assert secret.split(":")[0] not in text
    for internal in ("Approved", "Review needed", "In review", "Internal", "beds available", "Jordan"):
        assert internal not in text, internal


async def test_an_expired_credential_is_left_off_the_profile(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await add_license(casey, program_id, TODAY - timedelta(days=1), number="OLD-LICENSE-9")
    await client.login_as(casey)
    response = await client.get(f"/network/programs/{program_id}/profile.pdf")
    assert "OLD-LICENSE-9" not in pdf_text(response.content)


async def test_an_unknown_program_has_no_profile(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    assert (await client.get("/network/programs/999999/profile.pdf")).status_code == 404
