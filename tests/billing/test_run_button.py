"""The run button queues the month's run; the worker runs it; the progress panel polls every second until
done == total, then stops polling and shows what was created, what existed and what was skipped, with reasons."""

from __future__ import annotations

import re
from typing import Any

import pytest

from portal.billing.run import run_queued_billing_runs
from portal.billing.tables import BillingRun, Invoice
from portal.worker import run_once
from tests.billing.conftest import bea_principal, make_agreement
from tests.billing.pages_support import DEC_1


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def test_the_button_queues_and_the_worker_runs_it(
    client: Any, bea: dict[str, Any], jordan_agreement: int, taylor: dict[str, Any]
) -> None:
    await make_agreement(bea_principal(bea), taylor["id"], status="draft")
    await client.login_as(bea)
    page = await client.get("/billing/runs")
    assert 'value="2026-12"' in page.text  # this month, by default

    response = await client.post("/billing/runs", data={"period": "2026-11"})
    assert response.status_code == 303
    run_path = response.headers["location"]
    run_id = int(run_path.rsplit("/", 1)[1])
    queued = await client.get(run_path)
    assert "Waiting for the worker" in queued.text
    assert f'hx-get="/billing/runs/{run_id}/progress"' in queued.text and 'hx-trigger="every 1s"' in queued.text
    assert await Invoice.count() == 0

    assert await run_queued_billing_runs() == 1
    run = await BillingRun.select().where(BillingRun.id == run_id).first()
    assert (run["status"], run["done"], run["total"], run["created"]) == ("done", 1, 1, 1)

    panel = await client.get(f"/billing/runs/{run_id}/progress", headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert "hx-trigger" not in panel.text  # finished: the polling stops
    done, total = re.search(r'data-done="(\d+)" data-total="(\d+)"', panel.text).groups()  # type: ignore[union-attr]
    assert done == total == "1"
    assert "Taylor Brooks" in panel.text and "not active yet (draft)" in panel.text

    api = (await client.get(f"/api/v1/billing/runs/{run_id}")).json()
    assert (api["status"], api["done"], api["total"], api["created"], api["existing"]) == ("done", 1, 1, 1, 0)
    assert api["skipped"][0]["reason"] == "not active yet (draft)"


async def test_running_a_month_again_says_how_many_existed(
    client: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    await client.login_as(bea)
    for _ in range(2):
        await client.post("/billing/runs", data={"period": "2026-11"})
        report = await run_once()
        assert report.billing_runs == 1
    runs = await BillingRun.select().order_by(BillingRun.id)
    assert [(r["created"], r["existing"]) for r in runs] == [(1, 0), (0, 1)]
    assert await Invoice.count() == 1


async def test_the_preview_bills_nothing(client: Any, bea: dict[str, Any], jordan_agreement: int) -> None:
    await client.login_as(bea)
    preview = await client.post("/billing/runs/preview", data={"period": "2026-11"})
    assert preview.status_code == 200
    assert "Preview of November 2026" in preview.text and "$8,500.00" in preview.text
    assert "Case management services — November 2026" in preview.text
    assert await Invoice.count() == 0 and await BillingRun.count() == 0


async def test_the_api_starts_a_run(client: Any, bea: dict[str, Any], jordan_agreement: int) -> None:
    await client.login_as(bea)
    response = await client.post("/api/v1/billing/runs", json={"period": "2026-11"})
    assert response.status_code == 201 and response.json()["status"] == "queued"
    await run_queued_billing_runs()
    assert (await client.get(f"/api/v1/billing/runs/{response.json()['id']}")).json()["status"] == "done"
