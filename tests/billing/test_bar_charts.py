"""The SVG bar charts' geometry: round gridlines, bars in proportion, labels that fit."""

from __future__ import annotations

import pytest

from portal.billing.charts import bar_chart, nice_ceiling, short_money


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 400_00), (1, 4), (2_030_000, 2_400_000), (850_000, 1_000_000), (1_000_000, 1_000_000), (999, 1_000)],
)
def test_the_axis_top_is_four_round_steps(value: int, top: int) -> None:
    assert nice_ceiling(value) == top and top >= value and top % 4 == 0


def test_bars_are_in_proportion_and_zero_bars_are_flat() -> None:
    chart = bar_chart(
        "t", [("a", "A", 300_000, "#000", ""), ("b", "B", 0, "#000", ""), ("c", "C", 600_000, "#000", "")]
    )
    a, b, c = chart.bars
    assert b.height == 0 and b.short_label == ""
    assert c.height == pytest.approx(2 * a.height, abs=0.1)
    assert a.y + a.height == c.y + c.height == chart.plot_bottom  # one baseline
    assert a.x < b.x < c.x and [g.label for g in chart.gridlines] == ["$0", "$1.5k", "$3k", "$4.5k", "$6k"]


def test_short_money() -> None:
    assert [short_money(c) for c in (0, 99_00, 1_500_00, 20_900_00, 1_250_000_00)] == [
        "$0",
        "$99",
        "$1.5k",
        "$20.9k",
        "$1.2M",
    ]
