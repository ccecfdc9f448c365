"""Monitoring: an incident, a complaint, an ownership or leadership change on an approved program opens a
re-review and marks it "review needed"; an overdue annual review does the same through the worker. Entries on a
program already under review join it; on an unvetted or declined program they are only logged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from portal.network import monitoring, vetting
from portal.network.tables import ProgramIncident, VettingReview
from tests.network.support import NOW, TODAY, acting, add_program, approve, audit_actions, program


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("incident", "incident"), ("complaint", "complaint"), ("ownership_change", "ownership"),
     ("leadership_change", "leadership")],
)  # fmt: skip
async def test_an_entry_in_the_log_reopens_review_of_an_approved_program(
    client: Any, casey: dict[str, Any], kind: str, reason: str
) -> None:
    program_id = await add_program(casey)
    await approve(casey, program_id)
    await client.login_as(casey)
    response = await client.post(
        f"/network/programs/{program_id}/incidents",
        data={"kind": kind, "occurred_on": "2026-11-18", "description": "A resident left AMA after a fight."},
    )
    assert response.status_code == 303
    assert (await program(program_id))["vetting_status"] == "review_needed"
    review = await vetting.current_review(program_id)
    assert review is not None and review["reason"] == reason
    assert "incident log #" in review["intake_source"]
    page = await client.get(f"/network/programs/{program_id}")
    incidents = page.text.split('id="incidents"')[1].split("</section>")[0]
    assert "A resident left AMA after a fight." in incidents and "by Casey Morales" in incidents
    # The first review and its approval are still there.
    history = (await client.get(f"/api/v1/programs/{program_id}/vetting")).json()
    assert [r["reason"] for r in history["reviews"]] == [reason, "initial"]
    assert history["reviews"][1]["decisions"][0]["decision"] == "approved"
    assert history["incidents"][0]["kind"] == kind
    assert await audit_actions("program.incident") == ["program.incident.record"]


async def test_a_second_entry_joins_the_open_re_review(db: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await approve(casey, program_id)
    entry = {"kind": "complaint", "occurred_on": "2026-11-19", "description": "Billing complaint."}
    _, first = await monitoring.record_incident(acting(casey), program_id, entry)
    _, second = await monitoring.record_incident(acting(casey), program_id, entry)
    assert first is not None and second is None
    assert await VettingReview.count().where(VettingReview.program == program_id) == 2
    assert await ProgramIncident.count().where(ProgramIncident.program == program_id) == 2


@pytest.mark.parametrize("status", ["unvetted", "declined"])
async def test_an_unvetted_or_declined_program_only_logs_it(db: Any, casey: dict[str, Any], status: str) -> None:
    program_id = await add_program(casey)
    if status == "declined":
        await vetting.open_review(acting(casey), program_id, {"reason": "initial", "intake_source": "Web"})
        await vetting.record_decision(acting(casey), program_id, {"decision": "declined", "rationale": "No."})
    _, review_id = await monitoring.record_incident(
        acting(casey), program_id, {"kind": "incident", "occurred_on": "2026-11-19", "description": "News report."}
    )
    assert review_id is None
    assert (await program(program_id))["vetting_status"] == status


async def test_an_overdue_review_reopens_through_the_worker_check(db: Any, clock: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await approve(casey, program_id, next_review_on=(TODAY + timedelta(days=20)).isoformat())
    assert [p["id"] for p in await monitoring.reviews_due(acting(casey))] == [program_id]
    assert await monitoring.check_reviews_due() == 0  # due, not yet overdue
    clock.advance(days=21)
    assert await monitoring.check_reviews_due() == 1
    assert (await program(program_id))["vetting_status"] == "review_needed"
    review = await vetting.current_review(program_id)
    assert review is not None and review["reason"] == "annual"
    assert await monitoring.check_reviews_due() == 0


async def test_incident_form_errors(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    response = await client.post(
        f"/network/programs/{program_id}/incidents", data={"kind": "rumour", "occurred_on": "2030-01-01"}
    )
    assert response.status_code == 400
    for message in ("Choose one of the listed options", "cannot be in the future", "What happened is required"):
        assert message in response.text
    assert await ProgramIncident.count() == 0
