"""Script and HTML payloads in every free-text field of notes and time render as text or are sanitised away,
on every page that shows them."""

from __future__ import annotations

from typing import Any

from portal.cases import note_sharing, notes, time_entries
from portal.cases.tables import Note, NoteAddendum
from tests.cases.notes_support import NOTE_FORM, acting, dana_id, record_release

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
# What must never reach a page: a live element (escaped text such as &lt;script&gt; is fine).
LIVE = ["<script>alert(1)", "<img src=x", "onerror=alert(1)>"]


def assert_inert(html: str, where: str) -> None:
    for fragment in LIVE:
        assert fragment not in html, f"{fragment!r} is live on {where}"


async def test_payloads_in_subject_body_addendum_and_time_are_inert_everywhere(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    principal = acting(casey)
    dana = await dana_id(jordan)
    # The body both as typed text (escaped) and as HTML (sanitised), the addendum likewise.
    note_id = await notes.create_note(
        principal,
        jordan["id"],
        {**NOTE_FORM, "subject": f"Call {PAYLOAD}", "body": f"Plain text {PAYLOAD}", "parties": f"party:{dana}"},
    )
    html_note = await notes.create_note(
        principal,
        jordan["id"],
        {
            **NOTE_FORM,
            "subject": PAYLOAD,
            "body": f"<p>Rich <b>text</b></p>{PAYLOAD}<a href='javascript:alert(1)'>x</a>",
        },
    )
    await notes.sign_note(principal, jordan["id"], note_id)
    await notes.add_addendum(principal, jordan["id"], note_id, f"Typed {PAYLOAD}")
    await notes.add_addendum(principal, jordan["id"], note_id, f"<p>Pasted</p>{PAYLOAD}")
    await record_release(casey, jordan, dana)
    share_id = await note_sharing.share_note(principal, jordan["id"], note_id, dana)
    entry_id = await time_entries.add_time_entry(
        principal,
        jordan["id"],
        {"service_date": "2025-03-04", "minutes": "30", "activity": "travel", "description": f"Drive {PAYLOAD}"},
    )

    stored = await Note.select(Note.body_html).where(Note.id == html_note).first()
    assert stored["body_html"] == '<p>Rich <b>text</b></p>"&gt;<a rel="noopener noreferrer nofollow">x</a>'
    addenda = [row["body_html"] for row in await NoteAddendum.select(NoteAddendum.body_html)]
    assert len(addenda) == 2 and all("<script" not in body and "<img" not in body for body in addenda)

    await client.login_as(casey)
    base = f"/clients/{jordan['id']}"
    pages = [
        base,
        f"{base}/notes",
        f"{base}/notes?q=call",
        f"{base}/notes/{note_id}",
        f"{base}/notes/{html_note}",
        f"{base}/notes/{html_note}/edit",
        f"{base}/notes/{note_id}/shares/{share_id}",
        f"{base}/time",
        f"{base}/time/{entry_id}/edit",
        f"{base}/disclosures",
    ]
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text, path)

    note_page = (await client.get(f"{base}/notes/{note_id}")).text
    assert "Call &lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in note_page
    assert "Plain text &lt;script&gt;alert(1)&lt;/script&gt;" in note_page
    assert "Typed &lt;script&gt;alert(1)&lt;/script&gt;" in note_page
    time_page = (await client.get(f"{base}/time")).text
    assert "Drive &lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in time_page


async def test_payloads_sent_back_with_a_form_error_stay_inert(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}"
    bad_note = await client.post(
        f"{base}/notes", data={**NOTE_FORM, "minutes": "abc", "subject": PAYLOAD, "body": PAYLOAD}
    )
    assert bad_note.status_code == 400
    assert_inert(bad_note.text, "the note form")
    bad_time = await client.post(
        f"{base}/time", data={"service_date": "yesterday", "minutes": "5", "activity": "travel", "description": IMG}
    )
    assert bad_time.status_code == 400
    assert_inert(bad_time.text, "the time form")
    bad_filter = await client.get(f"{base}/notes", params={"q": PAYLOAD, "kind": IMG})
    assert bad_filter.status_code == 400
    assert_inert(bad_filter.text, "the filter form")
