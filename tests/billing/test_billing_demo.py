"""`portal demo` also loads the practice's retainer billing: Jordan's agreement ($8,500 a month, 20 included hours,
$250/h beyond them, Pat pays) and agreements for Morgan's clients Taylor and Riley, each active with its Good
Faith Estimate; four months of invoices (the four before this one) made by the monthly run itself, paid through
recorded offline payments, except Riley's latest, which is past due. This month is left for Bea to run.

As in tests/families/test_family_demo.py the demo goes into a scratch database through the `portal` command, and
billing_demo_facts.py reads it back through the services (dry runs only).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.scratch import create_scratch_database

DEMO_PASSWORD = "scratch billing demo password 64"
FEES = {"Jordan Rivera": 850000, "Taylor Brooks": 620000, "Riley Chen": 550000}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    scratch = create_scratch_database(tmp_path_factory.mktemp("billing-demo"))
    try:
        env = {**scratch.env, "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD}
        loaded = subprocess.run(
            [sys.executable, "-m", "portal.cli", "demo"], env=env, capture_output=True, text=True, timeout=180
        )
        assert loaded.returncode == 0, loaded.stderr
        read = subprocess.run(
            [sys.executable, "-m", "tests.billing.billing_demo_facts"],
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


def months_before(today: date, count: int) -> list[tuple[int, int]]:
    """The `count` months before today's, oldest first, as (year, month)."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.insert(0, (year, month))
    return months


