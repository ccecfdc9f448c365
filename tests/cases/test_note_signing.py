"""Signing makes a note immutable, its time entry included; corrections are addenda, shown in order."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases import notes, time_entries
from portal.cases.tables import Note, NoteAddendum, TimeEntry
from portal.errors import Conflict, Forbidden
from tests.cases.notes_support import NOTE_FORM, acting, signed_note, write_note


async def test_a_signed_note_cannot_be_edited_by_the_service(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    note_id = await signed_note(casey, jordan)
    with pytest.raises(Conflict, match=r"signed and can no longer be changed\. Add an addendum"):
        await notes.update_note(acting(casey), jordan["id"], note_id, {**NOTE_FORM, "subject": "Rewritten"})
    with pytest.raises(Conflict, match="already signed"):
        await notes.sign_note(acting(casey), jordan["id"], note_id)
    row = await Note.select(Note.subject).where(Note.id == note_id).first()
    assert row["subject"] == NOTE_FORM["subject"]


async def test_a_signed_note_cannot_be_edited_on_the_page(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    note_id = await write_note(casey, jordan)
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/notes/{note_id}"
    assert "Edit draft" in (await client.get(base)).text

    signed = await client.post(f"{base}/sign", data={})
    assert signed.status_code == 303

    page = await client.get(base)
    assert "Edit draft" not in page.text and "Signed" in page.text
    form = await client.get(f"{base}/edit")
    assert form.status_code == 409 and "Add an addendum" in form.text
    posted = await client.post(f"{base}/edit", data={**NOTE_FORM, "subject": "Rewritten", "minutes": "90"})
    assert posted.status_code == 409 and "can no longer be changed" in posted.text
    row = await Note.select(Note.subject, Note.minutes).where(Note.id == note_id).first()
    assert (row["subject"], row["minutes"]) == (NOTE_FORM["subject"], 25)


async def test_signing_freezes_the_time_entry(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    note_id = await signed_note(casey, jordan)
    entry = await TimeEntry.select().where(TimeEntry.note == note_id).first()
    with pytest.raises(Conflict, match="signed note"):
        await time_entries.update_time_entry(
            acting(casey),
            jordan["id"],
            entry["id"],
            {"service_date": "2025-03-10", "minutes": "90", "activity": "care_coordination"},
        )
    with pytest.raises(Conflict, match="signed note"):
        await time_entries.delete_time_entry(acting(casey), jordan["id"], entry["id"])
    assert (await TimeEntry.select(TimeEntry.minutes).where(TimeEntry.id == entry["id"]).first())["minutes"] == 25


async def test_only_the_author_edits_or_signs_a_draft(
    client: Any, casey: dict[str, Any], olivia: dict[str, Any], jordan: dict[str, Any]
) -> None:
    note_id = await write_note(casey, jordan)
    with pytest.raises(Forbidden):
        await notes.sign_note(acting(olivia), jordan["id"], note_id)
    await client.login_as(olivia)
    base = f"/clients/{jordan['id']}/notes/{note_id}"
    page = await client.get(base)
    assert page.status_code == 200 and "Only the author can edit or sign this draft." in page.text
    assert (await client.post(f"{base}/edit", data=NOTE_FORM)).status_code == 403
    assert (await client.post(f"{base}/sign", data={})).status_code == 403
    assert (await Note.select(Note.signed_at).where(Note.id == note_id).first())["signed_at"] is None


async def test_addenda_are_for_signed_notes_and_show_in_order(
    client: Any, casey: dict[str, Any], olivia: dict[str, Any], jordan: dict[str, Any]
) -> None:
    draft = await write_note(casey, jordan)
    with pytest.raises(Conflict, match="still a draft"):
        await notes.add_addendum(acting(casey), jordan["id"], draft, "Too early")

    note_id = await signed_note(casey, jordan)
    await notes.add_addendum(acting(casey), jordan["id"], note_id, "First: the call lasted 30 minutes, not 25.")
    await notes.add_addendum(acting(olivia), jordan["id"], note_id, "Second: reviewed by the owner.")
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/notes/{note_id}/addenda", data={"body": "Third: Dana confirmed by e-mail."}
    )
    assert response.status_code == 303

    page = await client.get(f"/clients/{jordan['id']}/notes/{note_id}")
    first, second, third = (page.text.index(t) for t in ("First: the call", "Second: reviewed", "Third: Dana"))
    assert first < second < third
    assert "Addendum by Olivia Bennett" in page.text and "Addendum by Casey Morales" in page.text
    assert await NoteAddendum.count().where(NoteAddendum.note == note_id) == 3
    # The note itself did not change.
    assert (await Note.select(Note.minutes).where(Note.id == note_id).first())["minutes"] == 25


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "The addendum is required."), ("a" * 200_000, "at most 50000 characters"), ("<script></script>", "no text")],
)
async def test_a_bad_addendum_is_a_form_error(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], body: str, message: str
) -> None:
    note_id = await signed_note(casey, jordan)
    await client.login_as(casey)
    response = await client.post(f"/clients/{jordan['id']}/notes/{note_id}/addenda", data={"body": body})
    assert response.status_code == 400
    assert 'id="f-body-error"' in response.text and message in response.text
    assert await NoteAddendum.count().where(NoteAddendum.note == note_id) == 0
