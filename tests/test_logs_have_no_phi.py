"""The portal's logs carry identifiers and counts, never client information.

Two layers of proof:
- here, a slice of real journeys (signing in wrongly with a relative's address, notes, a diagnosis, an update, a
  relative's message, searching by name, typed URLs with a name in them, e-mail that cannot be delivered) runs
  with every portal logger at DEBUG, and the records are scanned;
- tests/conftest.py writes every record the portal logs during the whole run, at DEBUG, to a file
  (`portal.logging_setup.capture_to_file`) and fails the run at the end if `scan_log_file` finds anything in it.

What counts as client information: the names of the seeded and demo clients and their relatives, ICD-10 mental
health and substance-use codes (F00–F99), and the marker text the journeys put into notes and messages.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from portal.logging_setup import JsonFormatter
from tests.support.http import PortalClient

CLIENT_NAMES = [
    # The test practice's clients and relatives (tests/support/people.py) and the demo's (portal/cases/demo.py).
    "Jordan Rivera",
    "Taylor Brooks",
    "Riley Chen",
    "Pat Rivera",
    "Sam Rivera",
    "Robin Brooks",
]
NOTE_MARKER = "Zephyrine-relapse-disclosure"
PATTERNS = [
    *(re.compile(re.escape(name), re.IGNORECASE) for name in CLIENT_NAMES),
    re.compile(r"(?<![\w.])F\d{2}(?:\.\d{1,4})?(?![\w.])"),  # ICD-10 chapter V: mental and behavioural disorders
    re.compile(re.escape(NOTE_MARKER), re.IGNORECASE),
]


def find_phi(lines: Iterable[str]) -> list[str]:
    """Every log line that contains client information, with what was found."""
    found = []
    for line in lines:
        for pattern in PATTERNS:
            match = pattern.search(line)
            if match:
                found.append(f"{match.group(0)!r} in {line.strip()[:300]}")
                break
    return found


def scan_log_file(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return find_phi(lines)


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@contextmanager
def portal_logs_at_debug() -> Iterator[_Lines]:
    logger = logging.getLogger("portal")
    handler = _Lines()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def test_the_scan_finds_names_codes_and_note_text_in_any_field() -> None:
    formatter = JsonFormatter()

    def line(msg: str, **extra: Any) -> str:
        record = logging.LogRecord("portal.x", logging.INFO, __file__, 1, msg, None, None)
        record.__dict__.update(extra)
        return formatter.format(record)

    leaks = [
        line("saved note for Jordan Rivera"),
        line("request", route="/clients", query="q=taylor brooks"),
        line("diagnosis added", code="F10.20"),
        line("diagnosis added", code="F33"),
        line("note", body=f"she said {NOTE_MARKER}"),
    ]
    clean = [
        line("request", route="/api/v1/clients/{client_id}", status=200, duration_ms=3.2),
        line("mail delivery failed", outbox_id=12, attempt=2),
        line("worker round", version="1.10.20", ts="2026-11-22T10:20:30"),
    ]
    assert len(find_phi(leaks)) == len(leaks)
    assert find_phi(clean) == []


async def test_journeys_at_debug_log_nothing_about_clients(
    client: PortalClient,
    other_client: PortalClient,
    casey: dict[str, Any],
    pat: dict[str, Any],
    jordan: dict[str, Any],
    settings_override: Any,
) -> None:
    from portal.accounts import services as accounts
    from portal.cases import clients
    from portal.mail import services as mail
    from tests.families.conftest import family_release, grant, relative_of

    relative = await relative_of(jordan["id"], "pat@example.com")
    await grant(relative["id"])
    await family_release(jordan["id"], relative["id"], ["family_communication"])

    with portal_logs_at_debug() as captured:
        # A relative mistypes their password; then signs in and writes to the practice.
        assert (await other_client.login(pat["email"], "wrong password for Pat Rivera")).status_code in {400, 401}
        await other_client.login_as(pat)
        thread = await other_client.post(
            "/api/v1/family/threads",
            json={"client_id": jordan["id"], "subject": "About Jordan Rivera", "body": f"{NOTE_MARKER} worried"},
        )
        assert thread.status_code == 201, thread.text

        # The case manager: notes, a diagnosis, an update, searches and typed URLs carrying names.
        await client.login_as(casey)
        note = await client.post(
            f"/api/v1/clients/{jordan['id']}/notes",
            json={
                "kind": "call",
                "occurred_at": "2026-11-20T10:00:00",
                "subject": "Jordan Rivera F10.20 follow-up",
                "body": f"{NOTE_MARKER}: discussed F10.20 with Jordan Rivera",
            },
        )
        assert note.status_code == 201, note.text
        bad_note = await client.post(
            f"/api/v1/clients/{jordan['id']}/notes", json={"kind": "call", "subject": "Jordan Rivera"}
        )
        assert bad_note.status_code == 400
        principal = accounts.principal_for(casey)
        await clients.add_diagnosis(principal, jordan["id"], "F10.20", is_primary=True, diagnosed_on=date(2026, 1, 5))
        update = await client.post(
            f"/api/v1/clients/{jordan['id']}/updates",
            json={"title": "Jordan Rivera this week", "body": f"{NOTE_MARKER} F33.1"},
        )
        assert update.status_code == 201, update.text
        patched = await client.request(
            "PATCH", f"/api/v1/clients/{jordan['id']}", json={"preferred_name": "Jordan Rivera F41.1"}
        )
        assert patched.status_code == 200, patched.text
        assert (await client.get("/api/v1/clients", params={"q": "Jordan Rivera"})).status_code == 200
        assert (await client.get("/clients", params={"q": "Taylor Brooks F60.3"})).status_code == 200
        assert (await client.get("/clients/Jordan-Rivera-F10.20")).status_code == 404
        assert (await client.get("/api/v1/clients/Jordan%20Rivera")).status_code in {400, 404}

        # E-mail about Jordan that cannot be delivered (no server listens there): retried, then logged.
        await mail.enqueue("pat@example.com", "Jordan Rivera", f"{NOTE_MARKER} F10.20")
        settings_override(smtp_url="smtp://127.0.0.1:9")
        report = await mail.deliver_due()
        assert report.retried or report.failed

    routes = {getattr(r, "route", None) for r in captured.records}
    assert "/api/v1/clients/{client_id:int}/notes" in routes or "/api/v1/clients/{client_id}/notes" in routes
    assert any(r.name == "portal.mail" for r in captured.records), "the failed delivery was not logged"
    assert find_phi(captured.lines) == []
    for line in captured.lines:
        json.loads(line)  # every record is one JSON object per line
