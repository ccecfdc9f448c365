"""The staff's Family tab: each relative with relationship, contact, legal authority, payer flag, account state and
access; what the consent gate lets each of them see, before anything is published; editing a relative."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.cases import clients
from portal.cases.tables import Disclosure
from portal.families import relatives
from tests.families.conftest import family_release, grant, relative_of
from tests.families.family_data import acting, events, relative_row


async def test_the_family_tab_lists_relatives_with_their_account_and_access(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await clients.add_relative(
        acting(casey), jordan["id"], {"name": "Alex Rivera", "relationship": "sibling", "phone": "+1 973 555 0101"}
    )
    await client.login_as(casey)
    response = await client.get(f"/clients/{jordan['id']}/family")
    assert response.status_code == 200
    html = response.text
    assert 'aria-current="page">Family</a>' in html
    for text in ("Pat Rivera", "Sam Rivera", "Alex Rivera", "Parent", "Sibling", "Payer", "pat@example.com"):
        assert text in html
    assert "+1 973 555 0101" in html
    assert "Not invited" in html and "Invite to the portal" not in html  # Alex has no e-mail address yet
    assert "Add an e-mail address to invite them." in html
    assert "Suspended: Sam Rivera sees nothing of this client and is not told so." in html
    assert "Pat Rivera sees updates, messages, documents, the placement timeline and invoices and superbills." in html


async def test_the_preview_says_who_the_consent_gate_holds_back_and_why(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    pat = await relative_of(jordan["id"], "pat@example.com")
    sam = await relative_of(jordan["id"], "sam@example.com")
    await grant(pat["id"])  # every part, but a release covering family communication only
    await grant(sam["id"], sees_timeline=False, sees_billing=False)  # no release names Sam
    await family_release(jordan["id"], pat["id"], ["family_communication"])
    disclosures_before = await Disclosure.count()

    members = {m.name: m for m in await relatives.family_of(acting(casey), jordan["id"])}

    assert [n.text for n in members["Sam Rivera"].notes] == [
        "No release names Sam Rivera: updates, messages and documents will not reach Sam Rivera."
    ]
    assert [n.text for n in members["Pat Rivera"].notes] == [
        "Pat Rivera sees updates, messages and documents.",
        "The release naming Pat Rivera does not cover placements: the placement timeline will not reach Pat Rivera.",
        "The release naming Pat Rivera does not cover billing: invoices and superbills will not reach Pat Rivera.",
    ]
    assert members["Pat Rivera"].allowed_parts == ["updates", "messages", "documents"]
    assert members["Sam Rivera"].allowed_parts == []
    # A preview, not a disclosure: nothing is recorded.
    assert await Disclosure.count() == disclosures_before


async def test_a_revoked_release_is_named_as_the_reason(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    from portal.cases import consents
    from portal.policy import Principal

    pat = await relative_of(jordan["id"], "pat@example.com")
    await grant(pat["id"], sees_updates=True, sees_messages=False, sees_documents=False, sees_timeline=False,
                sees_billing=False)  # fmt: skip
    consent_id = await family_release(jordan["id"], pat["id"], ["family_communication"])
    await consents.revoke_consent(Principal.system("tests"), jordan["id"], consent_id)
    member = await relatives.member_of(acting(casey), jordan["id"], pat["id"])
    assert [n.text for n in member.notes] == [
        "The release naming Pat Rivera was revoked: updates will not reach Pat Rivera."
    ]


async def test_a_guardian_of_a_minor_needs_no_release(casey: dict[str, Any]) -> None:
    minor = await clients.create_client(
        acting(casey), {"legal_name": "Quinn Avery", "date_of_birth": date(2012, 5, 1), "status": "active"}
    )
    guardian = await clients.add_relative(
        acting(casey),
        minor,
        {"name": "Morgan Avery", "email": "m.avery@example.com", "relationship": "parent",
         "legal_authority": "guardian_of_minor", "is_payer": "on"},
    )  # fmt: skip
    aunt = await clients.add_relative(
        acting(casey), minor, {"name": "Jo Avery", "email": "jo.avery@example.com", "relationship": "other"}
    )
    members = {m.id: m for m in await relatives.family_of(acting(casey), minor)}
    assert [n.text for n in members[guardian].notes] == [
        "As guardian of a minor, Morgan Avery needs no release.",
        "Morgan Avery sees updates, messages, documents and invoices and superbills.",
    ]
    # Anyone else still needs the client's release, minor or not.
    assert members[aunt].notes[0].text.startswith("No release of information is on file for this client")


async def test_editing_a_relative_changes_the_case_record_and_is_audited(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    sam = jordan_family["sam"]
    await client.login_as(casey)
    page = await client.get(f"/clients/{jordan['id']}/family/relatives/{sam['id']}/edit")
    assert page.status_code == 200 and 'value="Sam Rivera"' in page.text
    response = await client.post(
        f"/clients/{jordan['id']}/family/relatives/{sam['id']}/edit",
        data={"name": "Sam Rivera-Lopez", "relationship": "parent", "legal_authority": "health_care_proxy",
              "email": "sam@example.com", "phone": "(973) 555-0199"},
    )  # fmt: skip
    assert response.status_code == 303
    row = await relative_row(sam["id"])
    assert (row["name"], row["legal_authority"], row["phone"]) == (
        "Sam Rivera-Lopez",
        "health_care_proxy",
        "(973) 555-0199",
    )
    [event] = await events("relative.update")
    assert event["client_id"] == jordan["id"]
    assert "Sam" not in event["detail"] and "legal_authority" in event["detail"]
