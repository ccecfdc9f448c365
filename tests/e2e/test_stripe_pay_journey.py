"""Paying through Stripe, end to end: Bea bills November and watches the run finish; Pat, on his phone, opens his
invoice, taps Pay now, pays on the (fake) Stripe hosted page, whose signed `invoice.paid` webhook reaches the
portal; back in the portal the invoice is paid, and Pat downloads the receipt.

This journey needs a portal configured for Stripe, so it starts one of its own (harness.prepare/start, with
PORTAL_STRIPE_* pointing at a fake Stripe server running in this process, whose webhook URL is that portal's
/api/v1/billing/stripe/webhook) instead of the session's shared offline one. Jordan's retainer (Pat pays) is
set up by Bea in the browser when the demo has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e import harness
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, DESKTOP_VIEWPORT, ENGINE, PHONE_VIEWPORT, Screenshot, _close
from tests.support.fake_stripe import FakeStripe

BEA, PAT = "bea@example.com", "pat@example.com"
WEBHOOK_PATH = "/api/v1/billing/stripe/webhook"
WEBHOOK_SECRET = "whsec_e2e_" + "f" * 24
PERIOD, PERIOD_LABEL = "2026-11", "November 2026"


@pytest.fixture(scope="module")
def stripe_portal() -> Iterator[tuple[harness.LiveServer, FakeStripe]]:
    """A portal of its own, migrated and loaded with the demo, serving with its worker against the fake Stripe."""
    fake = FakeStripe(webhook_secret=WEBHOOK_SECRET).start()
    server = harness.prepare(ENGINE)
    try:
        server.env.update(
            {
                "PORTAL_STRIPE_SECRET_KEY": "sk_test_e2e_journey",
                "PORTAL_STRIPE_API_BASE": fake.url,
                "PORTAL_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            }
        )
        fake.webhook_url = server.url + WEBHOOK_PATH
        harness.start(server)
        yield server, fake
    finally:
        harness.cleanup(server)
        fake.stop()


def new_page(browser: Any, server: harness.LiveServer, **options: Any) -> Any:
    context = browser.new_context(base_url=server.url, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def desk(browser: Any, stripe_portal: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    page = new_page(browser, stripe_portal[0], viewport=DESKTOP_VIEWPORT)
    yield page
    _close(request, page, "desktop")


@pytest.fixture
def phone(browser: Any, stripe_portal: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    page = new_page(
        browser, stripe_portal[0], viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield page
    _close(request, page, "phone")


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def ensure_jordans_agreement(page: Any, screenshot: Screenshot) -> None:
    """Jordan's retainer with Pat as the payer, from the demo or made here: $8,500 a month from November 1st."""
    page.goto("/billing/agreements")
    if page.locator("tr", has_text="Jordan Rivera").count():
        return
    page.goto("/billing/agreements/new")
    page.get_by_label("Client").select_option(label="Jordan Rivera")
    pat = page.locator("#f-payer_relative optgroup[label='Jordan Rivera'] option", has_text="Pat Rivera")
    page.get_by_label("A relative who pays").select_option(value=pat.get_attribute("value"))
    page.locator("#f-monthly_fee").fill("8,500")
    page.locator("#f-start_date").fill("2026-11-01")
    page.locator("#f-included_hours").fill("20")
    page.locator("#f-overage_rate").fill("250")
    screenshot(page, "bea-new-agreement")
    page.get_by_role("button", name="Create draft agreement").click()
    expect(page.get_by_text("Agreement created as a draft.")).to_be_visible()
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("The agreement is active.")).to_be_visible()


def test_pat_pays_his_invoice_on_stripes_page_and_downloads_the_receipt(
    desk: Any, phone: Any, stripe_portal: tuple[harness.LiveServer, FakeStripe], screenshot: Screenshot
) -> None:
    server, fake = stripe_portal

    # Bea bills November and watches the worker finish the run (each invoice goes to Stripe as it is issued).
    sign_in(desk, BEA, server.password)
    ensure_jordans_agreement(desk, screenshot)
    desk.goto("/billing/runs")
    desk.locator("#f-period").fill(PERIOD)
    desk.get_by_role("button", name="Start the run").click()
    expect(desk.get_by_role("heading", name=f"Monthly run · {PERIOD_LABEL}")).to_be_visible()
    expect(desk.locator(".run-summary")).to_be_visible(timeout=30_000)
    progress = desk.locator("[data-done]")
    assert progress.get_attribute("data-done") == progress.get_attribute("data-total")
    screenshot(desk, "bea-run-done")
    assert fake.calls("POST", r"/v1/invoices/in_\w+/finalize"), "the run issued nothing through Stripe"

    # Pat, on his phone: Billing in the navigation, his November invoice, Pay now.
    sign_in(phone, PAT, server.password)
    phone.locator(".site-nav").get_by_role("link", name="Billing").click()
    expect(phone.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
    card = phone.locator(".invoice-card-link", has_text=PERIOD_LABEL)
    expect(card).to_contain_text("Open")
    screenshot(phone, "pat-billing")
    card.click()
    expect(phone.get_by_role("heading", name=re.compile(r"^Invoice \d+"))).to_be_visible()
    expect(phone.get_by_text(f"Case management services — {PERIOD_LABEL}")).to_be_visible()
    balance = phone.locator(".family-invoice .billing-amount").inner_text()
    assert balance.startswith("$") and balance != "$0.00"
    invoice_url = phone.url
    screenshot(phone, "pat-invoice-open")

    phone.get_by_role("link", name="Pay now").click()
    expect(phone).to_have_url(re.compile(re.escape(fake.url) + r"/hosted/in_\w+$"))
    expect(phone.get_by_text(f"Amount due: {balance}")).to_be_visible()
    screenshot(phone, "stripe-hosted-page")
    phone.locator("#pay").click()
    expect(phone.locator("#status")).to_have_text("This invoice is paid.")
    screenshot(phone, "stripe-paid")
    assert fake.deliveries and fake.deliveries[-1][1] == 200, f"the portal refused the webhook: {fake.deliveries}"

    # Back in the portal: paid, with a receipt to download.
    phone.goto(invoice_url)
    expect(phone.locator(".family-invoice h1 .badge")).to_have_text("Paid")
    expect(phone.locator(".family-invoice .billing-amount")).to_have_text("$0.00")
    expect(phone.get_by_role("link", name="Pay now")).to_have_count(0)
    screenshot(phone, "pat-invoice-paid")
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Download receipt (PDF)").click()
    download = download_info.value
    assert re.fullmatch(r"receipt-\d+-\d+\.pdf", download.suggested_filename)
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(download.path()).pages).split())
    assert f"Amount received {balance}" in text and f"Paid to date {balance}" in text and "Card" in text

    phone.goto("/family/billing")
    expect(phone.locator(".invoice-card-link", has_text=PERIOD_LABEL)).to_contain_text("Paid")
    expect(phone.get_by_text("Nothing to pay right now.")).to_be_visible()
    screenshot(phone, "pat-billing-after")
