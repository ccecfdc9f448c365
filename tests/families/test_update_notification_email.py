"""Publishing tells each recipient by e-mail, through a real SMTP server, that something new is waiting: no client
name, no diagnosis, no word of the update; its link leads, after signing in, to the feed that shows the update."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import unquote, urlsplit

from portal.cases import clients
from portal.mail import services as mail
from tests.families.conftest import family_release
from tests.families.updates_support import acting, published_update
from tests.support.http import links_in
from tests.support.smtp import RecordingSmtpServer


async def test_pat_is_emailed_a_content_free_notice_whose_link_shows_the_update(
    client: Any,
    smtp_server: RecordingSmtpServer,
    settings_override: Any,
    jordan_family: dict[str, Any],
    casey: dict[str, Any],
    jordan: dict[str, Any],
    pat: dict[str, Any],
    sam: dict[str, Any],
) -> None:
    settings_override(smtp_url=smtp_server.url)
    await clients.add_diagnosis(acting(casey), jordan["id"], "F10.20", is_primary=True, diagnosed_on=date.today())
    await family_release(jordan["id"], jordan_family["pat"]["id"], ["family_communication", "placements", "diagnoses"])
    await published_update(
        casey,
        jordan,
        title="Brookside week one",
        body="Jordan started the alcohol-use program (F10.20) at Brookside Recovery this week.",
        categories=["placements", "diagnoses"],
    )

    report = await mail.deliver_due()

    assert report.sent == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == pat["email"] and sam["email"] not in str(message)
    subject = str(message["Subject"])
    text = RecordingSmtpServer.text_of(message)
    assert subject == "You have a new update from Harbor Case Management"
    for forbidden in ("Jordan", "Rivera", "F10", "Brookside", "week one", "program", "placement", "alcohol"):
        assert forbidden not in subject and forbidden not in text, forbidden
    [link] = links_in(text)
    path = urlsplit(link).path
    assert link.startswith("http://testserver/") and path == "/family/updates"

    signed_out = await client.get(path)
    assert signed_out.status_code == 303
    assert unquote(signed_out.headers["location"]) == f"/login?next={path}"
    await client.login_as(pat)
    feed = await client.get(path)
    assert feed.status_code == 200
    assert "Brookside week one" in feed.text
