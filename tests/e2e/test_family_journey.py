"""The family portal on a phone: Casey publishes an update to Jordan's parents Pat and Sam (both active, as before
the conflict), Pat reads it on her phone and replies in a conversation, Casey sees "read" and the reply, Casey
suspends Sam, and Sam, signing in on a phone of their own, sees nothing of Jordan.

The e2e session shares one demo database. The demo has Sam suspended, with a release for family communication
on file; this journey turns Sam's access on first and leaves it suspended again, as it found it. It adds an
update and a message, which no other journey looks at, and signs in once per person, always with the right
password.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import Screenshot
from tests.e2e.harness import LiveServer

CASEY, PAT, SAM = "casey@example.com", "pat@example.com", "sam@example.com"
JORDAN = "Jordan Rivera"
THREAD = "Question about the IOP schedule"


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def set_access(page: Any, family_url: str, name: str, state: str) -> Any:
    """On Jordan's Family tab, set the relative's grant to Active or Suspended (parts unchanged); returns their row."""
    page.goto(family_url)
    member = page.locator(".family-member").filter(has=page.get_by_role("heading", name=name))
    panel = member.locator("details")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    member.get_by_role("radio", name=re.compile(f"^{state}")).check()
    member.get_by_role("button", name="Save access").click()
    expect(page.get_by_role("status").filter(has_text="Access saved.")).to_be_visible()
    return page.locator(".family-member").filter(has=page.get_by_role("heading", name=name))


def test_pat_reads_an_update_and_replies_on_her_phone_and_suspended_sam_sees_nothing(
    page: Any, phone_page: Any, second_phone_page: Any, live_server: LiveServer, screenshot: Screenshot
) -> None:
    title = "A good week before the last stretch"
    reply = "Thank you, Casey. Could we talk on Monday about the family meeting? Evenings suit us best."

    # Casey opens Jordan from My day and turns Sam's access back on, as it was before the conflict.
    sign_in(page, CASEY, live_server.password)
    expect(page).to_have_url(re.compile(r"/my-day$"))
    page.locator("#discharges").get_by_role("link", name=JORDAN).click()
    client_path = re.match(r".*(/clients/\d+)", page.url)
    assert client_path is not None, page.url
    base = client_path.group(1)
    page.get_by_role("link", name="Family", exact=True).click()
    sam = page.locator(".family-member").filter(has=page.get_by_role("heading", name="Sam Rivera"))
    expect(sam).to_contain_text("Suspended: Sam Rivera sees nothing of this client and is not told so.")
    screenshot(page, "casey-family-tab-sam-suspended")
    sam = set_access(page, f"{base}/family", "Sam Rivera", "Active")
    expect(sam).to_contain_text("Sam Rivera sees updates, messages and documents.")
    screenshot(page, "casey-sam-active")

    # Casey writes the update; the preview says both parents will receive it; she publishes it.
    page.get_by_role("link", name="Updates", exact=True).click()
    page.get_by_role("link", name="Write an update").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Update", exact=True).fill(
        "Jordan had a steady week: he kept every evening of the program and went to a job interview at the "
        "hardware store on Thursday.\n\nI would like to meet with you both before the program ends. I will "
        "suggest some dates in a message."
    )
    expect(page.get_by_label("Every relative with access to updates")).to_be_checked()
    screenshot(page, "casey-writes-update")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Check who will receive it, then publish.")).to_be_visible()
    preview = page.locator("#preview")
    expect(preview.locator("li").filter(has_text="Receives")).to_have_count(2)
    expect(preview).to_contain_text("Pat Rivera")
    expect(preview).to_contain_text("Sam Rivera")
    screenshot(page, "casey-preview")
    page.once("dialog", lambda dialog: dialog.accept())
    preview.get_by_role("button", name="Publish to 2 relatives").click()
    expect(page.get_by_text("Received by: Pat Rivera, Sam Rivera.")).to_be_visible()
    update_url = re.match(r".*(/clients/\d+/updates/(\d+))", page.url)
    assert update_url is not None, page.url
    update_path, update_id = update_url.group(1), update_url.group(2)
    receipts = page.locator("#receipts")
    expect(receipts).to_contain_text("Pat Rivera has not read it yet")
    expect(receipts).to_contain_text("Sam Rivera has not read it yet")
    screenshot(page, "casey-published")

    # Pat, on her phone: the home page leads with the new update; she reads it.
    sign_in(phone_page, PAT, live_server.password)
    expect(phone_page).to_have_url(re.compile(r"/family$"))
    latest = phone_page.locator(".family-latest")
    expect(latest.get_by_role("link", name=title)).to_be_visible()
    expect(latest.get_by_text("New")).to_be_visible()
    screenshot(phone_page, "pat-home")
    latest.get_by_role("link", name=title).click()
    expect(phone_page.get_by_role("heading", name=title)).to_be_visible()
    expect(phone_page.locator(".update-body")).to_contain_text("job interview")
    screenshot(phone_page, "pat-reads-update")

    # Her feed: the new update on top of the demo's four months, read now; the two before it still new.
    phone_page.get_by_role("link", name="← All updates").click()
    first = phone_page.locator(".update-item").first
    expect(first).to_contain_text(title)
    expect(first.locator(".badge", has_text="New")).to_have_count(0)
    expect(phone_page.locator(".update-item.is-unread")).to_have_count(2)
    screenshot(phone_page, "pat-feed")

    # She answers in the conversation about the evening program.
    phone_page.locator(".site-nav").get_by_role("link", name=re.compile("^Messages")).click()
    expect(phone_page.get_by_role("heading", name="Messages")).to_be_visible()
    screenshot(phone_page, "pat-messages")
    phone_page.get_by_role("link", name=re.compile(THREAD)).click()
    expect(phone_page.get_by_role("heading", name=THREAD)).to_be_visible()
    phone_page.get_by_label("Reply").fill(reply)
    phone_page.get_by_role("button", name="Send reply").click()
    mine = phone_page.locator(".message.is-mine").last
    expect(mine).to_contain_text(reply)
    expect(mine).to_contain_text("You")
    screenshot(phone_page, "pat-replied")
    phone_page.locator(".site-nav").get_by_role("link", name="Documents").click()
    expect(phone_page.get_by_text("Visiting rules – Blue Ridge Recovery Center")).to_be_visible()
    screenshot(phone_page, "pat-documents")

    # Casey sees that Pat read the update and finds her reply, unread, at the top of the conversations.
    page.goto(update_path)
    receipts = page.locator("#receipts")
    expect(receipts.locator("li").filter(has_text="Pat Rivera")).to_contain_text(
        re.compile(r"Read\s+Pat Rivera read it today \d{1,2}:\d\d [AP]M")
    )
    expect(receipts).to_contain_text("Sam Rivera has not read it yet")
    screenshot(page, "casey-sees-read")
    page.get_by_role("link", name="Messages", exact=True).click()
    row = page.locator(".thread-row").first
    expect(row).to_contain_text(THREAD)
    expect(row.locator(".badge")).to_contain_text("unread")
    row.get_by_role("link", name=re.compile(THREAD)).click()
    expect(page.locator(".message.from-family").last).to_contain_text(reply)
    screenshot(page, "casey-sees-reply")

    # The conflict: Casey suspends Sam. Everything is hidden from Sam at once.
    sam = set_access(page, f"{base}/family", "Sam Rivera", "Suspended")
    expect(sam).to_contain_text("Suspended: Sam Rivera sees nothing of this client and is not told so.")
    screenshot(page, "casey-suspends-sam")

    # Sam, on another phone: no update, no conversation, nothing about Jordan, and the update's own address
    # is simply not found.
    sign_in(second_phone_page, SAM, live_server.password)
    expect(second_phone_page).to_have_url(re.compile(r"/family$"))
    expect(second_phone_page.get_by_role("heading", name="No updates yet.")).to_be_visible()
    expect(second_phone_page.locator("main")).not_to_contain_text("Jordan")
    screenshot(second_phone_page, "sam-home")
    second_phone_page.locator(".site-nav").get_by_role("link", name=re.compile("^Updates")).click()
    expect(second_phone_page.locator(".update-feed")).to_have_text("No updates yet.")
    expect(second_phone_page.locator("main")).not_to_contain_text(title)
    screenshot(second_phone_page, "sam-updates")
    second_phone_page.locator(".site-nav").get_by_role("link", name=re.compile("^Messages")).click()
    expect(second_phone_page.locator(".thread-cards")).to_have_text("No messages.")
    expect(second_phone_page.locator("main")).not_to_contain_text(THREAD)
    screenshot(second_phone_page, "sam-messages")
    response = second_phone_page.goto(f"/family/updates/{update_id}")
    assert response is not None and response.status == 404
    expect(second_phone_page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(second_phone_page.locator("main")).not_to_contain_text(title)
    screenshot(second_phone_page, "sam-update-not-found")
