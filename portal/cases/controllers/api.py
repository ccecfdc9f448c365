"""The cases JSON API: clients, care teams, consents and disclosures. Lists paginate with `page` and `per_page`
and filter only on an allowlist; every id one may not see answers 404."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from portal.cases import care_team, clients, consents
from portal.cases.schemas import (
    CareTeamMemberCreate,
    CareTeamMemberOut,
    CaseManagerRef,
    ClientCreate,
    ClientOut,
    ClientPatch,
    ConsentCreate,
    ConsentOut,
    ConsentRevoke,
    DisclosureOut,
    Page,
    provided,
)
from portal.policy import Action, guard
from portal.web import current_principal, reject_unknown_query

PageNumber = Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1")]
PerPage = Annotated[int, QueryParameter(ge=1, le=100, description="Items per page (at most 100)")]


def client_out(row: dict[str, Any], primary: dict[str, Any] | None) -> ClientOut:
    return ClientOut(
        id=row["id"],
        legal_name=row["legal_name"],
        preferred_name=row["preferred_name"],
        status=row["status"],
        date_of_birth=row.get("date_of_birth"),
        sex=row.get("sex", "unknown"),
        pronouns=row.get("pronouns", ""),
        email=row.get("email", ""),
        phone=row.get("phone", ""),
        street=row.get("street", ""),
        city=row.get("city", ""),
        state=row.get("state", ""),
        zip_code=row.get("zip_code", ""),
        has_part2_records=row.get("has_part2_records", False),
        recommended_level=row.get("recommended_level", ""),
        primary_case_manager=CaseManagerRef(id=primary["id"], name=primary["name"]) if primary else None,
        created_at=row.get("created_at"),
        updated_at=row.get("updated_at"),
    )


class ClientsApiController(Controller):
    path = "/api/v1/clients"
    tags = ["clients"]
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def list_clients(
        self,
        request: Request[Any, Any, Any],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        status: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
    ) -> Page[ClientOut]:
        """Clients visible to the signed-in person. Filters: `status`, `q` (name contains)."""
        reject_unknown_query(request, {"status", "q"})
        rows, total = await clients.list_clients(
            current_principal(request), status=status, q=q, page=page, per_page=per_page
        )
        items = [client_out(row, row.get("primary_case_manager")) for row in rows]
        return Page(items=items, page=page, per_page=per_page, total=total)

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_CREATE)])
    async def create_client(self, request: Request[Any, Any, Any], data: JSONBody[ClientCreate]) -> ClientOut:
        """Create a client; a case manager becomes its primary case manager, the owner names one."""
        principal = current_principal(request)
        values = provided(data)
        primary_id = values.pop("primary_case_manager_id", None)
        client_id = await clients.create_client(principal, values, primary_case_manager_id=primary_id)
        return await self._client(request, client_id)

    async def _client(self, request: Request[Any, Any, Any], client_id: int, audit_action: str = "") -> ClientOut:
        row = await clients.get_client(current_principal(request), client_id, audit_action=audit_action)
        primary = (await clients.primary_case_managers([client_id])).get(client_id)
        return client_out(row, primary)

    @get("/{client_id:int}")
    async def get_client(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> ClientOut:
        """One client."""
        return await self._client(request, client_id, audit_action="client.view")

    @patch("/{client_id:int}", guards=[guard(Action.CLIENTS_WRITE)])
    async def update_client(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], data: JSONBody[ClientPatch]
    ) -> ClientOut:
        """Change some fields of a client."""
        await clients.update_client(current_principal(request), client_id, provided(data))
        return await self._client(request, client_id)

    @get("/{client_id:int}/care-team")
    async def list_care_team(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        include_ended: FromQuery[bool] = False,
    ) -> Page[CareTeamMemberOut]:
        """The client's care team. Filter: `include_ended`."""
        reject_unknown_query(request, {"include_ended"})
        rows = await care_team.list_members(current_principal(request), client_id, include_ended=include_ended)
        items = [
            CareTeamMemberOut(
                id=r["id"],
                party_id=r["party.id"],
                name=r["party.name"],
                party_type=r["party.party_type"],
                organisation=r["party.organisation"],
                credentials=r["party.credentials"],
                role=r["role"],
                email=r["party.email"],
                phone=r["party.phone"],
                npi=r["party.npi"],
                is_health_care_provider=r["is_health_care_provider"],
                started_on=r["started_on"],
                ended_on=r["ended_on"],
            )
            for r in rows
        ]
        start = (page - 1) * per_page
        return Page(items=items[start : start + per_page], page=page, per_page=per_page, total=len(items))

    @post("/{client_id:int}/care-team", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def add_care_team_member(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], data: JSONBody[CareTeamMemberCreate]
    ) -> CareTeamMemberOut:
        """Put an existing party (`party_id`) or a new one (its fields) on the client's care team."""
        principal = current_principal(request)
        values = provided(data)
        if values.get("party_id") is None:
            values.pop("party_id", None)
        if "is_organisation" in values:
            values["is_organisation"] = "on" if values["is_organisation"] else ""
        member_id = await care_team.add_member(principal, client_id, values)
        rows = await care_team.members(client_id)
        row = next(r for r in rows if r["id"] == member_id)
        return CareTeamMemberOut(
            id=row["id"],
            party_id=row["party.id"],
            name=row["party.name"],
            party_type=row["party.party_type"],
            organisation=row["party.organisation"],
            credentials=row["party.credentials"],
            role=row["role"],
            email=row["party.email"],
            phone=row["party.phone"],
            npi=row["party.npi"],
            is_health_care_provider=row["is_health_care_provider"],
            started_on=row["started_on"],
            ended_on=row["ended_on"],
        )

    @get("/{client_id:int}/consents")
    async def list_consents(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        status: FromQuery[str | None] = None,
    ) -> Page[ConsentOut]:
        """Releases of information. Filter: `status` (active, expired, revoked, not yet effective)."""
        reject_unknown_query(request, {"status"})
        rows = await consents.list_consents(current_principal(request), client_id)
        if status:
            rows = [r for r in rows if r["status"] == status]
        items = [consent_out(r) for r in rows]
        start = (page - 1) * per_page
        return Page(items=items[start : start + per_page], page=page, per_page=per_page, total=len(items))

    @post("/{client_id:int}/consents", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def create_consent(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], data: JSONBody[ConsentCreate]
    ) -> ConsentOut:
        """Record a release signed by typed e-signature (the time and address are kept)."""
        principal = current_principal(request)
        values = provided(data)
        for flag in ("until_revoked", "covers_part2"):
            values[flag] = "on" if values.get(flag) else ""
        consent_id = await consents.record_consent(principal, client_id, values)
        rows = await consents.list_consents(principal, client_id)
        return consent_out(next(r for r in rows if r["id"] == consent_id))

    @post(
        "/{client_id:int}/consents/{consent_id:int}/revoke",
        status_code=HTTP_200_OK,
        guards=[guard(Action.CLIENTS_WRITE)],
    )
    async def revoke_consent(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        consent_id: FromPath[int],
        data: JSONBody[ConsentRevoke],
    ) -> ConsentOut:
        """Revoke a release: effective at once."""
        principal = current_principal(request)
        await consents.revoke_consent(principal, client_id, consent_id, data.note)
        rows = await consents.list_consents(principal, client_id)
        return consent_out(next(r for r in rows if r["id"] == consent_id))

    @get("/{client_id:int}/disclosures")
    async def list_disclosures(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], page: PageNumber = 1, per_page: PerPage = 25
    ) -> Page[DisclosureOut]:
        """The accounting of disclosures (six years)."""
        reject_unknown_query(request, set())
        rows, total = await consents.list_disclosures(
            current_principal(request), client_id, page=page, per_page=per_page
        )
        items = [
            DisclosureOut(
                id=r["id"],
                disclosed_at=r["disclosed_at"],
                recipient_type=r["recipient_type"],
                recipient=r["recipient_label"],
                categories=r["categories"],
                purpose=r["purpose"],
                basis=r["basis"],
                consent_id=r["consent"],
                includes_part2=r["includes_part2"],
                resource_type=r["resource_type"],
                resource_id=r["resource_id"],
            )
            for r in rows
        ]
        return Page(items=items, page=page, per_page=per_page, total=total)


def consent_out(row: dict[str, Any]) -> ConsentOut:
    return ConsentOut(
        id=row["id"],
        recipient_type=row["recipient_type"],
        recipient=row["recipient_label"],
        recipient_party_id=row["recipient_party"],
        recipient_relative_id=row["recipient_relative"],
        categories=row["categories"],
        purposes=row["purposes"],
        effective_on=row["effective_on"],
        expires_on=row["expires_on"],
        until_revoked=row["until_revoked"],
        covers_part2=row["covers_part2"],
        signed_by_name=row["signed_by_name"],
        signer_capacity=row["signer_capacity"],
        signed_on=row["signed_on"],
        status=row["status"],
        revoked_at=row["revoked_at"],
    )
