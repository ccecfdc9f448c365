"""The coordination JSON API (notes, time entries, tasks, placements) as a whole: every id of a client one may
not see answers 404 like a missing one and changes nothing; billing and family roles are turned away at the
guard; lists filter only on an allowlist and paginate; ids beyond the integer column are simply not found."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases import note_sharing, notes, tasks, time_entries
from portal.cases.tables import CareTeamMember, Note, NoteAddendum, NoteShare, Placement, Task, TimeEntry
from tests.cases.coordination_support import NOW, add_placement
from tests.cases.notes_support import NOTE_FORM, acting, dana_id, record_release

NOTE_JSON: dict[str, Any] = {
    "kind": "call",
    "occurred_at": "2025-03-10T14:30",
    "minutes": 25,
    "billable": True,
    "activity": "care_coordination",
    "subject": "Call with the therapist",
    "body": "Discharge planning.",
}
PLACEMENT_JSON: dict[str, Any] = {
    "program_name": "Pine Ridge Recovery",
    "level_of_care": "asam3:3.5",
    "referred_on": "2026-01-02",
    "admitted_on": "2026-01-05",
    "expected_discharge_on": "2026-02-20",
}
DISCHARGE_JSON = {"discharged_on": "2026-02-20", "discharge_type": "planned", "outcome": "completed"}

# (method, path under /api/v1, body). {client} is the client's id; {note}, {entry}, {task}, {placement} and
# {party} are records of that client (Taylor's, made by Morgan).
ENDPOINTS: list[tuple[str, str, Any]] = [
    ("GET", "/clients/{client}/notes", None),
    ("GET", "/clients/{client}/notes?q=call&kind=call", None),
    ("POST", "/clients/{client}/notes", NOTE_JSON),
    ("GET", "/clients/{client}/notes/{note}", None),
    ("PATCH", "/clients/{client}/notes/{note}", {"subject": "Taken over"}),
    ("POST", "/clients/{client}/notes/{note}/sign", None),
    ("POST", "/clients/{client}/notes/{note}/addenda", {"body": "Casey was here"}),
    ("POST", "/clients/{client}/notes/{note}/shares", {"party_id": "{party}"}),
    ("GET", "/clients/{client}/time-entries", None),
    ("POST", "/clients/{client}/time-entries", {"service_date": "2026-03-04", "minutes": 5, "activity": "research"}),
    ("PATCH", "/clients/{client}/time-entries/{entry}", {"minutes": 5}),
    ("DELETE", "/clients/{client}/time-entries/{entry}", None),
    ("GET", "/clients/{client}/tasks", None),
    ("POST", "/clients/{client}/tasks", {"title": "Sneaky"}),
    ("GET", "/tasks/{task}", None),
    ("POST", "/tasks/{task}/done", None),
    ("POST", "/tasks/{task}/reopen", None),
    ("POST", "/tasks", {"title": "Sneaky", "client_id": "{client}"}),
    ("GET", "/clients/{client}/placements", None),
    ("POST", "/clients/{client}/placements", PLACEMENT_JSON),
    ("GET", "/clients/{client}/placements/{placement}", None),
    ("PATCH", "/clients/{client}/placements/{placement}", {"program_name": "Changed"}),
    ("POST", "/clients/{client}/placements/{placement}/discharge", DISCHARGE_JSON),
    ("PUT", "/clients/{client}/placements/{placement}/checklist/family_briefed", {"done": True}),
]


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    """The path or body with the ids put in (a body value that is only a placeholder becomes that id)."""
    if isinstance(value, str):
        for name, number in ids.items():
            if value == "{" + name + "}":
                return number
            value = value.replace("{" + name + "}", str(number))
        return value
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


async def _send(client: Any, method: str, path: str, body: Any, ids: dict[str, Any]) -> Any:
    return await client.request(method, "/api/v1" + _fill(path, ids), json=_fill(body, ids))


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


@pytest.fixture
async def taylors_records(morgan: dict[str, Any], taylor: dict[str, Any]) -> dict[str, int]:
    """Morgan's records of her client Taylor: a draft note and a signed one, a care-team party with a release,
    a standalone time entry, a task and a placement."""
    from portal.cases import care_team

    principal = acting(morgan)
    member_id = await care_team.add_member(
        principal, taylor["id"], {"name": "Riley Park", "party_type": "psychiatrist"}
    )
    member = await CareTeamMember.select(CareTeamMember.party).where(CareTeamMember.id == member_id).first()
    assert member is not None
    await record_release(
        morgan, taylor, member["party"], signed_by_name="Taylor Brooks", esignature_name="Taylor Brooks"
    )
    draft = await notes.create_note(principal, taylor["id"], NOTE_FORM)
    signed = await notes.create_note(principal, taylor["id"], {**NOTE_FORM, "subject": "Signed"})
    await notes.sign_note(principal, taylor["id"], signed)
    entry = await time_entries.add_time_entry(
        principal, taylor["id"], {"service_date": "2026-03-04", "minutes": "30", "activity": "research"}
    )
    task = await tasks.create_task(principal, {"title": "Call Taylor's program"}, client_id=taylor["id"])
    placement = await add_placement(morgan, taylor, program_name="Taylor's program")
    return {
        "client": taylor["id"],
        "draft": draft,
        "signed": signed,
        "party": member["party"],
        "entry": entry,
        "task": task,
        "placement": placement,
    }


def _ids_for(records: dict[str, int], path: str, client_id: int) -> dict[str, Any]:
    """Taylor's ids, with the note a route needs: signing and editing take the draft, the rest the signed one."""
    note = records["draft"] if path.endswith(("/sign", "{note}")) else records["signed"]
    return {**records, "client": client_id, "note": note}