def expected_fee(fee: int, year: int, month: int, start: date) -> int:
    """The fee prorated by days, rounded half up, counted here independently of the billing code."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    days = (following - first).days
    active = (following - max(first, start)).days
    return (2 * fee * active + days) // (2 * days)


@pytest.fixture(scope="module")
def today(demo: dict[str, Any]) -> date:
    return date.fromisoformat(demo["today"])


def invoices_of(demo: dict[str, Any], client: str) -> list[dict[str, Any]]:
    return [invoice for invoice in demo["invoices"] if invoice["client"] == client]


def test_three_active_agreements_made_by_bea_and_jordans_good_faith_estimate_given_out(demo: dict[str, Any]) -> None:
    agreements = demo["agreements"]
    assert set(agreements) == set(FEES)
    jordan = agreements["Jordan Rivera"]
    assert (jordan["payer"], jordan["payer_is_relative"]) == ("Pat Rivera", True)
    assert (jordan["monthly_fee_cents"], jordan["included_minutes"], jordan["overage_rate_cents"]) == (
        850000,
        20 * 60,
        25000,
    )
    assert {(name, a["payer_is_relative"]) for name, a in agreements.items() if name != "Jordan Rivera"} == {
        ("Taylor Brooks", False),
        ("Riley Chen", False),
    }
    for name, agreement in agreements.items():
        assert (agreement["status"], agreement["end_date"], agreement["created_by"]) == (
            "active",
            None,
            "bea@example.com",
        )
        assert agreement["monthly_fee_cents"] == FEES[name]
    # Jordan's estimate was handed out (a kept PDF) when the agreement was signed; the others are made when asked.
    estimate = jordan["estimate"]
    assert estimate["pages"] >= 1
    assert "Good Faith Estimate" in estimate["text"]
    assert "Jordan Rivera" in estimate["text"] and "Pat Rivera" in estimate["text"]
    assert "$8,500.00" in estimate["text"]
    signed = date.fromisoformat(demo["today"]) - timedelta(days=123)
    assert f"Issued {signed:%B} {signed.day}, {signed.year}" in estimate["text"]
    # The agreements start on the clients' intake days (portal/cases/demo.py).
    assert [agreements[n]["start_days_ago"] for n in ("Jordan Rivera", "Riley Chen", "Taylor Brooks")] == [123, 59, 47]
    assert "20 hours" in jordan["estimate"]["text"] and "$250.00 per hour" in jordan["estimate"]["text"]


def test_jordan_has_four_invoices_for_the_four_months_before_this_one_all_paid_by_ach(
    demo: dict[str, Any], today: date
) -> None:
    invoices = invoices_of(demo, "Jordan Rivera")
    months = months_before(today, 4)
    assert [invoice["period"] for invoice in invoices] == [f"{y:04d}-{m:02d}" for y, m in months]
    start = today - timedelta(days=123)
    for invoice, (year, month) in zip(invoices, months, strict=True):
        assert invoice["total_cents"] == expected_fee(850000, year, month, start)
        assert (invoice["status"], invoice["paid_cents"]) == ("paid", invoice["total_cents"])
        assert invoice["payer"] == "Pat Rivera" and invoice["stripe_invoice_id"] == ""
        assert invoice["lines"] == [f"Case management services — {date(year, month, 1):%B} {year}"]
        (payment,) = invoice["payments"]
        assert (payment["method"], payment["recorded_by"], payment["amount_cents"]) == (
            "ach",
            "bea@example.com",
            invoice["total_cents"],
        )
        received = date.fromisoformat(payment["received_on"])
        assert date.fromisoformat(invoice["issued_on"]) < received < today
        assert str(invoice["number"]) in payment["reference"]
    # Issued on the first of each month, except a first month that began after its run.
    assert all(date.fromisoformat(i["issued_on"]).day == 1 for i in invoices[1:])


def test_morgans_clients_are_billed_from_their_intake_month_and_only_rileys_latest_is_unpaid(
    demo: dict[str, Any], today: date
) -> None:
    billed = [f"{y:04d}-{m:02d}" for y, m in months_before(today, 4)]
    for name, opened in (("Taylor Brooks", 47), ("Riley Chen", 59)):
        start = today - timedelta(days=opened)
        invoices = invoices_of(demo, name)
        expected = [p for p in billed if p >= f"{start.year:04d}-{start.month:02d}"]
        assert [i["period"] for i in invoices] == expected
        first_year, first_month = (int(part) for part in expected[0].split("-"))
        assert invoices[0]["total_cents"] == expected_fee(FEES[name], first_year, first_month, start)
        assert all(i["total_cents"] == FEES[name] for i in invoices[1:])
        # The month the client arrived in was billed by running it again the morning after the agreement.
        assert invoices[0]["issued_on"] == (start + timedelta(days=1)).isoformat() or start.day == 1
    riley = invoices_of(demo, "Riley Chen")
    assert [i["status"] for i in riley] == ["paid"] * (len(riley) - 1) + ["open"]
    assert all(i["status"] == "paid" for i in invoices_of(demo, "Taylor Brooks"))
    assert {p["method"] for i in invoices_of(demo, "Taylor Brooks") for p in i["payments"]} == {"wire"}


def test_exactly_one_invoice_is_past_due_and_it_is_all_of_accounts_receivable(
    demo: dict[str, Any], today: date
) -> None:
    latest = invoices_of(demo, "Riley Chen")[-1]
    assert demo["past_due"] == [["Riley Chen", latest["period"], "Grace Chen"]]
    assert date.fromisoformat(latest["due_on"]) < today
    assert latest["paid_cents"] == 0 and latest["payments"] == []
    assert demo["aging_total_cents"] == latest["total_cents"]
    assert [i["status"] for i in demo["invoices"]].count("open") == 1


def test_the_invoices_were_made_by_bea_running_the_real_monthly_run(demo: dict[str, Any]) -> None:
    numbers = [invoice["number"] for invoice in demo["invoices"]]
    assert numbers == list(range(1, len(numbers) + 1))  # gapless, as the run numbers them
    runs = demo["runs"]
    assert {run["actor"] for run in runs} == {"bea@example.com"}
    details = [json.loads(run["detail"]) for run in runs]
    assert sum(d["created"] for d in details) == len(numbers)
    # A month run again (for an agreement signed after its run) only added what was missing.
    assert any(d["existing"] > 0 and d["created"] == 1 for d in details)
    # Running the billed months again would create nothing.
    assert all(again["planned"] == 0 for again in demo["again"].values())
    assert sum(again["existing"] for again in demo["again"].values()) == len(numbers)


def test_this_month_is_left_for_bea_to_run(demo: dict[str, Any]) -> None:
    assert demo["this_month"] == {
        "existing": 0,
        "planned": [["Jordan Rivera", 850000], ["Riley Chen", 550000], ["Taylor Brooks", 620000]],
    }


def test_pat_sees_jordans_four_paid_invoices_nothing_due_and_this_months_hours(demo: dict[str, Any]) -> None:
    pat = demo["pat"]
    assert pat["clients"] == ["Jordan"]
    assert [status for _, status in pat["invoices"]] == ["paid"] * 4
    assert (pat["open_balance_cents"], pat["next_due"]) == (0, False)
    assert pat["hours"]["included"] > 0 and pat["hours"]["rolled_over"] == 0
    assert pat["hours"]["used"] < pat["hours"]["included"]


def test_nobody_is_emailed_about_months_old_invoices_and_the_audit_chain_holds(demo: dict[str, Any]) -> None:
    assert demo["outbox"] == 0
    assert demo["audit_intact"] is True
