"""Creating and editing clients, diagnoses from the real ICD-10-CM code set, relatives and care teams."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases.tables import CareTeamParty, Client, ClientAssignment, Diagnosis, Handoff, Relative


async def test_a_case_manager_who_creates_a_client_becomes_primary(client: Any, morgan: dict[str, Any]) -> None:
    await client.login_as(morgan)
    response = await client.post(
        "/clients",
        data={
            "legal_name": "Avery Stone",
            "date_of_birth": "2001-05-05",
            "status": "intake",
            "state": "ny",
            "zip_code": "10001",
        },
    )
    assert response.status_code == 303
    row = await Client.select().where(Client.legal_name == "Avery Stone").first()
    assert row["state"] == "NY"
    assignment = await ClientAssignment.select().where(ClientAssignment.client == row["id"]).first()
    assert (assignment["case_manager"], assignment["is_primary"]) == (morgan["id"], True)
    assert (await client.get(response.headers["location"])).status_code == 200


async def test_the_owner_must_choose_a_primary_case_manager(
    client: Any, olivia: dict[str, Any], casey: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    missing = await client.post("/clients", data={"legal_name": "Quinn Hale"})
    assert missing.status_code == 400 and "Choose the primary case manager." in missing.text
    ok = await client.post("/clients", data={"legal_name": "Quinn Hale", "primary_case_manager": str(casey["id"])})
    assert ok.status_code == 303


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"legal_name": ""}, "Legal name is required."),
        ({"legal_name": "X" * 201}, "at most 200 characters"),
        ({"legal_name": "Ok", "date_of_birth": "yesterday"}, "use a date like"),
        ({"legal_name": "Ok", "date_of_birth": "2099-01-01"}, "cannot be in the future"),
        ({"legal_name": "Ok", "state": "Jersey"}, "two-letter US state"),
        ({"legal_name": "Ok", "zip_code": "ABCDE"}, "ZIP code like"),
        ({"legal_name": "Ok", "email": "nope"}, "valid e-mail"),
        ({"legal_name": "Ok", "status": "vanished"}, "listed options"),
        ({"legal_name": "Ok", "recommended_level": "asam9:9"}, "listed options"),
    ],
)
async def test_bad_client_input_is_shown_on_the_form(
    client: Any, casey: dict[str, Any], data: dict[str, str], message: str
) -> None:
    await client.login_as(casey)
    before = await Client.count()
    response = await client.post("/clients", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert await Client.count() == before


async def test_editing_a_client_is_audited(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    from portal.audit.tables import AuditEvent

    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/edit",
        data={"legal_name": "Jordan A. Rivera", "preferred_name": "Jordan", "status": "paused"},
    )
    assert response.status_code == 303
    row = await Client.select(Client.legal_name, Client.status).where(Client.id == jordan["id"]).first()
    assert row == {"legal_name": "Jordan A. Rivera", "status": "paused"}
    event = (
        await AuditEvent.select(AuditEvent.detail)
        .where((AuditEvent.action == "client.update") & (AuditEvent.client_id == jordan["id"]))
        .first()
    )
    assert "legal_name" in event["detail"] and "Jordan" not in event["detail"]  # field names, never values


@pytest.mark.parametrize("code", ["F10.20", "f1020", "F32.A", "F43.10"])
async def test_billable_icd10_codes_are_accepted(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], code: str
) -> None:
    await client.login_as(casey)
    await client.post(f"/clients/{jordan['id']}/diagnoses", data={"code": code, "diagnosed_on": "2026-09-01"})
    [row] = await Diagnosis.select().where(Diagnosis.client == jordan["id"])
    assert row["code"] == code.upper().replace("F1020", "F10.20")
    assert row["is_primary"] is True and row["description"]


@pytest.mark.parametrize(
    ("code", "message"),
    [("F99.99X", "is not an ICD-10-CM code"), ("F10.2", "not a billable code"), ("banana", "not an ICD-10-CM code")],
)
async def test_invalid_or_non_billable_codes_are_refused(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], code: str, message: str
) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/diagnoses", data={"code": code, "diagnosed_on": "2026-09-01"}
    )
    page = await client.get(response.headers["location"])
    assert message in page.text
    assert await Diagnosis.count().where(Diagnosis.client == jordan["id"]) == 0


async def test_one_primary_diagnosis_and_at_most_twelve(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    from datetime import date

    from portal.cases.clients import add_diagnosis, diagnoses
    from portal.errors import Invalid
    from portal.policy import Principal, Role

    principal = Principal(user_id=casey["id"], role=Role.CASE_MANAGER, email=casey["email"], name=casey["name"])
    codes = [
        "F10.20",
        "F32.A",
        "F41.1",
        "F43.10",
        "F12.20",
        "F33.1",
        "F40.10",
        "F42.2",
        "F50.00",
        "F60.3",
        "F90.0",
        "F11.20",
    ]
    for index, code in enumerate(codes):
        await add_diagnosis(principal, jordan["id"], code, is_primary=index == 2, diagnosed_on=date(2026, 9, 1))
    rows = await diagnoses(jordan["id"])
    assert [r["code"] for r in rows if r["is_primary"]] == ["F41.1"]
    assert rows[0]["code"] == "F41.1"  # primary first
    with pytest.raises(Invalid, match="at most 12"):
        await add_diagnosis(principal, jordan["id"], "F31.9", is_primary=False, diagnosed_on=date(2026, 9, 1))


async def test_a_handoff_needs_a_summary_and_keeps_the_history(
    client: Any, casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any], other_client: Any
) -> None:
    await client.login_as(casey)
    empty = await client.post(
        f"/clients/{jordan['id']}/handoff", data={"to_case_manager": str(morgan["id"]), "summary": "  "}
    )
    assert empty.status_code == 400 and "Handoff summary is required." in empty.text
    done = await client.post(
        f"/clients/{jordan['id']}/handoff",
        data={"to_case_manager": str(morgan["id"]), "summary": "Stable in IOP; family engaged."},
    )
    assert done.headers["location"] == "/clients"  # Casey no longer sees Jordan
    assert (await client.get(f"/clients/{jordan['id']}")).status_code == 404
    await other_client.login_as(morgan)
    history = await other_client.get(f"/clients/{jordan['id']}/case-managers")
    assert "Stable in IOP; family engaged." in history.text
    assert "Casey Morales" in history.text  # the old assignment is kept, ended
    rows = await ClientAssignment.select().where(ClientAssignment.client == jordan["id"]).order_by(ClientAssignment.id)
    assert [(r["case_manager"], r["ended_at"] is None) for r in rows] == [(casey["id"], False), (morgan["id"], True)]
    assert await Handoff.count().where(Handoff.client == jordan["id"]) == 1


async def test_a_secondary_case_manager_sees_the_client_too(
    client: Any, olivia: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any], other_client: Any
) -> None:
    await client.login_as(olivia)
    await client.post(f"/clients/{jordan['id']}/case-managers", data={"case_manager": str(morgan["id"])})
    await other_client.login_as(morgan)
    assert (await other_client.get(f"/clients/{jordan['id']}")).status_code == 200
    await client.post(f"/clients/{jordan['id']}/case-managers/{morgan['id']}/end", data={})
    assert (await other_client.get(f"/clients/{jordan['id']}")).status_code == 404


async def test_relatives_are_recorded_per_client(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/relatives",
        data={
            "name": "Robin Rivera",
            "relationship": "sibling",
            "email": "robin@example.com",
            "legal_authority": "none",
        },
    )
    assert response.status_code == 303
    assert await Relative.count().where((Relative.client == jordan["id"]) & (Relative.name == "Robin Rivera")) == 1
    bad = await client.post(f"/clients/{jordan['id']}/relatives", data={"name": "", "relationship": "cousin"})
    page = await client.get(bad.headers["location"])
    assert "Name is required" in page.text


@pytest.mark.parametrize(("npi", "ok"), [("1234567893", True), ("1234567890", False), ("12345", False)])
async def test_care_team_npi_check_digit(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], npi: str, ok: bool
) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/care-team",
        data={"name": "Dr. Lee Park", "party_type": "psychiatrist", "npi": npi, "role": "Psychiatrist"},
    )
    assert (response.status_code == 303) is ok
    if not ok:
        assert "not a valid NPI" in response.text
    assert await CareTeamParty.exists().where(CareTeamParty.name == "Dr. Lee Park") is ok


XSS = '"><img src=x onerror=alert(1)><script>alert(1)</script>'


async def test_client_free_text_is_escaped_on_every_page(client: Any, casey: dict[str, Any]) -> None:
    await client.login_as(casey)
    created = await client.post(
        "/clients",
        data={"legal_name": XSS, "preferred_name": XSS, "pronouns": XSS[:40], "street": XSS, "city": XSS[:100]},
    )
    assert created.status_code == 303
    client_path = created.headers["location"]
    client_id = int(client_path.rsplit("/", 1)[1])
    await client.post(f"{client_path}/assessment", data={"presenting_concerns": XSS, "risk_and_safety": XSS})
    await client.post(f"{client_path}/relatives", data={"name": XSS, "relationship": "parent", "phone": ""})
    await client.post(
        f"{client_path}/care-team",
        data={"name": XSS, "party_type": "school", "role": XSS[:120], "organisation": XSS, "address": XSS},
    )
    from portal.cases.clients import hand_off
    from portal.policy import Principal, Role

    principal = Principal(user_id=casey["id"], role=Role.CASE_MANAGER, email=casey["email"], name=casey["name"])
    await hand_off(principal, client_id, casey["id"] + 1, XSS)  # Morgan becomes primary …
    await hand_off(Principal.system("test"), client_id, casey["id"], XSS)  # … and hands back to Casey
    pages = ["", "/edit", "/assessment", "/case-managers", "/care-team", "/consents/new", "/consents", "/disclosures"]
    for suffix in pages:
        page = await client.get(f"{client_path}{suffix}")
        assert page.status_code == 200, suffix
        assert "<script>alert(1)</script>" not in page.text, suffix
        assert "<img src=x" not in page.text, suffix
    listing = await client.get("/clients")
    assert "<script>alert(1)</script>" not in listing.text


async def test_a_handoff_moves_the_outgoing_case_managers_open_tasks(
    casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any]
) -> None:
    from portal.cases.clients import hand_off
    from portal.cases.tables import Task
    from portal.clock import utcnow
    from portal.policy import Principal, Role

    now = utcnow()
    await Task.insert(
        Task(client=jordan["id"], assignee=casey["id"], title="Call the program", created_at=now),
        Task(client=jordan["id"], assignee=casey["id"], title="Done already", created_at=now, done_at=now),
    )
    principal = Principal(user_id=casey["id"], role=Role.CASE_MANAGER, email=casey["email"], name=casey["name"])
    await hand_off(principal, jordan["id"], morgan["id"], "Moving to Morgan.")
    rows = {r["title"]: r["assignee"] for r in await Task.select().where(Task.client == jordan["id"])}
    assert rows == {"Call the program": morgan["id"], "Done already": casey["id"]}
