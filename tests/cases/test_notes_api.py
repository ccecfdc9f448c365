"""Notes through the JSON API: drafts with the people involved and their time, filters, changing a draft,
signing, addenda, and sharing through the consent gate (a refusal is a 403 with the gate's reason code)."""

from __future__ import annotations

from typing import Any

from portal.audit.tables import AuditEvent
from portal.cases.tables import Client, Disclosure, Note, NoteShare, TimeEntry
from tests.cases.notes_support import acting, dana_id, record_release, relative_id, signed_note

NOTE_JSON: dict[str, Any] = {
    "kind": "call",
    "occurred_at": "2025-03-10T14:30",
    "minutes": 25,
    "billable": True,
    "activity": "care_coordination",
    "subject": "Call with Dana about discharge planning",
    "body": "Dana thinks Jordan is ready for PHP.\n\nWe agreed to talk again next week.",
}


def notes_url(client: dict[str, Any]) -> str:
    return f"/api/v1/clients/{client['id']}/notes"


async def test_casey_writes_a_draft_with_the_people_involved_and_its_time(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    dana, pat = await dana_id(jordan), await relative_id(jordan, "Pat Rivera")
    await client.login_as(casey)
    parties = [{"kind": "party", "id": dana}, {"kind": "relative", "id": pat}]

    response = await client.post(notes_url(jordan), json={**NOTE_JSON, "parties": parties})

    assert response.status_code == 201, response.text
    note = response.json()
    # 14:30 in New York on 10 March 2025 (daylight time since the 9th) is 18:30 UTC.
    assert note["occurred_at"] == "2025-03-10T18:30:00Z"
    assert (note["is_draft"], note["signed_at"], note["editable"], note["is_part2"]) == (True, None, True, False)
    assert note["author"]["name"] == "Casey Morales" and note["client_id"] == jordan["id"]
    assert [(p["kind"], p["id"], p["name"]) for p in note["parties"]] == [
        ("party", dana, "Dana Reyes"),
        ("relative", pat, "Pat Rivera"),
    ]
    assert note["body_html"] == "<p>Dana thinks Jordan is ready for PHP.</p><p>We agreed to talk again next week.</p>"
    entry = await TimeEntry.select().where(TimeEntry.note == note["id"]).first()
    assert entry is not None and note["time_entry_id"] == entry["id"]
    assert (entry["minutes"], entry["service_date"].isoformat()) == (25, "2025-03-10")
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "note.create") & (AuditEvent.client_id == jordan["id"])
    )

    got = await client.get(f"{notes_url(jordan)}/{note['id']}")
    assert got.status_code == 200 and got.json() == note


