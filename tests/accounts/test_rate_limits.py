"""Sign-in, MFA and reset are rate-limited per account and per IP: the 11th failure in 15 minutes gets 429."""

from __future__ import annotations

from typing import Any

from tests.support.http import PortalClient

WRONG = "definitely the wrong password"


async def test_the_eleventh_failed_login_for_an_account_gets_429(app: Any, db: None, casey: dict[str, Any]) -> None:
    # Ten different addresses, one account: the per-account limit applies whatever the IP.
    for attempt in range(10):
        async with PortalClient(app, ip=f"10.1.0.{attempt}") as attacker:
            assert (await attacker.login(casey["email"], WRONG)).status_code == 401
    async with PortalClient(app, ip="10.1.0.200") as attacker:
        blocked = await attacker.login(casey["email"], WRONG)
        assert blocked.status_code == 429
        assert "Too many attempts" in blocked.json()["detail"]
        assert blocked.headers["retry-after"] == "900"
        # Even the right password is refused while the account is locked.
        assert (await attacker.login(casey["email"])).status_code == 429


async def test_the_eleventh_failure_from_one_ip_gets_429_whatever_the_account(client: Any) -> None:
    for number in range(10):
        assert (await client.login(f"someone{number}@example.com", WRONG)).status_code == 401
    assert (await client.login("casey@example.com", WRONG)).status_code == 429


async def test_the_limit_lifts_after_15_minutes(client: Any, clock: Any, casey: dict[str, Any]) -> None:
    for _ in range(10):
        await client.login(casey["email"], WRONG)
    assert (await client.login(casey["email"])).status_code == 429
    clock.advance(minutes=15, seconds=1)
    assert (await client.login(casey["email"])).status_code == 200


async def test_a_success_resets_nothing_for_other_accounts(app: Any, db: None, casey: dict[str, Any]) -> None:
    for attempt in range(10):
        async with PortalClient(app, ip=f"10.2.0.{attempt}") as attacker:
            await attacker.login(casey["email"], WRONG)
    # Morgan signs in fine from her own machine; that does not unlock Casey's account.
    async with PortalClient(app, ip="10.2.1.1") as morgan_browser:
        assert (await morgan_browser.login("morgan@example.com")).status_code == 200
    async with PortalClient(app, ip="10.2.1.2") as attacker:
        assert (await attacker.login(casey["email"], WRONG)).status_code == 429


async def test_a_success_clears_that_accounts_own_earlier_failures(client: Any, casey: dict[str, Any]) -> None:
    for _ in range(9):
        await client.login(casey["email"], WRONG)
    assert (await client.login(casey["email"])).status_code == 200
    await client.logout()
    # The account counter restarted; the IP counter did not (9 + 1 more = 10 failures, still under 11).
    assert (await client.login(casey["email"], WRONG)).status_code == 401
    assert (await client.login(casey["email"], WRONG)).status_code == 429  # the IP's 11th failure


async def test_password_reset_requests_are_limited_too(client: Any) -> None:
    for _ in range(10):
        response = await client.post("/api/v1/auth/password-reset", json={"email": "pat@example.com"})
        assert response.status_code == 202
    assert (await client.post("/api/v1/auth/password-reset", json={"email": "pat@example.com"})).status_code == 429


async def test_html_login_shows_the_limit_on_the_page(client: Any, casey: dict[str, Any]) -> None:
    for _ in range(10):
        await client.post("/login", data={"email": casey["email"], "password": WRONG})
    page = await client.post("/login", data={"email": casey["email"], "password": WRONG})
    assert page.status_code == 429
    assert "Too many attempts. Wait 15 minutes and try again." in page.text


async def test_failed_mfa_codes_are_limited(client: Any, other_client: Any, casey: dict[str, Any]) -> None:
    from tests.accounts.test_mfa import enrol

    await client.login_as(casey)
    await enrol(client)
    await other_client.post("/login", data={"email": casey["email"], "password": "correct horse battery staple 42"})
    for _ in range(10):
        assert (await other_client.post("/login/mfa", data={"code": "123456"})).status_code == 400
    assert (await other_client.post("/login/mfa", data={"code": "123456"})).status_code == 429