async def _snapshot(taylor_id: int) -> tuple[Any, ...]:
    return (
        await Note.select(Note.subject, Note.signed_at).where(Note.client == taylor_id).order_by(Note.id),
        await NoteAddendum.count(),
        await NoteShare.count(),
        await TimeEntry.select(TimeEntry.minutes).where(TimeEntry.client == taylor_id),
        await Task.select(Task.title, Task.done_at).order_by(Task.id),
        await Placement.select(Placement.program_name, Placement.discharged_on).where(Placement.client == taylor_id),
    )


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
async def test_casey_gets_404_for_taylor_on_every_endpoint_like_for_a_missing_id(
    client: Any,
    casey: dict[str, Any],
    taylor: dict[str, Any],
    taylors_records: dict[str, int],
    method: str,
    path: str,
    body: Any,
) -> None:
    before = await _snapshot(taylor["id"])
    await client.login_as(casey)

    hidden = await _send(client, method, path, body, _ids_for(taylors_records, path, taylor["id"]))
    missing_ids = {name: 2_147_483_000 for name in ("client", "note", "entry", "task", "placement")}
    missing = await _send(client, method, path, body, {**_ids_for(taylors_records, path, 0), **missing_ids})

    assert hidden.status_code == missing.status_code == 404, hidden.text
    assert hidden.json()["detail"] == missing.json()["detail"]
    assert "Taylor" not in hidden.text and "Riley" not in hidden.text
    assert await _snapshot(taylor["id"]) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [e for e in ENDPOINTS if any(name in e[1] for name in ("{note}", "{entry}", "{placement}"))],
    ids=[f"{m} {p}" for m, p, _ in ENDPOINTS if any(name in p for name in ("{note}", "{entry}", "{placement}"))],
)
async def test_taylors_record_ids_lead_nowhere_through_jordans_client(
    client: Any,
    casey: dict[str, Any],
    jordan: dict[str, Any],
    taylor: dict[str, Any],
    taylors_records: dict[str, int],
    method: str,
    path: str,
    body: Any,
) -> None:
    before = await _snapshot(taylor["id"])
    await client.login_as(casey)
    response = await _send(client, method, path, body, _ids_for(taylors_records, path, jordan["id"]))
    assert response.status_code == 404, response.text
    assert await _snapshot(taylor["id"]) == before


