"""Helpers for the placement, timeline, task and My-day tests: a fixed "now", acting as a person, and rows
written straight into the tables (notes and releases belong to other services; here they are only data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from portal.cases.tables import Consent, Note, Task
from portal.policy import Principal, Role

# Tuesday 10 March 2026, 15:00 UTC = 11:00 in New York (the practice's time zone).
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)

XSS = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(2)>'

PLACEMENT_FORM: dict[str, Any] = {
    "program_name": "Pine Ridge Recovery",
    "level_of_care": "asam3:3.5",
    "referred_on": "2026-01-02",
    "admitted_on": "2026-01-05",
    "expected_discharge_on": "2026-02-20",
    "step_down_level": "asam3:2.5",
    "aftercare_plan": "IOP at Harbor Day Program; weekly therapy with Dana.",
}


def acting(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role(person["role"]), email=person["email"], name=person["name"])


async def add_placement(person: dict[str, Any], client: dict[str, Any], **changes: Any) -> int:
    from portal.cases import placements

    return await placements.create_placement(acting(person), client["id"], {**PLACEMENT_FORM, **changes})


def note_row(
    client: dict[str, Any], author: dict[str, Any], occurred_at: datetime, kind: str = "call", **extra: Any
) -> Note:
    return Note(
        client=client["id"],
        author=author["id"],
        kind=kind,
        occurred_at=occurred_at,
        subject=extra.pop("subject", f"{kind} note"),
        created_at=occurred_at,
        updated_at=occurred_at,
        **extra,
    )


async def add_note(
    client: dict[str, Any], author: dict[str, Any], occurred_at: datetime, kind: str = "call", **extra: Any
) -> int:
    rows = await Note.insert(note_row(client, author, occurred_at, kind, **extra)).returning(Note.id)
    return int(rows[0]["id"])


async def add_notes_in_bulk(client: dict[str, Any], author: dict[str, Any], count: int, *, end: datetime) -> None:
    """`count` notes spread over the 120 days before `end`, every tenth a crisis note, in a few INSERTs."""
    rows = []
    for index in range(count):
        kind = "crisis" if index % 10 == 0 else ("internal" if index % 7 == 0 else "call")
        rows.append(note_row(client, author, end - timedelta(hours=1 + index * 120 * 24 / count), kind))
    for start in range(0, len(rows), 200):
        await Note.insert(*rows[start : start + 200])


async def add_consent(client: dict[str, Any], *, expires_on: date | None, **changes: Any) -> int:
    values: dict[str, Any] = {
        "client": client["id"],
        "recipient_type": "class",
        "recipient_class": "my treating providers",
        "categories": ["coordination_notes"],
        "purposes": ["treatment"],
        "effective_on": date(2025, 6, 1),
        "expires_on": expires_on,
        "until_revoked": False,
        "signed_by_name": "Client",
        "signed_on": date(2025, 6, 1),
        "created_at": NOW,
        **changes,
    }
    rows = await Consent.insert(Consent(**values)).returning(Consent.id)
    return int(rows[0]["id"])


async def add_task(assignee: dict[str, Any], *, client: dict[str, Any] | None = None, **changes: Any) -> int:
    values: dict[str, Any] = {
        "client": client["id"] if client else None,
        "assignee": assignee["id"],
        "title": "Follow up",
        "priority": "normal",
        "created_by": assignee["id"],
        "created_at": NOW,
        **changes,
    }
    rows = await Task.insert(Task(**values)).returning(Task.id)
    return int(rows[0]["id"])


async def audit_events(actor: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    from portal.audit.tables import AuditEvent

    rows = await AuditEvent.select(
        AuditEvent.action, AuditEvent.client_id, AuditEvent.resource_id, AuditEvent.detail
    ).where(AuditEvent.actor_id == actor["id"])
    return [row for row in rows if row["action"].startswith(prefix)]
