"""Clients: the record itself, who works with them (assignments and handoffs), assessment, diagnoses, relatives.

Every function checks the policy, owns its transaction and audits the read or write with the client's id.
"""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any

with warnings.catch_warnings():
    # The code-set package reads its data with a deprecated importlib API; nothing for us to act on.
    warnings.simplefilter("ignore", DeprecationWarning)
    import simple_icd_10_cm as icd10

from portal.accounts.tables import User
from portal.audit import services as audit
from portal.cases.tables import (
    Assessment,
    Client,
    ClientAssignment,
    Diagnosis,
    Handoff,
    Relative,
    Task,
)
from portal.cases.vocabulary import (
    CLIENT_STATUSES,
    LEGAL_AUTHORITIES,
    LEVELS_OF_CARE,
    RELATIONSHIPS,
    RISK_LEVELS,
    SEXES,
)
from portal.clock import utcnow
from portal.db import contains_text, write_transaction
from portal.errors import Invalid, NotFound
from portal.policy import Action, Principal, Role, client_scope, require, require_client
from portal.validation import Checker

CLIENT_FIELDS = [
    "legal_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "pronouns",
    "email",
    "phone",
    "street",
    "city",
    "state",
    "zip_code",
    "status",
    "has_part2_records",
    "recommended_level",
]
ASSESSMENT_FIELDS = [
    "presenting_concerns",
    "treatment_history",
    "substance_use",
    "risk_and_safety",
    "family_dynamics",
    "financial_resources",
    "insurance",
    "logistics",
]
MAX_DIAGNOSES = 12


def check_client_fields(data: dict[str, Any], *, partial: bool = False) -> dict[Any, Any]:
    """Validated client fields; with `partial`, only the fields present in `data`."""
    c = Checker(data)
    values: dict[Any, Any] = {}

    def wanted(name: str) -> bool:
        return not partial or name in data

    if wanted("legal_name"):
        values["legal_name"] = c.text("legal_name", required=True, max_length=200, label="Legal name")
    if wanted("preferred_name"):
        values["preferred_name"] = c.text("preferred_name", max_length=200, label="Preferred name")
    if wanted("date_of_birth"):
        values["date_of_birth"] = c.date("date_of_birth", label="Date of birth")
        if values["date_of_birth"] and values["date_of_birth"] > date.today():
            c.fail("date_of_birth", "Date of birth cannot be in the future.")
    if wanted("sex"):
        values["sex"] = c.choice("sex", SEXES, default="unknown", label="Sex")
    if wanted("pronouns"):
        values["pronouns"] = c.text("pronouns", max_length=40, label="Pronouns")
    if wanted("email"):
        values["email"] = c.email("email")
    if wanted("phone"):
        values["phone"] = c.phone("phone")
    if wanted("street"):
        values["street"] = c.text("street", max_length=200, label="Street")
    if wanted("city"):
        values["city"] = c.text("city", max_length=100, label="City")
    if wanted("state"):
        values["state"] = c.state("state")
    if wanted("zip_code"):
        values["zip_code"] = c.zip_code("zip_code")
    if wanted("status"):
        values["status"] = c.choice("status", CLIENT_STATUSES, default="intake", label="Status")
    if wanted("has_part2_records"):
        values["has_part2_records"] = c.boolean("has_part2_records")
    if wanted("recommended_level"):
        values["recommended_level"] = c.choice(
            "recommended_level", LEVELS_OF_CARE, required=False, label="Recommended level of care"
        )
    c.done()
    return values


async def _case_manager_ids() -> set[int]:
    rows = await User.select(User.id).where((User.role == Role.CASE_MANAGER.value) & (User.active == True))  # noqa: E712
    return {row["id"] for row in rows}


