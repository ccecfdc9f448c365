"""Search semantics, table-driven: OR inside a facet, AND across facets; age (nulls permissive), private-pay range
(monthly equivalent), out-of-network, vetting status, state, text on name and city; ordering, paging, reasons and
a query count that does not grow with the results."""

from __future__ import annotations

from typing import Any

import pytest

from portal.network.search import search_programs
from portal.network.search_filters import SearchError, parse_filters
from portal.policy import Principal
from tests.network.search_support import add
from tests.support.queries import count_queries

SYSTEM = Principal.system("tests")


@pytest.fixture
async def network(db: Any) -> dict[str, int]:
    """Six programs with distinct facets, ages, prices, statuses and places."""
    return {
        "A": await add(
            "Alder House",
            city="Charlottesville",
            vetting_status="approved",
            age_min=18,
            age_max=25,
            private_pay_cents=3_000_000,
            private_pay_unit="month",
            facet_values={
                "level": ["asam3:3.5"],
                "type": ["residential"],
                "population": ["young_adults"],
                "payment": ["private_pay"],
                "gender": ["male"],
            },
        ),
        "B": await add(
            "Birch Ridge",
            city="Albany",
            state="NY",
            vetting_status="provisional",
            age_min=26,
            private_pay_cents=120_000,
            private_pay_unit="day",
            facet_values={
                "level": ["asam3:3.7"],
                "type": ["residential"],
                "population": ["adults"],
                "payment": ["private_insurance"],
                "gender": ["all"],
            },
        ),
        "C": await add(
            "Cedar Outpatient",
            city="Staunton",
            private_pay_cents=800_000,
            private_pay_unit="week",
            facet_values={
                "level": ["asam3:1"],
                "type": ["outpatient"],
                "population": ["young_adults", "adults"],
                "payment": ["private_pay", "medicaid"],
                "gender": ["female"],
            },
        ),
        "D": await add("Dogwood Youth Center", age_max=17, vetting_status="declined"),
        "E": await add("Elm Street Clinic", accepts_out_of_network=True, vetting_status="in_review"),
        "F": await add("Fir Lodge", facet_values={"payment": ["out_of_network"], "condition": ["trauma"]}),
    }


async def _names(query: dict[str, Any], network: dict[str, int]) -> list[str]:
    results = await search_programs(SYSTEM, parse_filters(query, per_page=100))
    by_id = {program_id: letter for letter, program_id in network.items()}
    return [by_id[hit.id] for hit in results.hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, "ABECFD"),  # approved, provisional, in review, unvetted (by name), declined
        ({"level": "asam3:3.5"}, "A"),
        ({"level": ["asam3:3.5", "asam3:3.7"]}, "AB"),  # OR inside a facet
        ({"level": ["asam3:3.5", "asam3:3.7"], "population": "young_adults"}, "A"),  # AND across facets
        ({"population": "young_adults"}, "AC"),
        ({"population": "young_adults", "payment": "private_pay"}, "AC"),
        ({"population": "young_adults", "payment": "medicaid"}, "C"),
        ({"type": "residential", "payment": "medicaid"}, ""),
        ({"type": ["residential", "outpatient"], "payment": ["medicaid", "private_insurance"]}, "BC"),
        ({"gender": "male"}, "AB"),  # a program for all genders serves men too
        ({"gender": "female"}, "BC"),
        ({"gender": "all"}, "B"),
        ({"payment": "out_of_network"}, "EF"),  # the facet, or the program's "accepts out-of-network" flag
        ({"payment": ["out_of_network", "medicaid"]}, "ECF"),
        ({"condition": "trauma", "payment": "out_of_network"}, "F"),
        ({"age": "20"}, "AECF"),  # 18–25 and the ones without limits
        ({"age": "30"}, "BECF"),  # 26 and older
        ({"age": "16"}, "ECFD"),  # up to 17
        ({"age": "18", "population": "young_adults"}, "AC"),
        ({"price_max": "35000"}, "AC"),  # $30,000 a month; $8,000 a week ≈ $34,667 a month
        ({"price_min": "35000"}, "B"),  # $1,200 a day ≈ $36,000 a month
        ({"price_min": "31,000", "price_max": "40000"}, "BC"),
        ({"vetting": ["approved", "provisional"]}, "AB"),
        ({"vetting": "declined"}, "D"),
        ({"state": "ny"}, "B"),
        ({"state": ["NY", "VA"], "level": "asam3:1"}, "C"),
        ({"q": "ridge"}, "B"),  # name
        ({"q": "STAUNTON"}, "C"),  # city, any case
        ({"q": "  elm   street "}, "E"),
        ({"q": "%"}, ""),  # a literal percent sign, not a wildcard
        ({"q": "_"}, ""),
        ({"level": "", "q": "", "age": ""}, "ABECFD"),  # an HTML form's empty fields
    ],
)
async def test_filters(network: dict[str, int], query: dict[str, Any], expected: str) -> None:
    assert "".join(await _names(query, network)) == expected


