"""Helpers shared by the note and time tests: acting as a named person, writing notes, recording a release."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from portal.cases.tables import CareTeamMember, Note, Relative
from portal.policy import Principal, Role

# Monday 10 March 2025: New York is on daylight time (UTC-4) since the 9th.
NOTE_FORM: dict[str, Any] = {
    "kind": "call",
    "occurred_at": "2025-03-10T14:30",
    "minutes": "25",
    "billable": "on",
    "activity": "care_coordination",
    "subject": "Call with Dana about discharge planning",
    "body": "Dana thinks Jordan is ready for PHP.\n\nWe agreed to talk again next week.",
}

# A small but real PDF (the files service sniffs the bytes).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def acting(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role(person["role"]), email=person["email"], name=person["name"])


async def dana_id(client: dict[str, Any]) -> int:
    """The therapist Dana Reyes on Jordan's care team (a party id)."""
    row = await CareTeamMember.select(CareTeamMember.party).where(CareTeamMember.client == client["id"]).first()
    assert row is not None
    return int(row["party"])


async def relative_id(client: dict[str, Any], name: str) -> int:
    row = await Relative.select(Relative.id).where((Relative.client == client["id"]) & (Relative.name == name)).first()
    assert row is not None
    return int(row["id"])


async def write_note(person: dict[str, Any], client: dict[str, Any], **changes: Any) -> int:
    from portal.cases import notes

    return await notes.create_note(acting(person), client["id"], {**NOTE_FORM, **changes})


async def signed_note(person: dict[str, Any], client: dict[str, Any], **changes: Any) -> int:
    from portal.cases import notes

    note_id = await write_note(person, client, **changes)
    await notes.sign_note(acting(person), client["id"], note_id)
    return note_id


async def record_release(
    person: dict[str, Any], client: dict[str, Any], party_id: int, *, part2: bool = False, **changes: Any
) -> int:
    """A typed-signature release naming the party for coordination notes and care coordination."""
    from portal.cases import consents

    categories = ["coordination_notes", "substance_use_records"] if part2 else ["coordination_notes"]
    data = {
        "recipient_type": "party",
        "recipient_party": str(party_id),
        "categories": categories,
        "purposes": ["care_coordination"],
        "covers_part2": "on" if part2 else "",
        "effective_on": "2025-01-01",
        "expires_on": "2099-12-31",
        "signed_by_name": "Jordan Rivera",
        "signer_capacity": "self",
        "signed_on": "2025-01-01",
        "esignature_name": "Jordan Rivera",
        **changes,
    }
    return await consents.record_consent(acting(person), client["id"], data)


async def bulk_notes(author: dict[str, Any], client: dict[str, Any], count: int, *, start: int = 0) -> None:
    """Many notes at once, straight into the table (fast), each with a party so per-row loading would show."""
    from portal.cases.tables import NoteParty

    now = datetime.now(UTC)
    rows = [
        Note(
            client=client["id"],
            author=author["id"],
            kind="email",
            occurred_at=datetime(2024, 1, 1, 12, 0, tzinfo=UTC).replace(day=1 + (i % 28)),
            minutes=10,
            billable=False,
            subject=f"Bulk note {start + i}",
            body_html="<p>Routine update.</p>",
            body_text="Routine update.",
            created_at=now,
            updated_at=now,
        )
        for i in range(count)
    ]
    inserted = await Note.insert(*rows).returning(Note.id)
    party = await dana_id(client)
    await NoteParty.insert(*[NoteParty(note=row["id"], party=party) for row in inserted])


def day(text: str) -> date:
    return date.fromisoformat(text)
