"""Find a program for a client, on the page and in the API: Taylor's case (24, co-occurring, 3.5 residential,
Hoboken, a $40,000 budget given on the page) against a small vetted network — the ranked list with reasons and
flags, programs out of scope or not vetted left out, "Place here" opening the placement form with the program
linked, the read audited, only Taylor's case managers (and the owner) let in, and a query count that does not grow
with the network."""

from __future__ import annotations

import re
from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.cases.tables import Placement
from portal.network import matching
from portal.network.tables import Credential, SiteVisit
from tests.cases.coordination_support import PLACEMENT_FORM
from tests.network.matching_support import BUDGET, make_taylor_matchable, small_network
from tests.network.support import NOW, acting, add_license, add_program, approve
from tests.support import people
from tests.support.queries import count_queries


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


@pytest.fixture
async def network(morgan: dict[str, Any], taylor: dict[str, Any]) -> dict[str, int]:
    await make_taylor_matchable(morgan, taylor)
    return await small_network(morgan)


def _names_in_order(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/network/programs/\d+">([^<]+)</a></h3>', html)


def _card(html: str, program_id: int) -> str:
    return re.split(r'id="match-\d+"|</ol>', html.split(f'id="match-{program_id}"')[1])[0]


async def test_morgan_sees_the_vetted_programs_ranked_for_taylor(
    client: Any, morgan: dict[str, Any], taylor: dict[str, Any], network: dict[str, int]
) -> None:
    await client.login_as(morgan)
    overview = await client.get(f"/clients/{taylor['id']}")
    assert f'href="/clients/{taylor["id"]}/program-matches"' in overview.text

    response = await client.get(f"/clients/{taylor['id']}/program-matches?budget={BUDGET}")
    assert response.status_code == 200
    html = response.text
    assert _names_in_order(html) == [
        "Hudson Harbor House",
        "Pine Ridge Recovery — Young Adult Residential",
        "Lakeside Dual Recovery",
    ]
    assert "1 of 4 vetted left out: 1 not approved for the recommended level" in html
    assert "Unvetted Place" not in html and "Summit Medical Residential" not in html
    assert "Co-occurring disorders, Alcohol use disorder, Depression" in html  # the case, as matching read it

    hudson = _card(html, network["hudson"])
    assert "80/100" in hudson
    assert "Over budget by $5,000 a month ($45,000 a month)" in hudson
    assert "Treats co-occurring disorders, alcohol use disorder, depression" in hudson
    assert "0 miles from home (07030)" in hudson
    pine = _card(html, network["pine"])
    assert "$32,000 a month, within the $40,000 budget" in pine and "Over budget" not in pine
    assert "Does not list alcohol use disorder, depression" in pine
    assert "Takes ages 18–26; the client is 24" in pine
    lakeside = _card(html, network["lakeside"])
    assert "Provisional approval on 20 Nov 2026" in lakeside
    assert "Takes private pay; no rate on record: ask the program" in lakeside
    for program_id in (network["hudson"], network["pine"], network["lakeside"]):
        assert f'href="/clients/{taylor["id"]}/program-matches/{program_id}/place"' in html

    events = await AuditEvent.select(AuditEvent.client_id, AuditEvent.detail).where(
        AuditEvent.action == "client.program_matches"
    )
    assert [e["client_id"] for e in events] == [taylor["id"]]


async def test_without_a_budget_the_budget_gives_no_points_and_a_bad_one_is_a_form_error(
    client: Any, morgan: dict[str, Any], taylor: dict[str, Any], network: dict[str, int]
) -> None:
    await client.login_as(morgan)
    plain = await client.get(f"/clients/{taylor['id']}/program-matches")
    assert plain.status_code == 200
    assert "Private pay $32,000 a month; no budget given" in _card(plain.text, network["pine"])
    assert "Over budget" not in plain.text

    bad = await client.get(f"/clients/{taylor['id']}/program-matches?budget=lots")
    assert bad.status_code == 400
    assert "Enter the budget in dollars a month" in bad.text
    assert 'value="lots"' in bad.text and _names_in_order(bad.text)  # the list still shows, unranked by budget


async def test_place_here_opens_the_placement_form_with_the_program_and_records_it(
    client: Any, morgan: dict[str, Any], taylor: dict[str, Any], network: dict[str, int]
) -> None:
    await client.login_as(morgan)
    form = await client.get(f"/clients/{taylor['id']}/program-matches/{network['pine']}/place")
    assert form.status_code == 200
    html = form.text
    assert f'action="/clients/{taylor["id"]}/placements"' in html
    assert f'name="program_id" value="{network["pine"]}"' in html
    assert 'value="Pine Ridge Recovery — Young Adult Residential"' in html
    assert '<option value="asam3:3.5" selected>' in html  # the recommended level, in the program's scope

    data = {**PLACEMENT_FORM, "program_id": str(network["pine"]), "program_name": "Pine Ridge Recovery"}
    response = await client.post(f"/clients/{taylor['id']}/placements", data=data)
    assert response.status_code == 303
    row = await Placement.select().where(Placement.client == taylor["id"]).first()
    assert row["program_id"] == network["pine"] and row["level_of_care"] == "asam3:3.5"

    # The program now counts one of our clients there (not discharged yet: no completion rate).
    page = await client.get(f"/clients/{taylor['id']}/program-matches")
    assert "Our clients here: 1 placed, 1 not yet discharged." in _card(page.text, network["pine"])

    assert (await client.get(f"/clients/{taylor['id']}/program-matches/999999/place")).status_code == 404


async def test_the_api_gives_the_same_ranking_with_parts_and_flags(
    client: Any, morgan: dict[str, Any], taylor: dict[str, Any], network: dict[str, int]
) -> None:
    await client.login_as(morgan)
    response = await client.get(f"/api/v1/clients/{taylor['id']}/program-matches?budget={BUDGET}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["case"] == {
        "age": 24,
        "sex": "female",
        "conditions": ["co_occurring", "alcohol", "depression"],
        "co_occurring": True,
        "recommended_level": "asam3:3.5",
        "budget_dollars_per_month": 40000,
        "home_zip": "07030",
    }
    assert (body["considered"], body["out_of_scope"]) == (4, 1)
    items = body["items"]
    assert [i["program_id"] for i in items] == [network["hudson"], network["pine"], network["lakeside"]]
    hudson = items[0]
    assert hudson["score"] == sum(p["points"] for p in hudson["parts"]) == 80
    assert [p["part"] for p in hudson["parts"]] == list(matching.PARTS)
    assert hudson["flags"] == [
        {"kind": "budget", "severity": "warn", "label": "Over budget by $5,000 a month ($45,000 a month)"}
    ]
    assert hudson["distance_miles"] == 0.0 and hudson["blocked"] is False
    assert items[2]["flags"][0]["kind"] == "provisional"

    limited = await client.get(f"/api/v1/clients/{taylor['id']}/program-matches?limit=1")
    assert [i["program_id"] for i in limited.json()["items"]] == [network["hudson"]]
    for query in ("budget=-5", "budget=abc", "limit=0", "sort=score"):
        bad = await client.get(f"/api/v1/clients/{taylor['id']}/program-matches?{query}")
        assert bad.status_code == 400, query


async def test_an_expired_license_blocks_and_sorts_last(
    client: Any, morgan: dict[str, Any], taylor: dict[str, Any], network: dict[str, int]
) -> None:
    from datetime import date

    await add_license(morgan, network["hudson"], date(2026, 11, 1))
    await add_license(morgan, network["pine"], date(2026, 12, 15), name="VA DBHDS license")
    await client.login_as(morgan)
    body = (await client.get(f"/api/v1/clients/{taylor['id']}/program-matches?budget={BUDGET}")).json()
    items = {i["program_id"]: i for i in body["items"]}
    assert [i["program_id"] for i in body["items"]][-1] == network["hudson"]
    assert items[network["hudson"]]["blocked"] is True
    assert items[network["hudson"]]["flags"][0] == {
        "kind": "credential_expired",
        "severity": "block",
        "label": "VA DBHDS residential SUD license expired on 1 Nov 2026: review needed",
    }
    assert {"kind": "credential_expiring", "severity": "warn", "label": "VA DBHDS license expires on 15 Dec 2026"} in (
        items[network["pine"]]["flags"]
    )


@pytest.mark.parametrize("who", ["casey", "bea", "pat"])
async def test_only_those_who_see_taylor_and_the_network_get_in(
    client: Any, who: str, taylor: dict[str, Any], network: dict[str, int]
) -> None:
    await client.login_as(await people.get(f"{who}@example.com"))
    expected = 404 if who == "casey" else 403  # Casey: a client she may not see looks like no client
    for path in (
        f"/clients/{taylor['id']}/program-matches",
        f"/clients/{taylor['id']}/program-matches/{network['pine']}/place",
        f"/api/v1/clients/{taylor['id']}/program-matches",
    ):
        assert (await client.get(path)).status_code == expected, path
    assert await AuditEvent.count().where(AuditEvent.action == "client.program_matches") == 0


async def test_the_owner_gets_in(client: Any, olivia: dict[str, Any], taylor: dict[str, Any], network: Any) -> None:
    await client.login_as(olivia)
    response = await client.get(f"/clients/{taylor['id']}/program-matches")
    assert response.status_code == 200 and len(_names_in_order(response.text)) == 3


async def test_the_query_count_does_not_grow_with_the_network(
    morgan: dict[str, Any], taylor: dict[str, Any], network: dict[str, int]
) -> None:
    principal = acting(morgan)

    async def measure() -> tuple[int, int]:
        with count_queries() as counter:
            result = await matching.match_client(principal, taylor["id"], budget_cents=40_000_00)
        return counter.count, len(result.matches)

    before, listed = await measure()
    assert listed == 3
    # Four more approved programs, each with credentials, visits and a placement of ours.
    from datetime import date

    for number in range(4):
        program_id = await add_program(morgan, name=f"More Residential {number}", program_name="", exclusions=[])
        await approve(morgan, program_id, populations=["young_adults"], conditions=["co_occurring"])
        await add_license(morgan, program_id, date(2026, 12, 1), number=f"L-{number}")
        await add_license(morgan, program_id, date(2027, 6, 1), number=f"M-{number}")
        await Placement.insert(
            Placement(client=taylor["id"], program_name="x", program_id=program_id, level_of_care="asam3:3.5")
        )
    assert await Credential.count() == 8 and await SiteVisit.count() == 8
    after, listed = await measure()
    assert listed == 7
    assert after == before
