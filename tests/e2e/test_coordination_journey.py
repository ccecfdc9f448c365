"""Casey's coordination journey on the demo practice: My day, Jordan, a 25-minute billable call with his therapist
Dana Reyes, signing it, sharing refused (Dana's release does not cover coordination notes), recording a release
that does, sharing, and Jordan's placement timeline.

The e2e session shares one demo database; this journey only adds to Jordan's record (a note, a release, a
disclosure) and signs in once, with the right password.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Screenshot
from tests.e2e.harness import LiveServer

CASEY = "casey@example.com"
JORDAN = "Jordan Rivera"
SUBJECT = "Call with Dana Reyes: sessions after the IOP discharge"
REFUSAL = "The release for this recipient does not cover this kind of information."


def test_casey_shares_a_call_note_with_the_therapist_once_a_release_covers_it(
    page: Any, live_server: LiveServer, screenshot: Screenshot
) -> None:
    # Sign in: a case manager lands on My day, which shows Jordan's crisis note, tasks and discharge.
    page.goto("/login")
    page.get_by_label("E-mail address").fill(CASEY)
    page.get_by_label("Password").fill(live_server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/my-day$"))
    expect(page.get_by_role("heading", name="My day")).to_be_visible()
    crisis = page.locator("#crisis")
    expect(crisis.get_by_role("link", name=JORDAN)).to_be_visible()
    expect(crisis).to_contain_text("Panic and an urge to drink after a breakup")
    expect(page.locator("#tasks").get_by_text("Overdue", exact=True)).to_have_count(2)
    expect(page.locator("#discharges")).to_contain_text("Crossroads Recovery Partners – IOP")
    screenshot(page, "my-day")

    # Open Jordan from My day.
    page.locator("#discharges").get_by_role("link", name=JORDAN).click()
    expect(page.get_by_role("heading", name=JORDAN)).to_be_visible()
    client_url = re.match(r".*(/clients/\d+)", page.url)
    assert client_url is not None, page.url
    client_path = client_url.group(1)
    page.get_by_role("link", name="Overview").click()
    expect(page).to_have_url(re.compile(client_path + r"$"))
    expect(page.get_by_role("heading", name="Care team")).to_be_visible()
    screenshot(page, "jordan-overview")

    # Log the call: 25 minutes, billable care coordination, with Dana Reyes. Nothing in it comes from Jordan's
    # Part 2 records, so the box the client's flag ticks by default is cleared.
    page.get_by_role("link", name="Notes", exact=True).click()
    page.get_by_role("link", name="New note").click()
    expect(page.get_by_role("heading", name="New note")).to_be_visible()
    page.get_by_label("Kind", exact=True).select_option("call")
    page.get_by_label("Minutes", exact=True).fill("25")
    page.get_by_label("Billable time").check()
    page.get_by_label("Activity", exact=True).select_option("care_coordination")
    page.get_by_label("Subject", exact=True).fill(SUBJECT)
    page.get_by_label("Dana Reyes (Therapist)").check()
    page.get_by_label("Note", exact=True).fill(
        "Dana will keep Tuesday afternoons after the IOP discharge and add a Friday session for the first two "
        "weeks. She asked for the aftercare plan and the discharge date."
    )
    page.get_by_label("Contains 42 CFR Part 2 records").uncheck()
    screenshot(page, "new-note-form")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Sign it when it is complete.")).to_be_visible()
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("25 min, billable: Care coordination")
    expect(page.locator(".facts")).to_contain_text("Dana Reyes")
    note_url = page.url

    # Sign it (the page asks first).
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Note signed. Corrections from now on are addenda.")).to_be_visible()
    sharing = page.locator("#sharing")
    dana = sharing.locator("li").filter(has_text="Dana Reyes")
    expect(dana).to_contain_text(REFUSAL)
    screenshot(page, "note-signed")

    # Share with Dana: refused, with the reason and a way to record a release.
    dana.get_by_role("button", name="Share with Dana Reyes").click()
    refusal = sharing.get_by_role("alert")
    expect(refusal).to_contain_text(f"Not shared: {REFUSAL}")
    expect(page.locator(".badge", has_text="Shared")).to_have_count(0)
    screenshot(page, "share-refused")

    # Record the release Dana needs: coordination notes, for care coordination, signed by Jordan (typed).
    refusal.get_by_role("link", name="Record a release for this recipient").click()
    expect(page.get_by_role("heading", name="Record a release of information")).to_be_visible()
    expect(page.get_by_label("Care-team party")).to_have_value(re.compile(r"^\d+$"))
    expect(page.get_by_label("Care-team party").locator("option:checked")).to_have_text("Dana Reyes (Therapist)")
    page.get_by_label("Coordination notes", exact=True).check()
    page.get_by_label("Care coordination", exact=True).check()
    page.get_by_label("Expires on", exact=True).fill((date.today() + timedelta(days=180)).isoformat())
    page.get_by_label("Signed by", exact=True).fill("Jordan Rivera")
    page.get_by_label("Typed signature", exact=True).fill("Jordan Rivera")
    screenshot(page, "release-form")
    page.get_by_role("button", name="Record release").click()

    # Back on the note: Dana now has a release on file, and sharing goes through as a disclosure.
    expect(page).to_have_url(note_url)
    expect(page.get_by_text("Release recorded.")).to_be_visible()
    dana = page.locator("#sharing li").filter(has_text="Dana Reyes")
    expect(dana).to_contain_text("Release on file")
    screenshot(page, "release-recorded")
    dana.get_by_role("button", name="Share with Dana Reyes").click()
    expect(
        page.get_by_text("Note shared and recorded as a disclosure. This is the copy for the recipient.")
    ).to_be_visible()
    expect(page.get_by_text(SUBJECT).first).to_be_visible()
    screenshot(page, "shared-copy")

    # The note says whom it was shared with; the accounting of disclosures lists it.
    page.goto(note_url)
    expect(page.locator(".badge", has_text="Shared")).to_be_visible()
    expect(page.locator("#sharing")).to_contain_text("Shared with")
    page.get_by_role("link", name="Disclosures").click()
    first = page.locator("table tbody tr").first
    expect(first).to_contain_text("Dana Reyes")
    expect(first).to_contain_text("Coordination notes")
    screenshot(page, "disclosures")

    # Jordan's timeline: residential, PHP and IOP drawn as an SVG.
    page.get_by_role("link", name="Timeline").click()
    drawing = page.locator("svg").filter(has_text="Blue Ridge Recovery Center").first
    expect(drawing).to_be_visible()
    for program in ("Crossroads Recovery Partners – PHP", "Crossroads Recovery Partners – IOP"):
        expect(drawing).to_contain_text(program)
    screenshot(page, "timeline")
