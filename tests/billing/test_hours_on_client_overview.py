"""Casey sees Jordan's retainer hours on the client overview (used, included, rolled over, remaining) and
nothing about money; a paying relative with billing access can be shown the same hours, nobody else."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from portal.billing.hours import hours_for_payer
from portal.errors import NotFound
from portal.policy import Principal, Role
from tests.billing.conftest import log_minutes
from tests.billing.pages_support import jordan_invoice
from tests.families.conftest import family_release, grant, relative_of

NOV_20 = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def november(clock: Any) -> Any:
    clock.set(NOV_20)
    return clock


async def test_casey_sees_hours_but_no_amounts(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 3), 16 * 60 + 30)
    await client.login_as(casey)
    page = (await client.get(f"/clients/{jordan['id']}")).text
    card = page[page.index('id="retainer-hours-h"') :]
    card = card[: card.index("</section>")]
    assert "Retainer hours this month" in card and "November 2026" in card
    assert "16 h 30 min" in card and "20 h" in card and "3 h 30 min" in card  # used, included, remaining
    assert "82 %" in card
    assert "$" not in page  # no fee, no rate, no balance anywhere on the page
    assert "8,500" not in page and "250" not in card


async def test_casey_sees_that_a_payment_is_past_due_but_not_how_much(
    client: Any, clock: Any, casey: dict[str, Any], bea: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    issued = await jordan_invoice(bea, jordan_agreement)  # issued November 20th, due December 4th
    await client.login_as(casey)
    assert "Past due" not in (await client.get(f"/clients/{jordan['id']}")).text
    clock.set(datetime(2026, 12, 4, 17, 0, tzinfo=UTC))
    await client.login_as(casey)  # a fresh session each time the clock jumps ahead
    assert "Past due" not in (await client.get(f"/clients/{jordan['id']}")).text  # due today: not yet
    clock.set(datetime(2026, 12, 5, 17, 0, tzinfo=UTC))
    await client.login_as(casey)
    page = (await client.get(f"/clients/{jordan['id']}")).text
    card = page[page.index('id="retainer-hours-h"') :]
    card = card[: card.index("</section>")]
    assert "Past due" in card and "since Dec 4, 2026" in card
    assert "$" not in page and "8,500" not in page
    assert issued["status"] == "open"


async def test_no_card_without_an_agreement(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    assert "Retainer hours" not in (await client.get(f"/clients/{jordan['id']}")).text


def as_family(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role.FAMILY, email=person["email"], name=person["name"])


async def test_the_paying_relative_with_billing_access_gets_the_hours(
    casey: dict[str, Any], pat: dict[str, Any], sam: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await log_minutes(jordan["id"], casey["id"], date(2026, 11, 3), 120)
    pat_relative = await relative_of(jordan["id"], "pat@example.com")
    sam_relative = await relative_of(jordan["id"], "sam@example.com")
    await grant(pat_relative["id"])
    await grant(sam_relative["id"])
    with pytest.raises(NotFound):
        await hours_for_payer(as_family(pat), jordan["id"])  # Jordan is an adult: no release covers billing yet
    await family_release(jordan["id"], pat_relative["id"], ["billing"])
    hours = await hours_for_payer(as_family(pat), jordan["id"])
    assert hours is not None and hours.used == 120 and hours.remaining == 18 * 60
    await family_release(jordan["id"], sam_relative["id"], ["billing"])
    with pytest.raises(NotFound):
        await hours_for_payer(as_family(sam), jordan["id"])  # Sam does not pay
