"""Credentials: alerts from 60 days before expiry (the network home, the program page, a function for My day or
a job); an expired license shows the program as "review needed" at once and the worker's check records it, with
a re-review opened. An expired accreditation alerts but does not change the status; a declined program stays
declined."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from portal.network import credentials, programs, vetting
from portal.network.tables import VettingReview
from portal.worker import run_once
from tests.network.support import NOW, TODAY, acting, add_license, add_program, approve, audit_actions, program


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


@pytest.mark.parametrize(("days", "alerted"), [(61, False), (60, True), (1, True), (0, True), (-1, True)])
async def test_an_alert_starts_60_days_before_expiry(db: Any, casey: dict[str, Any], days: int, alerted: bool) -> None:
    program_id = await add_program(casey)
    await add_license(casey, program_id, TODAY + timedelta(days=days))
    alerts = await credentials.credential_alerts(acting(casey))
    assert [a["program"] for a in alerts] == ([program_id] if alerted else [])
    if alerted:
        assert alerts[0]["days_left"] == days
        assert alerts[0]["state"] == ("expired" if days < 0 else "expiring")
        assert alerts[0]["program_name"] == "Pine Ridge Recovery"


async def test_alerts_show_on_the_network_home_and_the_program_page(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await add_license(casey, program_id, TODAY + timedelta(days=45), name="VA residential license")
    await add_license(casey, program_id, TODAY + timedelta(days=400), name="Far-off certification")
    await client.login_as(casey)
    home = await client.get("/network")
    assert home.status_code == 200
    alerts_section = home.text.split('id="credential-alerts"')[1].split("</section>")[0]
    assert "VA residential license" in alerts_section and "in 45 days" in alerts_section
    assert "Far-off certification" not in alerts_section
    page = await client.get(f"/network/programs/{program_id}")
    credentials_section = page.text.split('id="credentials"')[1].split("</section>")[0]
    assert "in 45 days" in credentials_section


async def test_alerts_follow_the_clock(db: Any, clock: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await add_license(casey, program_id, TODAY + timedelta(days=70))
    assert await credentials.credential_alerts(acting(casey)) == []
    clock.advance(days=10)
    assert [a["days_left"] for a in await credentials.credential_alerts(acting(casey))] == [60]


async def test_an_expired_license_means_review_needed_before_and_after_the_worker(
    db: Any, clock: Any, casey: dict[str, Any]
) -> None:
    program_id = await add_program(casey)
    await approve(casey, program_id)
    await add_license(casey, program_id, TODAY + timedelta(days=3))
    assert (await programs.get_program(acting(casey), program_id))["status"] == "approved"

    clock.advance(days=4)  # the license expired yesterday
    shown = await programs.get_program(acting(casey), program_id)
    assert shown["status"] == "review_needed" and shown["vetting_status"] == "approved"

    report = await run_once()
    assert report.network_reviews == 1
    row = await program(program_id)
    assert row["vetting_status"] == "review_needed"
    review = await vetting.current_review(program_id)
    assert review is not None and review["reason"] == "license_expired"
    assert "program.review.open" in await audit_actions("program.review")

    # The check is idempotent: the next round changes nothing and opens no second review.
    assert (await run_once()).network_reviews == 0
    assert await VettingReview.count().where(VettingReview.program == program_id) == 2


async def test_an_expired_accreditation_alerts_but_needs_no_review(db: Any, clock: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await add_license(casey, program_id, TODAY - timedelta(days=5), kind="accreditation", name="CARF")
    assert (await programs.get_program(acting(casey), program_id))["status"] == "unvetted"
    assert await credentials.check_credentials() == 0
    assert [a["name"] for a in await credentials.credential_alerts(acting(casey))] == ["CARF"]


async def test_a_declined_program_stays_declined(db: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await vetting.open_review(acting(casey), program_id, {"reason": "initial", "intake_source": "Cold call"})
    await vetting.record_decision(
        acting(casey), program_id, {"decision": "declined", "rationale": "Pays referral fees."}
    )
    await add_license(casey, program_id, TODAY - timedelta(days=1))
    assert (await programs.get_program(acting(casey), program_id))["status"] == "declined"
    assert await credentials.check_credentials() == 0
    assert (await program(program_id))["vetting_status"] == "declined"


async def test_renewing_the_license_ends_the_alert_and_approving_again_is_allowed(
    db: Any, clock: Any, casey: dict[str, Any]
) -> None:
    program_id = await add_program(casey)
    await approve(casey, program_id)
    license_id = await add_license(casey, program_id, TODAY - timedelta(days=2))
    await credentials.check_credentials()
    decision = {
        "decision": "approved",
        "levels": ["asam3:3.5"],
        "rationale": "Renewed.",
        "next_review_on": "2027-06-01",
    }
    with pytest.raises(Exception, match="expired"):
        await vetting.record_decision(acting(casey), program_id, decision)
    await credentials.update_credential(
        acting(casey), program_id, license_id, {"expires_on": (TODAY + timedelta(days=365)).isoformat()}
    )
    assert await credentials.credential_alerts(acting(casey)) == []
    await vetting.record_decision(acting(casey), program_id, decision)
    assert (await programs.get_program(acting(casey), program_id))["status"] == "approved"
    assert (await program(program_id))["next_review_on"] == date(2027, 6, 1)
