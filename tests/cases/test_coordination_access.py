"""Every placement, timeline and task route answers 404 for a client one may not see (Casey and Morgan's
client Taylor), exactly as for an id that does not exist, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases.tables import Placement, Task, TransitionItem
from tests.cases.coordination_support import NOW, PLACEMENT_FORM, add_placement, add_task

GET_PAGES = [
    "/placements",
    "/placements/new",
    "/placements/{placement}/edit",
    "/placements/{placement}/discharge",
    "/timeline",
    "/tasks",
    "/tasks?view=overdue",
]
POSTS = [
    ("/placements", PLACEMENT_FORM),
    ("/placements/{placement}/edit", {**PLACEMENT_FORM, "program_name": "Changed"}),
    (
        "/placements/{placement}/discharge",
        {"discharged_on": "2026-02-20", "discharge_type": "planned", "outcome": "completed"},
    ),
    ("/placements/{placement}/checklist/family_briefed", {"done": "on"}),
    ("/tasks", {"title": "Sneaky"}),
]


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


@pytest.mark.parametrize("suffix", GET_PAGES)
async def test_casey_cannot_open_taylors_pages(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], taylor: dict[str, Any], suffix: str
) -> None:
    placement_id = await add_placement(morgan, taylor, program_name="Taylor's program")
    await client.login_as(casey)
    hidden = await client.get(f"/clients/{taylor['id']}" + suffix.format(placement=placement_id))
    missing = await client.get("/clients/999999" + suffix.format(placement=placement_id))
    assert hidden.status_code == missing.status_code == 404
    assert "Taylor" not in hidden.text


@pytest.mark.parametrize(("suffix", "data"), POSTS)
async def test_casey_cannot_write_to_taylors_placements_or_tasks(
    client: Any,
    casey: dict[str, Any],
    morgan: dict[str, Any],
    taylor: dict[str, Any],
    suffix: str,
    data: dict[str, str],
) -> None:
    placement_id = await add_placement(morgan, taylor, program_name="Taylor's program")
    await client.login_as(casey)
    response = await client.post(f"/clients/{taylor['id']}" + suffix.format(placement=placement_id), data=data)
    assert response.status_code == 404
    rows = await Placement.select().where(Placement.client == taylor["id"])
    assert len(rows) == 1 and rows[0]["program_name"] == "Taylor's program" and rows[0]["discharged_on"] is None
    assert await TransitionItem.count().where(TransitionItem.done_at.is_not_null()) == 0
    assert await Task.count() == 0


@pytest.mark.parametrize("suffix", GET_PAGES)
async def test_casey_opens_jordans_pages(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], suffix: str
) -> None:
    placement_id = await add_placement(casey, jordan)
    await client.login_as(casey)
    response = await client.get(f"/clients/{jordan['id']}" + suffix.format(placement=placement_id))
    assert response.status_code == 200


async def test_a_placement_of_another_client_under_jordans_path_is_not_found(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    taylors = await add_placement(morgan, taylor)
    await client.login_as(casey)
    for suffix in [f"/placements/{taylors}/edit", f"/placements/{taylors}/discharge"]:
        assert (await client.get(f"/clients/{jordan['id']}{suffix}")).status_code == 404


async def test_my_tasks_never_list_another_case_managers_client(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    # Even a task assigned to Casey about Taylor (e.g. left over from a handoff) stays out of sight.
    await add_task(casey, client=taylor, title="About Taylor", created_by=morgan["id"])
    await client.login_as(casey)
    for path in ["/tasks", "/tasks?view=all", "/my-day"]:
        html = (await client.get(path)).text
        assert "About Taylor" not in html and "Taylor" not in html, path


@pytest.mark.parametrize("email", ["bea@example.com", "pat@example.com"])
async def test_billing_and_families_see_no_tasks_or_placements(
    client: Any, email: str, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await add_placement(casey, jordan)
    await client.login(email)
    assert (await client.get("/tasks")).status_code == 403
    for suffix in ["/placements", "/timeline", "/tasks"]:
        assert (await client.get(f"/clients/{jordan['id']}{suffix}")).status_code in {403, 404}


@pytest.mark.parametrize("bad_id", ["99999999999999999999", "2147483648", "0", "-1"])
async def test_ids_out_of_range_are_not_found_never_a_server_error(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], bad_id: str
) -> None:
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/placements/{bad_id}"
    for path in [f"{base}/edit", f"{base}/discharge"]:
        assert (await client.get(path)).status_code == 404, path
    for path in [f"{base}/checklist/medications", f"/tasks/{bad_id}/done", f"/tasks/{bad_id}/reopen"]:
        assert (await client.post(path, data={"done": "on"})).status_code == 404, path
    assignee = await client.post(f"/clients/{jordan['id']}/tasks", data={"title": "x", "assignee": bad_id})
    assert assignee.status_code == 400 and "Choose a case manager" in assignee.text
    about = await client.post("/tasks", data={"title": "x", "client": bad_id})
    assert about.status_code == 400 and "Choose one of your clients" in about.text
    paging = await client.get(f"/tasks?page={bad_id}&per_page={bad_id}&view=<b>")
    assert paging.status_code == 200 and "<b>" not in paging.text
