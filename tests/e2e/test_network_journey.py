"""Morgan's program-network journey: she searches for a residential co-occurring program for young adults that
takes private pay within 300 miles of ZIP 10001, opens one, records her site visit, approves it with a scope, and
matches it to her client Taylor Brooks (the demo's: 27, Hoboken, residential treatment center recommended), then
starts the placement from the match. The match list is also looked at on a phone.

The programs come in through a real path first: a small FindTreatment.gov CSV imported with
`portal network import FILE` against the server's database (the demo network may hold other programs too; the
journey only relies on its own three, whose names no demo program uses). They start unvetted: the vetting is done
in the browser.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Screenshot
from tests.e2e.harness import LiveServer

MORGAN = "morgan@example.com"
CATSKILL = "Catskill Ridge Young Adult Recovery"
BERKSHIRE = "Berkshire Dual Recovery House"
LAKE_ERIE = "Lake Erie Young Adult Residential"  # the right kind, but about 400 miles away
COLUMNS = ["frid", "name1", "name2", "street1", "city", "state", "zip", "latitude", "longitude", "phone", "website",
           "typeFacility", "TC", "SET", "SG", "AGE", "PAY", "GN"]  # fmt: skip
CO_OCCURRING = "Persons with co-occurring mental and substance use disorders; Transitional age young adults"
ROWS = [
    ["e2e-net-1", CATSKILL, "Residential", "40 Ridge Road", "Kingston", "NY", "12401", "41.9270", "-73.9974",
     "845-555-0140", "catskillridge.example", "SA", "Substance use treatment; Mental health treatment",
     "Short-term residential", CO_OCCURRING, "Young adults; Adults", "Cash or self-payment; Private health insurance",
     "Female; Male"],
    ["e2e-net-2", BERKSHIRE, "", "9 Housatonic Street", "Lenox", "MA", "01240", "42.3565", "-73.2848",
     "413-555-0177", "berkshiredual.example", "SA", "Substance use treatment", "Long-term residential",
     CO_OCCURRING, "Young adults", "Cash or self-payment", "Female; Male"],
    ["e2e-net-3", LAKE_ERIE, "", "1 Shoreway", "Cleveland", "OH", "44114", "41.5051", "-81.6934",
     "216-555-0123", "", "SA", "Substance use treatment", "Short-term residential", CO_OCCURRING,
     "Young adults", "Cash or self-payment", "Female; Male"],
]  # fmt: skip


def _import_programs(live_server: LiveServer) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(ROWS)
    path = Path(live_server.work_dir) / "network-journey.csv"
    path.write_text(out.getvalue())
    completed = live_server.cli("network", "import", str(path))
    assert "3 created" in completed.stdout or "3 unchanged" in completed.stdout, completed.stdout


def _sign_in(page: Any, live_server: LiveServer) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(MORGAN)
    page.get_by_label("Password").fill(live_server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/my-day$"))


def _facet(page: Any, summary: str, label: str) -> None:
    group = page.locator("details.facet-group").filter(has=page.locator("summary", has_text=summary))
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    group.get_by_label(label, exact=True).check()


def test_morgan_finds_vets_and_matches_a_program_for_taylor(
    page: Any, phone_page: Any, live_server: LiveServer, screenshot: Screenshot
) -> None:
    _import_programs(live_server)
    yesterday = date.today() - timedelta(days=1)  # in the practice's time zone too, whatever the hour in UTC

    # Search: residential, co-occurring, young adults, private pay, within 300 miles of 10001.
    _sign_in(page, live_server)
    page.goto("/network/search")
    expect(page.get_by_role("heading", name="Find a program")).to_be_visible()
    page.get_by_label("Near ZIP code").fill("10001")
    page.get_by_label("Within").select_option("300")
    _facet(page, "Program type", "Residential")
    _facet(page, "Condition", "Co-occurring disorders")
    _facet(page, "Population", "Young adults")
    _facet(page, "Payment", "Private pay")
    screenshot(page, "search-form")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".search-results")
    expect(results.get_by_role("heading", level=2)).to_contain_text("within 300 miles of 10001")
    expect(results.get_by_role("link", name=f"{CATSKILL} — Residential")).to_be_visible()
    expect(results.get_by_role("link", name=BERKSHIRE)).to_be_visible()
    expect(results.get_by_role("link", name=LAKE_ERIE)).to_have_count(0)
    catskill_hit = results.locator("li.result").filter(has_text=CATSKILL)
    expect(catskill_hit).to_contain_text("miles")
    expect(catskill_hit.locator(".reasons")).to_contain_text("Co-occurring disorders")
    screenshot(page, "search-results")

    # Open Catskill Ridge: imported, not vetted yet.
    results.get_by_role("link", name=f"{CATSKILL} — Residential").click()
    expect(page.get_by_role("heading", name=CATSKILL, level=1)).to_be_visible()
    expect(page.locator(".program-status")).to_contain_text("Not vetted")
    program_url = page.url
    screenshot(page, "program-unvetted")

    # Record the site visit (it opens the review).
    page.locator("#vetting").get_by_role("link", name="Record a site visit").click()
    expect(page.get_by_role("heading", name="Record a site visit")).to_be_visible()
    page.get_by_label("Date", exact=True).fill(yesterday.isoformat())
    page.get_by_label("Visitor").select_option(label="Morgan Lee")
    page.get_by_label("Kind of visit").select_option("in_person")
    page.get_by_label("Hours").fill("5")
    for item in ("safety", "clinical_staff", "medical_coverage", "milieu", "family_program", "discharge_planning"):
        page.locator(f'input[name="check_{item}"][value="good"]').check()
    page.get_by_label("Notes").fill(
        "Met the clinical director and the psychiatrist; integrated dual-diagnosis groups daily; young-adult milieu "
        "of 18 residents; family weekend monthly."
    )
    screenshot(page, "site-visit-form")
    page.get_by_role("button", name="Save the visit").click()
    expect(page.get_by_text("Site visit recorded.")).to_be_visible()
    expect(page.locator("#site-visits")).to_contain_text("young-adult milieu")
    expect(page.locator(".program-status")).to_contain_text("In review")
    screenshot(page, "site-visit-recorded")

    # Approve it, scoped: 3.5 residential and residential treatment center; young adults and adults;
    # co-occurring and trauma.
    page.locator("#vetting").get_by_role("link", name="Decide").click()
    expect(page.get_by_role("heading", name="Decision")).to_be_visible()
    page.get_by_label("Approved", exact=True).check()
    for framework, code in (
        ("ASAM 3rd edition", "asam3:3.5"),
        ("Mental health and private-pay settings", "mh:residential_treatment_center"),
    ):
        page.locator("details.level-group summary", has_text=framework).click()
        page.locator(f'input[name="levels"][value="{code}"]').check()
    page.get_by_label("Young adults", exact=True).check()
    page.get_by_label("Adults", exact=True).check()
    page.get_by_label("Co-occurring disorders", exact=True).check()
    page.get_by_label("Trauma and PTSD", exact=True).check()
    page.get_by_label("Rationale").fill("Strong integrated co-occurring program; site visit good on every item seen.")
    page.get_by_label("Next review").fill((date.today() + timedelta(days=300)).isoformat())
    screenshot(page, "decision-form")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(program_url) + r"#vetting$"))
    expect(page.locator(".program-status")).to_contain_text("Approved")
    screenshot(page, "approved")

    # Match it to Taylor, from her overview.
    page.goto("/clients")
    page.get_by_role("link", name="Taylor Brooks").first.click()
    page.get_by_role("link", name="Find a program").click()
    expect(page.get_by_role("heading", name="Find a program")).to_be_visible()
    page.get_by_label("Private-pay budget, dollars a month").fill("40000")
    page.get_by_role("button", name="Rank").click()
    expect(page).to_have_url(re.compile(r"/program-matches\?budget=40000$"))
    card = page.locator("li.match").filter(has_text=CATSKILL)
    expect(card).to_be_visible()
    expect(card.locator(".match-score")).to_have_text(re.compile(r"^\d+/100$"))
    expect(card.locator(".reasons")).to_contain_text("Residential treatment center: the recommended level, approved")
    expect(card).to_contain_text("Takes private pay; no rate on record")
    expect(card).to_contain_text("None of our clients placed here yet.")
    expect(page.locator("li.match").filter(has_text=BERKSHIRE)).to_have_count(0)  # not vetted: not listed
    card.locator("summary", has_text="Why this score").click()
    expect(card.locator(".match-table")).to_contain_text("Treats trauma and PTSD")
    screenshot(page, "matches")

    # Place her there: the placement form opens with the program linked.
    card.get_by_role("link", name=re.compile(r"^Place here")).click()
    expect(page.get_by_role("heading", name="Record a placement")).to_be_visible()
    expect(page.locator(".picker-chosen")).to_contain_text(CATSKILL)
    expect(page.get_by_label("Program", exact=True)).to_have_value(f"{CATSKILL} — Residential")
    expect(page.get_by_label("Level of care", exact=True)).to_have_value("mh:residential_treatment_center")
    page.get_by_label("Referred on").fill(yesterday.isoformat())
    screenshot(page, "placement-form")
    page.get_by_role("button", name="Record placement").click()
    expect(page.get_by_text("Placement recorded.")).to_be_visible()
    expect(page.get_by_text(f"{CATSKILL} — Residential").first).to_be_visible()
    screenshot(page, "placement-recorded")

    # The program's record now counts her; on a phone, the match list reads top to bottom.
    client_path = re.match(r".*(/clients/\d+)", page.url)
    assert client_path is not None, page.url
    page.goto(program_url)
    expect(page.locator("#outcomes")).to_contain_text("Taylor")
    _sign_in(phone_page, live_server)
    phone_page.goto(client_path.group(1) + "/program-matches?budget=40000")
    phone_card = phone_page.locator("li.match").filter(has_text=CATSKILL)
    expect(phone_card).to_contain_text("Our clients here: 1 placed, 1 not yet discharged.")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the match page scrolls sideways on a phone ({width}px)"
    screenshot(phone_page, "matches-phone")
