"""Script and HTML stored in a placement's free text (program name, aftercare plan, outcome note) are escaped on
every page that shows them: the list, both forms, the timeline, the overview and My day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.cases.coordination_support import NOW, TODAY, XSS, XSS_IMG, add_placement


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


@pytest.mark.parametrize(
    "payload", [XSS, XSS_IMG, "</textarea><script>alert(3)</script>", "</title><script>alert(4)</script>"]
)
async def test_free_text_of_a_placement_is_escaped_everywhere(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], payload: str
) -> None:
    current = await add_placement(
        casey,
        jordan,
        program_name=f"Program {payload}",
        aftercare_plan=f"Plan {payload}",
        referred_on="2026-02-01",
        admitted_on="2026-02-02",
        expected_discharge_on=str(TODAY + timedelta(days=5)),
    )
    past = await add_placement(
        casey,
        jordan,
        program_name=f"Past {payload}",
        aftercare_plan=f"Plan {payload}",
        discharged_on="2026-01-30",
        discharge_type="planned",
        outcome="completed",
        outcome_note=f"Outcome {payload}",
        expected_discharge_on="2026-01-30",
    )
    await client.login_as(casey)
    pages = [
        f"/clients/{jordan['id']}/placements",
        f"/clients/{jordan['id']}/placements/{current}/edit",
        f"/clients/{jordan['id']}/placements/{past}/edit",
        f"/clients/{jordan['id']}/placements/{current}/discharge",
        f"/clients/{jordan['id']}/timeline",
        f"/clients/{jordan['id']}",
        "/my-day",
    ]
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 200, path
        html = response.text
        assert "Program " in html or "Past " in html, path
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert "</textarea><script>" not in html and "</title><script>" not in html, path
