"""`portal demo` also loads the program network: forty programs across levels of care and states, vetted to
different stages through the network's own services (intake, desk review, site visit, scoped decision,
monitoring), two with a credential about to expire, contacts and dated availability, and the demo clients'
placements linked to their programs. Morgan's browser journey (residential, co-occurring, young adults, private pay,
within 300 miles of ZIP 10001) finds several programs at different stages.

As in tests/families/test_family_demo.py the demo goes into a scratch database through the `portal` command; this
module, run as `python -m tests.network.test_network_demo` against that database, reads it back through the
services and prints the facts as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.scratch import create_scratch_database

DEMO_PASSWORD = "scratch network demo password 47"
JOURNEY = {
    "type": ["residential"],
    "condition": ["co_occurring"],
    "population": ["young_adults"],
    "payment": ["private_pay"],
    "zip": "10001",
    "radius_miles": "300",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    scratch = create_scratch_database(tmp_path_factory.mktemp("network-demo"))
    try:
        env = {**scratch.env, "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD}
        loaded = subprocess.run(
            [sys.executable, "-m", "portal.cli", "demo"], env=env, capture_output=True, text=True, timeout=600
        )
        assert loaded.returncode == 0, loaded.stderr
        read = subprocess.run(
            [sys.executable, "-m", "tests.network.test_network_demo"],
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert read.returncode == 0, read.stderr
        facts = json.loads(read.stdout)
        yield facts
    finally:
        scratch.drop()


def test_the_demo_with_its_network_loads_and_its_audit_chain_verifies(demo: dict[str, Any]) -> None:
    assert demo["audit_intact"]


def test_about_forty_programs_across_levels_of_care_and_states(demo: dict[str, Any]) -> None:
    programs = demo["programs"]
    assert len(programs) == 40
    levels = {level for p in programs for level in p["levels_of_care"]}
    # ASAM levels from outpatient to inpatient withdrawal management, and the private-pay settings.
    assert {"asam3:1", "asam3:2.1", "asam3:2.5", "asam3:3.1", "asam3:3.5", "asam3:3.7", "asam3:3.7-wm"} <= levels
    settings = ["residential_treatment_center", "php", "wilderness", "sober_living", "transitional_living",
                "therapeutic_boarding_school", "psychiatric_hospital"]  # fmt: skip
    assert {f"mh:{setting}" for setting in settings} <= levels
    assert len({p["state"] for p in programs}) >= 15
    # Every program can be found by distance.
    assert all(p["latitude"] is not None and p["longitude"] is not None for p in programs)
    # Eight came from a FindTreatment.gov locator search and are still unvetted, with their services mapped.
    imported = [p for p in programs if p["source"] == "samhsa"]
    assert len(imported) == 8
    assert {p["vetting_status"] for p in imported} == {"unvetted"}
    assert all(p["program_types"] for p in imported)


def test_programs_stand_at_every_stage_of_the_vetting_workflow(demo: dict[str, Any]) -> None:
    counts = demo["status_counts"]
    assert set(counts) == {"unvetted", "in_review", "approved", "provisional", "declined", "review_needed"}
    assert counts["approved"] >= 10 and counts["provisional"] >= 3 and counts["declined"] >= 2
    assert counts["in_review"] >= 4 and counts["review_needed"] == 1
    # Open reviews stand at intake, desk review and site visit.
    assert {"intake", "desk_review", "site_visit"} <= set(demo["open_review_stages"])


def test_blue_ridge_was_vetted_by_casey_through_every_step_before_jordan_went(demo: dict[str, Any]) -> None:
    blue_ridge = demo["blue_ridge"]
    assert blue_ridge["status"] == "approved"
    (review,) = blue_ridge["reviews"]
    assert (review["reason"], review["stage"], review["opened_by"]) == ("initial", "decided", "Casey Morales")
    assert review["intake_source"]
    assert len(review["desk_checks"]) == 11
    assert all(c["result"] == "pass" and c["evidence"] and c["by"] == "Casey Morales" for c in review["desk_checks"])
    (visit,) = review["visits"]
    # The site visit is the day Casey logged the drive to Blue Ridge (portal/cases/demo.py), in person, half a day+.
    assert (visit["days_ago"], visit["mode"], visit["visitor"]) == (112, "in_person", "Casey Morales")
    assert visit["hours"] >= 4 and set(visit["checklist"].values()) == {"good"}
    (decision,) = review["decisions"]
    assert decision["decision"] == "approved" and decision["by"] == "Casey Morales"
    assert decision["levels"] == ["asam3:3.5"]
    assert decision["populations"] == ["young_adults", "adults"]
    assert "co_occurring" in decision["conditions"]
    # Decided before the referral (100 days ago), with a review due within the year.
    assert decision["days_ago"] == 111 and 0 < decision["next_review_in_days"] <= 366
    assert [c["role"] for c in blue_ridge["contacts"]] == ["admissions", "clinical", "family_liaison", "executive"]
    # Availability is a dated observation with who called, newest first.
    assert [(a["days_ago"], a["by"]) for a in blue_ridge["availability"]] == [
        (6, "Casey Morales"),
        (40, "Casey Morales"),
        (104, "Casey Morales"),
    ]


def test_a_declined_program_failed_its_desk_review_and_a_complaint_reopened_an_approved_one(
    demo: dict[str, Any],
) -> None:
    gulf = demo["gulf_coast"]
    assert gulf["status"] == "declined"
    failed = {c["check"] for c in gulf["reviews"][0]["desk_checks"] if c["result"] == "fail"}
    assert failed == {"complaints_lawsuits", "no_referral_fee"}
    assert gulf["reviews"][0]["visits"] == []
    hill = demo["hill_country"]
    assert hill["status"] == "review_needed"
    assert [i["kind"] for i in hill["incidents"]] == ["complaint"]
    reopened, first = hill["reviews"]
    assert (reopened["reason"], reopened["stage"], reopened["open"]) == ("complaint", "intake", True)
    assert first["decisions"][0]["decision"] == "approved"


def test_two_programs_have_a_credential_expiring_within_sixty_days(demo: dict[str, Any]) -> None:
    alerts = demo["credential_alerts"]
    assert sorted(a["program"] for a in alerts) == ["Berkshire Crossing", "Chesapeake Psychiatric Hospital"]
    assert all(a["state"] == "expiring" and 0 < a["days"] <= 60 for a in alerts)
    assert {a["kind"] for a in alerts} == {"license", "accreditation"}
    # Every credential was verified by someone on a date, with where.
    assert demo["credentials_unverified"] == 0
    assert demo["credentials"] >= 25


def test_morgans_search_finds_residential_co_occurring_young_adult_private_pay_programs_near_new_york(
    demo: dict[str, Any],
) -> None:
    hits = demo["journey_hits"]
    names = {h["name"] for h in hits}
    assert {"Hudson Bend Recovery", "Berkshire Crossing", "Lehigh Pines Young Adult Residential",
            "Litchfield Hills Recovery", "Pocono Ridge Young Adult Center", "Cape Ann Dual Recovery",
            "Catskill Mountain Lodge"} == names  # fmt: skip
    assert all(h["distance_miles"] is not None and h["distance_miles"] <= 300 for h in hits)
    # At different stages: Morgan can vet one that nobody has looked at yet.
    assert {"unvetted", "approved", "provisional", "in_review", "declined"} <= {h["status"] for h in hits}
    # Blue Ridge matches every facet but lies beyond 300 miles.
    assert "Blue Ridge Recovery Center" not in names


def test_the_demo_clients_placements_are_linked_to_their_programs(demo: dict[str, Any]) -> None:
    assert demo["placements"] == {
        "Jordan Rivera": [
            ["Blue Ridge Recovery Center", "Blue Ridge Recovery Center"],
            ["Crossroads Recovery Partners – PHP", "Crossroads Recovery Partners"],
            ["Crossroads Recovery Partners – IOP", "Crossroads Recovery Partners"],
        ],
        "Riley Chen": [["Summit Trails Wilderness", "Summit Trails Wilderness"]],
        "Taylor Brooks": [["Cedar Point DBT Residential", "Cedar Point DBT Residential"]],
    }
    # The program page's outcome loop counts Jordan's two stays at Crossroads, one done and one current.
    assert demo["crossroads_outcomes"] == {"placements": 2, "discharged": 1, "completed": 1, "current": 1}
    # Each link is the case manager's edit of the placement, audited.
    assert demo["placement_link_events"] == 5


# --------------------------------------------------------------------------- reading the demo back (a subprocess)


async def _facts() -> dict[str, Any]:
    from portal import db
    from portal.accounts.services import principal_for
    from portal.accounts.tables import User
    from portal.audit import services as audit
    from portal.audit.tables import AuditEvent
    from portal.cases.tables import Client, Placement
    from portal.network import contacts, credentials, history, outcomes, overview
    from portal.network.programs import practice_today
    from portal.network.search import search_programs
    from portal.network.search_filters import parse_filters
    from portal.network.tables import Credential, Program, VettingReview

    await db.start_pool()
    try:
        casey_row = await User.select().where(User.email == "casey@example.com").first()
        assert casey_row is not None
        casey = principal_for(casey_row)
        today = await practice_today()
        users = {u["id"]: u["name"] for u in await User.select(User.id, User.name)}
        programs = await Program.select().order_by(Program.id).output(load_json=True)
        by_name = {p["name"]: p["id"] for p in programs}

        async def vetting_of(name: str) -> dict[str, Any]:
            program_id = by_name[name]
            found = await history.vetting_history(casey, program_id)
            reviews = [
                {
                    "reason": r["reason"],
                    "stage": r["stage"],
                    "open": r["is_open"],
                    "opened_by": r["opened_by_name"],
                    "intake_source": r["intake_source"],
                    "desk_checks": [
                        {
                            "check": c["check"],
                            "result": c["result"],
                            "evidence": c["evidence"],
                            "by": c["checked_by_name"],
                        }
                        for c in r["desk_checks"]
                    ],
                    "visits": [
                        {
                            "days_ago": (today - v["visited_on"]).days,
                            "mode": v["mode"],
                            "hours": v["hours"],
                            "visitor": v["visitor_name"],
                            "checklist": v["checklist"],
                        }
                        for v in r["visits"]
                    ],
                    "decisions": [
                        {
                            "decision": d["decision"],
                            "by": d["decided_by_name"],
                            "levels": d["levels"],
                            "populations": d["populations"],
                            "conditions": d["conditions"],
                            "days_ago": (today - d["decided_at"].date()).days,
                            "next_review_in_days": (d["next_review_on"] - today).days if d["next_review_on"] else None,
                        }
                        for d in r["decisions"]
                    ],
                }
                for r in found["reviews"]
            ]
            status = next(p["vetting_status"] for p in programs if p["id"] == program_id)
            return {
                "status": status,
                "reviews": reviews,
                "incidents": [{"kind": i["kind"]} for i in found["incidents"]],
                "contacts": [{"role": c["role"], "name": c["name"]} for c in await contacts.list_contacts(program_id)],
                "availability": [
                    {"days_ago": (today - a["observed_on"]).days, "by": a["observed_by_name"]}
                    for a in await contacts.list_availability(program_id)
                ],
            }

        alerts = await credentials.credential_alerts(casey, today=today)
        journey = await search_programs(casey, parse_filters(JOURNEY))
        placements: dict[str, list[list[str]]] = {}
        rows = (
            await Placement.select(Placement.program_name, Placement.program_id, Placement.client.legal_name)
            .order_by(Placement.id)
            .output(nested=True)
        )
        names = {p["id"]: p["name"] for p in programs}
        for row in rows:
            placements.setdefault(row["client"]["legal_name"], []).append(
                [row["program_name"], names.get(row["program_id"], "")]
            )
        tally = (await outcomes.outcomes_for([by_name["Crossroads Recovery Partners"]]))[
            by_name["Crossroads Recovery Partners"]
        ]
        link_events = await AuditEvent.count().where(
            (AuditEvent.action == "placement.update") & AuditEvent.detail.like("%program_id%")
        )
        chain = await audit.verify_chain()
        assert await Client.count() == 3
        return {
            "audit_intact": chain.intact,
            "programs": [
                {
                    key: p[key]
                    for key in (
                        "name",
                        "state",
                        "latitude",
                        "longitude",
                        "source",
                        "vetting_status",
                        "levels_of_care",
                        "program_types",
                    )
                }
                for p in programs
            ],
            "status_counts": {k: v for k, v in (await overview.status_counts(today)).items() if v},
            "open_review_stages": sorted(
                {r["stage"] for r in await VettingReview.select().where(VettingReview.closed_at.is_null())}
            ),
            "blue_ridge": await vetting_of("Blue Ridge Recovery Center"),
            "gulf_coast": await vetting_of("Gulf Coast Recovery Institute"),
            "hill_country": await vetting_of("Hill Country Ranch"),
            "credential_alerts": [
                {"program": a["program_name"], "kind": a["kind"], "state": a["state"], "days": a["days_left"]}
                for a in alerts
            ],
            "credentials": await Credential.count(),
            "credentials_unverified": await Credential.count().where(
                Credential.verified_on.is_null() | Credential.verified_by.is_null() | (Credential.source == "")
            ),
            "journey_hits": [
                {"name": h.row["name"], "status": h.row["vetting_status"], "distance_miles": h.distance_miles}
                for h in journey.hits
            ],
            "placements": placements,
            "crossroads_outcomes": {
                "placements": tally.placements,
                "discharged": tally.discharged,
                "completed": tally.completed,
                "current": tally.current,
            },
            "placement_link_events": link_events,
            "users": len(users),
        }
    finally:
        await db.close_pool()


def main() -> None:
    os.environ["PORTAL_LOG_LEVEL"] = "WARNING"
    print(json.dumps(asyncio.run(_facts()), default=str))


if __name__ == "__main__":
    main()
