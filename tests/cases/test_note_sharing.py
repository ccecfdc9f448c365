"""Sharing a note with a care-team party goes through the consent gate: refused with the reason on the page
until a release covers it, then recorded as a disclosure with a copy for the recipient."""

from __future__ import annotations

from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.cases import note_sharing
from portal.cases.tables import Client, Disclosure, Note, NoteShare
from portal.errors import Conflict, Invalid
from tests.cases.notes_support import acting, dana_id, record_release, relative_id, signed_note, write_note

PART2_NOTICE = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


async def test_sharing_with_jordans_therapist_without_a_release_is_refused_with_the_reason(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    note_id = await signed_note(casey, jordan)
    dana = await dana_id(jordan)
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/notes/{note_id}"
    page = await client.get(base)
    assert "Share with Dana Reyes" in page.text and "No release" in page.text

    response = await client.post(f"{base}/shares", data={"party": str(dana)})

    assert response.status_code == 403
    assert "Not shared: There is no release of information on file for this client." in response.text
    release_link = f"/clients/{jordan['id']}/consents/new?party={dana}&amp;return_to={base}"
    assert release_link in response.text
    assert await NoteShare.count() == 0
    assert await Disclosure.count().where(Disclosure.client == jordan["id"]) == 0
    assert (await Note.select(Note.shared).where(Note.id == note_id).first())["shared"] is False
    denied = await AuditEvent.select(AuditEvent.resource_type, AuditEvent.resource_id, AuditEvent.detail).where(
        (AuditEvent.action == "disclosure.denied") & (AuditEvent.client_id == jordan["id"])
    )
    assert len(denied) == 1
    assert (denied[0]["resource_type"], denied[0]["resource_id"]) == ("note", str(note_id))
    assert "no_consent" in str(denied[0]["detail"])


async def test_a_release_for_someone_else_does_not_let_the_note_go_to_the_therapist(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    from portal.cases import consents

    note_id = await signed_note(casey, jordan)
    pat = await relative_id(jordan, "Pat Rivera")
    await consents.record_consent(
        acting(casey),
        jordan["id"],
        {
            "recipient_type": "relative",
            "recipient_relative": str(pat),
            "categories": ["coordination_notes"],
            "purposes": ["family_involvement"],
            "effective_on": "2025-01-01",
            "expires_on": "2099-12-31",
            "signed_by_name": "Jordan Rivera",
            "signed_on": "2025-01-01",
            "esignature_name": "Jordan Rivera",
        },
    )
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/notes/{note_id}"

    response = await client.post(f"{base}/shares", data={"party": str(await dana_id(jordan))})

    assert response.status_code == 403
    assert "Not shared: No release names this recipient." in response.text
    assert await NoteShare.count() == 0 and await Disclosure.count() == 0
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "disclosure.denied") & (AuditEvent.client_id == jordan["id"])
    )