async def test_a_time_with_an_offset_and_the_clients_part2_flag(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await Client.update({Client.has_part2_records: True}).where(Client.id == jordan["id"])
    await client.login_as(casey)
    body = {**NOTE_JSON, "occurred_at": "2025-03-10T14:30+01:00", "billable": False, "minutes": 0}

    note = (await client.post(notes_url(jordan), json=body)).json()
    explicit = (await client.post(notes_url(jordan), json={**body, "is_part2": False})).json()

    assert note["occurred_at"] == "2025-03-10T13:30:00Z"
    assert note["is_part2"] is True and explicit["is_part2"] is False
    assert note["time_entry_id"] is None


async def test_invalid_notes_are_refused_naming_each_field(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    await client.login_as(casey)
    bad = {
        **NOTE_JSON,
        "kind": "letter",
        "activity": "",
        "occurred_at": "next tuesday",
        "parties": [{"kind": "party", "id": 999}],
    }
    response = await client.post(notes_url(jordan), json=bad)
    assert response.status_code == 400
    extra = response.json()["extra"]
    assert set(extra) == {"kind", "activity", "occurred_at", "parties"}
    assert extra["occurred_at"] == "Date and time: use a date and time like 2026-11-20T14:30."

    wrong_shape = await client.post(notes_url(jordan), json={**NOTE_JSON, "parties": ["party:1"]})
    assert wrong_shape.status_code == 400 and "parties" in wrong_shape.text
    assert await Note.count() == 0


async def test_the_list_filters_by_kind_person_dates_and_text(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    dana = await dana_id(jordan)
    await client.login_as(casey)
    for body in (
        {**NOTE_JSON, "parties": [{"kind": "party", "id": dana}]},
        {**NOTE_JSON, "kind": "email", "occurred_at": "2025-02-01T09:00", "subject": "Insurance forms"},
        {**NOTE_JSON, "kind": "meeting", "occurred_at": "2025-03-11T23:30", "subject": "Late family meeting"},
    ):
        assert (await client.post(notes_url(jordan), json=body)).status_code == 201

    async def subjects(query: str) -> list[str]:
        response = await client.get(f"{notes_url(jordan)}?{query}")
        assert response.status_code == 200, response.text
        return [item["subject"] for item in response.json()["items"]]

    assert await subjects("") == ["Late family meeting", NOTE_JSON["subject"], "Insurance forms"]
    assert await subjects("kind=email") == ["Insurance forms"]
    assert await subjects(f"party=party:{dana}") == [NOTE_JSON["subject"]]
    # 23:30 on the 11th in New York is already the 12th in UTC: the day is the practice's.
    assert await subjects("since=2025-03-11&until=2025-03-11") == ["Late family meeting"]
    assert await subjects("until=2025-03-01") == ["Insurance forms"]
    assert await subjects("q=INSURANCE") == ["Insurance forms"]
    listed = (await client.get(notes_url(jordan))).json()["items"][1]
    assert listed["excerpt"].startswith("Dana thinks") and listed["parties"][0]["name"] == "Dana Reyes"


async def test_patch_changes_only_the_fields_sent_and_keeps_the_time_entry_in_step(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    dana = await dana_id(jordan)
    await client.login_as(casey)
    created = (
        await client.post(notes_url(jordan), json={**NOTE_JSON, "parties": [{"kind": "party", "id": dana}]})
    ).json()
    url = f"{notes_url(jordan)}/{created['id']}"

    patched = await client.request("PATCH", url, json={"minutes": 40, "subject": "Longer call"})

    assert patched.status_code == 200, patched.text
    note = patched.json()
    assert (note["minutes"], note["subject"]) == (40, "Longer call")
    for kept in ("kind", "occurred_at", "billable", "activity", "body_html", "parties", "is_part2"):
        assert note[kept] == created[kept], kept
    entry = await TimeEntry.select(TimeEntry.minutes).where(TimeEntry.note == created["id"]).first()
    assert entry == {"minutes": 40}

    unbilled = (await client.request("PATCH", url, json={"billable": False})).json()
    assert unbilled["time_entry_id"] is None and unbilled["minutes"] == 40
    refused = await client.request("PATCH", url, json={"minutes": 2000})
    assert refused.status_code == 400 and refused.json()["extra"] == {"minutes": "Minutes must be at most 1440."}


async def test_only_the_author_changes_a_draft(
    client: Any, casey: dict[str, Any], olivia: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    note = (await client.post(notes_url(jordan), json=NOTE_JSON)).json()
    await client.logout()
    await client.login_as(olivia)
    url = f"{notes_url(jordan)}/{note['id']}"

    assert (await client.get(url)).json()["editable"] is False
    assert (await client.request("PATCH", url, json={"subject": "Owner's words"})).status_code == 403
    assert (await client.post(f"{url}/sign")).status_code == 403


async def test_a_signed_note_never_changes_corrections_are_addenda(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    note = (await client.post(notes_url(jordan), json=NOTE_JSON)).json()
    url = f"{notes_url(jordan)}/{note['id']}"
    early = await client.post(f"{url}/addenda", json={"body": "Too soon"})
    assert early.status_code == 409

    signed = await client.post(f"{url}/sign")
    assert signed.status_code == 200, signed.text
    assert signed.json()["is_draft"] is False and signed.json()["signed_at"] is not None

    patched = await client.request("PATCH", url, json={"subject": "Rewritten"})
    assert patched.status_code == 409
    assert "signed" in patched.json()["detail"]
    assert (await client.post(f"{url}/sign")).status_code == 409

    added = await client.post(
        f"{url}/addenda", json={"body": "<p>Dana called back: PHP starts <b>Monday</b>.<script>alert(1)</script></p>"}
    )
    assert added.status_code == 201, added.text
    addendum = added.json()
    assert addendum["author"]["name"] == "Casey Morales"
    assert addendum["body_html"] == "<p>Dana called back: PHP starts <b>Monday</b>.</p>"
    empty = await client.post(f"{url}/addenda", json={"body": "  "})
    assert empty.status_code == 400 and "body" in empty.json()["extra"]

    final = (await client.get(url)).json()
    assert final["subject"] == NOTE_JSON["subject"]
    assert [a["id"] for a in final["addenda"]] == [addendum["id"]]


async def test_sharing_is_refused_with_the_gates_reason_until_a_release_names_the_party(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    from portal.cases import consents

    note_id = await signed_note(casey, jordan)
    dana = await dana_id(jordan)
    await client.login_as(casey)
    url = f"{notes_url(jordan)}/{note_id}/shares"

    no_release = await client.post(url, json={"party_id": dana})
    assert no_release.status_code == 403
    assert no_release.json()["extra"] == {"reason": "no_consent"}

    await consents.record_consent(
        acting(casey),
        jordan["id"],
        {
            "recipient_type": "relative",
            "recipient_relative": str(await relative_id(jordan, "Pat Rivera")),
            "categories": ["coordination_notes"],
            "purposes": ["family_involvement"],
            "effective_on": "2025-01-01",
            "expires_on": "2099-12-31",
            "signed_by_name": "Jordan Rivera",
            "signed_on": "2025-01-01",
            "esignature_name": "Jordan Rivera",
        },
    )
    not_named = await client.post(url, json={"party_id": dana})
    assert not_named.status_code == 403
    assert not_named.json()["detail"] == "No release names this recipient."
    assert not_named.json()["extra"] == {"reason": "recipient_not_named"}
    assert await NoteShare.count() == 0 and await Disclosure.count() == 0

    await record_release(casey, jordan, dana)
    shared = await client.post(url, json={"party_id": dana})

    assert shared.status_code == 201, shared.text
    share = shared.json()
    assert (share["party_id"], share["party_name"], share["shared_by_name"]) == (dana, "Dana Reyes", "Casey Morales")
    disclosure = await Disclosure.select().where(Disclosure.id == share["disclosure_id"]).first()
    assert disclosure is not None and disclosure["client"] == jordan["id"]
    note = (await client.get(f"{notes_url(jordan)}/{note_id}")).json()
    assert note["shared"] is True and [s["id"] for s in note["shares"]] == [share["id"]]


async def test_sharing_a_draft_or_with_someone_off_the_care_team_is_refused(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    draft = (await client.post(notes_url(jordan), json=NOTE_JSON)).json()
    dana = await dana_id(jordan)
    assert (await client.post(f"{notes_url(jordan)}/{draft['id']}/shares", json={"party_id": dana})).status_code == 409

    note_id = await signed_note(casey, jordan)
    stranger = await client.post(f"{notes_url(jordan)}/{note_id}/shares", json={"party_id": 424242})
    assert stranger.status_code == 400
    assert stranger.json()["extra"] == {"party_id": "Choose someone on this client's current care team."}
