"""The geometry of the placement timeline, computed in plain Python (no database, no HTML) so it can be tested
directly; cases/_timeline_svg.html draws it.

Bars are placements on a date axis, one row per level-of-care intensity (most intensive on top, so a step-down
reads as a staircase), coloured by intensity and labelled with the level's short name and the program.
Milestones: referral (hollow circle), admission (dot), expected discharge (hollow diamond), discharge (filled
diamond). Notes are ticks under the rows, crisis notes in red. Coordinates are in viewBox units; the page
draws the layout once per width in WIDTHS and shows the one that fits the screen.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from portal.cases.vocabulary import DISCHARGE_TYPES

# Rows by intensity (vocabulary.LevelOfCare.intensity), most intensive first.
INTENSITY_ROWS = {
    8: "Hospital / inpatient",
    7: "Medically monitored",
    6: "Residential",
    5: "Low-intensity residential",
    4: "Partial hospital / day",
    3: "Intensive outpatient",
    2: "Outpatient / recovery housing",
    1: "Monitoring",
}
# A calm sequential scale, deep plum (hospital) to green (monitoring): white text on each meets WCAG AA.
INTENSITY_COLOURS = {
    8: "#6b2147",
    7: "#7a2e73",
    6: "#4c3a99",
    5: "#2f55a4",
    4: "#1d6f9c",
    3: "#0f766e",
    2: "#2f7d32",
    1: "#4d6b1f",
}
MUTED = "#6b7280"
ROW_SHADE = "#f6f8fb"
WIDTHS = {"wide": 960, "medium": 640, "compact": 360}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fmt(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


@dataclass(frozen=True)
class Span:
    """One placement, as the timeline needs it."""

    id: int
    program: str
    level_code: str
    short: str
    level_label: str
    intensity: int
    referred_on: date | None
    admitted_on: date | None
    expected_discharge_on: date | None
    discharged_on: date | None
    discharge_type: str = ""
    outcome: str = ""
    step_down: str = ""

    @property
    def first_day(self) -> date | None:
        return self.referred_on or self.admitted_on

    def last_day(self, today: date) -> date:
        """Where the episode's drawing ends (inclusive of a planned discharge still to come)."""
        if self.discharged_on:
            return self.discharged_on
        ends = [today, self.expected_discharge_on or today, self.admitted_on or today]
        return max(ends)


@dataclass(frozen=True)
class NoteMark:
    day: date
    crisis: bool


@dataclass(frozen=True)
class Marker:
    kind: str  # referred, admitted, expected, discharged
    x: float
    y: float
    tooltip: str


@dataclass(frozen=True)
class Bar:
    placement_id: int
    colour: str
    x: float
    y: float
    width: float
    height: float
    solid: bool  # False: admission booked but not yet happened (an outline)
    tooltip: str
    label_x: float
    label_y: float
    label_anchor: str
    label_level: str
    label_program: str
    inside_text: str
    referral: tuple[float, float] | None  # x1, x2 of the referral line, at the bar's middle
    expected: tuple[float, float] | None  # x1, x2 of the dashed "still to come" extension
    markers: list[Marker]
    halo: str = "#ffffff"  # the row's background, drawn around the label so grid lines never cross it

    @property
    def mid_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class RowBand:
    y: float
    height: float
    label: str
    label_x: float
    label_y: float
    label_anchor: str
    shaded: bool
    lines: tuple[str, ...] = ()  # the label over two lines when it is too long for the side column

    @property
    def label_lines(self) -> tuple[str, ...]:
        return self.lines or (self.label,)


@dataclass(frozen=True)
class Tick:
    x: float
    height: float
    crisis: bool
    tooltip: str


@dataclass(frozen=True)
class GridLine:
    x: float
    month: str
    year: str
    labelled: bool
    strong: bool


@dataclass(frozen=True)
class Geometry:
    name: str
    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    rows_bottom: float
    notes_axis_y: float
    axis_label_y: float
    side_labels: bool
    font: float
    small_font: float
    today_x: float | None
    rows: list[RowBand]
    bars: list[Bar]
    ticks: list[Tick]
    grid: list[GridLine]
    notes_label: tuple[float, float, str]


# --------------------------------------------------------------------------- geometry (pure)


def month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def date_range(spans: list[Span], notes: list[NoteMark], today: date) -> tuple[date, date]:
    """Whole months around every date shown, at least three, with today never at the very edge."""
    days = [today]
    for span in spans:
        days += [d for d in (span.referred_on, span.admitted_on, span.expected_discharge_on, span.discharged_on) if d]
    days += [note.day for note in notes]
    start = month_start(min(days))
    end = _add_months(month_start(max(days)), 1)
    if (end - max(days)).days < 6:
        end = _add_months(end, 1)
    while (end.year * 12 + end.month) - (start.year * 12 + start.month) < 3:
        start = _add_months(start, -1)
    return start, end


def _text_width(text: str, font: float, bold: bool = False) -> float:
    return len(text) * font * (0.6 if bold else 0.54)


