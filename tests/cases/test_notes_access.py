"""Notes and time of a client one may not see answer 404 on every route, exactly like ids that do not exist;
billing sees none of them."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases import note_search, note_sharing, notes, time_entries
from portal.cases.tables import CareTeamMember, Note, NoteAddendum, NoteAttachment, NoteShare, TimeEntry
from portal.errors import NotFound
from tests.cases.notes_support import NOTE_FORM, PDF_BYTES, acting, record_release, signed_note


@pytest.fixture
async def taylors_records(morgan: dict[str, Any], taylor: dict[str, Any], jordan: dict[str, Any]) -> dict[str, int]:
    """A signed note of Taylor's (with an attachment, a share and time) and a standalone time entry, by Morgan."""
    from portal.cases import care_team

    principal = acting(morgan)
    member_id = await care_team.add_member(
        principal, taylor["id"], {"name": "Riley Park", "party_type": "psychiatrist"}
    )
    member = await CareTeamMember.select(CareTeamMember.party).where(CareTeamMember.id == member_id).first()
    party = member["party"]
    note_id = await notes.create_note(principal, taylor["id"], NOTE_FORM, attachments=[(PDF_BYTES, "letter.pdf")])
    await notes.sign_note(principal, taylor["id"], note_id)
    await record_release(morgan, taylor, party, signed_by_name="Taylor Brooks", esignature_name="Taylor Brooks")
    share_id = await note_sharing.share_note(principal, taylor["id"], note_id, party)
    entry_id = await time_entries.add_time_entry(
        principal, taylor["id"], {"service_date": "2025-03-04", "minutes": "30", "activity": "research"}
    )
    attachment = await NoteAttachment.select(NoteAttachment.id).where(NoteAttachment.note == note_id).first()
    return {
        "note": note_id,
        "share": share_id,
        "entry": entry_id,
        "attachment": attachment["id"],
        "party": party,
        "jordan": jordan["id"],
    }


def _gets(ids: dict[str, int], client_id: Any) -> list[str]:
    notes_base = f"/clients/{client_id}/notes"
    note = f"{notes_base}/{ids['note']}"
    return [
        notes_base,
        f"{notes_base}?q=call",
        f"{notes_base}/new",
        note,
        f"{note}/edit",
        f"{note}/shares/{ids['share']}",
        f"{note}/attachments/{ids['attachment']}",
        f"/clients/{client_id}/time",
        f"/clients/{client_id}/time/{ids['entry']}/edit",
    ]


def _posts(ids: dict[str, int], client_id: Any) -> list[tuple[str, dict[str, Any]]]:
    notes_base = f"/clients/{client_id}/notes"
    note = f"{notes_base}/{ids['note']}"
    entry = {"service_date": "2025-03-04", "minutes": "5", "activity": "research"}
    return [
        (notes_base, NOTE_FORM),
        (f"{note}/edit", {**NOTE_FORM, "subject": "Taken over"}),
        (f"{note}/sign", {}),
        (f"{note}/addenda", {"body": "Casey was here"}),
        (f"{note}/shares", {"party": str(ids["party"])}),
        (f"/clients/{client_id}/time", entry),
        (f"/clients/{client_id}/time/{ids['entry']}/edit", entry),
        (f"/clients/{client_id}/time/{ids['entry']}/delete", {}),
    ]


async def test_casey_gets_404_for_every_note_and_time_route_of_morgans_client(
    client: Any, casey: dict[str, Any], taylor: dict[str, Any], taylors_records: dict[str, int]
) -> None:
    await client.login_as(casey)
    for path in _gets(taylors_records, taylor["id"]):
        hidden = await client.get(path)
        missing = await client.get(path.replace(f"/clients/{taylor['id']}/", "/clients/999999/"))
        assert hidden.status_code == missing.status_code == 404, path
        assert "Taylor" not in hidden.text and "Dana thinks" not in hidden.text, path
    for path, data in _posts(taylors_records, taylor["id"]):
        assert (await client.post(path, data=data)).status_code == 404, path

    assert await Note.count().where(Note.client == taylor["id"]) == 1
    assert (await Note.select(Note.subject).first())["subject"] == NOTE_FORM["subject"]
    assert await NoteAddendum.count() == 0 and await NoteShare.count() == 1
    assert await TimeEntry.count().where(TimeEntry.client == taylor["id"]) == 2


async def test_taylors_note_ids_lead_nowhere_through_jordans_pages(
    client: Any, casey: dict[str, Any], taylors_records: dict[str, int]
) -> None:
    await client.login_as(casey)
    for path in _gets(taylors_records, taylors_records["jordan"])[3:]:
        if path.endswith(("/notes/new", "/time")):
            continue
        assert (await client.get(path)).status_code == 404, path
    for path, data in _posts(taylors_records, taylors_records["jordan"])[1:]:
        if path.endswith("/time"):
            continue
        assert (await client.post(path, data=data)).status_code == 404, path
    assert await NoteAddendum.count() == 0


async def test_the_services_refuse_casey_for_morgans_client(
    casey: dict[str, Any], taylor: dict[str, Any], taylors_records: dict[str, int]
) -> None:
    principal = acting(casey)
    calls = [
        note_search.search_notes(principal, taylor["id"]),
        notes.get_note(principal, taylor["id"], taylors_records["note"]),
        notes.create_note(principal, taylor["id"], NOTE_FORM),
        notes.add_addendum(principal, taylor["id"], taylors_records["note"], "x"),
        note_sharing.share_note(principal, taylor["id"], taylors_records["note"], taylors_records["party"]),
        time_entries.list_time_entries(principal, taylor["id"]),
        time_entries.delete_time_entry(principal, taylor["id"], taylors_records["entry"]),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            await call


@pytest.mark.parametrize("email", ["bea@example.com", "pat@example.com"])
async def test_billing_and_families_see_no_notes_or_time(
    client: Any, email: str, jordan: dict[str, Any], casey: dict[str, Any]
) -> None:
    note_id = await signed_note(casey, jordan)
    await client.login(email)
    for path in (
        f"/clients/{jordan['id']}/notes",
        f"/clients/{jordan['id']}/notes/{note_id}",
        f"/clients/{jordan['id']}/time",
    ):
        response = await client.get(path)
        assert response.status_code in {403, 404}, path
        assert "Dana thinks" not in response.text


async def test_the_owner_sees_every_clients_notes(
    client: Any, olivia: dict[str, Any], taylor: dict[str, Any], taylors_records: dict[str, int]
) -> None:
    await client.login_as(olivia)
    page = await client.get(f"/clients/{taylor['id']}/notes/{taylors_records['note']}")
    assert page.status_code == 200 and "Dana thinks" in page.text
