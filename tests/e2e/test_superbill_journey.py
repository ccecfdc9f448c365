"""Superbills for the family, end to end on a phone: Pat opens Billing, goes to Superbills and claims, opens
November's superbill, downloads it (a PNG of the PDF's first page, made with pdftoppm, is kept with the
screenshots), records the claim he sent to his plan, and sees the reimbursement estimate and the filing deadline.

Which day: a month's superbill is issued once the month has ended and its retainer is paid. This journey runs on a
portal of its own whose demo and clock stand on December 3, 2026 (PORTAL_CLOCK_START, the `december_server`
fixture): November 2026 was billed on the 1st, paid by Pat, and its superbill issued on December 2, whatever the
day the suite runs. The claim it records is on that superbill, which no other journey looks at.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import Screenshot
from tests.e2e.harness import LiveServer

PAT = "pat@example.com"
CLAIM_NUMBER = "HZN-26-0107733"
MAILED_ON = date(2026, 12, 2)


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def first_page_png(pdf: Path, directory: Path) -> Path:
    """The PDF's first page as a PNG beside the screenshots (pdftoppm, as a person would look at it)."""
    stem = directory / "superbill-page-1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True
    )
    png = stem.with_suffix(".png")
    assert png.stat().st_size > 10_000
    return png


def test_pat_downloads_novembers_superbill_records_a_claim_and_sees_estimate_and_deadline(
    december_phone_page: Any, december_server: LiveServer, screenshot: Screenshot
) -> None:
    page = december_phone_page
    sign_in(page, PAT, december_server.password)
    page.goto("/family/billing")
    page.get_by_role("link", name="Superbills and claims").first.click()
    expect(page.get_by_role("heading", name="Superbills and claims")).to_be_visible()
    artifacts = screenshot(page, "superbills").parent

    latest = page.locator(".superbill-cards a").first
    expect(latest.locator(".invoice-title")).to_contain_text("Superbill · November 2026")  # the newest first
    month = "November 2026"
    expect(latest).to_contain_text("Estimate $")
    expect(latest).to_contain_text("File by")
    expect(page.locator("#claims-year-chart")).to_be_visible()
    latest.click()
    expect(page.get_by_role("heading", name=f"Superbill for {month}")).to_be_visible()
    screenshot(page, "superbill")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download superbill (PDF)").click()
    download = download_info.value
    assert re.fullmatch(r"superbill-\d+-\d{4}-\d{2}\.pdf", download.suggested_filename)
    pdf = artifacts / "superbill.pdf"
    download.save_as(str(pdf))
    text = " ".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "Jordan Rivera" in text and "F10.20" in text
    first_page_png(pdf, artifacts)

    # The estimate and the filing deadline, as Pat reads them.
    estimate = page.locator("#estimate")
    expect(estimate).to_contain_text("estimated from your plan")
    expect(estimate).to_contain_text("Estimate only")
    assert re.fullmatch(r"\$[\d,]+\.\d{2}", page.locator("#estimate-amount").inner_text())
    deadline = page.locator("#filing-deadline").inner_text()
    assert re.match(r"[A-Z][a-z]+ \d{1,2}, \d{4}", deadline), deadline

    # Pat records the claim he mailed yesterday, December 2 on this portal's calendar.
    form = page.locator("form").filter(has=page.get_by_role("button", name="Record claim"))
    form.get_by_label("Submitted on").fill(MAILED_ON.isoformat())
    form.get_by_label("Claim number").fill(CLAIM_NUMBER)
    form.get_by_label("Status").select_option("submitted")
    form.get_by_role("button", name="Record claim").click()
    expect(page.get_by_role("status").filter(has_text="Claim recorded.")).to_be_visible()
    claim = page.locator("article.claim").filter(has_text=CLAIM_NUMBER)
    expect(claim).to_contain_text("Submitted")
    expect(claim).to_contain_text(deadline.split(" Passed")[0].split(" Coming up")[0].strip())
    expect(page.locator("#estimate-amount")).to_be_visible()
    screenshot(page, "claim-recorded")
