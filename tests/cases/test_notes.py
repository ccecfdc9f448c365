"""Writing coordination notes: the form, the people involved, time entries from billable minutes, Part 2,
attachments, bad input, and the audit of every read and write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.cases import notes
from portal.cases.tables import Client, Note, NoteAttachment, NoteParty, TimeEntry
from tests.cases.notes_support import NOTE_FORM, PDF_BYTES, acting, dana_id, day, relative_id, write_note


async def test_casey_writes_a_note_on_the_page_and_it_starts_as_a_draft(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    dana = await dana_id(jordan)
    pat = await relative_id(jordan, "Pat Rivera")
    form = await client.get(f"/clients/{jordan['id']}/notes/new")
    assert form.status_code == 200
    assert f'value="party:{dana}"' in form.text and f'value="relative:{pat}"' in form.text
    assert 'min="0" max="1440" step="1" inputmode="numeric"' in form.text  # the phone gets a number pad

    response = await client.post(
        f"/clients/{jordan['id']}/notes", data={**NOTE_FORM, "parties": [f"party:{dana}", f"relative:{pat}"]}
    )

    assert response.status_code == 303
    note = await Note.select().where(Note.client == jordan["id"]).first()
    assert response.headers["location"] == f"/clients/{jordan['id']}/notes/{note['id']}"
    assert note["author"] == casey["id"] and note["signed_at"] is None and note["shared"] is False
    assert note["body_html"] == ("<p>Dana thinks Jordan is ready for PHP.</p><p>We agreed to talk again next week.</p>")
    assert "ready for PHP" in note["body_text"]
    parties = await NoteParty.select().where(NoteParty.note == note["id"])
    assert {(p["party"], p["relative"]) for p in parties} == {(dana, None), (None, pat)}
    page = await client.get(response.headers["location"])
    assert "Call with Dana about discharge planning" in page.text
    assert "Dana Reyes" in page.text and "Pat Rivera" in page.text and "Draft" in page.text


async def test_a_25_minute_billable_call_at_2330_new_york_time_is_billed_on_that_new_york_day(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    note_id = await write_note(casey, jordan, occurred_at="2025-03-10T23:30", minutes="25")

    note = await Note.select(Note.occurred_at).where(Note.id == note_id).first()
    assert note["occurred_at"] == datetime(2025, 3, 11, 3, 30, tzinfo=UTC)  # stored in UTC: the next day
    entries = await TimeEntry.select().where(TimeEntry.client == jordan["id"])
    assert len(entries) == 1
    entry = entries[0]
    assert entry["note"] == note_id and entry["minutes"] == 25 and entry["billable"] is True
    assert entry["service_date"] == day("2025-03-10")  # the practice's day, not UTC's
    assert entry["activity"] == "care_coordination" and entry["case_manager"] == casey["id"]


async def test_the_time_entry_follows_the_draft_and_goes_when_it_stops_being_billable(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    principal = acting(casey)
    note_id = await write_note(casey, jordan, billable="", activity="", minutes="15")
    assert await TimeEntry.count().where(TimeEntry.note == note_id) == 0

    await notes.update_note(principal, jordan["id"], note_id, {**NOTE_FORM, "minutes": "40"})
    entry = await TimeEntry.select().where(TimeEntry.note == note_id).first()
    assert entry["minutes"] == 40 and entry["service_date"] == day("2025-03-10")

    await notes.update_note(
        principal, jordan["id"], note_id, {**NOTE_FORM, "occurred_at": "2025-03-12T09:00", "minutes": "30"}
    )
    entries = await TimeEntry.select().where(TimeEntry.note == note_id)
    assert [(e["id"], e["minutes"], e["service_date"]) for e in entries] == [(entry["id"], 30, day("2025-03-12"))]

    await notes.update_note(principal, jordan["id"], note_id, {**NOTE_FORM, "billable": ""})
    assert await TimeEntry.count().where(TimeEntry.note == note_id) == 0


async def test_part_2_defaults_to_the_clients_flag_and_can_be_unticked(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await Client.update({Client.has_part2_records: True}).where(Client.id == jordan["id"])
    by_service = await write_note(casey, jordan)
    assert (await Note.select(Note.is_part2).where(Note.id == by_service).first())["is_part2"] is True

    await client.login_as(casey)
    form = await client.get(f"/clients/{jordan['id']}/notes/new")
    assert 'id="f-is_part2" name="is_part2" type="checkbox" checked' in form.text
    response = await client.post(f"/clients/{jordan['id']}/notes", data=NOTE_FORM)  # box left unticked
    note_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert (await Note.select(Note.is_part2).where(Note.id == note_id).first())["is_part2"] is False


async def test_attachments_are_kept_and_downloaded_as_attachments_never_cached(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/notes",
        data=NOTE_FORM,
        files=[("attachments", ("discharge summary.pdf", PDF_BYTES, "application/pdf"))],
    )
    assert response.status_code == 303, response.text
    note_path = response.headers["location"]
    attachment = await NoteAttachment.select().first()
    page = await client.get(note_path)
    assert "discharge summary.pdf" in page.text

    download = await client.get(f"{note_path}/attachments/{attachment['id']}")

    assert download.status_code == 200
    assert download.content == PDF_BYTES
    assert download.headers["content-disposition"].startswith('attachment; filename="discharge summary.pdf"')
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["content-type"] == "application/pdf"
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "note.attachment.download") & (AuditEvent.client_id == jordan["id"])
    )


async def test_a_file_of_a_type_not_allowed_is_a_form_error(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/notes",
        data=NOTE_FORM,
        files=[("attachments", ("run.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf"))],
    )
    assert response.status_code == 400
    assert 'id="f-attachments-error"' in response.text and "Only PDF, PNG, JPEG or Word" in response.text
    assert await Note.count().where(Note.client == jordan["id"]) == 0


BAD_INPUT = [
    ({"minutes": "-5"}, "minutes", "Minutes must be at least 0."),
    ({"minutes": "abc"}, "minutes", "Minutes must be a whole number."),
    ({"minutes": "1441"}, "minutes", "Minutes must be at most 1440."),
    ({"kind": "seance"}, "kind", "Choose one of the listed options for the kind of note."),
    ({"occurred_at": "yesterday"}, "occurred_at", "Date and time: use a date and time like"),
    ({"occurred_at": ""}, "occurred_at", "Date and time is required."),
    ({"activity": ""}, "activity", "A billable note needs an activity"),
    ({"activity": "golf"}, "activity", "Choose one of the listed options for an activity."),
    ({"minutes": "0"}, "minutes", "A billable note needs the minutes spent."),
    ({"subject": ""}, "subject", "Subject is required."),
    ({"subject": "s" * 201}, "subject", "Subject must be at most 200 characters."),
    ({"body": "b" * 200_000}, "body", "The note must be at most 50000 characters."),
    ({"parties": "party:999999"}, "parties", "Unknown person involved"),
    ({"parties": "party:99999999999999999999"}, "parties", "Unknown person involved"),
    ({"occurred_at": "2150-01-01T10:00"}, "occurred_at", "cannot be in the future"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
async def test_bad_input_is_a_form_error_next_to_the_field_never_a_500(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], change: dict[str, str], field: str, message: str
) -> None:
    await client.login_as(casey)
    response = await client.post(f"/clients/{jordan['id']}/notes", data={**NOTE_FORM, **change})
    assert response.status_code == 400
    assert f'id="f-{field}-error"' in response.text
    assert message in response.text
    assert await Note.count().where(Note.client == jordan["id"]) == 0


async def test_bad_input_to_an_edit_keeps_the_draft_as_it_was(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    note_id = await write_note(casey, jordan)
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/notes/{note_id}/edit", data={**NOTE_FORM, "minutes": "abc", "subject": "Changed"}
    )
    assert response.status_code == 400 and "Minutes must be a whole number." in response.text
    assert (await Note.select(Note.subject).where(Note.id == note_id).first())["subject"] == NOTE_FORM["subject"]


async def test_the_author_edits_a_draft_on_the_page(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    note_id = await write_note(casey, jordan)
    await client.login_as(casey)
    form = await client.get(f"/clients/{jordan['id']}/notes/{note_id}/edit")
    assert form.status_code == 200
    # The body comes back as the text that was typed, paragraphs and all.
    assert "Dana thinks Jordan is ready for PHP.\n\nWe agreed to talk again next week.</textarea>" in form.text
    assert 'value="2025-03-10T14:30"' in form.text

    response = await client.post(
        f"/clients/{jordan['id']}/notes/{note_id}/edit", data={**NOTE_FORM, "subject": "Call with Dana (updated)"}
    )
    assert response.status_code == 303
    row = await Note.select(Note.subject, Note.body_html).where(Note.id == note_id).first()
    assert row["subject"] == "Call with Dana (updated)"
    assert row["body_html"].startswith("<p>Dana thinks")


async def test_the_overview_shows_the_five_newest_notes(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    for n in range(1, 8):
        await write_note(casey, jordan, occurred_at=f"2025-03-0{n}T10:00", subject=f"Note number {n}")
    await client.login_as(casey)
    page = await client.get(f"/clients/{jordan['id']}")
    assert "Recent notes" in page.text
    shown = [n for n in range(1, 8) if f"Note number {n}" in page.text]
    assert shown == [3, 4, 5, 6, 7]
    assert page.text.index("Note number 7") < page.text.index("Note number 3")


async def test_reads_and_writes_of_notes_are_audited_with_the_client_id(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    created = await client.post(f"/clients/{jordan['id']}/notes", data=NOTE_FORM)
    note_path = created.headers["location"]
    await client.get(f"/clients/{jordan['id']}/notes")
    await client.get(note_path)
    await client.post(f"{note_path}/sign", data={})
    await client.post(f"{note_path}/addenda", data={"body": "Dana called back."})
    events = await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.actor_id == casey["id"]) & (AuditEvent.client_id == jordan["id"])
    )
    actions = {e["action"] for e in events}
    assert {"note.create", "note.list", "note.view", "note.sign", "note.addendum.add"} <= actions
