"""A search 25 miles around ZIP 22902 returns exactly the programs whose coordinates lie within 25 miles of that
ZIP's centroid, as this test computes independently with the haversine formula."""

from __future__ import annotations

import math
from typing import Any

import pytest
import zipcodes

from portal.network.tables import Program
from tests.network.import_support import run_import, sample_bytes
from tests.network.search_support import add

EARTH_RADIUS_MILES = 3958.8  # the mean radius; the portal's own constant is not used here on purpose


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.atan2(math.sqrt(a), math.sqrt(1 - a))


def destination(lat: float, lon: float, miles: float, bearing_degrees: float) -> tuple[float, float]:
    """The point `miles` away from (lat, lon) along a bearing (to plant programs just inside and just outside)."""
    delta, theta = miles / EARTH_RADIUS_MILES, math.radians(bearing_degrees)
    phi1, lambda1 = math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta))
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lambda2)


def centroid(zip_code: str) -> tuple[float, float]:
    [entry] = zipcodes.matching(zip_code)
    return float(entry["lat"]), float(entry["long"])


@pytest.fixture
async def programs_around_charlottesville(db: Any) -> None:
    """The 30 SAMHSA rows (18 of them within 25 miles) and programs planted a tenth of a mile either side of the
    circle, in eight directions (the box's corners are outside the circle, its edges' middles inside)."""
    await run_import(sample_bytes())
    lat, lon = centroid("22902")
    for bearing in range(0, 360, 45):
        for miles in (24.9, 25.1):
            plat, plon = destination(lat, lon, miles, bearing)
            await add(f"Planted {bearing}° {miles}", latitude=plat, longitude=plon)
    await add(
        "Corner of the box", latitude=lat + 25 / 69.05, longitude=lon + 25 / (69.05 * math.cos(math.radians(lat)))
    )
    await add("No coordinates", latitude=None, longitude=None)


async def test_25_miles_around_22902_is_exactly_the_programs_within_25_miles(
    client: Any, casey: dict[str, Any], programs_around_charlottesville: None
) -> None:
    lat, lon = centroid("22902")
    expected = {}
    for row in await Program.select(Program.id, Program.latitude, Program.longitude):
        if row["latitude"] is not None:
            distance = haversine(lat, lon, row["latitude"], row["longitude"])
            if distance <= 25:
                expected[row["id"]] = distance
    assert len(expected) == 18 + 8  # the sample's 18, and the eight planted at 24.9 miles

    await client.login_as(casey)
    response = await client.get("/api/v1/programs", params={"zip": "22902", "radius_miles": "25", "per_page": "100"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(expected)
    assert {item["id"] for item in body["items"]} == set(expected)
    for item in body["items"]:
        assert item["distance_miles"] == pytest.approx(expected[item["id"]], abs=0.051)
        assert item["reasons"][0] == {
            "facet": "distance",
            "value": f"{item['distance_miles']:.1f}",
            "label": f"{item['distance_miles']:.1f} miles from 22902",
        }
    distances = [item["distance_miles"] for item in body["items"]]
    assert distances == sorted(distances)  # nearest first


async def test_the_radius_combines_with_filters_and_pages(
    client: Any, casey: dict[str, Any], programs_around_charlottesville: None
) -> None:
    await client.login_as(casey)
    query = {"zip": "22902", "radius_miles": "25", "type": "substance_use", "per_page": "3"}
    pages = [(await client.get("/api/v1/programs", params={**query, "page": str(n)})).json() for n in (1, 2, 3)]
    assert [page["total"] for page in pages] == [8, 8, 8]  # the sample's SUD programs within 25 miles
    assert [len(page["items"]) for page in pages] == [3, 3, 2]
    items = [item for page in pages for item in page["items"]]
    assert [item["distance_miles"] for item in items] == sorted(item["distance_miles"] for item in items)
    assert len({item["id"] for item in items}) == 8
    assert all([r["label"] for r in item["reasons"]][1:] == ["Program type: Substance use treatment"] for item in items)


@pytest.mark.parametrize(("zip_code", "miles"), [("10001", 5), ("99501", 40), ("96799", 30), ("22902", 300)])
async def test_any_zip_and_radius(db: Any, casey: dict[str, Any], client: Any, zip_code: str, miles: float) -> None:
    """Far north (Anchorage), past the antimeridian's side (American Samoa) and a wide radius behave the same."""
    lat, lon = centroid(zip_code)
    inside = []
    for bearing in range(0, 360, 30):
        ilat, ilon = destination(lat, lon, miles * 0.97, bearing)
        inside.append(await add(f"In {bearing}", latitude=ilat, longitude=ilon))
        olat, olon = destination(lat, lon, miles * 1.03, bearing)
        await add(f"Out {bearing}", latitude=olat, longitude=olon)
    await client.login_as(casey)
    body = (
        await client.get("/api/v1/programs", params={"zip": zip_code, "radius_miles": str(miles), "per_page": "100"})
    ).json()
    assert {item["id"] for item in body["items"]} == set(inside)
