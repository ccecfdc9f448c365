"""Two-factor authentication: enrolment, the sign-in challenge, single-use codes, recovery codes, enforcement."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp

from portal.accounts.tables import User
from portal.core.tables import Practice
from tests.support.people import PASSWORD


async def enrol(client: Any) -> tuple[str, list[str]]:
    """Enrol the signed-in person through the pages; returns the TOTP key and the recovery codes."""
    page = await client.get("/account/mfa")
    assert page.status_code == 200
    assert "<svg" in page.text  # the QR code, inline
    key = re.search(r'id="mfa-secret">([A-Z2-7]+)<', page.text)
    assert key, "the manual key is shown"
    secret = key.group(1)
    response = await client.post("/account/mfa", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.text
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.text)
    return secret, codes


def next_code(secret: str) -> str:
    """The code of the next 30-second step: the current one was used by the step before."""
    return pyotp.TOTP(secret).at(time.time() + 30)


async def test_enrolment_shows_a_qr_code_and_key_and_gives_ten_recovery_codes(
    client: Any, casey: dict[str, Any]
) -> None:
    await client.login_as(casey)
    secret, codes = await enrol(client)
    assert len(secret) >= 16
    assert len(codes) == len(set(codes)) == 10
    row = await User.select(User.mfa_enabled, User.mfa_secret_encrypted).where(User.id == casey["id"]).first()
    assert row["mfa_enabled"] is True
    assert secret not in row["mfa_secret_encrypted"]  # encrypted at rest


async def test_a_wrong_code_does_not_turn_mfa_on(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    await client.get("/account/mfa")
    response = await client.post("/account/mfa", data={"code": "000000"})
    assert response.status_code == 400
    assert "That code does not match" in response.text
    assert (await User.select(User.mfa_enabled).where(User.id == casey["id"]).first())["mfa_enabled"] is False


async def test_sign_in_with_mfa_asks_for_the_code_then_changes_the_session_again(
    client: Any, casey: dict[str, Any]
) -> None:
    await client.login_as(casey)
    secret, _ = await enrol(client)
    await client.logout()

    response = await client.post("/login", data={"email": casey["email"], "password": PASSWORD})
    assert response.headers["location"].startswith("/login/mfa")
    pending_token = client.cookies["portal_session"]
    # Half-signed-in is not signed in.
    assert (await client.get("/api/v1/me")).status_code == 401
    assert (await client.get("/account")).headers["location"] == "/login/mfa"

    response = await client.post("/login/mfa", data={"code": next_code(secret)})
    assert response.status_code == 303
    assert client.cookies["portal_session"] != pending_token
    assert (await client.get("/api/v1/me")).json()["mfa_enabled"] is True


async def test_a_used_code_is_refused_the_second_time(client: Any, other_client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    secret, _ = await enrol(client)
    code = next_code(secret)
    first = await other_client.login(casey["email"], totp=code)
    assert first.status_code == 200
    await other_client.logout()
    second = await other_client.login(casey["email"], totp=code)
    assert second.status_code == 401
    assert "already used" in second.json()["detail"]


async def test_api_login_says_a_code_is_needed_only_after_the_right_password(
    client: Any, other_client: Any, casey: dict[str, Any]
) -> None:
    await client.login_as(casey)
    await enrol(client)
    wrong_password = await other_client.login(casey["email"], "wrong password here")
    assert wrong_password.status_code == 401
    assert "code" not in wrong_password.json()["detail"]
    no_code = await other_client.login(casey["email"])
    assert no_code.status_code == 401
    assert "authentication code is required" in no_code.json()["detail"]
    assert (await other_client.get("/api/v1/me")).status_code == 401


async def test_recovery_codes_work_once(client: Any, other_client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    _, codes = await enrol(client)
    assert (await other_client.login(casey["email"], totp=codes[0])).status_code == 200
    await other_client.logout()
    assert (await other_client.login(casey["email"], totp=codes[0])).status_code == 401
    assert (await other_client.login(casey["email"], totp=codes[1].upper())).status_code == 200
    account = await client.get("/account")
    assert "8 of 10 recovery codes unused" in account.text


async def test_new_recovery_codes_replace_the_old_ones(client: Any, other_client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    _, old_codes = await enrol(client)
    response = await client.post("/account/mfa/recovery-codes", data={"password": PASSWORD})
    new_codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert (await other_client.login(casey["email"], totp=old_codes[0])).status_code == 401
    assert (await other_client.login(casey["email"], totp=new_codes[0])).status_code == 200


async def test_staff_without_mfa_are_sent_to_enrol_when_the_practice_requires_it(
    client: Any, casey: dict[str, Any]
) -> None:
    await Practice.update({Practice.require_staff_mfa: True}).where(Practice.id == 1)
    await client.login_as(casey)
    assert (await client.get("/")).headers["location"] == "/account/mfa"
    assert (await client.get("/account")).headers["location"] == "/account/mfa"
    api = await client.get("/api/v1/me")  # me stays reachable so an app can tell what to do
    assert api.json()["mfa_enrollment_required"] is True
    assert (await client.get("/account/mfa")).status_code == 200
    await enrol(client)
    assert (await client.get("/account")).status_code == 200


async def test_relatives_are_not_forced_to_enrol_unless_the_practice_requires_it_for_families(
    client: Any, pat: dict[str, Any]
) -> None:
    await Practice.update({Practice.require_staff_mfa: True}).where(Practice.id == 1)
    await client.login_as(pat)
    assert (await client.get("/account")).status_code == 200
    await Practice.update({Practice.require_family_mfa: True}).where(Practice.id == 1)
    assert (await client.get("/account")).headers["location"] == "/account/mfa"


async def test_mfa_cannot_be_turned_off_when_required(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    await enrol(client)
    await Practice.update({Practice.require_staff_mfa: True}).where(Practice.id == 1)
    response = await client.post("/account/mfa/disable", data={"disable_password": PASSWORD})
    assert response.status_code == 400
    assert (await User.select(User.mfa_enabled).where(User.id == casey["id"]).first())["mfa_enabled"] is True


async def test_mfa_can_be_turned_off_with_the_password_when_optional(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    await enrol(client)
    wrong = await client.post("/account/mfa/disable", data={"disable_password": "not my password!"})
    assert wrong.status_code == 400
    response = await client.post("/account/mfa/disable", data={"disable_password": PASSWORD})
    assert response.status_code == 303
    row = await User.select(User.mfa_enabled, User.mfa_secret_encrypted).where(User.id == casey["id"]).first()
    assert row == {"mfa_enabled": False, "mfa_secret_encrypted": None}


async def test_mfa_changes_are_audited(client: Any, casey: dict[str, Any]) -> None:
    from portal.audit.tables import AuditEvent

    await client.login_as(casey)
    await enrol(client)
    await client.post("/account/mfa/disable", data={"disable_password": PASSWORD})
    actions = [
        r["action"] for r in await AuditEvent.select(AuditEvent.action).where(AuditEvent.actor_id == casey["id"])
    ]
    assert "mfa.enabled" in actions and "mfa.disabled" in actions
