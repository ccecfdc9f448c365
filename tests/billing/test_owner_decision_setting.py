"""How long an invoice may stay past due before the owner is asked to decide is a billing setting: Bea sets it on
the billing settings page (30 days unless changed), a bad value is a form error, and the worker's round follows it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from portal.billing import collections
from portal.billing.profile import get_profile
from portal.billing.tables import BillingNotice
from portal.worker import run_once
from tests.billing.pages_support import DEC_1, jordan_invoice
from tests.support.http import PortalClient

SETTINGS = {"street": "12 Harbor Lane", "city": "Montclair", "state": "NJ", "zip_code": "07042"}


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


async def test_the_default_is_thirty_days_and_the_page_shows_it(client: PortalClient, bea: dict[str, Any]) -> None:
    assert (await get_profile()).owner_decision_after_days == collections.OWNER_DECISION_AFTER_DAYS == 30
    await client.login_as(bea)
    page = await client.get("/billing/settings")
    assert page.status_code == 200
    assert 'name="owner_decision_after_days" type="number" value="30"' in page.text


@pytest.mark.parametrize("bad", ["0", "366", "ten", "-3"])
async def test_a_bad_number_of_days_is_a_form_error(client: PortalClient, bea: dict[str, Any], bad: str) -> None:
    await client.login_as(bea)
    response = await client.post("/billing/settings", data={**SETTINGS, "owner_decision_after_days": bad})
    assert response.status_code == 400
    assert 'id="f-owner_decision_after_days-error"' in response.text
    assert (await get_profile()).owner_decision_after_days == 30


async def test_the_worker_asks_the_owner_after_the_days_bea_set(
    client: PortalClient, clock: Any, bea: dict[str, Any], jordan_agreement: int
) -> None:
    await client.login_as(bea)
    saved = await client.post("/billing/settings", data={**SETTINGS, "owner_decision_after_days": "10"})
    assert saved.status_code in (302, 303), saved.text
    assert (await get_profile()).owner_decision_after_days == 10

    await jordan_invoice(bea, jordan_agreement)  # due December 15th
    clock.advance(days=15)
    assert (await run_once()).collections["past_due"] == 1  # past due since the 15th
    clock.advance(days=8)
    assert (await run_once()).collections["owner_notices"] == 0
    # Ten days past due (well before the default thirty), late on December 25th in New York: the 26th in UTC.
    clock.set(datetime(2026, 12, 26, 2, 0, tzinfo=UTC))
    assert (await run_once()).collections["owner_notices"] == 1
    [notice] = await BillingNotice.select()
    assert notice["kind"] == collections.OWNER_DECISION and "(10 days," in notice["message"]

    await client.login_as(bea)
    page = (await client.get("/billing")).text
    needs_action = page[page.index("Needs action") :]
    assert notice["message"] in needs_action
    assert "Dec 25, 2026" in needs_action and "Dec 26, 2026" not in needs_action  # the practice's date
