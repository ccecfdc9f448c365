"""Who may reach Jordan's family space, in one table: every families route, HTML and JSON, for Jordan's updates,
threads, messages and documents, against Olivia (owner), Casey (assigned), Morgan (not assigned), Bea (billing),
Pat (granted), Sam (suspended after he had received everything) and Robin (a relative of Morgan's client).

Suspended and unrelated relatives get 404 everywhere, exactly like something that does not exist, and are not
notified of anything new."""

from __future__ import annotations

from typing import Any

import pytest

from portal.families.tables import AccessGrant
from portal.mail.tables import OutboxMessage
from tests.families.conftest import family_release
from tests.families.messages_support import PDF_BYTES, acting, start_thread
from tests.families.updates_support import published_update
from tests.support.http import PortalClient

OK, DENIED, HIDDEN = "ok", 403, 404

# Expected outcome per audience: staff pages and staff API / family pages and family API.
PEOPLE: dict[str, tuple[str, Any, Any]] = {
    "olivia@example.com": ("Olivia (owner)", OK, DENIED),
    "casey@example.com": ("Casey (assigned)", OK, DENIED),
    "morgan@example.com": ("Morgan (not assigned)", HIDDEN, DENIED),
    "bea@example.com": ("Bea (billing)", DENIED, DENIED),
    "pat@example.com": ("Pat (granted)", DENIED, OK),
    "sam@example.com": ("Sam (suspended)", DENIED, HIDDEN),
    "robin@example.com": ("Robin (other client's relative)", DENIED, HIDDEN),
}

STAFF_ROUTES = [
    ("GET", "/clients/{client}/family"),
    ("GET", "/clients/{client}/updates"),
    ("GET", "/clients/{client}/updates/{update}"),
    ("GET", "/clients/{client}/messages"),
    ("GET", "/clients/{client}/messages/{thread}"),
    ("POST", "/clients/{client}/messages/{thread}/messages"),
    ("GET", "/clients/{client}/documents"),
    ("GET", "/clients/{client}/documents/{document}"),
    ("GET", "/api/v1/clients/{client}/relatives"),
    ("GET", "/api/v1/clients/{client}/updates"),
    ("GET", "/api/v1/clients/{client}/updates/{update}"),
    ("GET", "/api/v1/clients/{client}/threads"),
    ("GET", "/api/v1/clients/{client}/threads/{thread}"),
    ("POST", "/api/v1/clients/{client}/threads/{thread}/messages"),
]
FAMILY_ROUTES = [
    ("GET", "/family/updates/{update}"),
    ("GET", "/family/threads/{thread}"),
    ("POST", "/family/threads/{thread}/messages"),
    ("GET", "/family/documents/{document}"),
    ("GET", "/family/clients/{client}/timeline"),
    ("GET", "/api/v1/family/updates/{update}"),
    ("GET", "/api/v1/family/threads/{thread}"),
    ("POST", "/api/v1/family/threads/{thread}/messages"),
    ("GET", "/api/v1/family/documents/{document}"),
]


@pytest.fixture
async def jordans_family_space(
    jordan_family: dict[str, Any],
    jordan: dict[str, Any],
    casey: dict[str, Any],
    pat: dict[str, Any],
    sam: dict[str, Any],
) -> dict[str, Any]:
    """An update, a thread and a document that reached both Pat and Sam — then Sam is suspended."""
    from portal.families import documents

    sam_relative = jordan_family["sam"]
    await AccessGrant.update({AccessGrant.state: "active"}).where(AccessGrant.relative == sam_relative["id"])
    await family_release(jordan["id"], sam_relative["id"], ["family_communication", "placements", "billing"])
    update_id = await published_update(casey, jordan)
    thread = await start_thread(casey, jordan, [jordan_family["pat"]["id"], sam_relative["id"]])
    document_id, not_shared = await documents.upload_as_practice(
        acting(casey),
        jordan["id"],
        {"title": "Visiting rules", "category": "family_communication"},
        (PDF_BYTES, "visiting-rules.pdf"),
        [jordan_family["pat"]["id"], sam_relative["id"]],
    )
    assert not_shared == []
    await AccessGrant.update({AccessGrant.state: "suspended"}).where(AccessGrant.relative == sam_relative["id"])
    return {"client": jordan["id"], "update": update_id, "thread": thread.thread_id, "document": document_id}


def _body(method: str, path: str) -> dict[str, Any]:
    if method != "POST":
        return {}
    if path.startswith("/api/"):
        return {"json": {"body": "Checking in."}}
    return {"data": {"body": "Checking in."}}


@pytest.mark.parametrize("email", list(PEOPLE))
async def test_the_access_matrix(app: Any, db: None, jordans_family_space: dict[str, Any], email: str) -> None:
    label, staff_expected, family_expected = PEOPLE[email]
    async with PortalClient(app, ip="10.9.0.1") as browser:
        assert (await browser.login(email)).status_code == 200
        failures = []
        for routes, expected in ((STAFF_ROUTES, staff_expected), (FAMILY_ROUTES, family_expected)):
            for method, template in routes:
                path = template.format(**jordans_family_space)
                if method == "POST":
                    response = await browser.post(path, **_body(method, path))
                else:
                    response = await browser.get(path)
                status = response.status_code
                ok = (status < 400) if expected == OK else (status == expected)
                if not ok:
                    failures.append(f"{method} {path}: {status}, expected {expected}")
                if expected in (HIDDEN, DENIED):
                    assert "Visiting rules" not in response.text and "first week" not in response.text
        assert not failures, f"{label}:\n" + "\n".join(failures)


@pytest.mark.parametrize("email", ["sam@example.com", "robin@example.com"])
async def test_suspended_and_unrelated_relatives_see_nothing_of_jordan_in_their_lists(
    app: Any, db: None, jordans_family_space: dict[str, Any], email: str
) -> None:
    async with PortalClient(app, ip="10.9.0.2") as browser:
        await browser.login(email)
        for path in ("/family", "/family/updates", "/family/threads", "/family/documents"):
            page = await browser.get(path)
            assert page.status_code == 200, path
            for trace in ("Jordan", "first week", "Visiting"):
                assert trace not in page.text, (path, trace)
        for path in (
            "/api/v1/family/updates",
            "/api/v1/family/threads",
            "/api/v1/family/documents",
            "/api/v1/family/clients",
        ):
            body = (await browser.get(path)).json()
            items = body["items"] if isinstance(body, dict) else body
            assert all(item.get("client_id") != jordans_family_space["client"] for item in items), path


async def test_a_suspended_relative_is_not_notified_of_anything_new(
    jordans_family_space: dict[str, Any], jordan: dict[str, Any], casey: dict[str, Any], sam: dict[str, Any]
) -> None:
    from portal.families import message_posting

    before = await OutboxMessage.count().where(OutboxMessage.to_address == sam["email"])
    await published_update(casey, jordan, title="Second week")
    await message_posting.post_as_practice(
        acting(casey), jordan["id"], jordans_family_space["thread"], "One more thing."
    )
    assert await OutboxMessage.count().where(OutboxMessage.to_address == sam["email"]) == before
    assert await OutboxMessage.count().where(OutboxMessage.to_address == "pat@example.com") > 0
