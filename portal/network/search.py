"""Searching the program network: facets (OR inside a facet, AND across facets), age, private-pay range,
vetting status, state, text on name and city, and a radius around a ZIP code, with the reasons each program
matched.

Every facet filter is one indexed sub-query on ProgramFacet (the unique index on facet, value, program covers
it). A radius search first keeps the programs inside the circle's latitude/longitude box in SQL, then computes
the exact great-circle distance in Python, keeps those within the radius and sorts them by distance; without a
ZIP code the database sorts by vetting status, then name, and pages. A search costs at most four queries,
whatever the number of results (no query per program).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

from portal.db import get_engine, is_sqlite
from portal.network import geo
from portal.network.search_filters import SearchFilters, facet_label
from portal.network.vocabulary import FACETS, VETTING_STATUSES
from portal.policy import Action, Principal, require

VETTING_ORDER = ("approved", "provisional", "in_review", "review_needed", "unvetted", "declined")
PAGE_COLUMNS = (
    "id",
    "name",
    "program_name",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "vetting_status",
    "phone_main",
    "phone_admissions",
    "age_min",
    "age_max",
    "private_pay_cents",
    "private_pay_unit",
    "accepts_out_of_network",
)
# A private-pay rate compared with a monthly range: per day ×30, per week ×52/12; a whole-program price as it is.
MONTHLY_CENTS = (
    '(CASE "private_pay_unit" WHEN \'day\' THEN "private_pay_cents" * 30 '
    'WHEN \'week\' THEN "private_pay_cents" * 52 / 12 ELSE "private_pay_cents" END)'
)
VETTING_RANK = (
    'CASE "vetting_status" '
    + " ".join(f"WHEN '{status}' THEN {rank}" for rank, status in enumerate(VETTING_ORDER))
    + f" ELSE {len(VETTING_ORDER)} END"
)
PAY_UNITS = {"day": "a day", "week": "a week", "month": "a month", "program": "for the program"}


@dataclass(frozen=True)
class Reason:
    facet: str  # level … language, age, price, vetting, state, text, distance
    value: str
    label: str


@dataclass
class ProgramHit:
    row: dict[str, Any]
    distance_miles: float | None = None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def display_name(self) -> str:
        return self.row["name"] + (f" — {self.row['program_name']}" if self.row.get("program_name") else "")

    @property
    def vetting_label(self) -> str:
        return VETTING_STATUSES.get(self.row["vetting_status"], self.row["vetting_status"])


@dataclass
class SearchResults:
    filters: SearchFilters
    hits: list[ProgramHit]
    total: int
    origin: geo.Point | None = None


# --------------------------------------------------------------------------- the queries


class _Where:
    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.args: list[Any] = []

    def add(self, clause: str, *args: Any) -> None:
        self.clauses.append(clause)
        self.args.extend(args)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1 = 1"


def _marks(count: int) -> str:
    return ", ".join("{}" for _ in range(count))


def _facet_values(facet: str, values: list[str]) -> list[str]:
    # Someone asking for men (or women) is served by a program for all genders too.
    if facet == "gender" and ("male" in values or "female" in values) and "all" not in values:
        return [*values, "all"]
    return values


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def build_where(filters: SearchFilters, box: geo.BoundingBox | None) -> _Where:
    """The WHERE clause: the box first (it drives a radius search), plain columns next, facets last.

    Facets are sub-queries on the (facet, value, program) index. Inside a box each is a correlated EXISTS, probed
    only for the few programs in the box; without one it is an IN list the database builds once, which is the
    cheaper way to narrow the whole network down."""
    where = _Where()
    if box is not None:
        where.add('"latitude" BETWEEN {} AND {}', box.min_latitude, box.max_latitude)
        if box.min_longitude is not None and box.max_longitude is not None:
            where.add('"longitude" BETWEEN {} AND {}', box.min_longitude, box.max_longitude)
        else:
            where.add('"longitude" IS NOT NULL')
    if filters.vetting:
        where.add(f'"vetting_status" IN ({_marks(len(filters.vetting))})', *filters.vetting)
    if filters.states:
        where.add(f'"state" IN ({_marks(len(filters.states))})', *filters.states)
    if filters.age is not None:
        where.add(
            '("age_min" IS NULL OR "age_min" <= {}) AND ("age_max" IS NULL OR "age_max" >= {})',
            filters.age,
            filters.age,
        )
    if filters.price_min_cents is not None:
        where.add(f'"private_pay_cents" IS NOT NULL AND {MONTHLY_CENTS} >= {{}}', filters.price_min_cents)
    if filters.price_max_cents is not None:
        where.add(f'"private_pay_cents" IS NOT NULL AND {MONTHLY_CENTS} <= {{}}', filters.price_max_cents)
    if filters.q:
        pattern = _like(filters.q)
        where.add(
            "(LOWER(\"name\") LIKE {} ESCAPE '\\' OR LOWER(\"program_name\") LIKE {} ESCAPE '\\' "
            "OR LOWER(\"city\") LIKE {} ESCAPE '\\')",
            pattern,
            pattern,
            pattern,
        )
    for facet, values in filters.facets.items():
        values = _facet_values(facet, values)
        marks = _marks(len(values))
        if box is not None:
            clause = (
                'EXISTS (SELECT 1 FROM "program_facets" WHERE "program_facets"."program" = "programs"."id" '  # noqa: S608
                f'AND "facet" = {{}} AND "value" IN ({marks}))'
            )
        else:
            clause = '"id" IN (SELECT "program" FROM "program_facets" WHERE "facet" = {} '
            clause += f'AND "value" IN ({marks}))'
        if facet == "payment" and "out_of_network" in values:
            where.add(f'({clause} OR "accepts_out_of_network" = {{}})', facet, *values, True)
        else:
            where.add(clause, facet, *values)
    return where


async def _query(sql: str, args: list[Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await get_engine().run_querystring(QueryString(sql, *args))
    return rows or []


@asynccontextmanager
async def _one_connection() -> AsyncIterator[None]:
    """SQLite opens a connection per query outside a transaction: a read transaction keeps the search's few
    queries on one connection (and one consistent snapshot). PostgreSQL takes them from its pool."""
    engine = get_engine()
    if isinstance(engine, SQLiteEngine) and engine.current_transaction.get() is None:
        async with engine.transaction(transaction_type=TransactionType.deferred):
            yield
    else:
        yield


async def search_programs(principal: Principal, filters: SearchFilters) -> SearchResults:
    require(principal, Action.NETWORK_READ)
    origin = geo.zip_centroid(filters.zip_code) if filters.zip_code else None
    columns = ", ".join(f'"{c}"' for c in PAGE_COLUMNS)
    offset = (filters.page - 1) * filters.per_page
    async with _one_connection():
        if origin is not None and filters.radius_miles is not None:
            where = build_where(filters, geo.bounding_box(origin, filters.radius_miles))
            # The box's covering index (migration network_…t23_00): SQLite keeps no statistics unless told to, and
            # would otherwise start from a vetting-status or state index; PostgreSQL's planner has statistics.
            source = '"programs" INDEXED BY "programs_geo"' if is_sqlite() else '"programs"'
            candidates = await _query(
                f'SELECT "id", "latitude", "longitude", "vetting_status", "name" FROM {source} WHERE {where.sql}',  # noqa: S608
                where.args,
            )
            ranked = _within_radius(candidates, origin, filters.radius_miles)
            total = len(ranked)
            page = ranked[offset : offset + filters.per_page]
            distances = {program_id: miles for miles, program_id in page}
            rows = []
            if page:
                found = await _query(
                    f'SELECT {columns} FROM "programs" WHERE "id" IN ({_marks(len(page))})',  # noqa: S608
                    [program_id for _, program_id in page],
                )
                by_id = {int(r["id"]): r for r in found}
                rows = [by_id[program_id] for _, program_id in page if program_id in by_id]
        else:
            where = build_where(filters, None)
            distances = {}
            # The count is taken in a sub-query and the page sorted outside it. With the ORDER BY beside the window,
            # PostgreSQL costs the window as if it streamed and picks presorted nested loops (181 ms on 15,000
            # programs with two broad facets); outside it, it hashes the facet sub-queries (62 ms).
            rows = await _query(
                f'SELECT * FROM (SELECT {columns}, COUNT(*) OVER () AS "total" FROM "programs" '  # noqa: S608
                f'WHERE {where.sql}) AS "matched" ORDER BY {VETTING_RANK}, LOWER("name"), "id" LIMIT {{}} OFFSET {{}}',
                [*where.args, filters.per_page, offset],
            )
            if rows:
                total = int(rows[0]["total"])
            else:  # a page past the end: count what there is
                counted = await _query(f'SELECT COUNT(*) AS "n" FROM "programs" WHERE {where.sql}', where.args)  # noqa: S608
                total = int(counted[0]["n"]) if counted else 0
        matched = await _matched_facets([int(r["id"]) for r in rows], filters)
    hits = [
        ProgramHit(row, distances.get(int(row["id"])), _reasons(row, filters, matched, distances.get(int(row["id"]))))
        for row in rows
    ]
    return SearchResults(filters, hits, total, origin)


def _within_radius(candidates: list[dict[str, Any]], origin: geo.Point, miles: float) -> list[tuple[float, int]]:
    """(distance, id) of the candidates within the radius: nearest first, then by vetting status and name."""
    rank = {status: index for index, status in enumerate(VETTING_ORDER)}
    kept = []
    for row in candidates:
        distance = geo.haversine_miles(origin, geo.Point(row["latitude"], row["longitude"]))
        if distance <= miles:
            kept.append((round(distance, 1), rank.get(row["vetting_status"], 9), row["name"].lower(), int(row["id"])))
    kept.sort()
    return [(distance, program_id) for distance, _, _, program_id in kept]


async def _matched_facets(program_ids: list[int], filters: SearchFilters) -> dict[int, list[tuple[str, str]]]:
    """Which of the asked-for facet values each program on the page has (one query for the whole page)."""
    if not program_ids or not filters.facets:
        return {}
    where = _Where()
    for facet, values in filters.facets.items():
        values = _facet_values(facet, values)
        where.add(f'("facet" = {{}} AND "value" IN ({_marks(len(values))}))', facet, *values)
    rows = await _query(
        f'SELECT "program", "facet", "value" FROM "program_facets" WHERE "program" IN ({_marks(len(program_ids))}) '  # noqa: S608
        f"AND ({' OR '.join(where.clauses)})",
        [*program_ids, *where.args],
    )
    matched: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        matched.setdefault(int(row["program"]), []).append((row["facet"], row["value"]))
    return matched


def ages_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"ages {low}–{high}"
    if low is not None:
        return f"ages {low} and older"
    if high is not None:
        return f"ages up to {high}"
    return "no age limits recorded"


def _reasons(
    row: dict[str, Any], filters: SearchFilters, matched: dict[int, list[tuple[str, str]]], distance: float | None
) -> list[Reason]:
    """Why this program is in the results, in the order of the filters on the page."""
    reasons: list[Reason] = []
    if distance is not None:
        reasons.append(Reason("distance", f"{distance:.1f}", f"{distance:.1f} miles from {filters.zip_code}"))
    have = set(matched.get(int(row["id"]), []))
    for facet, values in filters.facets.items():
        for value in _facet_values(facet, values):
            if (facet, value) in have:
                reasons.append(Reason(facet, value, f"{FACETS[facet]}: {facet_label(facet, value)}"))
        out_of_network = facet == "payment" and "out_of_network" in values and row.get("accepts_out_of_network")
        if out_of_network and ("payment", "out_of_network") not in have:
            reasons.append(Reason("payment", "out_of_network", "Payment: accepts out-of-network benefits"))
    if filters.age is not None:
        span = ages_text(row.get("age_min"), row.get("age_max"))
        reasons.append(Reason("age", str(filters.age), f"Age {filters.age}: {span}"))
    if filters.price_min_cents is not None or filters.price_max_cents is not None:
        cents, unit = row.get("private_pay_cents"), row.get("private_pay_unit") or "month"
        if cents is not None:
            reasons.append(Reason("price", str(cents), f"Private pay ${cents // 100:,} {PAY_UNITS.get(unit, unit)}"))
    if filters.vetting:
        status = row["vetting_status"]
        reasons.append(Reason("vetting", status, f"Vetting: {VETTING_STATUSES.get(status, status)}"))
    if filters.states:
        reasons.append(Reason("state", row["state"], f"State: {row['state']}"))
    if filters.q:
        needle = filters.q.lower()
        for column, label in (("name", "Name"), ("program_name", "Program"), ("city", "City")):
            if needle in (row.get(column) or "").lower():
                reasons.append(Reason("text", filters.q, f"{label} matches “{filters.q}”"))
                break
    return reasons
