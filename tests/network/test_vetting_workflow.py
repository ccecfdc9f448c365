"""The vetting workflow end to end on the pages: intake → desk review (results with evidence text or a file) →
site visit (checklist, photos) → a scoped decision; then a re-review and a second decision. Nothing is
rewritten: the program page and the API show who decided what, when, on what evidence."""

from __future__ import annotations

import re
from typing import Any

import pytest

from portal.errors import Invalid
from portal.network import vetting
from portal.network.tables import DeskCheck, SiteVisitPhoto, VettingDecision, VettingReview
from portal.network.vocabulary import DESK_CHECKS
from tests.network.support import (
    NOW,
    SITE_VISIT,
    acting,
    add_program,
    all_checks,
    audit_actions,
    png_bytes,
    program,
)


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


def _desk_form(result: str = "pass") -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in DESK_CHECKS:
        data[f"result_{key}"] = result
        data[f"evidence_{key}"] = f"Checked {key} on the registry, 19 Nov."
    return data


async def test_casey_vets_a_program_from_intake_to_approval(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    base = f"/network/programs/{program_id}"
    await client.login_as(casey)

    # Intake
    response = await client.post(f"{base}/reviews", data={"reason": "initial", "intake_source": "Dr. Reyes"})
    assert response.status_code == 303
    assert (await program(program_id))["vetting_status"] == "in_review"
    assert 'class="is-current">Intake' in (await client.get(base)).text

    # Desk review: one check with a PDF as its evidence, one "not applicable" without any, the rest as text.
    data = _desk_form()
    data["evidence_npi"] = ""
    data["result_outcomes_claims"] = "na"
    data["evidence_outcomes_claims"] = ""
    response = await client.post(
        f"{base}/desk-review",
        data={**data, "_csrf_token": await client.csrf_token()},
        files={"file_npi": ("nppes.pdf", b"%PDF-1.4 nppes lookup", "application/pdf")},
        csrf=False,
    )
    assert response.status_code == 303, response.text
    checks = await DeskCheck.select().where(DeskCheck.check == "npi")
    assert checks[0]["evidence_file"] is not None

    # Site visit with two photos
    response = await client.post(
        f"{base}/site-visits",
        data={**SITE_VISIT, "visitor": str(casey["id"]), "_csrf_token": await client.csrf_token()},
        files=[("photos", ("lobby.png", png_bytes(), "image/png")), ("photos", ("room.png", png_bytes(), "image/png"))],
        csrf=False,
    )
    assert response.status_code == 303, response.text
    assert await SiteVisitPhoto.count() == 2

    # Decision, scoped
    page = await client.get(f"{base}/decision")
    assert "11 of 11 recorded" in page.text
    response = await client.post(
        f"{base}/decision",
        data={
            "decision": "approved",
            "levels": ["asam3:3.5"],
            "populations": "young_adults",
            "conditions": ["co_occurring", "trauma"],
            "rationale": "Strong co-occurring track; visit confirmed staffing.",
            "next_review_on": "2027-11-20",
        },
    )
    assert response.status_code == 303
    row = await program(program_id)
    assert row["vetting_status"] == "approved" and str(row["next_review_on"]) == "2027-11-20"
    review = (await VettingReview.select().where(VettingReview.program == program_id))[0]
    assert review["stage"] == "decided" and review["closed_at"] is not None

    # The page shows the whole story: who, when, what evidence.
    page = (await client.get(base)).text
    vetting_section = page.split('id="vetting"')[1].split('id="site-visits"')[0]
    assert "First vetting" in vetting_section and "by Casey Morales" in vetting_section
    assert "Source: Dr. Reyes" in vetting_section
    assert "Approved" in vetting_section and "3.5 Clinically managed high-intensity residential" in vetting_section
    assert "Strong co-occurring track" in vetting_section
    assert "nppes.pdf" in vetting_section and "Checked state_license on the registry" in vetting_section
    visits = page.split('id="site-visits"')[1].split('id="incidents"')[0]
    assert "Met the clinical director" in visits and visits.count("<img ") == 2
    photo = await client.get(visits.split('<img src="')[1].split('"')[0])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png"
    evidence_link = re.search(r'href="(/network/programs/\d+/evidence/\d+)"', vetting_section)
    assert evidence_link is not None
    evidence = await client.get(evidence_link.group(1))
    assert evidence.status_code == 200 and evidence.content.startswith(b"%PDF")

    assert await audit_actions("program.review") == [
        "program.review.open",
        "program.review.desk_checks",
        "program.review.site_visit",
        "program.review.decide",
    ]


async def test_a_re_review_keeps_the_first_decision(client: Any, casey: dict[str, Any], olivia: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    casey_acts, olivia_acts = acting(casey), acting(olivia)
    await vetting.open_review(casey_acts, program_id, {"reason": "initial", "intake_source": "Conference"})
    await vetting.record_desk_checks(casey_acts, program_id, all_checks())
    await vetting.record_decision(
        casey_acts,
        program_id,
        {
            "decision": "provisional",
            "levels": ["asam3:3.1"],
            "rationale": "No visit yet.",
            "next_review_on": "2027-03-01",
        },
    )
    await vetting.open_review(olivia_acts, program_id, {"reason": "revisit"})
    await vetting.record_site_visit(olivia_acts, program_id, {**SITE_VISIT, "visitor": str(olivia["id"])})
    await vetting.record_decision(
        olivia_acts,
        program_id,
        {"decision": "approved", "levels": ["asam3:3.1", "asam3:3.5"], "rationale": "Visit went well.",
         "next_review_on": "2027-11-01"},
    )  # fmt: skip
    assert await VettingDecision.count().where(VettingDecision.program == program_id) == 2
    await client.login_as(casey)
    history = (await client.get(f"/api/v1/programs/{program_id}/vetting")).json()
    assert history["vetting_status"] == "approved"
    assert [r["reason"] for r in history["reviews"]] == ["revisit", "initial"]
    newest, first = history["reviews"]
    assert newest["decisions"][0]["decided_by"]["name"] == "Olivia Bennett"
    assert newest["site_visits"][0]["visitor"]["name"] == "Olivia Bennett"
    assert first["decisions"][0]["decision"] == "provisional"
    assert first["decisions"][0]["decided_by"]["name"] == "Casey Morales"
    assert len(first["desk_checks"]) == len(DESK_CHECKS)


async def test_the_workflow_refuses_what_would_break_it(db: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    who = acting(casey)
    decision = {"decision": "approved", "levels": ["asam3:3.5"], "rationale": "ok", "next_review_on": "2027-11-01"}
    with pytest.raises(Invalid, match="Open a review first"):
        await vetting.record_decision(who, program_id, decision)
    await vetting.open_review(who, program_id, {"reason": "initial", "intake_source": "Web"})
    with pytest.raises(Invalid, match="already open"):
        await vetting.open_review(who, program_id, {"reason": "revisit"})
    checks = all_checks()
    checks[0]["result"] = "fail"
    await vetting.record_desk_checks(who, program_id, checks)
    with pytest.raises(Invalid, match="desk check failed"):
        await vetting.record_decision(who, program_id, decision)
    with pytest.raises(Invalid) as no_scope:
        await vetting.record_decision(who, program_id, {**decision, "levels": [], "next_review_on": ""})
    assert set(no_scope.value.field_errors) == {"levels", "next_review_on"}
    await vetting.record_decision(who, program_id, {"decision": "declined", "rationale": "License lapsed in 2025."})
    row = await program(program_id)
    assert row["vetting_status"] == "declined" and row["next_review_on"] is None


async def test_a_site_visit_without_an_open_review_opens_one(db: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await vetting.record_site_visit(acting(casey), program_id, {**SITE_VISIT, "visitor": str(casey["id"])})
    review = await vetting.current_review(program_id)
    assert review is not None and review["reason"] == "initial" and review["stage"] == "site_visit"
    assert (await program(program_id))["vetting_status"] == "in_review"


async def test_desk_and_visit_forms_report_errors_per_field(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    base = f"/network/programs/{program_id}"
    await client.login_as(casey)
    response = await client.post(f"{base}/desk-review", data={"result_npi": "pass", "evidence_npi": ""})
    assert response.status_code == 400
    assert "Note the evidence" in response.text
    response = await client.post(f"{base}/desk-review", data={})
    assert response.status_code == 400 and "at least one check" in response.text
    response = await client.post(
        f"{base}/site-visits",
        data={"visited_on": "2027-01-01", "mode": "by_carrier_pigeon", "hours": "all day", "visitor": "999"},
    )
    assert response.status_code == 400
    for message in ("once it has happened", "Choose one of the listed options", "whole number", "Choose who visited"):
        assert message in response.text
    response = await client.post(
        f"{base}/site-visits",
        data={**SITE_VISIT, "visitor": str(casey["id"]), "_csrf_token": await client.csrf_token()},
        files={"photos": ("notes.pdf", b"%PDF-1.4 not a photo", "application/pdf")},
        csrf=False,
    )
    assert response.status_code == 400 and "PNG or JPEG" in response.text
    assert await VettingReview.count() == 0
