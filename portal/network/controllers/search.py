"""The search page: a GET form (so a search is a link one can share with a colleague), results with the reasons
each program matched and its distance, pages of 20."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.response import Template

from portal.cases.vocabulary import LEVELS_OF_CARE
from portal.network import geo
from portal.network.facets import FACET_VOCABULARIES
from portal.network.search import search_programs
from portal.network.search_filters import SEARCH_PARAMS, SearchError, SearchFilters, parse_filters
from portal.network.vocabulary import FACETS, VETTING_STATUSES
from portal.policy import Action, can, guard
from portal.validation import US_STATES
from portal.web import current_principal, page_request, render

PER_PAGE = 20
RADII = [10, 25, 50, 100, 200, 300, 500]
# The checkbox groups of the form, in the order the page shows them.
FACET_GROUPS = [
    "level",
    "type",
    "population",
    "condition",
    "approach",
    "payment",
    "gender",
    "accreditation",
    "language",
]


def level_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (framework, [(level.code, level.label) for level in levels])
        for framework, levels in groupby(LEVELS_OF_CARE.values(), key=lambda level: level.framework)
    ]


def facet_choices() -> list[dict[str, Any]]:
    groups = []
    for facet in FACET_GROUPS:
        if facet == "level":
            options = level_groups()
        else:
            options = [("", [(value, str(label)) for value, label in FACET_VOCABULARIES[facet].items()])]
        groups.append({"name": facet, "label": FACETS[facet], "options": options})
    return groups


def query_pairs(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    """The search's own parameters as sent (repeated ones kept), for the pager's links."""
    return [
        (name, value)
        for name in sorted(SEARCH_PARAMS)
        for value in request.query_params.getall(name, [])
        if value.strip()
    ]


class NetworkSearchController(Controller):
    path = "/network/search"
    include_in_schema = False
    guards = [guard(Action.NETWORK_READ)]

    @get("/")
    async def search_page(self, request: Request[Any, Any, Any]) -> Template:
        principal = current_principal(request)
        params = {name: request.query_params.getall(name) for name in SEARCH_PARAMS if name in request.query_params}
        paging = page_request(_int(request.query_params.get("page")), PER_PAGE, default_per_page=PER_PAGE)
        errors: dict[str, str] = {}
        try:
            filters = parse_filters(params, page=paging.page, per_page=PER_PAGE, radius_needs_zip=False)
        except SearchError as exc:
            errors = exc.field_errors
            filters = SearchFilters()
        results = None if errors else await search_programs(principal, filters)
        pairs = query_pairs(request)
        pages = max(1, -(-results.total // PER_PAGE)) if results else 1

        def page_url(number: int) -> str:
            return "/network/search?" + urlencode([*pairs, ("page", str(number))])

        return render(
            request,
            "network/search.html",
            status_code=400 if errors else 200,
            errors=errors,
            filters=filters,
            results=results,
            selected={name: set(values) for name, values in params.items()},
            form={name: (values[0] if values else "") for name, values in params.items()},
            facet_groups=facet_choices(),
            vetting_statuses=VETTING_STATUSES,
            state_choices=[(code, code) for code in sorted(US_STATES)],
            radii=RADII,
            default_radius=50,
            page=paging.page,
            pages=pages,
            page_url=page_url,
            can_import=can(principal, Action.NETWORK_WRITE),
            credit=geo.GEONAMES_CREDIT,
        )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
