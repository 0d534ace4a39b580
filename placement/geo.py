"""US ZIP centroids and distances between them.

The centroids come from the `zipcodes` package, extracted once into
`placement/data/zip_centroids.csv.gz` (see `placement.data.make_zip_centroids`): loading
`zipcodes` itself costs about a second and keeps ~90 MB alive in every process, while the
extract loads in well under 0.2 s into one dict of floats.

Two ways to measure a distance live here, on purpose:

- `distance_miles` is the great-circle (haversine) distance, the number people read.
- `chord2` is the squared straight-line distance between two points on the unit sphere,
  computed from per-ZIP unit vectors with only `+ - *`. Those operations round the same way
  in Python and in numpy, so the scalar scorer and the vectorised index agree to the last
  bit; transcendental functions (sin, asin) do not promise that across numpy's SIMD paths.
  Matching therefore decides "within the radius" as `chord2 <= radius_chord2(radius)`,
  which is the same test as `distance_miles <= radius` (the map between them is monotone).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import sys
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_MILES = 3958.8
_DATA_FILE = Path(__file__).parent / "data" / "zip_centroids.csv.gz"

FloatArray = npt.NDArray[np.float64]


class ZipPoint(NamedTuple):
    """The centroid of a ZIP code: degrees of latitude and longitude, and its state."""

    lat: float
    lon: float
    state: str


def normalize_zip(zip_code: object) -> str | None:
    """The five-digit ZIP of '90001', ' 90001-1234 ' and the like; None for anything else."""
    if not isinstance(zip_code, str):
        return None
    text = zip_code.strip()
    head = text[:5]
    if len(head) != 5 or not head.isascii() or not head.isdigit():
        return None
    rest = text[5:]
    if rest and not (len(rest) == 5 and rest[0] == "-" and rest[1:].isdigit()):
        return None
    return head


@cache
def table() -> dict[str, ZipPoint]:
    """Every ZIP with coordinates, built once per process."""
    if _DATA_FILE.exists():
        with gzip.open(_DATA_FILE, "rt", encoding="ascii", newline="") as handle:
            return _read(handle)
    return _from_zipcodes_package()


def _read(handle: io.TextIOBase) -> dict[str, ZipPoint]:
    reader = csv.reader(handle)
    next(reader)  # header
    # Interning the state keeps one string per state instead of one per ZIP.
    return {row[0]: ZipPoint(float(row[1]), float(row[2]), sys.intern(row[3])) for row in reader}


def _from_zipcodes_package() -> dict[str, ZipPoint]:
    """Fallback when the data file was not installed: slower, same content."""
    import zipcodes

    points: dict[str, ZipPoint] = {}
    for record in zipcodes.list_all():
        lat, lon = float(record["lat"] or 0), float(record["long"] or 0)
        if lat == 0.0 and lon == 0.0:
            continue
        points[record["zip_code"]] = ZipPoint(lat, lon, record["state"])
    return points


def lookup(zip_code: str | None) -> ZipPoint | None:
    """The centroid of a ZIP (ZIP+4 accepted), or None when it is unknown or malformed."""
    normalized = normalize_zip(zip_code)
    return table().get(normalized) if normalized else None


def is_known(zip_code: str | None) -> bool:
    return lookup(zip_code) is not None


def state_of(zip_code: str | None) -> str | None:
    point = lookup(zip_code)
    return point.state if point else None


def distance_miles(a: ZipPoint, b: ZipPoint) -> float:
    """Great-circle distance by the haversine formula."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def distances_miles(a: ZipPoint, lats: npt.ArrayLike, lons: npt.ArrayLike) -> FloatArray:
    """Great-circle distances from one point to many (degrees in), vectorised."""
    lat1 = math.radians(a.lat)
    lat2 = np.radians(np.asarray(lats, dtype=np.float64))
    dlat = lat2 - lat1
    dlon = np.radians(np.asarray(lons, dtype=np.float64) - a.lon)
    h = np.sin(dlat / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(h)))


class NearbyZips(NamedTuple):
    """The ZIPs within a radius of one ZIP, nearest first (ties in ZIP order): positions in
    the table of `_centroid_arrays` and the distances in miles."""

    order: npt.NDArray[np.intp]
    miles: FloatArray

    def __len__(self) -> int:
        return len(self.order)

    def codes(self, start: int, stop: int) -> list[str]:
        """The ZIP codes from the `start`-th nearest to before the `stop`-th."""
        codes = _centroid_arrays()[0]
        return [codes[i] for i in self.order[start:stop].tolist()]

    def among(self, codes: Iterable[str], start: int = 0) -> list[tuple[str, float]]:
        """(ZIP, miles) of those of `codes` that are in this list from its `start`-th
        nearest on, nearest first: for a few ZIPs met elsewhere (those holding positions)
        against a long list (every ZIP within a wide radius)."""
        table, index = _centroid_arrays()[0], _table_index()
        places = np.fromiter((index.get(code, -1) for code in codes), np.intp)
        places = places[places >= 0]
        rank = np.full(len(table), -1, np.intp)
        rank[self.order] = np.arange(len(self.order))
        ranks = rank[places]
        ranks = np.sort(ranks[ranks >= start])
        return list(
            zip(
                [table[i] for i in self.order[ranks].tolist()],
                self.miles[ranks].tolist(),
                strict=True,
            )
        )


