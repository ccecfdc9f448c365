"""The whole network as CSV for staff: one row per program with its facets as labels, the status as shown today
and the latest availability; a cell that a spreadsheet would run as a formula is defused."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest

from portal.network import contacts
from tests.network.support import NOW, TODAY, acting, add_license, add_program, audit_actions


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


async def test_the_export_has_every_program_with_safe_cells(client: Any, casey: dict[str, Any]) -> None:
    first = await add_program(casey)
    second = await add_program(
        casey,
        name='=HYPERLINK("http://evil.example","click")',
        in_network_insurers="+Aetna\n-Cigna",
        private_pay="",
        city="@Crozet",
    )
    await add_license(casey, second, TODAY - timedelta(days=1))
    await contacts.record_availability(
        acting(casey), first, {"observed_on": "2026-11-20", "beds_available": "3", "note": "called"}
    )
    await client.login_as(casey)
    response = await client.get("/network/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2
    by_name = {r["name"]: r for r in rows}
    pine = by_name["Pine Ridge Recovery"]
    assert pine["levels_of_care"] == (
        "3.5 Clinically managed high-intensity residential; 3.1 Clinically managed low-intensity residential"
    )
    assert pine["private_pay"] == "32000.00" and pine["private_pay_unit"] == "month"
    assert pine["accepts_out_of_network"] == "yes" and pine["vetting_status"] == "Not vetted"
    assert pine["latest_availability"] == "2026-11-20: 3 beds, called"
    evil = by_name['\'=HYPERLINK("http://evil.example","click")']
    assert evil["in_network_insurers"] == "'+Aetna; -Cigna"
    assert evil["city"] == "'@Crozet"
    assert evil["vetting_status"] == "Review needed"  # its license expired yesterday
    assert await audit_actions("network.export") == ["network.export"]
