"""`portal demo` loads Harbor Case Management with Casey's client Jordan Rivera (four months of coordination) and
Morgan's two clients, relative to today, quickly, into a database of its own.

The test database is seeded with the same people and a Jordan of its own, so the demo goes into a scratch
database through the `portal` command, and demo_facts.py reads it back through the services.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.scratch import create_scratch_database

DEMO_PASSWORD = "scratch demo password 77"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    scratch = create_scratch_database(tmp_path_factory.mktemp("demo"))
    try:
        scratch_env = {**scratch.env, "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD}
        loaded = subprocess.run(
            [sys.executable, "-m", "portal.cli", "demo"],
            env=scratch_env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert loaded.returncode == 0, loaded.stderr
        read = subprocess.run(
            [sys.executable, "-m", "tests.cases.demo_facts"],
            env=scratch_env,
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert read.returncode == 0, read.stderr
        facts = json.loads(read.stdout)
        yield facts
    finally:
        scratch.drop()


@pytest.fixture(scope="module")
def jordan(demo: dict[str, Any]) -> dict[str, Any]:
    return dict(demo["jordan"])


def test_the_demo_loads_with_an_intact_audit_chain(demo: dict[str, Any]) -> None:
    assert demo["clients"] == ["Jordan Rivera", "Riley Chen", "Taylor Brooks"]
    assert demo["audit"]["intact"], "the demo's audit chain does not verify"
    assert demo["audit"]["jordan_note_writers"] == ["casey@example.com"]


def test_jordan_is_caseys_22_year_old_client_with_co_occurring_disorders(jordan: dict[str, Any]) -> None:
    assert (jordan["legal_name"], jordan["preferred_name"], jordan["age"], jordan["sex"]) == (
        "Jordan Rivera",
        "Jordan",
        22,
        "male",
    )
    assert jordan["status"] == "active"
    assert jordan["has_part2_records"] is True
    assert jordan["recommended_level"] == "asam3:2.1"
    assert jordan["address"] == ["Montclair", "NJ", "07042"]
    assert jordan["case_managers"] == [{"email": "casey@example.com", "primary": True}]
    diagnoses = jordan["diagnoses"]
    assert [(d["code"], d["primary"]) for d in diagnoses] == [("F10.20", True), ("F33.1", False), ("F41.1", False)]
    assert all(110 <= d["days_ago"] <= 130 for d in diagnoses)


def test_jordans_assessment_has_every_section_and_a_dated_risk_level(jordan: dict[str, Any]) -> None:
    assessment = jordan["assessment"]
    empty = [name for name, text in assessment.items() if not text]
    assert not empty, f"empty assessment sections: {empty}"
    assert assessment["risk_level"] == "moderate"
    assert assessment["risk_assessed_on"]


def test_jordans_parents_are_linked_to_their_family_accounts(demo: dict[str, Any], jordan: dict[str, Any]) -> None:
    relatives = {r["name"]: r for r in jordan["relatives"]}
    assert relatives["Pat Rivera"] == {
        "name": "Pat Rivera",
        "relationship": "parent",
        "payer": True,
        "account": "pat@example.com",
    }
    assert relatives["Sam Rivera"]["account"] == "sam@example.com"
    assert relatives["Sam Rivera"]["payer"] is False
    # Taylor's sibling Robin has an account too: the family demo (tests/families/test_family_demo.py) adds it.
    assert demo["relative_accounts"] == ["pat@example.com", "robin.brooks@example.com", "sam@example.com"]


def test_jordans_care_team_has_five_members_with_contacts_and_valid_npis(jordan: dict[str, Any]) -> None:
    team = {m["type"]: m for m in jordan["care_team"]}
    assert len(jordan["care_team"]) == 5
    assert set(team) == {"therapist", "psychiatrist", "treatment_program", "sober_companion", "educational_consultant"}
    dana = team["therapist"]
    assert (dana["name"], dana["credentials"], dana["npi"]) == ("Dana Reyes", "LCSW", "1234567893")
    assert team["psychiatrist"]["credentials"] == "MD"
    assert team["psychiatrist"]["npi_valid"] is True
    assert team["treatment_program"]["name"] == "Crossroads Recovery Partners"
    assert all(m["role"] and m["contact"] for m in jordan["care_team"])
    assert all(m["npi_valid"] for m in jordan["care_team"] if m["npi"])
    assert jordan["former_care_team"] == ["Blue Ridge Recovery Center"]


def test_jordans_releases_one_expired_and_the_therapists_without_coordination_notes(jordan: dict[str, Any]) -> None:
    releases = {r["recipient"]: r for r in jordan["releases"]}
    assert [r["recipient"] for r in jordan["releases"] if r["status"] == "expired"] == ["Blue Ridge Recovery Center"]
    assert -45 <= releases["Blue Ridge Recovery Center"]["expires_in"] < 0
    dana = releases["Dana Reyes"]
    assert dana["status"] == "active"
    assert {"placements", "diagnoses", "assessment"} <= set(dana["categories"])
    assert "coordination_notes" not in dana["categories"]
    assert dana["purposes"] == ["treatment"]
    pat = releases["Pat Rivera"]
    assert (pat["recipient_type"], pat["status"]) == ("relative", "active")
    assert pat["categories"] == ["billing", "family_communication", "placements"]
    assert pat["purposes"] == ["family_involvement"]
    assert 200 <= pat["expires_in"] <= 270
    # So sharing a coordination note with Dana is refused with the reason the journey expects to see.
    previews = {p["name"]: p for p in jordan["share_previews"]}
    assert previews["Dana Reyes"] == {
        "name": "Dana Reyes",
        "allowed": False,
        "message": "The release for this recipient does not cover this kind of information.",
    }
    assert previews["Crossroads Recovery Partners"]["allowed"] is True


def test_jordans_three_placements_residential_php_iop_in_order(jordan: dict[str, Any]) -> None:
    residential, php, iop = jordan["placements"]
    assert [p["level"] for p in jordan["placements"]] == ["asam3:3.5", "asam3:2.5", "asam3:2.1"]
    assert residential["program"] == "Blue Ridge Recovery Center"
    assert 28 <= residential["length_days"] <= 32
    assert (residential["discharge_type"], residential["outcome"]) == ("planned", "stepped_down")
    assert residential["checklist_done"] == residential["checklist_total"] == 5
    assert 33 <= php["length_days"] <= 38
    assert (php["status"], php["outcome"]) == ("discharged", "stepped_down")
    assert iop["status"] == "current"
    assert 18 <= iop["admitted_days_ago"] <= 24
    assert 7 <= iop["expected_in"] <= 14
    assert 0 < iop["checklist_done"] < iop["checklist_total"]
    assert residential["admitted_days_ago"] <= 125


def test_jordans_notes_four_months_of_varied_signed_work_with_time(jordan: dict[str, Any]) -> None:
    notes = jordan["notes"]
    assert 55 <= notes["count"] <= 70
    assert 2 <= notes["drafts"] <= 5
    assert notes["signed"] == notes["count"] - notes["drafts"]
    assert notes["signed_after_written"]
    assert set(notes["kinds"]) >= {"call", "email", "team_conference", "site_visit", "crisis", "meeting"}
    assert notes["crisis"] >= 2
    assert notes["minutes"][0] >= 10 and notes["minutes"][1] <= 90
    assert notes["billable"] >= notes["count"] * 0.8
    assert notes["billable_with_activity"] == notes["billable"]
    assert notes["with_parties"] >= notes["count"] * 0.8
    assert 10 <= notes["part2"] < notes["count"]
    assert notes["addenda"] >= 3
    assert notes["shares"] >= 2
    assert 110 <= notes["oldest_days_ago"] <= 130
    entries = jordan["time_entries"]
    assert entries["from_notes"] == notes["billable"]
    assert 8 <= entries["standalone"] <= 14
    assert entries["standalone_activities"] == ["report_writing", "research", "travel"]


def test_caseys_tasks_about_jordan_open_overdue_due_today_and_done(jordan: dict[str, Any]) -> None:
    tasks = jordan["tasks"]
    assert {t["assignee"] for t in tasks} == {"casey@example.com"}
    assert sum(t["overdue"] for t in tasks) == 2
    assert sum(t["due_today"] for t in tasks) == 1
    assert sum(t["done"] for t in tasks) == 1
    assert sum(1 for t in tasks if not t["done"] and t["due_in"] > 0) >= 3


def test_caseys_day_shows_jordans_tasks_crisis_discharge_and_expiring_release(demo: dict[str, Any]) -> None:
    day = demo["casey_day"]
    assert len(day["tasks"]) == 3 and sum(t["overdue"] for t in day["tasks"]) == 2
    assert day["crisis_notes"] == ["Jordan Rivera"]
    assert [(d["name"], 7 <= d["days_left"] <= 14) for d in day["discharges"]] == [("Jordan Rivera", True)]
    assert [c["recipient"] for c in day["consents"]] == ["Crossroads Recovery Partners"]
    assert day["quiet_clients"] == []


def test_morgan_has_two_clients_of_her_own_one_without_contact_for_ten_days(demo: dict[str, Any]) -> None:
    assert demo["morgan_sees"] == ["Riley Chen", "Taylor Brooks"]
    for client in demo["morgan_clients"]:
        name = client["legal_name"]
        assert client["case_managers"] == [{"email": "morgan@example.com", "primary": True}], name
        assert [d["primary"] for d in client["diagnoses"]][:1] == [True], name
        assert 1 <= len(client["relatives"]) <= 3, name
        assert 2 <= len(client["care_team"]) <= 3, name
        assert len(client["placements"]) == 1, name
        assert 4 <= client["notes"]["count"] <= 10, name
        assert len(client["tasks"]) == 1, name
    assert demo["morgan_day"]["quiet_clients"] == [{"name": "Riley Chen", "days_since": 10}]


def test_casey_cannot_see_morgans_clients(demo: dict[str, Any]) -> None:
    assert demo["casey_sees"] == ["Jordan Rivera"]
    assert demo["casey_search_brooks"] == []
    assert demo["casey_blocked_from"] == ["Riley Chen", "Taylor Brooks"]
    assert "morgan@example.com" not in {cm["email"] for cm in demo["jordan"]["case_managers"]}
