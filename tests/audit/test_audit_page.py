"""The owner's audit page: filters by person, client, action and date range, with no three-month cap; CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from portal.audit import services as audit
from portal.policy import Principal, Role


def actor(user: dict[str, Any]) -> Principal:
    return Principal(user_id=user["id"], role=Role(user["role"]), email=user["email"], name=user["name"])


async def test_only_the_owner_reads_the_audit_log(
    client: Any, casey: dict[str, Any], bea: dict[str, Any], pat: dict[str, Any]
) -> None:
    for person in (casey, bea, pat):
        await client.login_as(person)
        assert (await client.get("/audit")).status_code == 403
        assert (await client.get("/audit/export.csv")).status_code == 403
        await client.logout()


async def test_filters_by_person_client_and_action(
    client: Any, olivia: dict[str, Any], casey: dict[str, Any], morgan: dict[str, Any]
) -> None:
    await audit.record(actor(casey), "client.read", resource_type="client", resource_id=41, client_id=41)
    await audit.record(actor(morgan), "client.read", resource_type="client", resource_id=42, client_id=42)
    await audit.record(actor(casey), "note.create", resource_type="note", resource_id=9, client_id=41)
    await client.login_as(olivia)

    by_person = await client.get(f"/audit?actor={casey['id']}&action=client.")
    assert by_person.status_code == 200
    assert "client 41" in by_person.text and "client 42" not in by_person.text

    by_client = await client.get("/audit?client=41")
    assert "note.create" in by_client.text and "client 42" not in by_client.text


async def test_date_range_reaches_back_more_than_three_months(
    client: Any, olivia: dict[str, Any], casey: dict[str, Any], clock: Any
) -> None:
    start = clock.now()
    clock.set(start - timedelta(days=400))
    await audit.record(actor(casey), "client.read", resource_type="client", resource_id=77, client_id=77)
    clock.set(start)
    await client.login_as(olivia)
    day = (start - timedelta(days=400)).date()
    page = await client.get(f"/audit?since={day - timedelta(days=1)}&until={day + timedelta(days=1)}")
    assert "client 77" in page.text
    later = await client.get(f"/audit?since={day + timedelta(days=2)}")
    assert "client 77" not in later.text


async def test_bad_filter_values_are_shown_as_form_errors(client: Any, olivia: dict[str, Any]) -> None:
    await client.login_as(olivia)
    page = await client.get("/audit?since=yesterday&client=abc")
    assert page.status_code == 200
    assert "Use a date like 2026-11-20." in page.text


async def test_csv_export_has_every_matching_event(client: Any, olivia: dict[str, Any], casey: dict[str, Any]) -> None:
    for number in range(5):
        await audit.record(actor(casey), "client.read", resource_type="client", resource_id=number, client_id=500)
    await client.login_as(olivia)
    response = await client.get("/audit/export.csv?client=500")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 5
    assert {row["client_id"] for row in rows} == {"500"}
    assert rows[0]["actor_label"] == "casey@example.com" and rows[0]["hash"]


async def test_csv_cells_cannot_become_spreadsheet_formulas(client: Any, olivia: dict[str, Any]) -> None:
    evil = Principal(user_id=None, role=None, email="anonymous", name="x", user_agent='=HYPERLINK("http://x")')
    await audit.record(evil, "auth.login.failure", client_id=501)
    await client.login_as(olivia)
    response = await client.get("/audit/export.csv?client=501")
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row["user_agent"].startswith("'=")


async def test_reading_the_audit_log_is_itself_audited(client: Any, olivia: dict[str, Any]) -> None:
    from portal.audit.tables import AuditEvent

    await client.login_as(olivia)
    await client.get("/audit")
    await client.get("/audit/export.csv")
    actions = {
        r["action"] for r in await AuditEvent.select(AuditEvent.action).where(AuditEvent.actor_id == olivia["id"])
    }
    assert {"audit.view", "audit.export"} <= actions


async def test_the_audit_page_paginates(client: Any, olivia: dict[str, Any], casey: dict[str, Any]) -> None:
    for number in range(60):
        await audit.record(actor(casey), "client.read", resource_type="client", resource_id=number, client_id=600)
    await client.login_as(olivia)
    first = await client.get("/audit?client=600")
    assert "Page 1 of 2" in first.text
    second = await client.get("/audit?client=600&page=2&per_page=50")
    assert second.text.count("<code>client.read</code>") == 10
