"""Find a program for a client: the vetted programs ranked for this client's case, with the reasons for every part
of the score, the flags, and how our clients did there; "Place here" opens the placement form with the program
filled in. The page (`/clients/{id}/program-matches`) and the API (`GET /api/v1/clients/{id}/program-matches`)
need both the network and the client: NETWORK_READ, and the client in the person's scope (404 otherwise).

The case has no budget field: the budget (dollars a month of private pay) is a parameter of the search."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from portal.cases.controllers.common import client_header
from portal.cases.controllers.placements import FORM_CHOICES
from portal.cases.vocabulary import LEVELS_OF_CARE
from portal.network import matching
from portal.network.programs import get_program
from portal.policy import Action, can, guard, require_client
from portal.web import current_principal, reject_unknown_query, render


def _budget_text(cents: int | None) -> str:
    return "" if cents is None else f"{cents // 100}"


class ProgramMatchesController(Controller):
    path = "/clients/{client_id:int}/program-matches"
    include_in_schema = False
    guards = [guard(Action.NETWORK_READ), guard(Action.CLIENTS_READ)]

    @get("/")
    async def matches_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "placements")
        raw_budget = request.query_params.get("budget", "")
        errors: dict[str, str] = {}
        try:
            budget = matching.parse_budget(raw_budget)
        except ValueError as exc:
            errors["budget"] = str(exc)
            budget = None
        result = await matching.match_client(principal, client_id, budget_cents=budget)
        facts = result.facts
        level = LEVELS_OF_CARE.get(facts.recommended_level)
        return render(
            request,
            "network/matches.html",
            status_code=400 if errors else 200,
            header=header,
            result=result,
            facts=facts,
            recommended_label=level.label if level else "",
            condition_labels=[matching.CONDITIONS.get(c, c) for c in facts.conditions],
            form={"budget": raw_budget[:20] if errors else _budget_text(budget)},
            errors=errors,
            budget_query=f"?budget={budget // 100}" if budget is not None else "",
            can_place=can(principal, Action.CLIENTS_WRITE),
        )

    @get("/{program_id:int}/place", guards=[guard(Action.CLIENTS_WRITE)])
    async def place_page(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], program_id: FromPath[int]
    ) -> Template:
        """The placement form (it posts to the client's placements) with this program linked and named, and the
        recommended level of care chosen when the program's decided scope covers it."""
        principal = current_principal(request)
        await require_client(principal, client_id, Action.CLIENTS_WRITE)
        program = await get_program(principal, program_id)
        header = await client_header(principal, client_id, "placements")
        recommended = header.client.get("recommended_level") or ""
        form = {"program_id": str(program_id), "program_name": program["display_name"]}
        if recommended and recommended in (program.get("levels_of_care") or []) + await _scope_levels(program_id):
            form["level_of_care"] = recommended
        return render(
            request,
            "cases/placement_form.html",
            header=header,
            placement=None,
            network_picker=True,
            linked_program=program["display_name"],
            form=form,
            errors={},
            **FORM_CHOICES,
        )


async def _scope_levels(program_id: int) -> list[str]:
    from portal.network.tables import VettingDecision

    row = (
        await VettingDecision.select(VettingDecision.levels)
        .where(VettingDecision.program == program_id)
        .order_by(VettingDecision.id, ascending=False)
        .output(load_json=True)
        .first()
    )
    return list(row["levels"] or []) if row else []


# --------------------------------------------------------------------------- API


class ScorePartOut(msgspec.Struct):
    part: str  # level, conditions, age, gender, budget, distance, outcomes, vetting
    label: str
    points: int
    out_of: int
    reasons: list[str]


class FlagOut(msgspec.Struct):
    kind: str  # exclusion, age, gender, credential_expired, credential_expiring, no_site_visit, provisional,
    #            distance, budget, private_pay
    severity: str  # block (sorted after every unblocked program) or warn
    label: str


class ProgramMatchOut(msgspec.Struct):
    program_id: int
    name: str
    city: str
    state: str
    vetting_status: str
    score: int  # out of 100
    blocked: bool
    distance_miles: float | None
    parts: list[ScorePartOut]
    flags: list[FlagOut]
    our_placements: int
    our_discharged: int
    completion_rate: float | None  # (completed + stepped down) / discharged


class CaseFactsOut(msgspec.Struct):
    age: int | None
    sex: str
    conditions: list[str]
    co_occurring: bool
    recommended_level: str
    budget_dollars_per_month: int | None  # the `budget` parameter: the case has no budget field
    home_zip: str


class ProgramMatchesOut(msgspec.Struct):
    client_id: int
    case: CaseFactsOut
    considered: int  # approved or provisional programs looked at
    out_of_scope: int  # of those, whose decided scope does not cover the client
    items: list[ProgramMatchOut]


def match_out(match: matching.Match) -> ProgramMatchOut:
    row = match.candidate.row
    return ProgramMatchOut(
        program_id=match.program_id,
        name=match.display_name,
        city=row.get("city", ""),
        state=row.get("state", ""),
        vetting_status=row["vetting_status"],
        score=match.score,
        blocked=match.blocked,
        distance_miles=None if match.distance_miles is None else round(match.distance_miles, 1),
        parts=[ScorePartOut(p.part, p.label, p.points, p.out_of, list(p.reasons)) for p in match.parts],
        flags=[FlagOut(f.kind, f.severity, f.label) for f in match.flags],
        our_placements=match.outcomes.placements,
        our_discharged=match.outcomes.discharged,
        completion_rate=match.outcomes.completion_rate,
    )


class ProgramMatchesApiController(Controller):
    path = "/api/v1/clients/{client_id:int}/program-matches"
    tags = ["programs"]
    guards = [guard(Action.NETWORK_READ), guard(Action.CLIENTS_READ)]

    @get("/")
    async def program_matches(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        budget: Annotated[
            int | None,
            QueryParameter(ge=0, le=matching.MAX_BUDGET_DOLLARS, description="Private-pay budget in dollars a month"),
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200, description="At most this many programs")] = 50,
    ) -> ProgramMatchesOut:
        """Approved and provisional programs whose decided scope covers the client, best first, each with its
        score (out of 100) split into parts with their reasons, and flags (`block`: sorted last)."""
        reject_unknown_query(request, {"budget", "limit"})
        budget_cents = None if budget is None else budget * 100
        result = await matching.match_client(current_principal(request), client_id, budget_cents=budget_cents)
        facts = result.facts
        return ProgramMatchesOut(
            client_id=client_id,
            case=CaseFactsOut(
                age=facts.age,
                sex=facts.sex,
                conditions=facts.conditions,
                co_occurring=facts.co_occurring,
                recommended_level=facts.recommended_level,
                budget_dollars_per_month=budget,
                home_zip=facts.home_zip,
            ),
            considered=result.considered,
            out_of_scope=result.out_of_scope,
            items=[match_out(m) for m in result.matches[:limit]],
        )
