"""`GET /api/v1/programs` and the search page: the shape of the answer, unknown parameters refused, reasons and
distances shown, imported names escaped, staff only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.network.import_support import MOHR_CENTER, as_json, program_by_frid, run_import, sample_bytes
from tests.network.search_support import add
from tests.network.support import XSS, XSS_IMG
from tests.support import people


async def test_the_api_answers_a_page_of_programs_with_reasons(client: Any, casey: dict[str, Any], db: Any) -> None:
    await run_import(sample_bytes())
    await client.login_as(casey)
    response = await client.get(
        "/api/v1/programs?level=asam3:3.5&level=asam3:3.7&payment=private_pay&age=30&q=region&per_page=5"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 5, 1)
    [item] = body["items"]
    mohr = await program_by_frid(MOHR_CENTER)
    assert item == {
        "id": mohr["id"],
        "name": "Region Ten Community Services Board",
        "program_name": "Mohr Center",
        "city": "Charlottesville",
        "state": "VA",
        "latitude": 38.0282239,
        "longitude": -78.4725231,
        "vetting_status": "unvetted",
        "reasons": [
            {
                "facet": "level",
                "value": "asam3:3.5",
                "label": "Level of care: ASAM 3.5 Clinically managed high-intensity residential",
            },
            {"facet": "payment", "value": "private_pay", "label": "Payment: Private pay"},
            {"facet": "age", "value": "30", "label": "Age 30: ages 18–64"},
            {"facet": "text", "value": "region", "label": "Name matches “region”"},
        ],
    }  # no distance_miles without a radius


async def test_the_api_with_a_zip_gives_distances(client: Any, casey: dict[str, Any], db: Any) -> None:
    await run_import(sample_bytes())
    await client.login_as(casey)
    body = (await client.get("/api/v1/programs?zip=22902&radius_miles=1&type=substance_use")).json()
    assert [(item["name"], item["program_name"], item["distance_miles"]) for item in body["items"]] == [
        ("Region Ten Community Services Board", "Mohr Center", 0.4),
        ("Region Ten Community Services Board", "", 0.8),
        ("Empowering Families Program", "Substance Abuse Intensive Outpatient", 0.9),
    ]


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("colour=blue", "Unknown query parameter 'colour'"),
        ("levels=asam3:3.5", "Unknown query parameter 'levels'"),
        ("level=asam3:9", "Unknown level of care: 'asam3:9'."),
        ("zip=00000", "Unknown ZIP code '00000'"),
        ("radius_miles=10", "A radius needs a ZIP code to measure from."),
        ("per_page=500", ""),
        ("age=old", ""),
    ],
)
async def test_the_api_refuses_what_it_cannot_use(client: Any, casey: dict[str, Any], query: str, detail: str) -> None:
    await client.login_as(casey)
    response = await client.get(f"/api/v1/programs?{query}")
    assert response.status_code == 400
    assert detail in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/programs"),
        ("POST", "/api/v1/programs/import"),
        ("GET", "/api/v1/programs/imports/1"),
        ("GET", "/network/search"),
        ("GET", "/network/import"),
        ("POST", "/network/import"),
        ("GET", "/network/import/1"),
        ("GET", "/network/import/1/progress"),
    ],
)
@pytest.mark.parametrize("email", ["pat@example.com", "bea@example.com"])
async def test_families_and_billing_get_403(client: Any, email: str, method: str, path: str) -> None:
    await client.login_as(await people.get(email))
    response = await client.request(method, path, content=b"{}", headers={"content-type": "application/json"})
    assert response.status_code == 403, (email, path, response.status_code)


async def test_signed_out_people_are_sent_to_sign_in(client: Any, db: Any) -> None:
    assert (await client.get("/api/v1/programs")).status_code == 401
    page = await client.get("/network/search")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


async def test_the_page_shows_results_reasons_distance_and_the_credit(
    client: Any, morgan: dict[str, Any], db: Any
) -> None:
    await run_import(sample_bytes())
    await client.login_as(morgan)
    page = await client.get("/network/search?zip=22902&radius_miles=25&type=substance_use&population=young_adults")
    assert page.status_code == 200
    text = page.text
    assert "8 programs" in text and "within 25 miles of 22902" in text and "nearest first" in text
    mohr = await program_by_frid(MOHR_CENTER)
    assert f'href="/network/programs/{mohr["id"]}"' in text
    assert "Region Ten Community Services Board — Mohr Center" in text
    assert "0.4 miles" in text
    assert "<li>Program type: Substance use treatment</li>" in text and "<li>Population: Young adults</li>" in text
    assert "GeoNames" in text and "CC BY 4.0" in text
    assert 'value="substance_use" checked' in text  # the form remembers the search
    assert "<script>" not in text.replace('<script src="/static/', "")  # no inline scripts


async def test_the_page_pages_with_the_search_kept(client: Any, casey: dict[str, Any], db: Any) -> None:
    for n in range(25):
        await add(f"Harbor House {n:02d}", facet_values={"level": ["asam3:3.5"]})
    await client.login_as(casey)
    first = await client.get("/network/search?level=asam3:3.5&level=asam3:3.7&q=harbor")
    assert "25 programs" in first.text and "Page 1 of 2" in first.text
    assert 'href="/network/search?level=asam3%3A3.5&amp;level=asam3%3A3.7&amp;q=harbor&amp;page=2"' in first.text
    second = await client.get("/network/search?level=asam3:3.5&level=asam3:3.7&q=harbor&page=2")
    assert "Harbor House 24" in second.text and "Harbor House 00" not in second.text


async def test_a_bad_field_is_named_on_the_page(client: Any, casey: dict[str, Any], db: Any) -> None:
    await client.login_as(casey)
    page = await client.get("/network/search?zip=1234x&radius_miles=25")
    assert page.status_code == 400
    assert "Unknown ZIP code" in page.text and 'aria-invalid="true"' in page.text
    plain = await client.get("/network/search?zip=&radius_miles=25&age=&q=")  # the form's empty fields
    assert plain.status_code == 200


async def test_imported_names_are_escaped_on_the_search_page(client: Any, casey: dict[str, Any], db: Any) -> None:
    row = {
        "frid": "xss-1",
        "name1": XSS,
        "name2": XSS_IMG,
        "city": "<b>Charlottesville</b>",
        "state": "VA",
        "zip": "22902",
        "latitude": "38.03",
        "longitude": "-78.48",
        "intake1": '"><svg onload=alert(3)>',
    }
    assert (await run_import(as_json([row]))).created == 1
    await client.login_as(casey)
    text = (await client.get("/network/search?q=script")).text
    assert XSS not in text and XSS_IMG not in text and "<svg" not in text and "<b>Charlottesville" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;Charlottesville&lt;/b&gt;" in text
    api = (await client.get("/api/v1/programs?q=script")).json()
    assert api["items"][0]["name"] == XSS  # JSON carries the text as it is; escaping is the page's job