async def create_client(
    principal: Principal, data: dict[str, Any], *, primary_case_manager_id: int | None = None
) -> int:
    """A case manager who creates a client becomes the primary case manager; the owner names one."""
    require(principal, Action.CLIENTS_CREATE)
    values = check_client_fields(data)
    if principal.role == Role.CASE_MANAGER:
        primary_case_manager_id = principal.user_id
    elif primary_case_manager_id is None or primary_case_manager_id not in await _case_manager_ids():
        raise Invalid(primary_case_manager="Choose the primary case manager.")
    now = utcnow()
    async with write_transaction():
        rows = await Client.insert(Client(**values, created_at=now, updated_at=now)).returning(Client.id)
        client_id = int(rows[0]["id"])
        await ClientAssignment.insert(
            ClientAssignment(client=client_id, case_manager=primary_case_manager_id, is_primary=True, started_at=now)
        )
        await Assessment.insert(Assessment(client=client_id, updated_at=now))
        await audit.record(
            principal, "client.create", resource_type="client", resource_id=client_id, client_id=client_id
        )
    return client_id


async def get_client(
    principal: Principal, client_id: int, *, audit_action: str = "client.view", page: str = ""
) -> dict[str, Any]:
    """The client's record; the read is audited (with the page it was read for) unless `audit_action` is ""."""
    await require_client(principal, client_id)
    row = await Client.select().where(Client.id == client_id).first()
    if row is None:
        raise NotFound("No such client.")
    if audit_action:
        await audit.record(
            principal,
            audit_action,
            resource_type="client",
            resource_id=client_id,
            client_id=client_id,
            detail={"page": page} if page else None,
        )
    return row


def display_name(client: dict[str, Any]) -> str:
    """The name people use, with the legal name beside it when they differ ("Jo (Joanna Rivera)"); a preferred
    name that is just the legal first name adds nothing and is not repeated."""
    preferred = (client.get("preferred_name") or "").strip()
    legal_words = str(client["legal_name"]).split()
    if preferred and preferred != client["legal_name"] and preferred != (legal_words[0] if legal_words else ""):
        return f"{client['preferred_name']} ({client['legal_name']})"
    return str(client["legal_name"])


def age_on(date_of_birth: date | None, day: date) -> int | None:
    if date_of_birth is None:
        return None
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def not_archived(client: Any = Client) -> Any:
    """Where-clause keeping only clients that are not archived: pass `Client` or a foreign key to it
    (`Invoice.client`). Archived clients are hidden from every list, search and feed (see portal/operations)."""
    return client.archived_at.is_null()


LIST_FILTERS = {"status", "q", "case_manager"}


