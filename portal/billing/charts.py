"""Bar charts as inline SVG geometry (no script, no style attribute: the CSP forbids both; presentation
attributes are fine). Pure functions: the templates draw what these compute."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int  # cents
    value_label: str
    short_label: str  # above the bar
    sublabel: str  # a second line under the label (the year under January), or ""
    x: float
    y: float
    width: float
    height: float
    fill: str

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    plot_left: int
    plot_bottom: float
    bars: list[Bar]
    gridlines: list[Gridline]

    @property
    def is_empty(self) -> bool:
        return all(bar.value == 0 for bar in self.bars)


def short_money(cents: int) -> str:
    """$8.5k, $120k, $1.2M: axis labels that fit."""
    dollars = cents / 100
    if dollars >= 1_000_000:
        return f"${dollars / 1_000_000:.1f}M".replace(".0M", "M")
    if dollars >= 1_000:
        return f"${dollars / 1_000:.1f}k".replace(".0k", "k")
    return f"${dollars:,.0f}"


def nice_ceiling(value: int, intervals: int = 4) -> int:
    """The top of the axis: `intervals` equal steps of a round size (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5 or 8 × 10^n),
    the smallest that reaches `value`, so every gridline falls on a round number."""
    if value <= 0:
        return 100_00 * intervals
    needed = -(-value // intervals)
    magnitude = 1
    while magnitude * 10 <= needed:
        magnitude *= 10
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10):
        if step * magnitude >= needed:
            return int(step * magnitude * intervals)
    return 10 * magnitude * intervals  # pragma: no cover


def bar_chart(
    title: str,
    data: list[tuple[str, str, int, str, str]],
    *,
    width: int = 640,
    height: int = 240,
    money: bool = True,
) -> BarChart:
    """`data`: (key, label, value in cents, fill colour, a second label line or "") per bar, left to right."""
    from portal.templating import money as format_money

    plot_left, plot_right, plot_top, plot_bottom = 56, 8, 22, height - 40
    plot_width = width - plot_left - plot_right
    plot_height = plot_bottom - plot_top
    top = nice_ceiling(max((value for _, _, value, _, _ in data), default=0))
    slot = plot_width / max(1, len(data))
    bar_width = round(min(56.0, slot * 0.7), 1)
    bars = []
    for index, (key, label, value, fill, sublabel) in enumerate(data):
        bar_height = round(plot_height * max(0, value) / top, 1)
        x = round(plot_left + slot * index + (slot - bar_width) / 2, 1)
        bars.append(
            Bar(
                key=key,
                label=label,
                value=value,
                value_label=format_money(value) if money else str(value),
                short_label=(short_money(value) if money else str(value)) if value else "",
                sublabel=sublabel,
                x=x,
                y=round(plot_bottom - bar_height, 1),
                width=bar_width,
                height=bar_height,
                fill=fill,
            )
        )
    gridlines = [
        Gridline(y=round(plot_bottom - plot_height * step / 4, 1), label=short_money(top * step // 4))
        for step in range(5)
    ]
    return BarChart(title, width, height, plot_left, plot_bottom, bars, gridlines)
