"""The client timeline: an accessible inline SVG of the placement history with notes and milestones, and the
same events as a table; user input (program names, note subjects) is always escaped."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from portal.cases import timeline_layout as timeline
from tests.cases.coordination_support import NOW, XSS, XSS_IMG, add_note, add_placement, audit_events


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def three_placements(casey: dict[str, Any], jordan: dict[str, Any]) -> list[int]:
    """Residential → PHP → IOP, the last one still running (today is 10 March 2026)."""
    return [
        await add_placement(
            casey,
            jordan,
            program_name="Pine Ridge Recovery",
            level_of_care="asam3:3.5",
            referred_on="2025-11-20",
            admitted_on="2025-11-24",
            expected_discharge_on="2026-01-10",
            discharged_on="2026-01-12",
            discharge_type="planned",
            outcome="stepped_down",
        ),
        await add_placement(
            casey,
            jordan,
            program_name="Harbor Day Program",
            level_of_care="asam3:2.5",
            referred_on="2026-01-05",
            admitted_on="2026-01-13",
            expected_discharge_on="2026-02-14",
            discharged_on="2026-02-14",
            discharge_type="planned",
            outcome="completed",
        ),
        await add_placement(
            casey,
            jordan,
            program_name="Montclair IOP",
            level_of_care="asam3:2.1",
            referred_on="2026-02-01",
            admitted_on="2026-02-16",
            expected_discharge_on="2026-03-23",
            step_down_level="asam3:1",
        ),
    ]


async def test_the_timeline_draws_each_placement_and_its_milestones(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    ids = await three_placements(casey, jordan)
    await add_note(jordan, casey, NOW - timedelta(days=3), "call")
    await add_note(jordan, casey, NOW - timedelta(days=20), "crisis", subject="Left the program overnight")
    await client.login_as(casey)
    response = await client.get(f"/clients/{jordan['id']}/timeline")
    assert response.status_code == 200
    html = response.text
    # One drawing per screen width, each an accessible image with a title and a description.
    svgs = re.findall(r"<svg class=\"timeline-svg[^>]*>", html)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg and "viewBox=" in svg and 'width="100%"' in svg
    assert html.count('<title id="timeline-') == 3 and html.count('<desc id="timeline-') == 3
    for placement_id in ids:
        assert html.count(f'data-placement="{placement_id}"') == 3
    for name in ["Pine Ridge Recovery", "Harbor Day Program", "Montclair IOP"]:
        assert name in html
    assert "Residential 3.5" in html and "PHP" in html and "IOP" in html
    assert "Today" in html
    # Milestones as shapes with a tooltip each, and the crisis note highlighted.
    assert "<title>Referred Nov 20, 2025</title>" in html
    assert "<title>Admitted Feb 16, 2026</title>" in html
    assert "<title>Expected discharge Mar 23, 2026</title>" in html
    assert "<title>Discharged Jan 12, 2026</title>" in html
    assert "#b91c1c" in html
    # The same events as a table, for screen readers and everyone else.
    table = html[html.index('<table class="timeline-events"') :]
    for text in [
        "Referred",
        "Admitted",
        "Discharged",
        "Expected discharge",
        "Crisis note",
        "Left the program overnight",
    ]:
        assert text in table
    assert "3 placements" in html and "2 notes, 1 crisis" in html
    events = await audit_events(casey, "timeline.view")
    assert len(events) == 1 and events[0]["client_id"] == jordan["id"]


@pytest.mark.parametrize("payload", [XSS, XSS_IMG])
async def test_program_names_and_note_subjects_are_escaped_in_the_svg(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], payload: str
) -> None:
    await add_placement(casey, jordan, program_name=f"Pine {payload}", admitted_on="2026-02-01", referred_on="")
    await add_note(jordan, casey, NOW - timedelta(hours=5), "crisis", subject=f"Crisis {payload}")
    await client.login_as(casey)
    html = (await client.get(f"/clients/{jordan['id']}/timeline")).text
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html


async def test_an_empty_history_says_so(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    html = (await client.get(f"/clients/{jordan['id']}/timeline")).text
    assert "No placements or notes yet" in html and '<svg class="timeline-svg' not in html


def span(**changes: Any) -> timeline.Span:
    values: dict[str, Any] = {
        "id": 1,
        "program": "Pine Ridge",
        "level_code": "asam3:3.5",
        "short": "Residential 3.5",
        "level_label": "3.5 Clinically managed high-intensity residential",
        "intensity": 6,
        "referred_on": date(2026, 1, 2),
        "admitted_on": date(2026, 1, 5),
        "expected_discharge_on": date(2026, 2, 20),
        "discharged_on": None,
        **changes,
    }
    return timeline.Span(**values)


def test_rows_run_from_the_most_intensive_level_down() -> None:
    spans = [
        span(id=1, intensity=6, discharged_on=date(2026, 2, 1), discharge_type="planned"),
        span(id=2, intensity=4, short="PHP", referred_on=None, admitted_on=date(2026, 2, 2)),
    ]
    geometry = timeline.layout(spans, [], date(2026, 3, 10), name="wide", width=960)
    assert [row.label for row in geometry.rows] == ["Residential", "Partial hospital / day"]
    by_id = {bar.placement_id: bar for bar in geometry.bars}
    assert by_id[1].y < by_id[2].y
    assert by_id[1].x < by_id[2].x
    assert geometry.today_x is not None and by_id[2].x + by_id[2].width == pytest.approx(geometry.today_x, abs=0.5)


def test_overlapping_episodes_of_one_level_get_lanes_of_their_own() -> None:
    spans = [
        span(id=1, intensity=2, short="Sober living", admitted_on=date(2026, 1, 5)),
        span(id=2, intensity=2, short="Outpatient", admitted_on=date(2026, 1, 20)),
    ]
    geometry = timeline.layout(spans, [], date(2026, 3, 10), name="wide", width=960)
    assert len(geometry.rows) == 1
    assert len({bar.y for bar in geometry.bars}) == 2


def test_the_axis_covers_whole_months_and_today() -> None:
    start, end = timeline.date_range([span()], [], date(2026, 3, 10))
    assert start == date(2026, 1, 1) and start.day == 1 and end.day == 1
    assert start <= date(2026, 3, 10) < end
    geometry = timeline.layout([span()], [], date(2026, 3, 10), name="compact", width=360)
    assert geometry.grid[0].labelled and geometry.grid[0].year == "2026"
    assert all(0 <= line.x <= 360 for line in geometry.grid)


def test_notes_on_the_same_day_share_a_tick_and_a_crisis_one_stands_out() -> None:
    notes = [
        timeline.NoteMark(date(2026, 2, 1), False),
        timeline.NoteMark(date(2026, 2, 1), False),
        timeline.NoteMark(date(2026, 2, 25), True),
    ]
    geometry = timeline.layout([span()], notes, date(2026, 3, 10), name="wide", width=960)
    assert len(geometry.ticks) == 2
    quiet, crisis = sorted(geometry.ticks, key=lambda t: t.x)
    assert not quiet.crisis and "2 notes" in quiet.tooltip
    assert crisis.crisis and crisis.height > quiet.height and "1 crisis" in crisis.tooltip


def test_a_long_program_name_is_shortened_to_fit() -> None:
    geometry = timeline.layout(
        [span(program="A very long program name " * 6)], [], date(2026, 3, 10), name="compact", width=360
    )
    bar = geometry.bars[0]
    assert bar.label_program.endswith("…") and len(bar.label_program) < 60
