"""What a note form may hold: the people involved (care-team parties and relatives of this client), the checked
fields of a note, and its body as the author typed it (for editing a draft)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from portal.cases import care_team, clients
from portal.cases.tables import Note
from portal.cases.vocabulary import ACTIVITIES, NOTE_KINDS, PARTY_TYPES, RELATIONSHIPS
from portal.clock import utcnow
from portal.errors import Invalid
from portal.files import services as files
from portal.richtext import plain_text, sanitize
from portal.validation import Checker

# form_data() cuts every field at 100,000 characters, so the limit must sit below that to be noticed at all.
MAX_BODY_CHARS = 50_000
MAX_ATTACHMENTS = 10


# --------------------------------------------------------------------------- people involved


def party_token(kind: str, row_id: int) -> str:
    """How a person involved travels through forms and filters: "party:12" or "relative:3"."""
    return f"{kind}:{row_id}"


def parse_party_token(token: str) -> tuple[str, int] | None:
    kind, _, number = token.partition(":")
    if kind not in {"party", "relative"} or not number.isdecimal() or len(number) > 9:
        return None
    return kind, int(number)


async def party_choices(client_id: int) -> list[tuple[str, str]]:
    """Who can be named on this client's notes: the care team (past members too, for older notes) and relatives."""
    choices: dict[str, str] = {}
    for member in await care_team.members(client_id, include_ended=True):
        token = party_token("party", member["party.id"])
        label = f"{member['party.name']} ({PARTY_TYPES.get(member['party.party_type'], 'care team')})"
        if member["ended_on"] is not None:
            label += ", former"
        if token not in choices or member["ended_on"] is None:
            choices[token] = label
    for relative in await clients.relatives(client_id):
        label = f"{relative['name']} ({RELATIONSHIPS.get(relative['relationship'], 'relative')})"
        choices[party_token("relative", relative["id"])] = label
    return list(choices.items())


# --------------------------------------------------------------------------- checking input


@dataclass(frozen=True)
class NoteFields:
    kind: str
    occurred_at: datetime
    minutes: int
    billable: bool
    activity: str
    subject: str
    body_html: str
    body_text: str
    is_part2: bool
    parties: list[tuple[str, int]]

    def columns(self) -> dict[Any, Any]:
        return {
            Note.kind: self.kind,
            Note.occurred_at: self.occurred_at,
            Note.minutes: self.minutes,
            Note.billable: self.billable,
            Note.activity: self.activity,
            Note.subject: self.subject,
            Note.body_html: self.body_html,
            Note.body_text: self.body_text,
            Note.is_part2: self.is_part2,
        }


def check_attachments(c: Checker, attachments: Sequence[tuple[bytes, str]]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        c.fail("attachments", f"Attach at most {MAX_ATTACHMENTS} files at a time.")
        return
    for data, name in attachments:
        try:
            files.validate_upload(data, name)
        except Invalid as exc:
            c.fail("attachments", f"{files.safe_display_name(name)}: {exc.field_errors.get('file', exc.message)}")
            return


async def check_note_fields(
    client_id: int,
    data: Mapping[str, Any],
    time_zone: str,
    *,
    default_part2: bool,
    attachments: Sequence[tuple[bytes, str]] = (),
) -> NoteFields:
    c = Checker(dict(data))
    kind = c.choice("kind", NOTE_KINDS, label="the kind of note")
    occurred_at = c.local_datetime("occurred_at", time_zone, required=True, label="Date and time")
    if occurred_at is not None and occurred_at > utcnow() + timedelta(days=1):
        c.fail("occurred_at", "A note records what happened: the date and time cannot be in the future.")
    minutes = c.integer("minutes", minimum=0, maximum=1440, default=0, label="Minutes") or 0
    billable = c.boolean("billable")
    activity = c.choice("activity", ACTIVITIES, required=False, label="an activity")
    if billable and not activity and "activity" not in c.errors:
        c.fail("activity", "A billable note needs an activity: what the time was spent on.")
    if billable and minutes == 0 and "minutes" not in c.errors:
        c.fail("minutes", "A billable note needs the minutes spent.")
    subject = c.text("subject", required=True, max_length=200, label="Subject")
    body = c.text("body", max_length=MAX_BODY_CHARS, label="The note")
    is_part2 = c.boolean("is_part2") if "is_part2" in data else default_part2
    choices = dict(await party_choices(client_id))
    tokens = c.choices("parties", choices, label="person involved")
    check_attachments(c, attachments)
    c.done()
    assert occurred_at is not None
    body_html = sanitize(body)
    return NoteFields(
        kind=kind,
        occurred_at=occurred_at,
        minutes=minutes,
        billable=billable,
        activity=activity if billable or activity else "",
        subject=subject,
        body_html=body_html,
        body_text=plain_text(body_html),
        is_part2=is_part2,
        parties=[parsed for token in tokens if (parsed := parse_party_token(token)) is not None],
    )


def editable_text(body_html: str) -> str:
    """The body as a person typed it, for the edit form: plain text when that gives back the same note,
    otherwise the (sanitised) HTML itself, so no formatting is lost by saving again."""
    text = re.sub(r"</p>\s*<p>", "\n\n", body_html)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"</?p>", "", text)
    unescaped = plain_text(text)
    return unescaped if sanitize(unescaped) == body_html else body_html
