"""Distances for the radius search: ZIP code centroids (offline, from the `zipcodes` package, whose coordinates
come from GeoNames, CC BY 4.0), great-circle distances, and the latitude/longitude box that lets SQL discard
far-away programs before the exact distance is computed in Python."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

EARTH_RADIUS_MILES = 3958.7613
ZIP_RE = re.compile(r"^(\d{5})(?:-?\d{4})?$")
GEONAMES_CREDIT = "ZIP code locations: GeoNames (geonames.org), CC BY 4.0, through the zipcodes package."


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    # None when the circle reaches a pole or crosses the antimeridian: longitude cannot narrow it down then.
    min_longitude: float | None
    max_longitude: float | None


def haversine_miles(a: Point, b: Point) -> float:
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    d_lat = lat2 - lat1
    d_lon = math.radians(b.longitude - a.longitude)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(d_lon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def five_digit_zip(text: str) -> str | None:
    """ "22902", "22902-1234" and "229021234" → "22902"; anything else → None."""
    match = ZIP_RE.match(text.strip())
    return match.group(1) if match else None


@lru_cache(maxsize=4096)
def _centroid(zip5: str) -> Point | None:
    import zipcodes

    try:
        found = zipcodes.matching(zip5)
    except (TypeError, ValueError):
        return None
    for entry in found:
        try:
            point = Point(float(entry["lat"]), float(entry["long"]))
        except (KeyError, TypeError, ValueError):
            continue
        if -90 <= point.latitude <= 90 and -180 <= point.longitude <= 180:
            return point
    return None


def zip_centroid(text: str) -> Point | None:
    """The centroid of a US ZIP code, or None when the code is malformed or unknown."""
    zip5 = five_digit_zip(text)
    return _centroid(zip5) if zip5 else None


def bounding_box(center: Point, miles: float) -> BoundingBox:
    """The smallest latitude/longitude box holding every point within `miles` of `center` (a small margin added,
    so rounding never drops a program that the exact distance would keep)."""
    angular = miles / EARTH_RADIUS_MILES * 1.0001 + 1e-9
    lat = math.radians(center.latitude)
    min_lat, max_lat = lat - angular, lat + angular
    if min_lat <= -math.pi / 2 or max_lat >= math.pi / 2:
        return BoundingBox(
            math.degrees(max(min_lat, -math.pi / 2)), math.degrees(min(max_lat, math.pi / 2)), None, None
        )
    d_lon = math.asin(min(1.0, math.sin(angular) / math.cos(lat)))
    min_lon, max_lon = (
        math.degrees(math.radians(center.longitude) - d_lon),
        math.degrees(math.radians(center.longitude) + d_lon),
    )
    if min_lon < -180 or max_lon > 180:
        return BoundingBox(math.degrees(min_lat), math.degrees(max_lat), None, None)
    return BoundingBox(math.degrees(min_lat), math.degrees(max_lat), min_lon, max_lon)


def warm_up() -> None:
    """Load the ZIP table once (about 0.4 s) so the first search after start-up is not the slow one."""
    _centroid("10001")
