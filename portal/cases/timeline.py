"""A client's placement history and notes, gathered for the timeline page: the drawing's layouts (see
timeline_layout.py), a plain-language summary for the SVG's <desc>, and the same events as a table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.audit import services as audit
from portal.cases.placements import LEVELS_OF_CARE, placement_rows
from portal.cases.tables import Note
from portal.cases.timeline_layout import MONTHS, WIDTHS, Geometry, NoteMark, Span, fmt, layout, month_start
from portal.cases.vocabulary import DISCHARGE_TYPES, PLACEMENT_OUTCOMES
from portal.clock import to_local, utcnow
from portal.core.services import get_practice
from portal.policy import Principal, require_client

# --------------------------------------------------------------------------- the page's data


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    when: str
    what: str
    details: str
    crisis: bool = False


@dataclass
class ClientTimeline:
    today: date
    spans: list[Span]
    note_count: int
    crisis_count: int
    layouts: dict[str, Geometry] = field(default_factory=dict)
    events: list[TimelineEvent] = field(default_factory=list)
    summary: str = ""

    @property
    def empty(self) -> bool:
        return not self.spans and not self.note_count


def span_of(row: dict[str, Any]) -> Span:
    lvl = LEVELS_OF_CARE.get(row["level_of_care"])
    step = LEVELS_OF_CARE.get(row["step_down_level"] or "")
    return Span(
        id=row["id"],
        program=row["program_name"],
        level_code=row["level_of_care"],
        short=lvl.short if lvl else row["level_of_care"],
        level_label=lvl.label if lvl else row["level_of_care"],
        intensity=lvl.intensity if lvl else 0,
        referred_on=row["referred_on"],
        admitted_on=row["admitted_on"],
        expected_discharge_on=row["expected_discharge_on"],
        discharged_on=row["discharged_on"],
        discharge_type=row["discharge_type"],
        outcome=row["outcome"],
        step_down=step.label if step else "",
    )


def events_of(spans: list[Span], notes: list[dict[str, Any]], today: date) -> list[TimelineEvent]:
    """The table under the drawing: every milestone, each crisis note, and the notes counted per month."""
    events: list[TimelineEvent] = []
    for s in spans:
        where = f"{s.program} ({s.level_label})"
        if s.referred_on:
            events.append(TimelineEvent(s.referred_on, fmt(s.referred_on), "Referred", where))
        if s.admitted_on:
            verb = "Admission booked" if s.admitted_on > today else "Admitted"
            events.append(TimelineEvent(s.admitted_on, fmt(s.admitted_on), verb, where))
        if s.expected_discharge_on and not s.discharged_on:
            events.append(
                TimelineEvent(s.expected_discharge_on, fmt(s.expected_discharge_on), "Expected discharge", where)
            )
        if s.discharged_on:
            how = [
                DISCHARGE_TYPES.get(s.discharge_type, s.discharge_type),
                PLACEMENT_OUTCOMES.get(s.outcome, s.outcome),
            ]
            if s.step_down:
                how.append(f"step-down to {s.step_down}")
            details = f"{where}: " + "; ".join(h for h in how if h)
            events.append(TimelineEvent(s.discharged_on, fmt(s.discharged_on), "Discharged", details))
    per_month: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for note in notes:
        per_month[month_start(note["day"])].append(note)
        if note["kind"] == "crisis":
            details = note["subject"] or "Crisis note"
            events.append(TimelineEvent(note["day"], fmt(note["day"]), "Crisis note", details, crisis=True))
    for month, rows in per_month.items():
        crisis = sum(1 for r in rows if r["kind"] == "crisis")
        text = f"{len(rows)} note" + ("s" if len(rows) != 1 else "") + " this month"
        text += f", {crisis} of them crisis" if crisis else ""
        events.append(TimelineEvent(month, f"{MONTHS[month.month - 1]} {month.year}", "Notes", text))
    order = {"Notes": 0}
    return sorted(events, key=lambda e: (e.day, order.get(e.what, 1)))


def summary_of(spans: list[Span], note_count: int, crisis_count: int, today: date) -> str:
    if not spans:
        text = "No placements recorded."
    else:
        ordered = sorted(spans, key=lambda s: (s.first_day or today, s.id))
        parts = []
        for s in ordered:
            begin = s.admitted_on or s.referred_on
            until = fmt(s.discharged_on) if s.discharged_on else "today"
            if s.admitted_on is None:
                parts.append(f"referred to {s.program} ({s.short})")
            elif s.admitted_on > today:
                parts.append(f"{s.short} at {s.program} from {fmt(s.admitted_on)} (booked)")
            else:
                parts.append(f"{s.short} at {s.program}, {fmt(begin) if begin else ''} to {until}")
        count = f"{len(spans)} placement" + ("s" if len(spans) != 1 else "")
        text = f"{count}: " + "; then ".join(parts) + "."
    notes = f" {note_count} note" + ("s" if note_count != 1 else "") + f", {crisis_count} crisis."
    return text + notes


async def client_timeline(principal: Principal, client_id: int) -> ClientTimeline:
    """The client's placements and notes laid out for each width (three queries; audited)."""
    await require_client(principal, client_id)
    practice = await get_practice()
    today = to_local(utcnow(), practice.time_zone).date()
    spans = [span_of(row) for row in await placement_rows(client_id)]
    note_rows = await Note.select(Note.id, Note.kind, Note.occurred_at, Note.subject).where(Note.client == client_id)
    notes = [
        {"day": to_local(n["occurred_at"], practice.time_zone).date(), "kind": n["kind"], "subject": n["subject"]}
        for n in note_rows
    ]
    marks = [NoteMark(n["day"], n["kind"] == "crisis") for n in notes]
    crisis_count = sum(1 for m in marks if m.crisis)
    result = ClientTimeline(today=today, spans=spans, note_count=len(notes), crisis_count=crisis_count)
    if not result.empty:
        result.layouts = {name: layout(spans, marks, today, name=name, width=w) for name, w in WIDTHS.items()}
    result.events = events_of(spans, notes, today)
    result.summary = summary_of(spans, len(notes), crisis_count, today)
    await audit.record(
        principal,
        "timeline.view",
        resource_type="client",
        resource_id=client_id,
        client_id=client_id,
        detail={"placements": len(spans), "notes": len(notes)},
    )
    return result