async def test_after_a_release_is_recorded_the_share_succeeds_and_is_a_disclosure(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    note_id = await signed_note(casey, jordan)
    dana = await dana_id(jordan)
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/notes/{note_id}"
    assert (await client.post(f"{base}/shares", data={"party": str(dana)})).status_code == 403

    # The page's link leads to the release form with Dana chosen and the way back to the note.
    form = await client.get(f"/clients/{jordan['id']}/consents/new?party={dana}&return_to={base}")
    assert f'<option value="{dana}" selected>' in form.text
    consent_id = await record_release(casey, jordan, dana)
    assert "Release on file" in (await client.get(base)).text

    response = await client.post(f"{base}/shares", data={"party": str(dana)})

    assert response.status_code == 303
    share = await NoteShare.select().where(NoteShare.note == note_id).first()
    assert response.headers["location"] == f"{base}/shares/{share['id']}#copy"
    disclosure = await Disclosure.select().where(Disclosure.id == share["disclosure"]).first()
    assert disclosure["consent"] == consent_id and disclosure["recipient_party"] == dana
    assert disclosure["categories"] in (["coordination_notes"], '["coordination_notes"]')
    assert disclosure["purpose"] == "care_coordination" and disclosure["includes_part2"] is False
    assert (disclosure["resource_type"], disclosure["resource_id"]) == ("note", str(note_id))
    assert (await Note.select(Note.shared).where(Note.id == note_id).first())["shared"] is True

    copy = await client.get(response.headers["location"])
    assert copy.status_code == 200
    assert "Disclosed to Dana Reyes" in copy.text and "Dana thinks Jordan is ready for PHP." in copy.text
    assert PART2_NOTICE not in copy.text
    accounting = await client.get(f"/clients/{jordan['id']}/disclosures")
    assert "Dana Reyes" in accounting.text and "Coordination notes" in accounting.text
    assert f"Release #{consent_id}" in accounting.text
    note_page = await client.get(base)
    assert "Shared with" in note_page.text and "Disclosure copy" in note_page.text


async def test_a_part_2_note_shared_under_a_part_2_consent_carries_the_redisclosure_notice(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await Client.update({Client.has_part2_records: True}).where(Client.id == jordan["id"])
    note_id = await signed_note(casey, jordan)
    dana = await dana_id(jordan)
    await record_release(casey, jordan, dana, part2=True)

    share_id = await note_sharing.share_note(acting(casey), jordan["id"], note_id, dana)

    disclosure = await Disclosure.select().where(Disclosure.resource_id == str(note_id)).first()
    assert disclosure["includes_part2"] is True
    await client.login_as(casey)
    copy = await client.get(f"/clients/{jordan['id']}/notes/{note_id}/shares/{share_id}")
    assert PART2_NOTICE in copy.text
    assert "Disclosed under the authorization signed by Jordan Rivera" in copy.text
    assert "Substance use records" in copy.text


async def test_a_part_2_note_is_refused_under_a_release_that_is_not_a_part_2_consent(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    note_id = await signed_note(casey, jordan, is_part2="on")
    dana = await dana_id(jordan)
    await record_release(casey, jordan, dana)
    with pytest.raises(note_sharing.ShareRefused) as refused:
        await note_sharing.share_note(acting(casey), jordan["id"], note_id, dana)
    assert refused.value.reason == "category_not_covered"
    assert await NoteShare.count() == 0


async def test_a_draft_cannot_be_shared(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    note_id = await write_note(casey, jordan)
    dana = await dana_id(jordan)
    await record_release(casey, jordan, dana)
    with pytest.raises(Conflict, match="Sign the note before sharing it"):
        await note_sharing.share_note(acting(casey), jordan["id"], note_id, dana)
    await client.login_as(casey)
    response = await client.post(f"/clients/{jordan['id']}/notes/{note_id}/shares", data={"party": str(dana)})
    assert response.status_code == 409
    assert await Disclosure.count() == 0


async def test_only_parties_on_the_clients_current_care_team_can_receive_a_note(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    from portal.cases import care_team

    note_id = await signed_note(casey, jordan)
    stranger = await care_team.create_party(acting(casey), {"name": "Someone Else", "party_type": "therapist"})
    with pytest.raises(Invalid):
        await note_sharing.share_note(acting(casey), jordan["id"], note_id, stranger)
    await client.login_as(casey)
    for party in (str(stranger), "abc", "99999999999999999999"):
        response = await client.post(f"/clients/{jordan['id']}/notes/{note_id}/shares", data={"party": party})
        assert response.status_code == 400, party
        assert "Choose someone on this client&#39;s current care team." in response.text
    assert await Disclosure.count() == 0


async def test_without_the_providers_setting_a_treating_provider_gets_a_note_without_a_release(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    # HIPAA counts coordinating care between treating providers as treatment. With "a release is required for
    # providers too" turned off, a non-Part 2 note reaches the therapist without a release, recorded as such.
    from portal.core.tables import Practice

    await Practice.update({Practice.roi_required_for_providers: False}).where(Practice.id == 1)
    note_id = await signed_note(casey, jordan)
    await note_sharing.share_note(acting(casey), jordan["id"], note_id, await dana_id(jordan))
    [disclosure] = await Disclosure.select().where(Disclosure.client == jordan["id"])
    assert disclosure["basis"] == "hipaa_treatment" and disclosure["consent"] is None
