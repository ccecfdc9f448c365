"""Billing fixtures: Jordan's retainer ($8,500 a month, 20 included hours, overage $250/h, Pat pays)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from portal.billing import agreements
from portal.cases.tables import Relative, TimeEntry
from portal.clock import utcnow
from portal.policy import Principal, Role
from tests.support.fake_stripe import FakeStripe


def bea_principal(bea: dict[str, Any]) -> Principal:
    return Principal(user_id=bea["id"], role=Role.BILLING, email=bea["email"], name=bea["name"])


async def make_agreement(principal: Principal, client_id: int, *, status: str = "active", **fields: Any) -> int:
    data: dict[str, Any] = {
        "client": client_id,
        "payer_name": "Outside Payer",
        "payer_email": "payer@example.com",
        "monthly_fee": "8500",
        "start_date": "2026-08-01",
        "billing_day": 1,
        "included_hours": 20,
        "overage_rate": "250",
        "rollover_max_hours": 0,
    }
    data.update(fields)
    agreement_id = await agreements.create_agreement(principal, data)
    if status != "draft":
        await agreements.set_status(principal, agreement_id, "active")
    if status in {"paused", "ended"}:
        await agreements.set_status(principal, agreement_id, status)
    return agreement_id


async def log_minutes(client_id: int, case_manager_id: int, day: date, minutes: int, *, billable: bool = True) -> None:
    now = utcnow()
    await TimeEntry.insert(
        TimeEntry(
            client=client_id,
            case_manager=case_manager_id,
            service_date=day,
            minutes=minutes,
            activity="care_coordination",
            billable=billable,
            created_at=now,
            updated_at=now,
        )
    )


@pytest.fixture
async def jordan_agreement(bea: dict[str, Any], jordan: dict[str, Any]) -> int:
    pat = (
        await Relative.select().where((Relative.client == jordan["id"]) & (Relative.email == "pat@example.com")).first()
    )
    return await make_agreement(
        bea_principal(bea), jordan["id"], payer_relative=pat["id"], payer_name="", payer_email=""
    )


@pytest.fixture
def fake_stripe(settings_override: Any) -> Iterator[FakeStripe]:
    """A fake Stripe API on a free local port; the portal's settings point the real SDK at it."""
    fake = FakeStripe(webhook_secret="whsec_test").start()
    settings_override(stripe_secret_key="sk_test_portal", stripe_api_base=fake.url, stripe_webhook_secret="whsec_test")
    yield fake
    fake.stop()