def _fit(text: str, room: float, font: float, bold: bool = False) -> str:
    if _text_width(text, font, bold) <= room:
        return text
    keep = int(room / (font * (0.6 if bold else 0.54))) - 1
    return text[:keep].rstrip() + "…" if keep >= 3 else ""


def _lanes(spans: list[Span], today: date) -> list[list[Span]]:
    """Pack one row's episodes into lanes so overlapping episodes (e.g. sober living + IOP) never overlap."""
    lanes: list[list[Span]] = []
    for span in sorted(spans, key=lambda s: (s.first_day or today, s.id)):
        start = span.first_day or today
        for lane in lanes:
            if lane[-1].last_day(today) < start:
                lane.append(span)
                break
        else:
            lanes.append([span])
    return lanes


def _span_tooltip(span: Span, today: date) -> str:
    parts = [f"{span.level_label} at {span.program}"]
    if span.referred_on:
        parts.append(f"referred {fmt(span.referred_on)}")
    if span.admitted_on:
        parts.append(("admission booked for " if span.admitted_on > today else "admitted ") + fmt(span.admitted_on))
    if span.discharged_on:
        kind = DISCHARGE_TYPES.get(span.discharge_type, span.discharge_type).lower()
        parts.append(f"discharged {fmt(span.discharged_on)}" + (f" ({kind})" if kind else ""))
    elif span.expected_discharge_on:
        parts.append(f"expected discharge {fmt(span.expected_discharge_on)}")
    return "; ".join(parts)


def layout(spans: list[Span], notes: list[NoteMark], today: date, *, name: str, width: float) -> Geometry:
    side_labels = width >= 800
    font, small = (13.0, 12.0) if side_labels else (14.0, 12.0)
    pad = 8.0 if not side_labels else 12.0
    plot_left = 176.0 if side_labels else pad
    plot_right = width - pad
    start, end = date_range(spans, notes, today)
    total_days = (end - start).days

    def x(day: date) -> float:
        return plot_left + (day - start).days / total_days * (plot_right - plot_left)

    top = 30.0
    row_header = 0.0 if side_labels else 18.0
    lane_h, bar_h = (44.0, 20.0) if side_labels else (44.0, 18.0)
    by_intensity: dict[int, list[Span]] = defaultdict(list)
    for span in spans:
        by_intensity[span.intensity].append(span)
    rows: list[RowBand] = []
    bars: list[Bar] = []
    y = top
    for index, intensity in enumerate(sorted(by_intensity, reverse=True)):
        lanes = _lanes(by_intensity[intensity], today)
        height = row_header + len(lanes) * lane_h + 6
        if side_labels:
            label = INTENSITY_ROWS.get(intensity, "")
            lines: tuple[str, ...] = (label,)
            if _text_width(label, small, bold=True) > plot_left - 8 and " / " in label:
                first, rest = label.split(" / ", 1)
                lines = (f"{first} /", rest)
            label_y = y + height / 2 + 4 - (len(lines) - 1) * 7.5
            rows.append(RowBand(y, height, label, plot_left - 12, label_y, "end", index % 2 == 0, lines))
        else:
            rows.append(
                RowBand(y, height, INTENSITY_ROWS.get(intensity, "").upper(), pad, y + 14, "start", index % 2 == 0)
            )
        for lane_index, lane in enumerate(lanes):
            lane_top = y + row_header + lane_index * lane_h
            for position, span in enumerate(lane):
                following = lane[position + 1] if position + 1 < len(lane) else None
                previous = lane[position - 1] if position > 0 else None
                bar = _bar(span, today, x, lane_top, bar_h, font, plot_left, plot_right, following, previous)
                bars.append(replace(bar, halo=ROW_SHADE if index % 2 == 0 else "#ffffff"))
        y += height
    rows_bottom = y
    notes_axis_y = rows_bottom + 34
    ticks = _ticks(notes, x, plot_right - plot_left)
    grid = _grid(start, end, x, plot_right - plot_left, side_labels)
    notes_label = (plot_left - 12, notes_axis_y - 4, "end") if side_labels else (pad, notes_axis_y - 22, "start")
    return Geometry(
        name=name,
        width=width,
        height=notes_axis_y + 40,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=top,
        rows_bottom=rows_bottom,
        notes_axis_y=notes_axis_y,
        axis_label_y=notes_axis_y + 18,
        side_labels=side_labels,
        font=font,
        small_font=small,
        today_x=x(today) if start <= today <= end else None,
        rows=rows,
        bars=bars,
        ticks=ticks,
        grid=grid,
        notes_label=notes_label,
    )