async def list_clients(
    principal: Principal,
    *,
    status: str | None = None,
    q: str | None = None,
    case_manager: int | None = None,
    page: int = 1,
    per_page: int = 25,
) -> tuple[list[dict[str, Any]], int]:
    require(principal, Action.CLIENTS_READ)
    query_filter = client_scope(principal)
    if status:
        if status not in CLIENT_STATUSES:
            raise Invalid(status="Unknown status.")
        query_filter &= Client.status == status
    if q:
        query_filter &= contains_text(Client.legal_name, q) | contains_text(Client.preferred_name, q)
    if case_manager is not None:
        query_filter &= Client.id.is_in(
            ClientAssignment.select(ClientAssignment.client).where(
                (ClientAssignment.case_manager == case_manager) & ClientAssignment.ended_at.is_null()
            )
        )
    total = await Client.count().where(query_filter)
    rows = (
        # Every column: the API's list items have the same fields as one client, and a field left out of the
        # select would go out as its default ("sex": "unknown") rather than the client's value.
        await Client.select()
        .where(query_filter)
        .order_by(Client.legal_name)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    primaries = await primary_case_managers([row["id"] for row in rows])
    for row in rows:
        row["primary_case_manager"] = primaries.get(row["id"])
    await audit.record(
        principal,
        "client.list",
        resource_type="client",
        detail={
            "client_ids": [row["id"] for row in rows],
            "filters": sorted(k for k, v in {"status": status, "q": q, "case_manager": case_manager}.items() if v),
        },
    )
    return rows, total


async def primary_case_managers(client_ids: list[int]) -> dict[int, dict[str, Any]]:
    """client id -> {id, name} of the current primary case manager, in one query."""
    if not client_ids:
        return {}
    rows = await ClientAssignment.select(
        ClientAssignment.client, ClientAssignment.case_manager.id, ClientAssignment.case_manager.name
    ).where(
        ClientAssignment.client.is_in(client_ids)
        & ClientAssignment.is_primary.eq(True)
        & ClientAssignment.ended_at.is_null()
    )
    return {row["client"]: {"id": row["case_manager.id"], "name": row["case_manager.name"]} for row in rows}


async def update_client(principal: Principal, client_id: int, data: dict[str, Any]) -> dict[str, Any]:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    values = check_client_fields(data, partial=True)
    if not values:
        raise Invalid("Nothing to change.")
    async with write_transaction():
        await Client.update({**values, "updated_at": utcnow()}).where(Client.id == client_id)
        await audit.record(
            principal,
            "client.update",
            resource_type="client",
            resource_id=client_id,
            client_id=client_id,
            detail={"fields": sorted(values)},
        )
    return await get_client(principal, client_id, audit_action="")


# --------------------------------------------------------------------------- case managers and handoffs


async def assignments(client_id: int, *, include_ended: bool = False) -> list[dict[str, Any]]:
    query = ClientAssignment.select(
        ClientAssignment.id,
        ClientAssignment.is_primary,
        ClientAssignment.started_at,
        ClientAssignment.ended_at,
        ClientAssignment.case_manager.id,
        ClientAssignment.case_manager.name,
        ClientAssignment.case_manager.email,
    ).where(ClientAssignment.client == client_id)
    if not include_ended:
        query = query.where(ClientAssignment.ended_at.is_null())
    return await query.order_by(ClientAssignment.started_at)


async def add_secondary_case_manager(principal: Principal, client_id: int, case_manager_id: int) -> None:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    if case_manager_id not in await _case_manager_ids():
        raise Invalid(case_manager="Choose an active case manager.")
    current = {row["case_manager.id"] for row in await assignments(client_id)}
    if case_manager_id in current:
        raise Invalid(case_manager="That case manager already works with this client.")
    async with write_transaction():
        await ClientAssignment.insert(
            ClientAssignment(client=client_id, case_manager=case_manager_id, is_primary=False, started_at=utcnow())
        )
        await audit.record(
            principal,
            "client.assignment.add",
            resource_type="client",
            resource_id=client_id,
            client_id=client_id,
            detail={"case_manager": case_manager_id},
        )


async def end_secondary_assignment(principal: Principal, client_id: int, case_manager_id: int) -> None:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    async with write_transaction():
        ended = (
            await ClientAssignment.update({ClientAssignment.ended_at: utcnow()})
            .where(
                (ClientAssignment.client == client_id)
                & (ClientAssignment.case_manager == case_manager_id)
                & ClientAssignment.ended_at.is_null()
                & ClientAssignment.is_primary.eq(False)
            )
            .returning(ClientAssignment.id)
        )
        if not ended:
            raise Invalid(case_manager="That case manager is not a secondary case manager of this client.")
        await audit.record(
            principal,
            "client.assignment.end",
            resource_type="client",
            resource_id=client_id,
            client_id=client_id,
            detail={"case_manager": case_manager_id},
        )


async def hand_off(principal: Principal, client_id: int, to_case_manager_id: int, summary: str) -> None:
    """Make another case manager primary. A handoff summary is required; the old assignment is kept as history."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    c = Checker({"summary": summary})
    summary = c.text("summary", required=True, max_length=10_000, label="Handoff summary")
    if to_case_manager_id not in await _case_manager_ids():
        c.fail("to_case_manager", "Choose an active case manager.")
    c.done()
    now = utcnow()
    async with write_transaction():
        current = (
            await ClientAssignment.select(ClientAssignment.id, ClientAssignment.case_manager)
            .where(
                (ClientAssignment.client == client_id)
                & ClientAssignment.is_primary.eq(True)
                & ClientAssignment.ended_at.is_null()
            )
            .first()
        )
        from_id = current["case_manager"] if current else None
        if from_id == to_case_manager_id:
            raise Invalid(to_case_manager="This case manager is already the primary case manager.")
        await ClientAssignment.update({ClientAssignment.ended_at: now}).where(
            (ClientAssignment.client == client_id)
            & ClientAssignment.ended_at.is_null()
            & ((ClientAssignment.is_primary == True) | (ClientAssignment.case_manager == to_case_manager_id))  # noqa: E712
        )
        await ClientAssignment.insert(
            ClientAssignment(client=client_id, case_manager=to_case_manager_id, is_primary=True, started_at=now)
        )
        if from_id is not None:
            # The outgoing case manager's open follow-ups for this client go with the client.
            await Task.update({Task.assignee: to_case_manager_id}).where(
                (Task.client == client_id) & (Task.assignee == from_id) & Task.done_at.is_null()
            )
        await Handoff.insert(
            Handoff(
                client=client_id,
                from_case_manager=from_id,
                to_case_manager=to_case_manager_id,
                summary=summary,
                created_by=principal.user_id,
                created_at=now,
            )
        )
        await audit.record(
            principal,
            "client.handoff",
            resource_type="client",
            resource_id=client_id,
            client_id=client_id,
            detail={"from": from_id, "to": to_case_manager_id},
        )


async def handoffs(client_id: int) -> list[dict[str, Any]]:
    return (
        await Handoff.select(
            Handoff.id,
            Handoff.summary,
            Handoff.created_at,
            Handoff.from_case_manager.name,
            Handoff.to_case_manager.name,
            Handoff.created_by.name,
        )
        .where(Handoff.client == client_id)
        .order_by(Handoff.created_at, ascending=False)
    )


# --------------------------------------------------------------------------- assessment and diagnoses


async def get_assessment(client_id: int) -> dict[str, Any]:
    row = await Assessment.select().where(Assessment.client == client_id).first()
    return row or {}


async def save_assessment(principal: Principal, client_id: int, data: dict[str, Any]) -> None:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    c = Checker(data)
    values: dict[Any, Any] = {name: c.text(name, max_length=20_000) for name in ASSESSMENT_FIELDS if name in data}
    if "risk_level" in data:
        values["risk_level"] = c.choice("risk_level", RISK_LEVELS, required=False, label="Risk level")
        values["risk_assessed_on"] = c.date(
            "risk_assessed_on", required=bool(values["risk_level"]), label="Date of the risk assessment"
        )
    c.done()
    async with write_transaction():
        await Assessment.update({**values, "updated_by": principal.user_id, "updated_at": utcnow()}).where(
            Assessment.client == client_id
        )
        await audit.record(
            principal,
            "assessment.update",
            resource_type="assessment",
            resource_id=client_id,
            client_id=client_id,
            detail={"fields": sorted(values)},
        )


def normalise_icd10(code: str) -> str:
    code = code.strip().upper().replace(" ", "")
    if len(code) > 3 and "." not in code:
        code = code[:3] + "." + code[3:]
    return code


def check_icd10(code: str) -> tuple[str, str]:
    """(code, description) for a billable ICD-10-CM code of the real code set, or Invalid saying why not."""
    normalised = normalise_icd10(code)
    if not normalised or len(normalised) > 8 or not icd10.is_valid_item(normalised):
        raise Invalid(code=f"{code.strip()[:10]!r} is not an ICD-10-CM code.")
    if not icd10.is_leaf(normalised):
        raise Invalid(code=f"{normalised} is a category, not a billable code: choose a more specific code.")
    return normalised, str(icd10.get_description(normalised))


async def diagnoses(client_id: int) -> list[dict[str, Any]]:
    return (
        await Diagnosis.select()
        .where((Diagnosis.client == client_id) & Diagnosis.removed_at.is_null())
        .order_by(Diagnosis.is_primary, ascending=False)
        .order_by(Diagnosis.diagnosed_on)
    )


async def add_diagnosis(
    principal: Principal, client_id: int, code: str, *, is_primary: bool, diagnosed_on: date | None
) -> int:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    normalised, description = check_icd10(code)
    if diagnosed_on is None:
        raise Invalid(diagnosed_on="Enter the date of the diagnosis.")
    async with write_transaction():
        current = await diagnoses(client_id)
        if any(row["code"] == normalised for row in current):
            raise Invalid(code=f"{normalised} is already recorded.")
        if len(current) >= MAX_DIAGNOSES:
            raise Invalid(code=f"A client can have at most {MAX_DIAGNOSES} diagnoses (the CMS-1500 limit).")
        if is_primary or not current:
            is_primary = True
            await Diagnosis.update({Diagnosis.is_primary: False}).where(Diagnosis.client == client_id)
        rows = await Diagnosis.insert(
            Diagnosis(
                client=client_id,
                code=normalised,
                description=description,
                is_primary=is_primary,
                diagnosed_on=diagnosed_on,
                recorded_by=principal.user_id,
                created_at=utcnow(),
            )
        ).returning(Diagnosis.id)
        await audit.record(
            principal,
            "diagnosis.add",
            resource_type="diagnosis",
            resource_id=rows[0]["id"],
            client_id=client_id,
        )
    return int(rows[0]["id"])


async def remove_diagnosis(principal: Principal, client_id: int, diagnosis_id: int) -> None:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    async with write_transaction():
        removed = (
            await Diagnosis.update({Diagnosis.removed_at: utcnow()})
            .where((Diagnosis.id == diagnosis_id) & (Diagnosis.client == client_id) & Diagnosis.removed_at.is_null())
            .returning(Diagnosis.id, Diagnosis.is_primary)
        )
        if not removed:
            raise NotFound("No such diagnosis.")
        if removed[0]["is_primary"]:
            successor = (
                await Diagnosis.select(Diagnosis.id)
                .where((Diagnosis.client == client_id) & Diagnosis.removed_at.is_null())
                .order_by(Diagnosis.diagnosed_on)
                .first()
            )
            if successor:
                await Diagnosis.update({Diagnosis.is_primary: True}).where(Diagnosis.id == successor["id"])
        await audit.record(
            principal,
            "diagnosis.remove",
            resource_type="diagnosis",
            resource_id=diagnosis_id,
            client_id=client_id,
        )


# --------------------------------------------------------------------------- relatives


def check_relative_fields(data: dict[str, Any]) -> dict[Any, Any]:
    c = Checker(data)
    values: dict[Any, Any] = {
        "name": c.text("name", required=True, max_length=200, label="Name"),
        "email": c.email("email"),
        "phone": c.phone("phone"),
        "relationship": c.choice("relationship", RELATIONSHIPS, label="Relationship"),
        "legal_authority": c.choice("legal_authority", LEGAL_AUTHORITIES, default="none", label="Legal authority"),
        "is_payer": c.boolean("is_payer"),
    }
    c.done()
    return values


async def add_relative(principal: Principal, client_id: int, data: dict[str, Any]) -> int:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    values = check_relative_fields(data)
    async with write_transaction():
        rows = await Relative.insert(Relative(client=client_id, **values, created_at=utcnow())).returning(Relative.id)
        await audit.record(
            principal,
            "relative.add",
            resource_type="relative",
            resource_id=rows[0]["id"],
            client_id=client_id,
        )
    return int(rows[0]["id"])


async def update_relative(principal: Principal, client_id: int, relative_id: int, data: dict[str, Any]) -> None:
    """Correct a relative's details (the e-mail they sign in with is their account's, not this record's)."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    current = await get_relative(client_id, relative_id)
    values = check_relative_fields(data)
    changed = sorted(name for name, value in values.items() if current[name] != value)
    if not changed:
        return
    async with write_transaction():
        await Relative.update(values).where((Relative.id == relative_id) & (Relative.client == client_id))
        await audit.record(
            principal,
            "relative.update",
            resource_type="relative",
            resource_id=relative_id,
            client_id=client_id,
            detail={"fields": changed},
        )


async def relatives(client_id: int) -> list[dict[str, Any]]:
    return (
        await Relative.select()
        .where((Relative.client == client_id) & Relative.removed_at.is_null())
        .order_by(Relative.name)
    )


async def get_relative(client_id: int, relative_id: int) -> dict[str, Any]:
    row = (
        await Relative.select()
        .where((Relative.id == relative_id) & (Relative.client == client_id) & Relative.removed_at.is_null())
        .first()
    )
    if row is None:
        raise NotFound("No such relative.")
    return row
