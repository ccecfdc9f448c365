"""Script and HTML in a subject, a message body, a document title or a file name show as text on every page of
the practice and of the family, and in form errors sent back with what was typed."""

from __future__ import annotations

from typing import Any

from portal.families import documents, message_posting
from tests.families.messages_support import (
    PAYLOAD,
    PDF_BYTES,
    XSS_IMG,
    acting,
    assert_inert,
    share_document,
    start_thread,
)


async def test_payloads_are_inert_on_every_page(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat_id = jordan_family["pat"]["id"]
    started = await start_thread(
        casey,
        jordan,
        [pat_id],
        subject=f"Visit {PAYLOAD}",
        body=f"Line one {PAYLOAD}\nLine two",
        attachments=[(PDF_BYTES, f"{XSS_IMG}.pdf")],
    )
    await message_posting.post_as_relative(acting(pat), started.thread_id, f"Reply {PAYLOAD}")
    await share_document(casey, jordan, [pat_id], title=f"Plan {PAYLOAD}", name=f"{XSS_IMG} plan.pdf")
    await documents.upload_as_relative(acting(pat), jordan["id"], {"title": f"Mine {PAYLOAD}"}, (PDF_BYTES, "a.pdf"))

    staff_pages = [
        f"/clients/{jordan['id']}/messages",
        f"/clients/{jordan['id']}/messages/{started.thread_id}",
        f"/clients/{jordan['id']}/documents",
    ]
    family_pages = ["/family/threads", f"/family/threads/{started.thread_id}", "/family/documents", "/family"]
    await client.login_as(casey)
    for path in staff_pages:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text, path)
    thread_page = (await client.get(staff_pages[1])).text
    assert "Line one &lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;\nLine two" in (
        thread_page
    )
    await client.login_as(pat)
    for path in family_pages:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text, path)
    assert "Plan &lt;script&gt;alert(1)&lt;/script&gt;" in (await client.get("/family/documents")).text
    api = await client.get(f"/api/v1/family/threads/{started.thread_id}")
    assert api.headers["content-type"].startswith("application/json")
    assert api.json()["subject"] == f"Visit {PAYLOAD}"  # kept as typed: escaping is the page's job


async def test_payloads_sent_back_with_a_form_error_stay_inert(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(pat)
    refused = await client.post(
        "/family/threads",
        data={"client": str(jordan["id"]), "subject": PAYLOAD, "body": PAYLOAD},
        files={"attachments": (f"{PAYLOAD}.pdf", PDF_BYTES, "application/pdf")},
    )
    assert refused.status_code == 400 and "is a path, not a file name" in refused.text
    assert_inert(refused.text, "the family's new-message form")

    await client.login_as(casey)
    base = f"/clients/{jordan['id']}"
    bad_thread = await client.post(f"{base}/messages", data={"subject": PAYLOAD, "body": PAYLOAD})
    assert bad_thread.status_code == 400  # nobody chosen
    assert_inert(bad_thread.text, "the start-a-conversation form")
    bad_document = await client.post(
        f"{base}/documents",
        data={"title": PAYLOAD},
        files={"file": (f"{XSS_IMG}.pdf", b"<html>" + PAYLOAD.encode(), "application/pdf")},
    )
    assert bad_document.status_code == 400
    assert_inert(bad_document.text, "the document form")
