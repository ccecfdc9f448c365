"""Only the owner may export a client's record: the button shows only to her, everyone else is refused (403),
and her download is a zip that is audited and not left behind on the server."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.settings import get_settings
from tests.support import people

BUTTON = "Download the complete record"


async def test_the_owner_downloads_the_zip_from_the_client_page(
    client: Any, olivia: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    page = await client.get(f"/clients/{jordan['id']}")
    assert BUTTON in page.text and f'action="/clients/{jordan["id"]}/export"' in page.text

    response = await client.post(f"/clients/{jordan['id']}/export", data={})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "Jordan" not in response.headers["content-disposition"]  # no PHI in the file name
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        profile = json.loads(archive.read("data/clients.json"))
    assert [row["legal_name"] for row in profile] == ["Jordan Rivera"]

    events = await AuditEvent.select().where(AuditEvent.action == "client.export")
    assert [(e["actor_id"], e["client_id"]) for e in events] == [(olivia["id"], jordan["id"])]
    exports = get_settings().files_dir.parent / "exports"
    assert not exports.exists() or list(exports.iterdir()) == []


@pytest.mark.parametrize("email", ["casey@example.com", "bea@example.com", "pat@example.com"])
async def test_everyone_but_the_owner_is_refused(client: Any, email: str, jordan: dict[str, Any]) -> None:
    await client.login_as(await people.get(email))
    response = await client.post(f"/clients/{jordan['id']}/export", data={})
    assert response.status_code == 403
    assert await AuditEvent.count().where(AuditEvent.action == "client.export") == 0


async def test_the_button_is_not_shown_to_the_case_manager(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    page = await client.get(f"/clients/{jordan['id']}")
    assert page.status_code == 200 and BUTTON not in page.text


@pytest.mark.parametrize("client_id", ["999999", "2147483648"])
async def test_an_unknown_client_is_not_found(client: Any, olivia: dict[str, Any], client_id: str) -> None:
    await client.login_as(olivia)
    response = await client.post(f"/clients/{client_id}/export", data={})
    assert response.status_code == 404
