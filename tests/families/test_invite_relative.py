"""Inviting a relative: a new family account, an invitation e-mail that says nothing about the client, the default
grant (updates, messages, documents; timeline off; billing only for the payer), and resending the invitation."""

from __future__ import annotations

from typing import Any

from portal.accounts.tables import User
from tests.families.family_data import events, grant_of, outbox_for, relative_row
from tests.support.http import links_in


async def add_and_invite(client: Any, jordan: dict[str, Any], **fields: str) -> Any:
    data = {"name": "Alex Rivera", "relationship": "sibling", "legal_authority": "none",
            "email": "alex.rivera@example.net", "invite": "on", **fields}  # fmt: skip
    return await client.post(f"/clients/{jordan['id']}/family/relatives", data=data)


async def test_inviting_a_new_relative_sends_an_invitation_with_nothing_about_the_client(
    client: Any, other_client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await add_and_invite(client, jordan)
    assert response.status_code == 303

    [message] = await outbox_for("alex.rivera@example.net")
    assert message["subject"] == "Your invitation to the Harbor Case Management portal"
    for forbidden in ("Jordan", "Rivera", "Alex", "Pine", "sibling", "placement", "F10"):
        assert forbidden not in message["subject"] and forbidden not in message["body_text"]

    user = await User.select().where(User.email == "alex.rivera@example.net").first()
    assert user is not None and user["role"] == "family" and user["password_hash"] is None
    relative = await _relative_by_email(jordan["id"], "alex.rivera@example.net")
    assert relative["user"] == user["id"]
    grant = await grant_of(relative["id"])
    assert grant is not None and grant["state"] == "active"
    assert (grant["sees_updates"], grant["sees_messages"], grant["sees_documents"]) == (True, True, True)
    assert (grant["sees_timeline"], grant["sees_billing"]) == (False, False)

    page = (await client.get(f"/clients/{jordan['id']}/family")).text
    assert "Invited, not signed in yet" in page and "Resend invitation" in page

    # The link in the e-mail lets Alex choose a password and sign in to an (as yet) empty dashboard.
    [link] = [u for u in links_in(message["body_text"]) if "/invitations/" in u]
    accepted = await other_client.post(
        link.replace("http://testserver", ""),
        data={"password": "a long family passphrase 77", "password_confirm": "a long family passphrase 77"},
    )
    assert accepted.status_code in (200, 303)
    await other_client.login("alex.rivera@example.net", "a long family passphrase 77")
    dashboard = await other_client.get("/family")
    assert dashboard.status_code == 200 and "Jordan" in dashboard.text


async def test_the_payer_gets_billing_by_default(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    await add_and_invite(client, jordan, is_payer="on")
    relative = await _relative_by_email(jordan["id"], "alex.rivera@example.net")
    grant = await grant_of(relative["id"])
    assert grant is not None and grant["sees_billing"] is True and grant["sees_timeline"] is False
    [change] = await events("family.grant.change")
    assert '"created":true' in change["detail"].replace(" ", "")
    [invite] = await events("family.relative.invite")
    assert invite["client_id"] == jordan["id"] and "Alex" not in invite["detail"]


async def test_resending_an_invitation_sends_a_new_link(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    await add_and_invite(client, jordan)
    relative = await _relative_by_email(jordan["id"], "alex.rivera@example.net")
    response = await client.post(f"/clients/{jordan['id']}/family/relatives/{relative['id']}/resend", data={})
    assert response.status_code == 303
    assert len(await outbox_for("alex.rivera@example.net")) == 2


async def test_resending_to_someone_who_has_signed_in_is_refused(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(casey)
    pat = jordan_family["pat"]
    response = await client.post(f"/clients/{jordan['id']}/family/relatives/{pat['id']}/resend", data={})
    assert response.status_code == 303
    assert await outbox_for("pat@example.com") == []
    page = await client.get(response.headers["location"])
    assert "already set a password" in page.text


async def test_inviting_needs_an_email_address(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    response = await add_and_invite(client, jordan, email="")
    assert response.status_code == 400
    assert "Enter an e-mail address: the invitation is sent there." in response.text
    assert await _relative_by_email(jordan["id"], "", missing_ok=True) is None

    # Added without an invitation, then invited from the list once it has an address.
    response = await add_and_invite(client, jordan, email="", invite="")
    assert response.status_code == 303
    alex = await _relative_by_name(jordan["id"], "Alex Rivera")
    invited = await client.post(f"/clients/{jordan['id']}/family/relatives/{alex['id']}/invite", data={})
    assert invited.status_code == 303
    assert (await relative_row(alex["id"]))["user"] is None
    assert "Add the relative" in (await client.get(invited.headers["location"])).text


async def test_a_staff_address_cannot_be_a_relative_account(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await add_and_invite(client, jordan, email="morgan@example.com")
    assert response.status_code == 400
    assert "belongs to a staff account" in response.text
    assert await _relative_by_name(jordan["id"], "Alex Rivera", missing_ok=True) is None


async def _relative_by_email(client_id: int, email: str, *, missing_ok: bool = False) -> Any:
    from portal.cases.tables import Relative

    row = await Relative.select().where((Relative.client == client_id) & (Relative.email == email)).first()
    assert row is not None or missing_ok
    return row


async def _relative_by_name(client_id: int, name: str, *, missing_ok: bool = False) -> Any:
    from portal.cases.tables import Relative

    row = await Relative.select().where((Relative.client == client_id) & (Relative.name == name)).first()
    assert row is not None or missing_ok
    return row