def warm_up() -> None:
    """Read the ZIP table and its arrays now (a server's start-up), not in the first search
    near a ZIP."""
    _centroid_arrays()
    _table_index()


@cache
def _table_index() -> dict[str, int]:
    """Each ZIP's place in the table of `_centroid_arrays`."""
    return {code: place for place, code in enumerate(_centroid_arrays()[0])}


@cache
def _centroid_arrays() -> tuple[tuple[str, ...], FloatArray, FloatArray, FloatArray]:
    """Every ZIP in code order, with its latitudes, longitudes and unit vectors (x, y, z as
    rows)."""
    points = table()
    codes = tuple(sorted(points))
    lats = np.fromiter((points[code].lat for code in codes), np.float64, len(codes))
    lons = np.fromiter((points[code].lon for code in codes), np.float64, len(codes))
    vectors = np.array([unit_vector(points[code]) for code in codes], dtype=np.float64).T
    return codes, lats, lons, vectors


# A visitor may ask for any ZIP and radius, so the cache is small: an entry of the widest
# radius holds every ZIP (16 bytes each, about 0.7 MB).
@lru_cache(maxsize=64)
def zips_near(origin: str, miles: float) -> NearbyZips:
    """The ZIPs whose centroid lies within `miles` of `origin`'s, nearest first.

    The search near a ZIP walks this list instead of measuring every position's ZIP on every
    request: which ZIPs are near which is fixed data. "Within" is the matching's own test
    (`chord2` against `radius_chord2`); the miles shown are great-circle miles. An unknown
    origin has no neighbours.
    """
    point = lookup(origin)
    if point is None:
        return NearbyZips(np.empty(0, np.intp), np.empty(0))
    _, lats, lons, (xs, ys, zs) = _centroid_arrays()
    chords = chord2_many(unit_vector(point), xs, ys, zs)
    within = np.flatnonzero(chords <= radius_chord2(miles))
    order = within[np.argsort(chords[within], kind="stable")]
    return NearbyZips(order, distances_miles(point, lats[order], lons[order]))


# --- exact-arithmetic helpers shared by the scorer and the index -----------------------


def unit_vector(point: ZipPoint) -> tuple[float, float, float]:
    """The point on the unit sphere; computed once per ZIP and then only added/multiplied."""
    found = _UNIT_VECTORS.get(point)
    if found is None:
        found = _UNIT_VECTORS[point] = _unit_vector(point)
    return found


_UNIT_VECTORS: dict[ZipPoint, tuple[float, float, float]] = {}


def _unit_vector(point: ZipPoint) -> tuple[float, float, float]:
    lat, lon = math.radians(point.lat), math.radians(point.lon)
    return (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))


def chord2(u: tuple[float, float, float], v: tuple[float, float, float]) -> float:
    """Squared chord length between two unit vectors (same operation order as chord2_many)."""
    dx = u[0] - v[0]
    dy = u[1] - v[1]
    dz = u[2] - v[2]
    return dx * dx + dy * dy + dz * dz


def chord2_many(
    u: tuple[float, float, float], xs: FloatArray, ys: FloatArray, zs: FloatArray
) -> FloatArray:
    """`chord2(u, v)` for many v at once, bit-for-bit equal to the scalar version."""
    dx = u[0] - xs
    dy = u[1] - ys
    dz = u[2] - zs
    return dx * dx + dy * dy + dz * dz


def radius_chord2(miles: float | None) -> float:
    """The squared chord of a great-circle radius: `chord2 <= this` means within `miles`.

    None (no limit stated) is infinite; a radius at or past the antipode covers the Earth.
    """
    if miles is None:
        return math.inf
    if miles <= 0:
        return 0.0
    half_angle = miles / (2 * EARTH_RADIUS_MILES)
    if half_angle >= math.pi / 2:
        return math.inf
    s = 2 * math.sin(half_angle)
    return s * s


def chord_miles(c2: float) -> float:
    """Straight-line (chord) miles; within 0.01 % of great-circle miles below 150 miles."""
    return EARTH_RADIUS_MILES * math.sqrt(c2)
