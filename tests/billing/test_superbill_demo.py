"""`portal demo` also loads superbills: the practice's billing identity (a valid EIN, an organisation NPI with a
valid check digit, a taxonomy code), Casey as rendering clinician (a valid individual NPI), Jordan's PPO plan with
out-of-network benefits, his three diagnoses, a superbill for every month Pat paid in full once it ended, and two
claims (one paid, one pending). Nobody is e-mailed about months-old superbills; the audit chain stays intact.

As in test_billing_demo.py the demo goes into a scratch database through the `portal` command, and
superbill_demo_facts.py reads it back through the services."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.scratch import create_scratch_database

DEMO_PASSWORD = "scratch superbill demo password 64"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    scratch = create_scratch_database(tmp_path_factory.mktemp("superbill-demo"))
    try:
        env = {**scratch.env, "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD}
        loaded = subprocess.run(
            [sys.executable, "-m", "portal.cli", "demo"], env=env, capture_output=True, text=True, timeout=300
        )
        assert loaded.returncode == 0, loaded.stderr
        read = subprocess.run(
            [sys.executable, "-m", "tests.billing.superbill_demo_facts"],
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert read.returncode == 0, read.stderr
        yield json.loads(read.stdout)
    finally:
        scratch.drop()


def test_the_practice_and_casey_can_be_billed_to_an_insurer(demo: dict[str, Any]) -> None:
    assert demo["profile"]["legal_name"] == "Harbor Case Management LLC"
    assert demo["profile"]["ein_valid"] and demo["profile"]["npi_valid"]
    assert demo["profile"]["taxonomy"] == "251B00000X" and demo["profile"]["street"]
    assert demo["clinician"]["name"] == "Casey Morales, LCSW" and demo["clinician"]["npi_valid"]


def test_jordans_ppo_plan_and_diagnoses(demo: dict[str, Any]) -> None:
    assert demo["plan"] == {"type": "ppo", "name_on_card": "Jordan Rivera", "timely_filing_days": 180}
    assert demo["diagnoses"] == 3


def superbill_due_at(period: str, paid_on: date) -> datetime:
    """The automation issues a month's superbill at 08:15 on the first morning when the month has ended (the 2nd)
    and its invoice is paid (the morning after a payment)."""
    year, month = (int(part) for part in period.split("-"))
    second = date(year + month // 12, month % 12 + 1, 2)
    return datetime.combine(max(second, paid_on + timedelta(days=1)), time(8, 15))


def test_a_superbill_for_every_paid_month_that_has_ended(demo: dict[str, Any]) -> None:
    now = datetime.fromisoformat(demo["now_local"]).replace(tzinfo=None)
    due = [p for p in demo["paid_periods"] if superbill_due_at(p, date.fromisoformat(demo["paid_on"][p])) <= now]
    assert len(due) >= 3
    periods = [s["period"] for s in demo["superbills"]]
    assert periods == due
    numbers = [s["statement_number"] for s in demo["superbills"]]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    for superbill in demo["superbills"]:
        assert superbill["status"] == "issued"
        assert superbill["paid"] == superbill["charge"] > 0
        assert superbill["pdf_has_npi"]
    assert demo["superbill_mail"] == 0
    assert demo["audit_intact"]


def test_pat_follows_two_claims_one_paid_one_pending(demo: dict[str, Any]) -> None:
    # The page opens on the latest year with a superbill; the claims may be in the year before (in January).
    board = demo["family_board"]
    assert sorted(item["period"] for item in board) == sorted(
        s["period"] for s in demo["superbills"] if s["period"][:4] == str(demo["family_year"])
    )
    every_year = demo["family_all_years"]
    assert sorted(item["period"] for item in every_year) == [s["period"] for s in demo["superbills"]]
    claims = [claim for item in every_year for claim in item["claims"]]
    assert sorted(status for status, _ in claims) == ["paid", "pending"]
    assert [cents for status, cents in claims if status == "paid"] == [53_200]
    # Every month has an estimate; a small first month of a year can go wholly to the deductible (0).
    estimates = [item["estimate"] for item in every_year]
    assert None not in estimates and min(estimates) >= 0 and max(estimates) > 0
    assert demo["summary"]["reimbursed"] == 53_200
    assert demo["summary"]["estimated"] > 0 and demo["summary"]["paid"] > 0