async def test_the_owner_reaches_taylors_records(
    client: Any, olivia: dict[str, Any], taylor: dict[str, Any], taylors_records: dict[str, int]
) -> None:
    await client.login_as(olivia)
    base = f"/api/v1/clients/{taylor['id']}"
    assert (await client.get(f"{base}/notes/{taylors_records['signed']}")).json()["subject"] == "Signed"
    assert (await client.get(f"/api/v1/tasks/{taylors_records['task']}")).json()["client_id"] == taylor["id"]
    assert (await client.get(f"{base}/placements")).json()["total"] == 1


@pytest.mark.parametrize("email", ["bea@example.com", "pat@example.com"])
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
async def test_billing_and_family_are_turned_away_at_the_guard(
    client: Any,
    jordan: dict[str, Any],
    casey: dict[str, Any],
    email: str,
    method: str,
    path: str,
    body: Any,
) -> None:
    note_id = await notes.create_note(acting(casey), jordan["id"], NOTE_FORM)
    task_id = await tasks.create_task(acting(casey), {"title": "Follow up"}, client_id=jordan["id"])
    ids = {"client": jordan["id"], "note": note_id, "entry": 1, "task": task_id, "placement": 1, "party": 1}
    assert (await client.login(email)).status_code == 200

    response = await _send(client, method, path, body, ids)

    assert response.status_code == 403, response.text
    assert "Discharge planning" not in response.text and "Jordan" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/clients/{client}/notes?author=3",
        "/clients/{client}/notes?date_from=2025-01-01",
        "/clients/{client}/time-entries?case_manager=3",
        "/clients/{client}/tasks?assignee=3",
        "/tasks?client=3",
        "/clients/{client}/placements?level_of_care=asam3:3.5",
    ],
)
async def test_unknown_filters_are_refused(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], path: str
) -> None:
    await client.login_as(casey)
    response = await client.get("/api/v1" + path.format(client=jordan["id"]))
    assert response.status_code == 400
    assert "Unknown query parameter" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/clients/{client}/notes?since=2025-03-10&until=2025-03-01", "until"),
        ("/clients/{client}/notes?kind=letter", "kind"),
        ("/clients/{client}/notes?party=dana", "party"),
        ("/clients/{client}/notes?since=yesterday", "since"),
        ("/clients/{client}/time-entries?activity=golf", "activity"),
        ("/clients/{client}/time-entries?since=2026-03-10&until=2026-03-01", "until"),
        ("/clients/{client}/time-entries?billable=perhaps", "billable"),
        ("/clients/{client}/tasks?view=someday", "view"),
        ("/tasks?view=someday", "view"),
        ("/clients/{client}/placements?status=gone", "status"),
        ("/clients/{client}/notes?per_page=101", "per_page"),
        ("/tasks?page=0", "page"),
    ],
)
async def test_bad_filter_values_are_refused_naming_the_filter(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], path: str, field: str
) -> None:
    await client.login_as(casey)
    response = await client.get("/api/v1" + path.format(client=jordan["id"]))
    assert response.status_code == 400
    assert field in str(response.json()["extra"])


@pytest.mark.parametrize("large", [2**31, 2**63, 10**30])
@pytest.mark.parametrize(
    "path",
    [
        "/clients/{large}/notes",
        "/clients/{client}/notes/{large}",
        "/clients/{client}/time-entries/{large}",
        "/clients/{client}/placements/{large}",
        "/tasks/{large}",
    ],
)
async def test_ids_beyond_the_integer_column_are_not_found(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], path: str, large: int
) -> None:
    await client.login_as(casey)
    url = "/api/v1" + path.format(client=jordan["id"], large=large)
    method = "PATCH" if "time-entries" in path else "GET"
    response = await client.request(method, url, json={"minutes": 5} if method == "PATCH" else None)
    assert response.status_code == 404, response.text


