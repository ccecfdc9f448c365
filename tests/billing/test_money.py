"""Retainer arithmetic: proration by days, included and rolled-over time, overage, rounding."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.billing.money import Period, hours_balances, overage_amount, prorated_fee, round_half_up

FEE = 850_000  # $8,500.00


@pytest.mark.parametrize(
    ("period", "start", "end", "expected"),
    [
        ("2026-11", date(2026, 8, 1), None, 850_000),  # a whole month
        ("2026-11", date(2026, 11, 15), None, 453_333),  # starts on the 15th of a 30-day month: 16/30
        ("2026-12", date(2026, 8, 1), date(2026, 12, 10), 274_194),  # ends on the 10th of a 31-day month: 10/31
        ("2027-02", date(2027, 2, 15), None, 425_000),  # February 2027: 14/28
        ("2028-02", date(2028, 2, 15), None, 439_655),  # leap February 2028: 15/29 = 439,655.17
        ("2026-11", date(2026, 11, 30), None, 28_333),  # the last day only: 1/30
        ("2026-11", date(2026, 11, 1), date(2026, 11, 1), 28_333),
    ],
)
def test_proration_by_days(period: str, start: date, end: date | None, expected: int) -> None:
    assert prorated_fee(FEE, Period.parse(period), start, end) == expected


def test_rounding_is_half_up_in_cents() -> None:
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(7, 3)) == 2
    assert round_half_up(Fraction(-5, 2)) == -3
    assert overage_amount(1, 25_000) == 417  # one minute at $250/h = 416.67 cents


def test_overage_beyond_included_hours() -> None:
    [balance] = hours_balances(
        start=date(2026, 11, 1),
        end=None,
        included_minutes=20 * 60,
        rollover_max_minutes=0,
        used_by_period={Period(2026, 11): 23 * 60 + 30},
        through=Period(2026, 11),
    )
    assert (balance.available, balance.overage, balance.remaining) == (1200, 210, 0)
    assert overage_amount(balance.overage, 25_000) == 87_500  # 3.5 h at $250


def test_unused_hours_roll_over_up_to_the_limit_and_do_not_compound() -> None:
    usage = {Period(2026, 9): 10 * 60, Period(2026, 10): 5 * 60, Period(2026, 11): 30 * 60}
    september, october, november = hours_balances(
        start=date(2026, 9, 1),
        end=None,
        included_minutes=20 * 60,
        rollover_max_minutes=8 * 60,
        used_by_period=usage,
        through=Period(2026, 11),
    )
    assert september.rolled_over == 0 and september.remaining == 10 * 60
    assert october.rolled_over == 8 * 60  # 10 h unused, capped at 8
    assert november.rolled_over == 8 * 60  # 23 h unused in October, capped again at 8
    assert november.overage == 30 * 60 - 28 * 60


def test_without_included_hours_there_is_no_overage() -> None:
    [balance] = hours_balances(
        start=date(2026, 11, 1),
        end=None,
        included_minutes=None,
        rollover_max_minutes=0,
        used_by_period={Period(2026, 11): 5000},
        through=Period(2026, 11),
    )
    assert balance.overage == 0


def test_included_hours_shrink_with_a_partial_month() -> None:
    [balance] = hours_balances(
        start=date(2026, 11, 16),
        end=None,
        included_minutes=30 * 60,
        rollover_max_minutes=0,
        used_by_period={},
        through=Period(2026, 11),
    )
    assert balance.included == 15 * 60


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-11", "November", "2026/11", ""])
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="2026-11"):
        Period.parse(text)


@given(
    fee=st.integers(min_value=0, max_value=5_000_000),
    start_day=st.integers(min_value=1, max_value=28),
    end_day=st.integers(min_value=1, max_value=28),
)
def test_a_month_split_in_two_never_bills_more_than_one_cent_over_the_fee(
    fee: int, start_day: int, end_day: int
) -> None:
    period = Period(2026, 2)
    split = date(2026, 2, start_day)
    first = prorated_fee(fee, period, date(2026, 1, 1), split)
    second = prorated_fee(fee, period, date(2026, 2, start_day + 1) if start_day < 28 else date(2026, 3, 1), None)
    assert abs(first + second - fee) <= 1
