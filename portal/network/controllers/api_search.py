"""The program network's search and import API: `GET /api/v1/programs` (facets as repeatable query
parameters, OR inside a facet and AND across facets), `POST /api/v1/programs/import` (a FindTreatment.gov file
as the request body, imported by the worker) and `GET /api/v1/programs/imports/{id}` (its progress and report).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED

from portal.cases.controllers.api import PageNumber, PerPage
from portal.cases.schemas import Page
from portal.network import import_jobs
from portal.network.search import search_programs
from portal.network.search_filters import SEARCH_PARAMS, parse_filters
from portal.network.search_schemas import ImportOut, ProgramHitOut, hit_out, import_out
from portal.policy import Action, guard
from portal.web import current_principal, reject_unknown_query


def _values(name: str, description: str) -> Any:
    """A repeatable query parameter (`level=asam3:3.5&level=asam3:3.7`: either)."""
    return QueryParameter(name=name, required=False, description=description)


Level = Annotated[list[str] | None, _values("level", "Level of care (asam3:3.5 …); repeat for either")]
ProgramType = Annotated[list[str] | None, _values("type", "Program type (residential, php …)")]
Population = Annotated[list[str] | None, _values("population", "Population (young_adults, veterans …)")]
Gender = Annotated[list[str] | None, _values("gender", "male, female or all (male and female also match all)")]
Condition = Annotated[list[str] | None, _values("condition", "Condition treated (co_occurring, trauma …)")]
Approach = Annotated[list[str] | None, _values("approach", "Approach (dbt, mat_on_site …)")]
Payment = Annotated[list[str] | None, _values("payment", "Payment (private_pay, out_of_network …)")]
Accreditation = Annotated[list[str] | None, _values("accreditation", "Accreditation (joint_commission, carf …)")]
Language = Annotated[list[str] | None, _values("language", "Language (spanish, asl …)")]
Vetting = Annotated[list[str] | None, _values("vetting", "Vetting status (approved, provisional …)")]
State = Annotated[list[str] | None, _values("state", "Two-letter state code")]


class ProgramSearchApiController(Controller):
    path = "/api/v1/programs"
    tags = ["programs"]
    guards = [guard(Action.NETWORK_READ)]

    @get("/")
    async def search(
        self,
        request: Request[Any, Any, Any],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        level: Level = None,
        program_type: ProgramType = None,
        population: Population = None,
        gender: Gender = None,
        condition: Condition = None,
        approach: Approach = None,
        payment: Payment = None,
        accreditation: Accreditation = None,
        language: Language = None,
        vetting: Vetting = None,
        state_code: State = None,
        age: Annotated[int | None, QueryParameter(ge=0, le=120, description="Client's age in years")] = None,
        price_min: Annotated[
            int | None, QueryParameter(ge=0, description="Private pay at least, dollars a month")
        ] = None,
        price_max: Annotated[
            int | None, QueryParameter(ge=0, description="Private pay at most, dollars a month")
        ] = None,
        q: Annotated[str | None, QueryParameter(max_length=100, description="Text in the name or city")] = None,
        zip_code: Annotated[str | None, QueryParameter(name="zip", max_length=10, description="US ZIP code")] = None,
        radius_miles: Annotated[
            float | None, QueryParameter(gt=0, le=3000, description="Radius around the ZIP code (default 50)")
        ] = None,
    ) -> Page[ProgramHitOut]:
        """Programs matching every filter given (and any value of a repeated one), with why each matched. With
        `zip`: those within `radius_miles`, nearest first, with `distance_miles`; otherwise vetted programs
        first, then by name."""
        reject_unknown_query(request, SEARCH_PARAMS)
        params = {name: request.query_params.getall(name) for name in SEARCH_PARAMS if name in request.query_params}
        filters = parse_filters(params, page=page, per_page=per_page)
        results = await search_programs(current_principal(request), filters)
        return Page(items=[hit_out(hit) for hit in results.hits], page=page, per_page=per_page, total=results.total)

    @post(
        "/import",
        status_code=HTTP_202_ACCEPTED,
        guards=[guard(Action.NETWORK_WRITE)],
        request_max_body_size=import_jobs.MAX_UPLOAD_BYTES,
    )
    async def start_import(self, request: Request[Any, Any, Any]) -> ImportOut:
        """Import a FindTreatment.gov file sent as the body: `Content-Type: application/json` for an API response
        (a `rows` list), `text/csv` for CSV with the same column names. The file is read at once (400 naming the
        line when it is malformed, and nothing is imported); the worker then imports it: follow
        `GET /api/v1/programs/imports/{id}` until `status` is `done`."""
        reject_unknown_query(request, set())
        data = await request.body()
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        filename = {"application/json": "import.json", "text/csv": "import.csv"}.get(content_type, "import")
        principal = current_principal(request)
        batch_id = await import_jobs.queue_import(principal, data, filename)
        return import_out(await import_jobs.import_progress(principal, batch_id))

    @get("/imports/{batch_id:int}", guards=[guard(Action.NETWORK_WRITE)])
    async def get_import(self, request: Request[Any, Any, Any], batch_id: FromPath[int]) -> ImportOut:
        """An import's progress (`processed` of `total` rows) and, once done, its report."""
        return import_out(await import_jobs.import_progress(current_principal(request), batch_id))
