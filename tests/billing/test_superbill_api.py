"""The superbill API: list a client's superbills, issue one (422 naming every problem, 409 when already issued),
one superbill as JSON and as PDF; bad input is a 4xx with a message; families and case managers are refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.billing.pages_support import DEC_1
from tests.billing.superbill_support import CASEY_NPI, ready_november


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def test_issue_list_and_read(
    client: Any, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await ready_november(bea, casey, jordan, jordan_agreement)
    await client.login_as(bea)
    assert (await client.get(f"/api/v1/superbills?client={jordan['id']}")).json() == {"items": []}

    created = await client.post("/api/v1/superbills", json={"client_id": jordan["id"], "period": "2026-11"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["statement_number"] == 1 and body["totals"]["balance_cents"] == 0
    assert body["clinician"]["npi"] == CASEY_NPI and body["accept_assignment"] is False

    again = await client.post("/api/v1/superbills", json={"client_id": jordan["id"], "period": "2026-11"})
    assert again.status_code == 409 and "already issued (statement number 1)" in again.text

    listed = (await client.get(f"/api/v1/superbills?client={jordan['id']}")).json()["items"]
    assert [(item["id"], item["period"], item["statement_number"]) for item in listed] == [(body["id"], "2026-11", 1)]
    one = await client.get(f"/api/v1/superbills/{body['id']}")
    assert one.status_code == 200 and one.json()["lines"] == body["lines"]
    pdf = await client.get(f"/api/v1/superbills/{body['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and "superbill-1.pdf" in pdf.headers["content-disposition"]


async def test_refusals_and_bad_input(
    client: Any, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any],
    jordan_agreement: int,
) -> None:  # fmt: skip
    await ready_november(bea, casey, jordan, jordan_agreement, pay_cents=100_000)
    await client.login_as(bea)
    refused = await client.post("/api/v1/superbills", json={"client_id": jordan["id"], "period": "2026-11"})
    assert refused.status_code == 422 and "November 2026 is not paid in full" in refused.text
    for path, status, message in (
        ("/api/v1/superbills", 400, "client"),
        ("/api/v1/superbills?client=abc", 400, "client"),
        ("/api/v1/superbills?client=1&sort=x", 400, "sort"),
        ("/api/v1/superbills?client=999999", 404, "No such client"),
        ("/api/v1/superbills/999999", 404, "No such superbill"),
        ("/api/v1/superbills/999999/pdf", 404, "No such superbill"),
    ):
        response = await client.get(path)
        assert response.status_code == status and message in response.text, (path, response.text)
    for body, message in (
        ({"client_id": jordan["id"], "period": "2026-13"}, "2026-11"),
        ({"client_id": jordan["id"]}, "period"),
        ({"client_id": "x", "period": "2026-11"}, "client_id"),
    ):
        response = await client.post("/api/v1/superbills", json=body)
        assert response.status_code == 400 and message in response.text, (body, response.text)


async def test_families_and_case_managers_are_refused(
    client: Any, bea: dict[str, Any], casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any],
    jordan_agreement: int,
) -> None:  # fmt: skip
    await ready_november(bea, casey, jordan, jordan_agreement)
    await client.login_as(bea)
    created = (await client.post("/api/v1/superbills", json={"client_id": jordan["id"], "period": "2026-11"})).json()
    for person in (casey, pat):
        await client.login_as(person)
        for path in (
            f"/api/v1/superbills?client={jordan['id']}",
            f"/api/v1/superbills/{created['id']}",
            f"/api/v1/superbills/{created['id']}/pdf",
        ):
            assert (await client.get(path)).status_code == 403, (person["email"], path)
        response = await client.post("/api/v1/superbills", json={"client_id": jordan["id"], "period": "2026-11"})
        assert response.status_code == 403
