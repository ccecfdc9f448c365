"""Care teams: the practice's directory of outside parties, and who is on each client's team."""

from __future__ import annotations

from datetime import date
from typing import Any

from stdnum import luhn

from portal.audit import services as audit
from portal.cases.tables import CareTeamMember, CareTeamParty
from portal.cases.vocabulary import HEALTH_CARE_PROVIDER_TYPES, PARTY_TYPES
from portal.clock import utcnow
from portal.db import contains_text, write_transaction
from portal.errors import Invalid, NotFound
from portal.policy import Action, Principal, require, require_client
from portal.validation import Checker


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit over "80840" + the first nine (CMS's NPI rule)."""
    return len(npi) == 10 and npi.isdigit() and luhn.is_valid("80840" + npi)


def check_party_fields(data: dict[str, Any]) -> dict[Any, Any]:
    c = Checker(data)
    values: dict[Any, Any] = {
        "is_organisation": c.boolean("is_organisation"),
        "name": c.text("name", required=True, max_length=200, label="Name"),
        "organisation": c.text("organisation", max_length=200, label="Organisation"),
        "party_type": c.choice("party_type", PARTY_TYPES, label="Type"),
        "credentials": c.text("credentials", max_length=100, label="Credentials"),
        "email": c.email("email"),
        "phone": c.phone("phone"),
        "fax": c.phone("fax"),
        "address": c.text("address", max_length=300, label="Address"),
        "npi": c.text("npi", max_length=10, label="NPI").replace(" ", ""),
    }
    if values["npi"] and not npi_is_valid(values["npi"]):
        c.fail("npi", "This is not a valid NPI (10 digits with a correct check digit).")
    c.done()
    return values


async def create_party(principal: Principal, data: dict[str, Any]) -> int:
    require(principal, Action.CARE_TEAM_DIRECTORY)
    values = check_party_fields(data)
    async with write_transaction():
        rows = await CareTeamParty.insert(CareTeamParty(**values, created_at=utcnow())).returning(CareTeamParty.id)
        await audit.record(principal, "care_team.party.create", resource_type="party", resource_id=rows[0]["id"])
    return int(rows[0]["id"])


async def update_party(principal: Principal, party_id: int, data: dict[str, Any]) -> None:
    require(principal, Action.CARE_TEAM_DIRECTORY)
    values = check_party_fields(data)
    async with write_transaction():
        updated = await CareTeamParty.update(values).where(CareTeamParty.id == party_id).returning(CareTeamParty.id)
        if not updated:
            raise NotFound("No such party.")
        await audit.record(principal, "care_team.party.update", resource_type="party", resource_id=party_id)


async def search_parties(principal: Principal, q: str = "", *, limit: int = 50) -> list[dict[str, Any]]:
    require(principal, Action.CARE_TEAM_DIRECTORY)
    query = CareTeamParty.select().order_by(CareTeamParty.name).limit(limit)
    if q.strip():
        query = query.where(contains_text(CareTeamParty.name, q) | contains_text(CareTeamParty.organisation, q))
    return await query


async def add_member(principal: Principal, client_id: int, data: dict[str, Any]) -> int:
    """Put a party on the client's team; `party_id`, or the fields of a new party."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    c = Checker(data)
    party_id = c.integer("party_id", label="Party")
    role = c.text("role", max_length=120, label="Role on the team")
    started_on = c.date("started_on", label="Start date")
    ended_on = c.date("ended_on", label="End date")
    if started_on and ended_on and ended_on < started_on:
        c.fail("ended_on", "The end date is before the start date.")
    c.done()
    async with write_transaction():
        if party_id is None:
            party_id = await create_party(principal, data)
        elif not await CareTeamParty.exists().where(CareTeamParty.id == party_id):
            raise Invalid(party_id="Choose a party from the directory.")
        if await CareTeamMember.exists().where(
            (CareTeamMember.client == client_id)
            & (CareTeamMember.party == party_id)
            & CareTeamMember.ended_on.is_null()
        ):
            raise Invalid(party_id="This party is already on the care team.")
        rows = await CareTeamMember.insert(
            CareTeamMember(
                client=client_id,
                party=party_id,
                role=role,
                started_on=started_on or utcnow().date(),
                ended_on=ended_on,
                created_at=utcnow(),
            )
        ).returning(CareTeamMember.id)
        await audit.record(
            principal,
            "care_team.member.add",
            resource_type="care_team_member",
            resource_id=rows[0]["id"],
            client_id=client_id,
            detail={"party": party_id},
        )
    return int(rows[0]["id"])


async def end_member(principal: Principal, client_id: int, member_id: int, ended_on: date | None = None) -> None:
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    async with write_transaction():
        updated = (
            await CareTeamMember.update({CareTeamMember.ended_on: ended_on or utcnow().date()})
            .where(
                (CareTeamMember.id == member_id)
                & (CareTeamMember.client == client_id)
                & CareTeamMember.ended_on.is_null()
            )
            .returning(CareTeamMember.id)
        )
        if not updated:
            raise NotFound("No such care-team member.")
        await audit.record(
            principal,
            "care_team.member.end",
            resource_type="care_team_member",
            resource_id=member_id,
            client_id=client_id,
        )


async def members(client_id: int, *, include_ended: bool = False) -> list[dict[str, Any]]:
    query = CareTeamMember.select(
        CareTeamMember.id,
        CareTeamMember.role,
        CareTeamMember.started_on,
        CareTeamMember.ended_on,
        *CareTeamMember.party.all_columns(),
    ).where(CareTeamMember.client == client_id)
    if not include_ended:
        query = query.where(CareTeamMember.ended_on.is_null())
    rows = await query.order_by(CareTeamMember.started_on)
    for row in rows:
        row["is_health_care_provider"] = row["party.party_type"] in HEALTH_CARE_PROVIDER_TYPES
        row["party_type_label"] = PARTY_TYPES.get(row["party.party_type"], "")
    return rows


async def list_members(principal: Principal, client_id: int, *, include_ended: bool = False) -> list[dict[str, Any]]:
    await require_client(principal, client_id)
    rows = await members(client_id, include_ended=include_ended)
    await audit.record(principal, "care_team.list", resource_type="care_team", client_id=client_id)
    return rows
