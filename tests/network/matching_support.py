"""Helpers for the matching tests that use the database: Taylor's case made matchable and a small vetted network
around her."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.cases import clients
from portal.cases.tables import Client
from tests.network.support import acting, add_program, approve

BUDGET = "40000"


async def make_taylor_matchable(morgan: dict[str, Any], taylor: dict[str, Any]) -> None:
    """Taylor: 24, female, Hoboken (07030), alcohol use disorder and depression (co-occurring), 3.5 residential."""
    await Client.update(
        {
            Client.date_of_birth: date(2002, 5, 1),
            Client.sex: "female",
            Client.zip_code: "07030",
            Client.recommended_level: "asam3:3.5",
        }
    ).where(Client.id == taylor["id"])
    for code, primary in (("F10.20", True), ("F33.1", False)):
        await clients.add_diagnosis(
            acting(morgan), taylor["id"], code, is_primary=primary, diagnosed_on=date(2026, 10, 1)
        )


SCOPE = {"populations": ["young_adults", "adults"], "conditions": ["co_occurring"]}


async def small_network(person: dict[str, Any]) -> dict[str, int]:
    """Five programs: three vetted in scope, one vetted for another level, one not vetted."""
    ids = {}
    # Charlottesville, VA: $32,000 a month, 18–26, co-occurring: within budget, about 290 miles from Hoboken.
    ids["pine"] = await add_program(person)
    await approve(person, ids["pine"], **SCOPE)
    # Hoboken itself, but $45,000 a month: over budget.
    ids["hudson"] = await add_program(
        person,
        name="Hudson Harbor House",
        program_name="",
        street1="1 River Street",
        city="Hoboken",
        state="NJ",
        zip_code="07030",
        conditions=["co_occurring", "alcohol", "depression"],
        private_pay="45,000",
        exclusions=[],
    )
    await approve(person, ids["hudson"], **SCOPE)
    # Provisional, near Princeton, no private-pay rate on record.
    ids["lakeside"] = await add_program(
        person,
        name="Lakeside Dual Recovery",
        program_name="",
        city="Princeton",
        state="NJ",
        zip_code="08540",
        private_pay="",
        exclusions=[],
    )
    await approve(person, ids["lakeside"], decision="provisional", next_review_on="2027-05-20", **SCOPE)
    # Approved, but for 3.7 only: out of Taylor's scope.
    ids["summit"] = await add_program(person, name="Summit Medical Residential", program_name="")
    await approve(person, ids["summit"], levels=["asam3:3.7"], **SCOPE)
    # Not vetted: never listed.
    ids["unvetted"] = await add_program(person, name="Unvetted Place", program_name="")
    return ids
