"""The program API: one program, its credentials, its vetting history and decisions, availability observations.

Every unknown id answers 404; families and billing get 403 (the guards). The services check the policy,
validate, audit and own the transactions: these handlers translate JSON to their input and rows to JSON.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from portal.cases.controllers.api import PageNumber, PerPage
from portal.cases.schemas import Page
from portal.network import contacts, credentials, history, programs, vetting
from portal.network.program_schemas import (
    AvailabilityCreate,
    AvailabilityOut,
    CredentialCreate,
    CredentialOut,
    DecisionCreate,
    DecisionOut,
    DeskCheckOut,
    IncidentOut,
    PersonRef,
    ProgramOut,
    ReviewCreate,
    ReviewOut,
    SiteVisitOut,
    VettingOut,
)
from portal.policy import Action, Principal, guard
from portal.web import current_principal, reject_unknown_query

AnyRequest = Request[Any, Any, Any]


def _person(user_id: int | None, name: str | None) -> PersonRef | None:
    return PersonRef(id=user_id, name=name or "") if user_id is not None else None


def program_out(row: dict[str, Any]) -> ProgramOut:
    return ProgramOut(
        **{name: row[name] for name in ProgramOut.__struct_fields__ if name in row and name != "vetting_status"},
        vetting_status=row["status"],
        vetting_status_label=row["status_label"],
    )


def credential_out(row: dict[str, Any]) -> CredentialOut:
    return CredentialOut(
        id=row["id"],
        kind=row["kind"],
        name=row["name"],
        number=row["number"],
        issuer=row["issuer"],
        expires_on=row["expires_on"],
        state=row["state"],
        days_left=row["days_left"],
        verified_on=row["verified_on"],
        verified_by=_person(row["verified_by"], row["verified_by_name"]),
        source=row["source"],
        created_at=row["created_at"],
    )


def decision_out(row: dict[str, Any]) -> DecisionOut:
    return DecisionOut(
        id=row["id"],
        review_id=row["review"],
        decision=row["decision"],
        levels=row["levels"],
        populations=row["populations"],
        conditions=row["conditions"],
        rationale=row["rationale"],
        next_review_on=row["next_review_on"],
        decided_by=_person(row["decided_by"], row["decided_by_name"]),
        decided_at=row["decided_at"],
    )


def _visit_out(row: dict[str, Any]) -> SiteVisitOut:
    return SiteVisitOut(
        id=row["id"],
        review_id=row["review"],
        visited_on=row["visited_on"],
        visitor=_person(row["visitor"], row["visitor_name"]),
        mode=row["mode"],
        hours=row["hours"],
        checklist=row["checklist"],
        notes=row["notes"],
        photo_count=len(row["photos"]),
    )


def _review_out(row: dict[str, Any]) -> ReviewOut:
    return ReviewOut(
        id=row["id"],
        reason=row["reason"],
        intake_source=row["intake_source"],
        stage=row["stage"],
        opened_by=_person(row["opened_by"], row["opened_by_name"]),
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        desk_checks=[
            DeskCheckOut(
                id=c["id"],
                check=c["check"],
                result=c["result"],
                evidence=c["evidence"],
                evidence_file_name=c["file"].original_name if c["file"] else None,
                checked_by=_person(c["checked_by"], c["checked_by_name"]),
                checked_at=c["checked_at"],
            )
            for c in row["desk_checks"]
        ],
        site_visits=[_visit_out(v) for v in row["visits"]],
        decisions=[decision_out(d) for d in row["decisions"]],
    )


async def _vetting(principal: Principal, program_id: int) -> VettingOut:
    program = await programs.get_program(principal, program_id)
    data = await history.vetting_history(principal, program_id)
    return VettingOut(
        program_id=program_id,
        vetting_status=program["status"],
        next_review_on=program["next_review_on"],
        reviews=[_review_out(r) for r in data["reviews"]],
        incidents=[
            IncidentOut(
                id=i["id"],
                kind=i["kind"],
                occurred_on=i["occurred_on"],
                description=i["description"],
                reported_by=_person(i["reported_by"], i["reported_by_name"]),
                created_at=i["created_at"],
            )
            for i in data["incidents"]
        ],
    )


class ProgramApiController(Controller):
    path = "/api/v1/programs"
    tags = ["programs"]
    guards = [guard(Action.NETWORK_READ)]

    @get("/{program_id:int}")
    async def get_program(self, request: AnyRequest, program_id: FromPath[int]) -> ProgramOut:
        """One program of the network, with its facets and the vetting status as it stands today."""
        reject_unknown_query(request, set())
        return program_out(await programs.get_program(current_principal(request), program_id))

    @get("/{program_id:int}/credentials")
    async def list_credentials(
        self, request: AnyRequest, program_id: FromPath[int], page: PageNumber = 1, per_page: PerPage = 25
    ) -> Page[CredentialOut]:
        """The program's licenses, accreditations, certifications and memberships (licenses first, then by
        expiry); `state` says expired, expiring (within 60 days), current or no_expiry."""
        reject_unknown_query(request, set())
        await programs.get_program(current_principal(request), program_id)
        rows = await credentials.list_credentials(program_id, await programs.practice_today())
        start = (page - 1) * per_page
        items = [credential_out(r) for r in rows[start : start + per_page]]
        return Page(items=items, page=page, per_page=per_page, total=len(rows))

    @post("/{program_id:int}/credentials", status_code=HTTP_201_CREATED, guards=[guard(Action.NETWORK_WRITE)])
    async def add_credential(
        self, request: AnyRequest, program_id: FromPath[int], data: JSONBody[CredentialCreate]
    ) -> CredentialOut:
        """Record a credential; a verification date records the signed-in person as the verifier."""
        principal = current_principal(request)
        values = {name: getattr(data, name) for name in data.__struct_fields__}
        credential_id = await credentials.add_credential(principal, program_id, values)
        return credential_out(await credentials.get_credential(principal, program_id, credential_id))

    @get("/{program_id:int}/vetting")
    async def vetting_history(self, request: AnyRequest, program_id: FromPath[int]) -> VettingOut:
        """The whole vetting history, newest review first: desk checks with evidence, site visits, decisions with
        their scope, who did each and when; and the incident log. Internal to the practice."""
        reject_unknown_query(request, set())
        return await _vetting(current_principal(request), program_id)

    @post("/{program_id:int}/vetting/reviews", status_code=HTTP_201_CREATED, guards=[guard(Action.NETWORK_WRITE)])
    async def open_review(
        self, request: AnyRequest, program_id: FromPath[int], data: JSONBody[ReviewCreate]
    ) -> ReviewOut:
        """Open a review (intake: where the program came from). One review is open at a time."""
        principal = current_principal(request)
        review_id = await vetting.open_review(
            principal, program_id, {"reason": data.reason, "intake_source": data.intake_source}
        )
        reviews = (await history.vetting_history(principal, program_id))["reviews"]
        return _review_out(next(r for r in reviews if r["id"] == review_id))

    @post("/{program_id:int}/vetting/decisions", status_code=HTTP_201_CREATED, guards=[guard(Action.NETWORK_WRITE)])
    async def decide(
        self, request: AnyRequest, program_id: FromPath[int], data: JSONBody[DecisionCreate]
    ) -> DecisionOut:
        """Decide the open review: approved, provisional or declined, with the scope (levels of care,
        populations, conditions), the rationale and the next review date (required unless declined)."""
        principal = current_principal(request)
        values = {name: getattr(data, name) for name in data.__struct_fields__}
        decision_id = await vetting.record_decision(principal, program_id, values)
        decisions = (await history.vetting_history(principal, program_id))["decisions"]
        return decision_out(next(d for d in decisions if d["id"] == decision_id))

    @post("/{program_id:int}/availability", status_code=HTTP_201_CREATED, guards=[guard(Action.NETWORK_WRITE)])
    async def record_availability(
        self, request: AnyRequest, program_id: FromPath[int], data: JSONBody[AvailabilityCreate]
    ) -> AvailabilityOut:
        """Record a dated availability observation (beds, waitlist, a note) made by the signed-in person."""
        principal = current_principal(request)
        values = {name: getattr(data, name) for name in data.__struct_fields__}
        observation_id = await contacts.record_availability(principal, program_id, values)
        row = await contacts.get_availability(program_id, observation_id)
        return AvailabilityOut(
            id=row["id"],
            observed_on=row["observed_on"],
            beds_available=row["beds_available"],
            waitlist_days=row["waitlist_days"],
            note=row["note"],
            observed_by=_person(row["observed_by"], row["observed_by_name"]),
            created_at=row["created_at"],
        )
