"""Messages from the practice are family communication: each relative passes the consent gate (a disclosure is
recorded per relative and message); a relative without a release is not added and the page says why; a reply is
not sent at all while someone in the thread has lost their release."""

from __future__ import annotations

from typing import Any

from portal.audit.tables import AuditEvent
from portal.cases import consents
from portal.cases.tables import Consent, Disclosure
from portal.families.tables import Message, Thread, ThreadParticipant
from portal.policy import Principal
from tests.families.conftest import grant
from tests.families.messages_support import add_active_relative, start_thread


async def alex_without_release(jordan: dict[str, Any]) -> int:
    from portal.cases import clients

    relative_id = await clients.add_relative(
        Principal.system("tests"),
        jordan["id"],
        {"name": "Alex Rivera", "email": "alex@example.com", "relationship": "sibling"},
    )
    await grant(relative_id)
    return relative_id


async def test_the_form_says_before_sending_who_cannot_receive_it_and_why(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await alex_without_release(jordan)
    await client.login_as(casey)
    page = (await client.get(f"/clients/{jordan['id']}/messages")).text
    assert "Release on file" in page  # Pat
    assert "No release names this recipient." in page  # Alex
    assert "Access is suspended." in page  # Sam: not even offered
    sam = jordan_family["sam"]["id"]
    assert f'name="participants" value="{sam}" disabled' in page


async def test_a_relative_without_a_release_is_not_added_and_the_page_says_why(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    alex = await alex_without_release(jordan)
    pat = jordan_family["pat"]["id"]
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/messages",
        data={"subject": "Family session", "body": "Thursday at 5.", "participants": [str(pat), str(alex)]},
    )
    assert response.status_code == 303
    thread = await Thread.select().first()
    assert response.headers["location"] == f"/clients/{jordan['id']}/messages/{thread['id']}#people"
    people = await ThreadParticipant.select(ThreadParticipant.relative).where(ThreadParticipant.thread == thread["id"])
    assert [p["relative"] for p in people] == [pat]
    message = await Message.select().first()
    disclosures = await Disclosure.select().where(Disclosure.resource_type == "family_message").output(load_json=True)
    assert [(d["recipient_relative"], d["resource_id"], d["categories"], d["purpose"]) for d in disclosures] == [
        (pat, str(message["id"]), ["family_communication"], "family_involvement")
    ]
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "disclosure.denied") & (AuditEvent.client_id == jordan["id"])
    )
    page = (await client.get(response.headers["location"])).text
    assert "Sent, but not to everyone you chose" in page
    assert "Alex Rivera — No release names this recipient." in page  # offered to add, disabled, with the reason


async def test_nobody_reachable_means_nothing_is_sent(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    alex = await alex_without_release(jordan)
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/messages",
        data={"subject": "Family session", "body": "Thursday at 5.", "participants": str(alex)},
    )
    assert response.status_code == 400
    assert "Nobody could be added, so nothing was sent. Alex Rivera: No release names this recipient." in response.text
    assert "Thursday at 5." in response.text
    assert await Thread.count() == 0 and await Message.count() == 0
    assert await AuditEvent.exists().where(AuditEvent.action == "family.message.refused")


async def test_a_reply_waits_until_everyone_in_the_thread_is_covered(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat = jordan_family["pat"]["id"]
    alex = await add_active_relative(jordan, "Alex Rivera", "alex@example.com")
    started = await start_thread(casey, jordan, [pat, alex])
    release = await Consent.select(Consent.id).where(Consent.recipient_relative == pat).first()
    await consents.revoke_consent(Principal.system("tests"), jordan["id"], release["id"], "Jordan asked")
    base = f"/clients/{jordan['id']}/messages/{started.thread_id}"
    await client.login_as(casey)

    refused = await client.post(f"{base}/messages", data={"body": "Discharge is on Friday."})
    assert refused.status_code == 403
    assert (
        "Not sent." in refused.text
        and "Pat Rivera</strong>: The release for this recipient was revoked." in refused.text
    )
    assert "Discharge is on Friday." in refused.text  # kept for another try
    assert await Message.count() == 1
    assert await Disclosure.count().where(Disclosure.resource_type == "family_message") == 2  # the first message

    assert (await client.post(f"{base}/participants/{pat}/remove", data={})).status_code == 303
    sent = await client.post(f"{base}/messages", data={"body": "Discharge is on Friday."})
    assert sent.status_code == 303
    latest = await Message.select().order_by(Message.id, ascending=False).first()
    disclosures = await Disclosure.select().where(
        (Disclosure.resource_type == "family_message") & (Disclosure.resource_id == str(latest["id"]))
    )
    assert [d["recipient_relative"] for d in disclosures] == [alex]


async def test_adding_someone_asks_the_gate_for_the_history(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    started = await start_thread(casey, jordan, [jordan_family["pat"]["id"]])
    alex = await alex_without_release(jordan)
    base = f"/clients/{jordan['id']}/messages/{started.thread_id}"
    await client.login_as(casey)

    refused = await client.post(f"{base}/participants", data={"relative": str(alex)})
    assert refused.status_code == 403 and "No release names this recipient." in refused.text
    assert await ThreadParticipant.count().where(ThreadParticipant.relative == alex) == 0

    from tests.families.conftest import family_release

    await family_release(jordan["id"], alex, ["family_communication"])
    added = await client.post(f"{base}/participants", data={"relative": str(alex)})
    assert added.status_code == 303
    assert await Disclosure.exists().where(
        (Disclosure.resource_type == "family_thread")
        & (Disclosure.resource_id == str(started.thread_id))
        & (Disclosure.recipient_relative == alex)
    )