@pytest.mark.parametrize(
    ("query", "param", "message"),
    [
        ({"level": "asam3:9"}, "level", "Unknown level of care: 'asam3:9'."),
        ({"payment": "bitcoin"}, "payment", "Unknown payment: 'bitcoin'."),
        ({"vetting": "great"}, "vetting", "Vetting status is one of"),
        ({"state": "Virginia"}, "state", "two-letter"),
        ({"age": "twenty"}, "age", "Age must be a number."),
        ({"age": "130"}, "age", "between 0 and 120"),
        ({"age": "20.5"}, "age", "whole number"),
        ({"price_min": "50000", "price_max": "10000"}, "price_max", "below the lowest"),
        ({"zip": "99999"}, "zip", "Unknown ZIP code"),
        ({"zip": "abc"}, "zip", "Unknown ZIP code"),
        ({"radius_miles": "25"}, "zip", "needs a ZIP code"),
        ({"zip": "22902", "radius_miles": "0"}, "radius_miles", "between 1 and 3000"),
        ({"q": ["a", "b"]}, "q", "Give q once."),
    ],
)
def test_unusable_parameters_are_named(query: dict[str, Any], param: str, message: str) -> None:
    with pytest.raises(SearchError) as caught:
        parse_filters(query)
    assert caught.value.param == param and message in caught.value.message


async def test_reasons_say_which_values_matched(network: dict[str, int]) -> None:
    query = {
        "level": ["asam3:3.5", "asam3:1"],
        "population": ["young_adults", "seniors"],
        "age": "20",
        "price_max": "40000",
        "vetting": ["approved", "unvetted"],
        "q": "alder",
    }
    results = await search_programs(SYSTEM, parse_filters(query))
    [hit] = results.hits
    assert [(r.facet, r.value, r.label) for r in hit.reasons] == [
        ("level", "asam3:3.5", "Level of care: ASAM 3.5 Clinically managed high-intensity residential"),
        ("population", "young_adults", "Population: Young adults"),
        ("age", "20", "Age 20: ages 18–25"),
        ("price", "3000000", "Private pay $30,000 a month"),
        ("vetting", "approved", "Vetting: Approved"),
        ("text", "alder", "Name matches “alder”"),
    ]


async def test_out_of_network_by_flag_is_a_reason_too(network: dict[str, int]) -> None:
    results = await search_programs(SYSTEM, parse_filters({"payment": "out_of_network", "q": "elm"}))
    assert [r.label for r in results.hits[0].reasons] == [
        "Payment: accepts out-of-network benefits",
        "Name matches “elm”",
    ]


async def test_pages(db: Any) -> None:
    for n in range(23):
        await add(f"Program {n:02d}", vetting_status="approved" if n % 5 == 0 else "unvetted")
    first = await search_programs(SYSTEM, parse_filters({}, page=1, per_page=10))
    third = await search_programs(SYSTEM, parse_filters({}, page=3, per_page=10))
    beyond = await search_programs(SYSTEM, parse_filters({}, page=9, per_page=10))
    assert (first.total, len(first.hits), len(third.hits), len(beyond.hits), beyond.total) == (23, 10, 3, 0, 23)
    names = [h.row["name"] for h in first.hits]
    assert names[:5] == ["Program 00", "Program 05", "Program 10", "Program 15", "Program 20"]  # vetted first
    assert names[5:] == ["Program 01", "Program 02", "Program 03", "Program 04", "Program 06"]
    everything = []
    for page in (1, 2, 3):
        everything += [h.id for h in (await search_programs(SYSTEM, parse_filters({}, page=page, per_page=10))).hits]
    assert len(everything) == len(set(everything)) == 23


@pytest.mark.parametrize("with_zip", [False, True])
async def test_the_query_count_does_not_grow_with_the_results(db: Any, with_zip: bool) -> None:
    query = {"level": ["asam3:3.5", "asam3:1"], "payment": "private_pay", "age": "22", "q": "program"}
    if with_zip:
        query |= {"zip": "22902", "radius_miles": "50"}

    async def count_for(programs: int) -> int:
        for n in range(programs):
            await add(
                f"Program {n}",
                latitude=38.03 + n / 1000,
                longitude=-78.48,
                facet_values={"level": ["asam3:3.5"], "payment": ["private_pay"]},
            )
        with count_queries() as counter:
            results = await search_programs(SYSTEM, parse_filters(query, per_page=100))
        assert results.hits and all(len(hit.reasons) >= 3 for hit in results.hits)
        return counter.count

    few = await count_for(2)
    many = await count_for(40)
    assert few == many <= 4
