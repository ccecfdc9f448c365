"""Finding a client's notes: by the people involved, kind, date range (days in the practice's time zone) and
text, a page at a time, in a fixed number of queries however many notes there are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.querystring import QueryString

from portal.audit import services as audit
from portal.cases.note_input import parse_party_token
from portal.cases.notes import parties_of
from portal.cases.tables import Note, NoteAttachment, NoteParty
from portal.cases.vocabulary import NOTE_KINDS
from portal.core.services import get_practice
from portal.db import contains_text
from portal.policy import Principal, require_client
from portal.validation import Checker, start_of_day

EXCERPT_CHARS = 240


@dataclass(frozen=True)
class NoteFilters:
    party: str = ""  # a party token, "party:12" or "relative:3"
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""

    def params(self) -> dict[str, str]:
        """The filters as query parameters (for pagination links and the filter form)."""
        return {
            "party": self.party,
            "kind": self.kind,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "q": self.q,
        }

    @property
    def active(self) -> list[str]:
        return sorted(name for name, value in self.params().items() if value)


def parse_filters(data: Mapping[str, Any]) -> NoteFilters:
    """Filters from a query string; Invalid names each bad one."""
    c = Checker({k: data.get(k) for k in ("party", "kind", "date_from", "date_to", "q")})
    kind = c.choice("kind", NOTE_KINDS, required=False, label="Kind")
    party = c.text("party", max_length=20, label="Person")
    if party and parse_party_token(party) is None:
        c.fail("party", "Choose one of the listed people.")
    date_from = c.date("date_from", label="From")
    date_to = c.date("date_to", label="To")
    if date_from and date_to and date_to < date_from:
        c.fail("date_to", "The end date is before the start date.")
    q = c.text("q", max_length=100, label="Search text")
    c.done()
    return NoteFilters(party=party, kind=kind, date_from=date_from, date_to=date_to, q=q)


def _filter_clause(client_id: int, filters: NoteFilters, time_zone: str) -> Any:
    where: Any = Note.client == client_id
    if filters.kind:
        where &= Note.kind == filters.kind
    parsed = parse_party_token(filters.party) if filters.party else None
    if parsed is not None:
        kind, row_id = parsed
        column = NoteParty.party if kind == "party" else NoteParty.relative
        where &= Note.id.is_in(NoteParty.select(NoteParty.note).where(column == row_id))
    if filters.date_from:
        where &= Note.occurred_at >= start_of_day(filters.date_from, time_zone)
    if filters.date_to:
        where &= Note.occurred_at < start_of_day(filters.date_to + timedelta(days=1), time_zone)
    if filters.q:
        where &= contains_text(Note.subject, filters.q) | contains_text(Note.body_text, filters.q)
    return where


async def search_notes(
    principal: Principal,
    client_id: int,
    filters: NoteFilters | None = None,
    *,
    page: int = 1,
    per_page: int = 25,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the client's notes, newest first, in four queries however many notes there are."""
    await require_client(principal, client_id)
    filters = filters or NoteFilters()
    practice = await get_practice()
    where = _filter_clause(client_id, filters, practice.time_zone)
    total = await Note.count().where(where)
    rows = (
        await Note.select(
            Note.id,
            Note.kind,
            Note.occurred_at,
            Note.minutes,
            Note.billable,
            Note.activity,
            Note.subject,
            QueryString(f"SUBSTR({{}}, 1, {EXCERPT_CHARS})", Note.body_text, alias="excerpt"),
            Note.shared,
            Note.is_part2,
            Note.signed_at,
            Note.author.name.as_alias("author_name"),
        )
        .where(where)
        .order_by(Note.occurred_at, ascending=False)
        .order_by(Note.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    note_ids = [row["id"] for row in rows]
    parties = await parties_of(note_ids)
    counts: dict[int, int] = {}
    if note_ids:
        counted = (
            await NoteAttachment.select(NoteAttachment.note, Count(alias="n"))
            .where(NoteAttachment.note.is_in(note_ids))
            .group_by(NoteAttachment.note)
        )
        counts = {row["note"]: int(row["n"]) for row in counted}
    for row in rows:
        row["parties"] = parties.get(row["id"], [])
        row["attachment_count"] = counts.get(row["id"], 0)
    await audit.record(
        principal,
        "note.list",
        resource_type="note",
        client_id=client_id,
        detail={"note_ids": note_ids, "filters": filters.active},
    )
    return rows, total


async def recent_notes(client_id: int, limit: int = 5) -> list[dict[str, Any]]:
    """The newest notes (subject, kind, date) for the client overview; the page that shows them audits the read."""
    rows = (
        await Note.select(Note.id, Note.kind, Note.subject, Note.occurred_at, Note.signed_at)
        .where(Note.client == client_id)
        .order_by(Note.occurred_at, ascending=False)
        .order_by(Note.id, ascending=False)
        .limit(limit)
    )
    for row in rows:
        row["kind_label"] = NOTE_KINDS.get(row["kind"], row["kind"])
    return rows
