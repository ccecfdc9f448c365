"""Bea looks over Taylor's retainer (the demo's: its months before November are billed and paid), previews
November's run, starts it and watches its progress (htmx polling the worker's progress) until done; then she
records a check against Taylor's November invoice and downloads its PDF."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Screenshot
from tests.e2e.harness import LiveServer

BEA = "bea@example.com"


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".site-header")).to_contain_text("Billing")


def test_bea_runs_november_and_watches_its_progress(page: Any, live_server: LiveServer, screenshot: Screenshot) -> None:
    sign_in(page, BEA, live_server.password)
    page.locator(".site-nav").get_by_role("link", name="Billing").click()
    expect(page.get_by_role("heading", name=re.compile("^Billing"))).to_be_visible()
    screenshot(page, "dashboard")

    page.goto("/billing/agreements")
    page.locator("tr", has_text="Taylor Brooks").get_by_role("link", name="Taylor Brooks").click()
    expect(page.get_by_text("Brooks Family Trust").first).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("Active")
    screenshot(page, "agreement")

    page.goto("/billing/runs")
    page.locator("#f-period").fill("2026-11")
    page.get_by_role("button", name="Preview (dry run)").click()
    expect(page.get_by_role("heading", name=re.compile("Preview of November 2026"))).to_be_visible()
    preview_row = page.locator("tr", has_text="Taylor Brooks")
    expect(preview_row).to_contain_text("$6,200.00")
    screenshot(page, "preview")

    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_role("heading", name="Monthly run · November 2026")).to_be_visible()
    screenshot(page, "started")
    # The panel is swapped in every second by htmx until the worker has finished.
    expect(page.locator(".run-summary")).to_be_visible(timeout=30_000)
    progress = page.locator("[data-done]")
    expect(progress).to_have_attribute("data-done", re.compile(r"\d+"))
    assert progress.get_attribute("data-done") == progress.get_attribute("data-total")
    expect(page.locator("#run-progress")).not_to_have_attribute("hx-trigger", re.compile("."))
    screenshot(page, "done")

    page.get_by_role("link", name="Invoices of November 2026").click()
    page.locator("tr", has_text="Taylor Brooks").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Invoice \d+"))).to_be_visible()
    expect(page.get_by_text("Case management services — November 2026")).to_be_visible()
    page.locator("#f-amount").fill("6200")
    page.locator("#f-reference").fill("Check 2201")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("Paid")
    screenshot(page, "paid")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert re.fullmatch(r"invoice-\d+\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
