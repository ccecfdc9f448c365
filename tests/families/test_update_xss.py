"""Script and HTML payloads in an update's title and body render as text or are sanitised away, on every page and
in every answer that shows them: staff list, staff page, edit and follow-up forms, the relative's feed and update,
and the JSON API."""

from __future__ import annotations

from typing import Any

from portal.families import updates
from portal.families.tables import Update
from tests.families.updates_support import acting, write_update

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
# What must never reach a page: a live element (escaped text such as &lt;script&gt; is fine).
LIVE = ["<script>alert(1)", "<img src=x", "onerror=alert(1)>", "javascript:alert"]


def assert_inert(html: str, where: str) -> None:
    for fragment in LIVE:
        assert fragment not in html, f"{fragment!r} is live on {where}"


async def test_payloads_in_title_and_body_are_inert_everywhere(
    client: Any, other_client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any],
    pat: dict[str, Any],
) -> None:  # fmt: skip
    typed = await write_update(casey, jordan, title=f"Typed {PAYLOAD}", body=f"Plain text {PAYLOAD}")
    pasted = await write_update(
        casey,
        jordan,
        title=PAYLOAD,
        body=f"<p>Rich <b>text</b></p>{PAYLOAD}<a href='javascript:alert(1)'>x</a>",
    )
    stored = await Update.select(Update.body_html, Update.body_text).where(Update.id == pasted).first()
    assert stored["body_html"] == '<p>Rich <b>text</b></p>"&gt;<a rel="noopener noreferrer nofollow">x</a>'
    await updates.publish_update(acting(casey), jordan["id"], typed)
    await updates.publish_update(acting(casey), jordan["id"], pasted)

    base = f"/clients/{jordan['id']}/updates"
    await client.login_as(casey)
    for path in (
        base,
        f"{base}/{typed}",
        f"{base}/{pasted}",
        f"{base}/new?follows_up={pasted}",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text, path)
    staff_api = (await client.get(f"/api/v1/clients/{jordan['id']}/updates/{pasted}")).json()
    assert_inert(staff_api["body_html"], "the staff API's body_html")
    staff_page = (await client.get(f"{base}/{typed}")).text
    assert "Typed &lt;script&gt;alert(1)&lt;/script&gt;" in staff_page

    await other_client.login_as(pat)
    for path in ("/family/updates", f"/family/updates/{typed}", f"/family/updates/{pasted}"):
        response = await other_client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text, path)
    api = (await other_client.get(f"/api/v1/family/updates/{pasted}")).json()
    assert_inert(api["body_html"], "the API's body_html")
    assert api["title"] == PAYLOAD  # JSON carries the text as typed; pages escape it


async def test_a_draft_with_payloads_round_trips_through_the_edit_form_inert(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    draft = await write_update(casey, jordan, title=PAYLOAD, body=f"Typed {PAYLOAD}")
    await client.login_as(casey)
    form = await client.get(f"/clients/{jordan['id']}/updates/{draft}/edit")
    assert form.status_code == 200
    assert_inert(form.text, "the edit form")
    assert f'value="{PAYLOAD}"' not in form.text