def _bar(
    span: Span,
    today: date,
    x: Any,
    lane_top: float,
    bar_h: float,
    font: float,
    plot_left: float,
    plot_right: float,
    following: Span | None,
    previous: Span | None,
) -> Bar:
    colour = INTENSITY_COLOURS.get(span.intensity, MUTED)
    bar_y = lane_top + 20
    mid = bar_y + bar_h / 2
    markers: list[Marker] = []
    referral = None
    expected = None
    solid = True
    if span.admitted_on is None:
        # Referred, not admitted: only the referral line, up to today (or the discharge, if it never began).
        begin = end = x(span.discharged_on or today)
        solid = False
    elif span.admitted_on > today:
        begin, end = x(span.admitted_on), x(span.expected_discharge_on or span.admitted_on + timedelta(days=14))
        solid = False
    else:
        begin = x(span.admitted_on)
        end = x(span.discharged_on or today)
        if not span.discharged_on and span.expected_discharge_on and span.expected_discharge_on > today:
            expected = (end, x(span.expected_discharge_on))
    width = max(end - begin, 3.0) if span.admitted_on else 0.0
    if span.referred_on and (span.admitted_on is None or span.referred_on < span.admitted_on):
        referral = (x(span.referred_on), begin)
    # A milestone drawn within a few units of the next one would only smudge it: the bar's tooltip and the
    # events table still give every date.
    if span.referred_on and (span.admitted_on is None or begin - x(span.referred_on) >= 7):
        markers.append(Marker("referred", x(span.referred_on), mid, f"Referred {fmt(span.referred_on)}"))
    if span.admitted_on:
        booked = span.admitted_on > today
        text = ("Admission booked for " if booked else "Admitted ") + fmt(span.admitted_on)
        markers.append(Marker("admitted", begin, mid, text))
    if span.expected_discharge_on and (span.discharged_on is None or abs(x(span.expected_discharge_on) - end) >= 10):
        markers.append(
            Marker(
                "expected", x(span.expected_discharge_on), mid, f"Expected discharge {fmt(span.expected_discharge_on)}"
            )
        )
    if span.discharged_on:
        markers.append(Marker("discharged", end, mid, f"Discharged {fmt(span.discharged_on)}"))
    # The label sits above the bar and may run on until the next episode in the lane.
    label_start = min([begin] + [m.x for m in markers if m.kind == "referred"])
    room_right = (x(following.first_day) if following and following.first_day else plot_right) - label_start - 8
    anchor, label_x, room = "start", label_start, room_right
    needed = _text_width(f"{span.short} · {span.program}", font, bold=True)
    if room_right < min(needed, 140):
        # Near the right edge: end the label where the bar ends instead.
        left_limit = x(previous.last_day(today)) + 8 if previous else plot_left
        bar_end = max(end, expected[1] if expected else end)
        anchor, label_x, room = "end", min(bar_end, plot_right), min(bar_end, plot_right) - left_limit
    level_text = _fit(span.short, room, font, bold=True)
    program_room = room - _text_width(level_text + " · ", font, bold=True)
    program_text = _fit(span.program, program_room, font) if level_text == span.short else ""
    if span.admitted_on and span.admitted_on <= today:
        last = span.discharged_on or today
        days = (last - span.admitted_on).days
        inside = f"{days} days" if span.discharged_on else f"{days} days so far"
        # Room for the text, its padding and the discharge diamond at the bar's end.
        if _text_width(inside, font - 2) + 22 > width:
            inside = f"{days} d" if _text_width(f"{days} d", font - 2) + 22 <= width else ""
    else:
        inside = ""
    return Bar(
        placement_id=span.id,
        colour=colour,
        x=begin,
        y=bar_y,
        width=width,
        height=bar_h,
        solid=solid,
        tooltip=_span_tooltip(span, today),
        label_x=label_x,
        label_y=lane_top + 14,
        label_anchor=anchor,
        label_level=level_text,
        label_program=program_text,
        inside_text=inside,
        referral=referral,
        expected=expected,
        markers=markers,
    )


def _ticks(notes: list[NoteMark], x: Any, plot_width: float) -> list[Tick]:
    """One tick per 3-unit slice of the axis (notes on nearby days share it), taller for more notes."""
    buckets: dict[int, list[NoteMark]] = defaultdict(list)
    for note in notes:
        buckets[int(x(note.day) // 3)].append(note)
    ticks = []
    for bucket in sorted(buckets):
        marks = buckets[bucket]
        crisis = sum(1 for m in marks if m.crisis)
        first, last = min(m.day for m in marks), max(m.day for m in marks)
        when = fmt(first) if first == last else f"{fmt(first)} – {fmt(last)}"
        count = f"{len(marks)} note" + ("s" if len(marks) != 1 else "")
        tooltip = f"{when}: {count}" + (f", {crisis} crisis" if crisis else "")
        ticks.append(Tick(bucket * 3 + 1.5, 18.0 if crisis else 6.0 + min(len(marks), 5) * 2, crisis > 0, tooltip))
    return ticks


def _grid(start: date, end: date, x: Any, plot_width: float, side_labels: bool) -> list[GridLine]:
    months = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    per_month = plot_width / months
    step = next((s for s in (1, 2, 3, 6, 12) if per_month * s >= (48 if side_labels else 44)), 24)
    lines = []
    month = start
    for index in range(months + 1):
        labelled = index % step == 0 and month < end
        if per_month >= 8 or labelled or month.month == 1:
            show_year = labelled and (index == 0 or month.month <= step)
            lines.append(
                GridLine(
                    x(month), MONTHS[month.month - 1], str(month.year) if show_year else "", labelled, month.month == 1
                )
            )
        month = _add_months(month, 1)
    return lines
