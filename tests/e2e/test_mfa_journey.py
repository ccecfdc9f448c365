"""Olivia signs in, enrolls MFA (the code computed with pyotp), signs out and signs in with the code."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
from playwright.sync_api import expect

from tests.e2e.conftest import Screenshot
from tests.e2e.harness import LiveServer

OLIVIA = "olivia@example.com"
PRACTICE = "Harbor Case Management"
REUSED_CODE_ERROR = "That code is incorrect or was already used."


def sign_in_with_password(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Any) -> None:
    page.locator(".site-header").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_olivia_enrolls_mfa_and_signs_in_with_a_code(
    page: Any, live_server: LiveServer, screenshot: Screenshot
) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshot(page, "sign-in")

    sign_in_with_password(page, OLIVIA, live_server.password)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", name=PRACTICE)).to_be_visible()
    screenshot(page, "home-without-mfa")

    page.goto("/account")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    screenshot(page, "account-mfa-off")
    page.get_by_role("link", name="Set up two-factor authentication").click()
    expect(page).to_have_url(re.compile(r"/account/mfa$"))
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot(page, "mfa-setup")

    key = re.sub(r"\s+", "", page.locator("#mfa-secret").inner_text())
    assert re.fullmatch(r"[A-Z2-7]{16,}", key), f"the manual key is not base32: {key!r}"
    totp = pyotp.TOTP(key)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    recovery_codes = page.locator("#recovery-codes li").all_inner_texts()
    screenshot(page, "recovery-codes")

    sign_out(page)
    screenshot(page, "signed-out")

    sign_in_with_password(page, OLIVIA, live_server.password)
    expect(page).to_have_url(re.compile(r"/login/mfa"))
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    screenshot(page, "mfa-challenge")

    # Enrolment used the current 30-second step, and a step is accepted only once: the server allows one
    # step of drift either way, so the code for the next step is the one the app would show next.
    code = totp.at(time.time() + totp.interval)
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", name=PRACTICE)).to_be_visible()
    screenshot(page, "home-after-mfa")

    # The same code again, in a fresh sign-in: refused, and the session stays at the MFA step.
    sign_out(page)
    sign_in_with_password(page, OLIVIA, live_server.password)
    expect(page).to_have_url(re.compile(r"/login/mfa"))
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text(REUSED_CODE_ERROR)).to_be_visible()
    expect(page.get_by_label("Authentication code")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "reused-code-refused")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/mfa$"))

    # Put Olivia back as the demo has her (MFA off), for the journeys that follow in this session. No
    # newer TOTP step is accepted until the clock moves on, so this sign-in uses a recovery code.
    page.get_by_label("Authentication code").fill(recovery_codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(live_server.url + "/")
    page.goto("/account")
    expect(page.get_by_text("9 of 10 recovery codes unused")).to_be_visible()
    screenshot(page, "account-mfa-on")
    disable_form = page.locator("form[action='/account/mfa/disable']")
    disable_form.get_by_label("Your password").fill(live_server.password)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_text("Two-factor authentication is off.")).to_be_visible()
    screenshot(page, "mfa-turned-off")
