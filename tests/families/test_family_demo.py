"""`portal demo` also loads the family portal: Jordan's parents Pat (active with every part, a release covering
family communication, placements and billing) and Sam (suspended, yet with an account and a grant), the weekly
plan, twelve published updates over four months, three conversations and four documents; and Taylor's sibling
Robin with two updates from Morgan. Signing in as Pat shows Jordan's latest update; as Sam, nothing of Jordan.

As in tests/cases/test_demo.py the demo goes into a scratch database through the `portal` command, and
family_demo_facts.py reads it back through the services and the app's own pages.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.scratch import create_scratch_database

DEMO_PASSWORD = "scratch family demo password 31"
PARTS = ["billing", "documents", "messages", "timeline", "updates"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    scratch = create_scratch_database(tmp_path_factory.mktemp("family-demo"))
    try:
        env = {**scratch.env, "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD}
        loaded = subprocess.run(
            [sys.executable, "-m", "portal.cli", "demo"], env=env, capture_output=True, text=True, timeout=120
        )
        assert loaded.returncode == 0, loaded.stderr
        assert "robin.brooks@example.com" in loaded.stdout  # Robin's sign-in is printed with the others
        read = subprocess.run(
            [sys.executable, "-m", "tests.families.family_demo_facts"],
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


@pytest.fixture(scope="module")
def jordan(demo: dict[str, Any]) -> dict[str, Any]:
    return dict(demo["jordan"])


@pytest.fixture(scope="module")
def published(jordan: dict[str, Any]) -> list[dict[str, Any]]:
    return [u for u in jordan["updates"] if u["status"] == "published"]


def test_the_demos_four_months_of_history_email_nobody(demo: dict[str, Any]) -> None:
    # Nobody is e-mailed about four months of history when the worker first runs.
    assert demo["outbox"] == 0


def test_pat_is_active_with_every_part_under_a_release_that_covers_them(jordan: dict[str, Any]) -> None:
    pat = jordan["family"]["Pat Rivera"]
    assert (pat["account"], pat["state"], pat["payer"]) == ("active", "active", True)
    assert pat["parts"] == PARTS
    assert sorted(pat["sees"]) == PARTS  # granted and allowed by the consent gate
    releases = [r for r in jordan["releases"] if r["recipient"] == "Pat Rivera" and r["status"] == "active"]
    assert [r["categories"] for r in releases] == [["billing", "family_communication", "placements"]]


def test_sam_has_an_account_and_a_suspended_grant_and_sees_nothing(
    demo: dict[str, Any], jordan: dict[str, Any]
) -> None:
    sam = jordan["family"]["Sam Rivera"]
    assert (sam["account"], sam["state"], sam["payer"]) == ("active", "suspended", False)
    assert sam["parts"] == ["documents", "messages", "updates"]
    assert sam["sees"] == []
    view = demo["views"]["sam@example.com"]
    assert view["clients"] == view["feed"] == view["cards"] == view["threads"] == view["documents"] == []
    assert demo["sam_can_open"] == []


def test_the_communication_plan_is_weekly_on_fridays_with_three_contacts(demo: dict[str, Any]) -> None:
    plan = demo["jordan"]["plan"]
    assert (plan["sentence"], plan["cadence_days"]) == ("A weekly update on Fridays", 7)
    contacts = {c["for_what"]: c for c in plan["contacts"]}
    assert list(contacts) == ["Case manager", "After-hours crisis line", "IOP program's family liaison"]
    assert contacts["Case manager"]["name"] == "Casey Morales"
    assert all(c["phone"] for c in plan["contacts"])
    # The latest update went out within the week: My day does not call Jordan's family overdue.
    assert demo["casey_overdue_updates"] == []


def test_twelve_published_updates_spread_over_four_months_mostly_on_fridays(
    jordan: dict[str, Any], published: list[dict[str, Any]]
) -> None:
    assert len(published) == len(jordan["updates"]) == 12
    days = [u["days_ago"] for u in published]
    assert days == sorted(days, reverse=True)
    assert 105 <= days[0] <= 125 and days[-1] <= 7
    assert max(a - b for a, b in itertools.pairwise(days)) <= 16  # never much more than two weeks
    assert sum(u["weekday"] == "Friday" for u in published) >= 8
    assert len({u["title"] for u in published}) == 12
    placements = [u["title"] for u in published if "placements" in u["categories"]]
    assert 2 <= len(placements) <= 4
    assert all(u["categories"][0] == "family_communication" for u in published)


def test_one_correction_follows_up_the_update_it_corrects(published: list[dict[str, Any]]) -> None:
    corrections = [index for index, u in enumerate(published) if u["follow_up"]]
    assert len(corrections) == 1
    correction = published[corrections[0]]
    assert correction["title"].startswith("Correction:")
    assert correction["received_by"] == ["Pat Rivera", "Sam Rivera"]


def test_pat_received_every_update_and_read_all_but_the_latest_few(published: list[dict[str, Any]]) -> None:
    assert all("Pat Rivera" in u["received_by"] for u in published)
    unread = [index for index, u in enumerate(published) if "Pat Rivera" not in u["read_by"]]
    assert unread == [10, 11]


def test_sam_received_only_what_the_release_covered_before_the_suspension(published: list[dict[str, Any]]) -> None:
    to_sam = [u for u in published if "Sam Rivera" in u["received_by"]]
    assert 3 <= len(to_sam) <= 6
    assert all("placements" not in u["categories"] for u in to_sam)  # Sam's release covers family communication only
    assert all(u["days_ago"] > 56 for u in to_sam)  # nothing since the suspension
    assert 1 <= sum("Sam Rivera" in u["read_by"] for u in to_sam) < len(to_sam)


def test_three_conversations_with_both_sides_and_one_waiting_for_the_practice(jordan: dict[str, Any]) -> None:
    threads = {t["subject"]: t for t in jordan["threads"]}
    assert set(threads) == {
        "Visiting weekend at Blue Ridge",
        "Insurance paperwork for Blue Ridge",
        "Question about the IOP schedule",
    }
    for thread in threads.values():
        assert thread["messages"] >= 3
        assert "Casey Morales" in thread["authors"] and "Pat Rivera" in thread["authors"]
    assert threads["Visiting weekend at Blue Ridge"]["people"] == ["Pat Rivera", "Sam Rivera"]
    waiting = [t for t in threads.values() if t["unread_by_practice"]]
    assert [(t["subject"], t["unread_by_practice"], t["last_from_practice"]) for t in waiting] == [
        ("Question about the IOP schedule", 1, False)
    ]


def test_four_documents_real_one_page_pdfs_shared_with_pat_and_one_from_pat(jordan: dict[str, Any]) -> None:
    docs = {d["title"]: d for d in jordan["documents"]}
    assert set(docs) == {
        "Release of information (signed)",
        "Visiting rules – Blue Ridge Recovery Center",
        "IOP schedule – Crossroads Recovery Partners",
        "Explanation of benefits – Blue Ridge",
    }
    assert all(d["pages"] == 1 and d["text_has_title_words"] for d in docs.values())
    assert all(d["file_name"].endswith(".pdf") for d in docs.values())
    from_pat = [d for d in docs.values() if d["uploaded_by_relative"]]
    assert [(d["title"], d["uploaded_by_relative"]) for d in from_pat] == [
        ("Explanation of benefits – Blue Ridge", "Pat Rivera")
    ]
    assert all("Pat Rivera" in d["shared_with"] for d in docs.values() if not d["uploaded_by_relative"])


def test_pats_dashboard_has_the_latest_update_the_placement_and_who_to_call(
    demo: dict[str, Any], published: list[dict[str, Any]]
) -> None:
    view = demo["views"]["pat@example.com"]
    assert view["clients"] == ["Jordan"]
    assert view["feed"] == [u["title"] for u in reversed(published)]
    assert view["unread"] == 2
    assert len(view["threads"]) == 3 and len(view["documents"]) == 4
    (card,) = view["cards"]
    assert card["latest_update"] == published[-1]["title"]
    assert (card["unread_updates"], card["unread_messages"]) == (2, 0)
    assert card["placement"] == "Crossroads Recovery Partners – IOP"
    assert card["contacts"] == ["Case manager", "After-hours crisis line", "IOP program's family liaison"]
    assert view["notifications"] == "immediate"


def test_signing_in_as_pat_shows_jordans_latest_update_on_the_family_home(
    demo: dict[str, Any], published: list[dict[str, Any]]
) -> None:
    pages = demo["pages"]["pat@example.com"]
    assert pages["home_status"] == 200
    assert "Jordan" in pages["home"]
    assert published[-1]["title"] in pages["home"]
    assert published[0]["title"] in pages["feed"]
    assert "Question about the IOP schedule" in pages["threads"]
    assert pages["latest_update_status"] == 200


def test_signing_in_as_sam_shows_nothing_of_jordan(demo: dict[str, Any], published: list[dict[str, Any]]) -> None:
    pages = demo["pages"]["sam@example.com"]
    assert pages["home_status"] == 200
    assert "No updates yet." in pages["home"]
    for page in (pages["home"], pages["feed"], pages["threads"]):
        assert "Jordan" not in page
        assert not any(u["title"] in page for u in published)
        assert "Visiting weekend" not in page
    assert pages["latest_update_status"] == 404


def test_morgans_client_taylor_has_robin_in_the_portal_with_two_updates(demo: dict[str, Any]) -> None:
    family = demo["taylor"]["family"]
    robin = family["Robin Brooks"]
    assert (robin["account"], robin["state"]) == ("active", "active")
    assert robin["sees"] == ["updates", "messages", "documents"]
    assert family["Lee Brooks"]["account"] == "not_invited"
    updates = demo["taylor"]["updates"]
    assert [u["status"] for u in updates] == ["published", "published"]
    assert all(u["received_by"] == ["Robin Brooks"] for u in updates)
    view = demo["views"]["robin.brooks@example.com"]
    assert view["clients"] == ["Taylor Brooks"]
    assert view["feed"] == [u["title"] for u in reversed(updates)]
    assert view["unread"] == 1
    assert view["notifications"] == "daily"