async def test_every_list_paginates_and_each_item_has_an_id(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    principal = acting(casey)
    for day in ("2025-03-10T09:00", "2025-03-11T09:00"):
        await notes.create_note(principal, jordan["id"], {**NOTE_FORM, "occurred_at": day, "subject": day})
    await time_entries.add_time_entry(
        principal, jordan["id"], {"service_date": "2025-03-12", "minutes": "10", "activity": "travel"}
    )
    for title, due in (("First", "2026-03-11"), ("Second", "2026-03-12")):
        await tasks.create_task(principal, {"title": title, "due_on": due}, client_id=jordan["id"])
    for name in ("Pine Ridge", "Harbor Day"):
        await add_placement(casey, jordan, program_name=name)
    await client.login_as(casey)
    base = f"/api/v1/clients/{jordan['id']}"

    second = (await client.get(f"{base}/notes?per_page=1&page=2")).json()
    assert (second["page"], second["per_page"], second["total"]) == (2, 1, 2)
    assert [item["subject"] for item in second["items"]] == ["2025-03-10T09:00"]

    # Two billable notes made two entries; the standalone one is the newest date of service.
    entries = (await client.get(f"{base}/time-entries?per_page=1&page=2")).json()
    assert entries["total"] == 3 and entries["items"][0]["note_id"] is not None

    for url in (f"{base}/tasks", "/api/v1/tasks"):
        page = (await client.get(f"{url}?per_page=1&page=2")).json()
        assert page["total"] == 2 and [t["title"] for t in page["items"]] == ["Second"], url

    placements = (await client.get(f"{base}/placements?per_page=1&page=2")).json()
    assert placements["total"] == 2 and len(placements["items"]) == 1

    beyond = (await client.get(f"{base}/notes?per_page=10&page=99")).json()
    assert beyond["items"] == [] and beyond["total"] == 2
    for url in (f"{base}/notes", f"{base}/time-entries", f"{base}/tasks", f"{base}/placements", "/api/v1/tasks"):
        assert all(isinstance(item["id"], int) for item in (await client.get(url)).json()["items"]), url


async def test_a_note_shared_through_the_api_appears_in_the_accounting_of_disclosures(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    dana = await dana_id(jordan)
    await record_release(casey, jordan, dana)
    note_id = await notes.create_note(acting(casey), jordan["id"], NOTE_FORM)
    await notes.sign_note(acting(casey), jordan["id"], note_id)
    await client.login_as(casey)

    shared = await client.post(f"/api/v1/clients/{jordan['id']}/notes/{note_id}/shares", json={"party_id": dana})

    assert shared.status_code == 201, shared.text
    [disclosure] = (await client.get(f"/api/v1/clients/{jordan['id']}/disclosures")).json()["items"]
    assert disclosure["id"] == shared.json()["disclosure_id"]
    assert (disclosure["resource_type"], disclosure["resource_id"]) == ("note", str(note_id))
    assert disclosure["purpose"] == note_sharing.SHARE_PURPOSE


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "/notes?until=9999-12-31", None, "until"),
        ("GET", "/time-entries?since=0001-01-01", None, "since"),
        ("POST", "/time-entries", {"service_date": "0001-01-01", "minutes": 5, "activity": "travel"}, "service_date"),
        ("POST", "/tasks", {"title": "Someday", "due_on": "9999-12-31"}, "due_on"),
        ("POST", "/placements", {**PLACEMENT_JSON, "referred_on": "0001-01-01"}, "referred_on"),
    ],
)
async def test_dates_out_of_range_are_refused_in_json_as_in_forms(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], method: str, path: str, body: Any, field: str
) -> None:
    # JSON dates arrive decoded; they used to skip the range check that form dates get (a year-9999 filter
    # overflowed to a 500, a year-1 placement broke the timeline page).
    await client.login_as(casey)
    response = await client.request(method, f"/api/v1/clients/{jordan['id']}{path}", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["extra"] == {field: response.json()["extra"][field]}
    assert "out of range" in response.json()["extra"][field]
    assert (await client.get(f"/clients/{jordan['id']}/timeline")).status_code == 200
