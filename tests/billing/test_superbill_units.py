"""Minutes become units by the code's rule (DOMAIN §2): 7, 8, 22, 23, 37 and 38 minutes under each rule; several
entries on one day summed per code; per-month codes give one line a month, dated on the last date of service."""

from __future__ import annotations

from datetime import date

import pytest

from portal.billing.units import CodeRule, Entry, lines_from_entries, units_for

MINUTES = (7, 8, 22, 23, 37, 38)


@pytest.mark.parametrize(
    ("rule", "minimum", "expected"),
    [
        ("eight_minute", 0, (0, 1, 1, 2, 2, 3)),
        ("first_after_one", 0, (1, 1, 1, 2, 2, 3)),
        ("per_session", 0, (1, 1, 1, 1, 1, 1)),
        ("per_session", 30, (0, 0, 0, 0, 1, 1)),  # 99368: a conference of 30 minutes or more
        ("per_month", 20, (0, 0, 1, 1, 1, 1)),  # 99484: at least 20 minutes in the month
    ],
)
def test_units_for_each_rule(rule: str, minimum: int, expected: tuple[int, ...]) -> None:
    assert tuple(units_for(rule, m, minimum_minutes=minimum) for m in MINUTES) == expected


def test_the_cms_formula_over_a_range() -> None:
    for minutes in range(0, 200):
        expected = minutes // 15 + (1 if minutes % 15 >= 8 else 0)
        assert units_for("eight_minute", minutes) == expected, minutes


def test_first_unit_after_one_minute() -> None:
    assert units_for("first_after_one", 0) == 0
    assert units_for("first_after_one", 1) == 1
    assert units_for("first_after_one", 15) == 1
    assert units_for("first_after_one", 30) == 2
    assert units_for("first_after_one", 52) == 3 and units_for("first_after_one", 53) == 4


def test_unknown_rule_refused() -> None:
    with pytest.raises(ValueError, match="Unknown unit rule"):
        units_for("per_fortnight", 30)


RULES = {
    "T1016|HO": CodeRule("eight_minute"),
    "99368|": CodeRule("per_session", minimum_minutes=30),
    "99484|": CodeRule("per_month", minimum_minutes=20),
}


def test_entries_of_one_day_are_summed_per_code() -> None:
    day = date(2026, 11, 3)
    entries = [Entry(day, 5, "T1016|HO", 1), Entry(day, 5, "T1016|HO", 1), Entry(day, 13, "T1016|HO", 1)]
    kept, dropped = lines_from_entries(entries, RULES)
    # Alone each entry earns 0 or 1 unit; summed, 23 minutes earn 2.
    assert [(line.service_date, line.code_key, line.minutes, line.units) for line in kept] == [(day, "T1016|HO", 23, 2)]
    assert dropped == []


def test_one_line_per_date_and_code() -> None:
    entries = [
        Entry(date(2026, 11, 5), 20, "T1016|HO", 1),
        Entry(date(2026, 11, 3), 30, "T1016|HO", 1),
        Entry(date(2026, 11, 3), 45, "99368|", 1),
        Entry(date(2026, 11, 4), 7, "T1016|HO", 1),  # earns nothing
        Entry(date(2026, 11, 4), 20, "99368|", 1),  # a conference under 30 minutes earns nothing
    ]
    kept, dropped = lines_from_entries(entries, RULES)
    assert [(line.service_date.day, line.code_key, line.units) for line in kept] == [
        (3, "99368|", 1),
        (3, "T1016|HO", 2),
        (5, "T1016|HO", 1),
    ]
    assert [(line.service_date.day, line.code_key, line.minutes) for line in dropped] == [
        (4, "99368|", 20),
        (4, "T1016|HO", 7),
    ]


def test_per_month_codes_give_one_line_dated_on_the_last_service_date() -> None:
    entries = [
        Entry(date(2026, 11, 2), 8, "99484|", 1),
        Entry(date(2026, 11, 19), 7, "99484|", 1),
        Entry(date(2026, 11, 9), 6, "99484|", 1),
    ]
    kept, _ = lines_from_entries(entries, RULES)
    assert [(line.service_date, line.minutes, line.units) for line in kept] == [(date(2026, 11, 19), 21, 1)]
    short, dropped = lines_from_entries(entries[:2], RULES)
    assert short == [] and [(d.minutes, d.units) for d in dropped] == [(15, 0)]


def test_different_clinicians_get_their_own_lines() -> None:
    day = date(2026, 11, 3)
    kept, _ = lines_from_entries([Entry(day, 15, "T1016|HO", 1), Entry(day, 30, "T1016|HO", 2)], RULES)
    assert [(line.clinician, line.units) for line in kept] == [(1, 1), (2, 2)]
