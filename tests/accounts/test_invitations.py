"""Invitations and password resets by e-mailed link, delivered through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from typing import Any

from portal.accounts.tables import User, UserSession
from portal.mail import services as mail
from portal.mail.tables import OutboxMessage
from tests.support.http import links_in
from tests.support.smtp import RecordingSmtpServer

NEW_PASSWORD = "a brand new river stone 77"


async def deliver_to(smtp_server: RecordingSmtpServer, settings_override: Any, count: int) -> list[Any]:
    settings_override(smtp_url=smtp_server.url)
    report = await mail.deliver_due()
    assert report.sent >= count, report
    return smtp_server.wait_for(count)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


async def test_an_invited_person_follows_the_emailed_link_sets_a_password_and_signs_in(
    client: Any,
    other_client: Any,
    olivia: dict[str, Any],
    smtp_server: RecordingSmtpServer,
    settings_override: Any,
) -> None:
    await client.login_as(olivia)
    response = await client.post(
        "/users", data={"name": "Riley Quinn", "email": "riley@example.com", "role": "case_manager"}
    )
    assert response.status_code == 303

    [message] = await deliver_to(smtp_server, settings_override, 1)
    assert message["To"] == "riley@example.com"
    body = RecordingSmtpServer.text_of(message)
    [link] = links_in(body)
    assert "/invitations/" in link
    assert "72 hours" in body

    page = await other_client.get(path_of(link))
    assert page.status_code == 200 and "Choose a password" in page.text
    accepted = await other_client.post(path_of(link), data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert accepted.status_code == 303
    assert (await other_client.login("riley@example.com", NEW_PASSWORD)).status_code == 200
    me = (await other_client.get("/api/v1/me")).json()
    assert (me["email"], me["role"], me["name"]) == ("riley@example.com", "case_manager", "Riley Quinn")

    # The link works once.
    again = await other_client.post(path_of(link), data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert again.status_code == 400
    assert "expired or was already used" in again.text


async def test_an_invitation_expires_after_72_hours(
    client: Any, other_client: Any, olivia: dict[str, Any], clock: Any
) -> None:
    from portal.accounts import services
    from portal.policy import Principal, Role

    system = Principal.system("test")
    await services.invite_user(system, email="late@example.com", name="Late Person", role=Role.BILLING)
    row = (
        await OutboxMessage.select(OutboxMessage.body_text)
        .where(OutboxMessage.to_address == "late@example.com")
        .first()
    )
    [link] = links_in(row["body_text"])
    clock.advance(hours=72, seconds=1)
    page = await other_client.get(path_of(link))
    assert "This invitation has expired or was already used" in page.text
    refused = await other_client.post(path_of(link), data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert refused.status_code == 400
    user = await User.select(User.password_hash).where(User.email == "late@example.com").first()
    assert user["password_hash"] is None


async def test_a_resent_invitation_replaces_the_old_link(
    client: Any, other_client: Any, olivia: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    await client.post("/users", data={"name": "Riley Quinn", "email": "riley@example.com", "role": "billing"})
    riley = await User.select(User.id).where(User.email == "riley@example.com").first()
    await client.post(f"/users/{riley['id']}/resend-invitation", data={})
    bodies = await OutboxMessage.select(OutboxMessage.body_text).where(OutboxMessage.to_address == "riley@example.com")
    old_link, new_link = (links_in(b["body_text"])[0] for b in bodies)
    assert "expired or was already used" in (await other_client.get(path_of(old_link))).text
    assert "Choose a password" in (await other_client.get(path_of(new_link))).text


async def test_password_reset_by_emailed_link(
    client: Any, pat: dict[str, Any], smtp_server: RecordingSmtpServer, settings_override: Any
) -> None:
    await client.login_as(pat)
    signed_in_elsewhere = client.cookies["portal_session"]
    response = await client.post("/password/forgot", data={"email": "pat@example.com"})
    assert response.status_code == 303
    [message] = await deliver_to(smtp_server, settings_override, 1)
    [link] = links_in(RecordingSmtpServer.text_of(message))
    reset = await client.post(path_of(link), data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert reset.status_code == 303
    # A reset ends every session (someone else may have had the old password).
    assert await UserSession.count().where(UserSession.user == pat["id"]) == 0
    client.cookies.set("portal_session", signed_in_elsewhere, domain="testserver")
    assert (await client.get("/api/v1/me")).status_code == 401
    assert (await client.login("pat@example.com", NEW_PASSWORD)).status_code == 200


async def test_reset_does_not_reveal_whether_an_address_has_an_account(client: Any) -> None:
    known = await client.post("/password/forgot", data={"email": "pat@example.com"})
    unknown = await client.post("/password/forgot", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    followed_known = await client.get(known.headers["location"])
    assert "If that address has an account" in followed_known.text
    api_known = await client.post("/api/v1/auth/password-reset", json={"email": "pat@example.com"})
    api_unknown = await client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.com"})
    assert api_known.status_code == api_unknown.status_code == 202
    assert api_known.json() == api_unknown.json()
    assert await OutboxMessage.count().where(OutboxMessage.to_address == "nobody@example.com") == 0


async def test_reset_links_expire_after_an_hour_and_work_once(client: Any, clock: Any) -> None:
    await client.post("/password/forgot", data={"email": "pat@example.com"})
    row = (
        await OutboxMessage.select(OutboxMessage.body_text).where(OutboxMessage.to_address == "pat@example.com").first()
    )
    [link] = links_in(row["body_text"])
    clock.advance(hours=1, seconds=1)
    page = await client.get(path_of(link))
    assert "expired or was already used" in page.text


async def test_emails_carry_only_a_link_and_no_client_information(client: Any, olivia: dict[str, Any]) -> None:
    await client.login_as(olivia)
    await client.post("/users", data={"name": "Riley Quinn", "email": "riley@example.com", "role": "billing"})
    row = await OutboxMessage.select().where(OutboxMessage.to_address == "riley@example.com").first()
    assert "Riley" not in row["body_text"]  # not even the recipient's own name
    assert len(links_in(row["body_text"])) == 1


async def test_a_weak_password_is_refused_on_the_invitation_page(client: Any, other_client: Any) -> None:
    from portal.accounts import services
    from portal.policy import Principal, Role

    await services.invite_user(Principal.system("test"), email="weak@example.com", name="Weak", role=Role.BILLING)
    row = (
        await OutboxMessage.select(OutboxMessage.body_text)
        .where(OutboxMessage.to_address == "weak@example.com")
        .first()
    )
    [link] = links_in(row["body_text"])
    short = await other_client.post(path_of(link), data={"password": "short", "password_confirm": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.text
    common = await other_client.post(
        path_of(link), data={"password": "qwerty123456", "password_confirm": "qwerty123456"}
    )
    assert common.status_code == 400 and "commonly used" in common.text
    mismatch = await other_client.post(path_of(link), data={"password": NEW_PASSWORD, "password_confirm": "other"})
    assert mismatch.status_code == 400 and "do not match" in mismatch.text
