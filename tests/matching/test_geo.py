"""ZIP centroids and distances."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from placement import geo


def point(zip_code: str) -> geo.ZipPoint:
    found = geo.lookup(zip_code)
    assert found is not None, zip_code
    return found


def test_it_knows_los_angeles_and_santa_ana() -> None:
    la, santa_ana = point("90001"), point("92701")
    assert (la.state, santa_ana.state) == ("CA", "CA")
    assert 25 < geo.distance_miles(la, santa_ana) < 32  # about 27 miles as the crow flies


@pytest.mark.parametrize(
    ("nevada", "california", "low", "high"),
    [("89449", "96150", 3, 8), ("89109", "92363", 90, 105)],
)
def test_it_measures_across_a_state_line(
    nevada: str, california: str, low: float, high: float
) -> None:
    a, b = point(nevada), point(california)
    assert (a.state, b.state) == ("NV", "CA")
    assert low < geo.distance_miles(a, b) < high


@pytest.mark.parametrize("zip_code", ["00000", "99999", "", "abcde", "9000", "900011", None])
def test_it_returns_none_for_unknown_zips(zip_code: str | None) -> None:
    assert geo.lookup(zip_code) is None
    assert not geo.is_known(zip_code)


def test_it_accepts_zip_plus_four_and_spaces() -> None:
    assert geo.lookup(" 90001-1234 ") == geo.lookup("90001")
    assert geo.lookup("90001-12") is None


def test_it_loads_the_whole_country() -> None:
    table = geo.table()
    assert len(table) > 40_000
    assert {"CA", "NV", "NY", "TX", "PR"} <= {p.state for p in table.values()}
    # ZIPs listed without coordinates (0, 0) are left out rather than placed in the ocean
    assert all(not (p.lat == 0 and p.lon == 0) for p in table.values())


def test_the_vectorised_distance_agrees_with_the_scalar_one() -> None:
    origin = point("90001")
    others = [point(z) for z in ("92701", "89109", "10001", "96150")]
    many = geo.distances_miles(origin, [p.lat for p in others], [p.lon for p in others])
    assert many == pytest.approx([geo.distance_miles(origin, p) for p in others], rel=1e-9)


def test_the_radius_test_matches_the_great_circle_distance() -> None:
    la = point("90001")
    for other in ("92701", "90802", "91101", "89109"):
        b = point(other)
        c2 = geo.chord2(geo.unit_vector(la), geo.unit_vector(b))
        miles = geo.distance_miles(la, b)
        assert c2 <= geo.radius_chord2(math.ceil(miles))
        assert c2 > geo.radius_chord2(math.floor(miles))
        assert geo.chord_miles(c2) == pytest.approx(miles, rel=1e-3)


def test_radius_edges() -> None:
    assert geo.radius_chord2(None) == math.inf
    assert geo.radius_chord2(0) == 0.0
    assert geo.radius_chord2(-3) == 0.0
    assert geo.radius_chord2(30_000) == math.inf


coordinates = st.tuples(st.floats(-89.9, 89.9), st.floats(-180, 180))


@given(st.lists(coordinates, min_size=1, max_size=20), coordinates)
def test_chord2_many_is_bit_for_bit_the_scalar_chord2(
    points: list[tuple[float, float]], origin: tuple[float, float]
) -> None:
    u = geo.unit_vector(geo.ZipPoint(*origin, "CA"))
    vectors = [geo.unit_vector(geo.ZipPoint(lat, lon, "CA")) for lat, lon in points]
    xs, ys, zs = (np.array(axis, dtype=np.float64) for axis in zip(*vectors, strict=True))
    many = geo.chord2_many(u, xs, ys, zs)
    assert many.tolist() == [geo.chord2(v, u) for v in vectors]


class TestZipsNear:
    def test_it_lists_the_zips_within_the_radius_nearest_first(self) -> None:
        nearby = geo.zips_near("90012", 25)
        codes = nearby.codes(0, len(nearby))
        assert codes[0] == "90012" and nearby.miles[0] == 0
        assert list(nearby.miles) == sorted(nearby.miles)
        assert all(miles <= 25 for miles in nearby.miles)
        assert "92602" not in codes  # Irvine is about 35 miles away
        assert "92602" in geo.zips_near("90012", 50).codes(0, 10_000)

    def test_its_miles_are_the_great_circle_miles(self) -> None:
        nearby = geo.zips_near("90012", 50)
        codes = nearby.codes(0, len(nearby))
        irvine = codes.index("92602")
        expected = geo.distance_miles(point("90012"), point("92602"))
        assert nearby.miles[irvine] == pytest.approx(expected, rel=1e-9)

    def test_an_unknown_zip_has_no_neighbours(self) -> None:
        assert len(geo.zips_near("00000", 3000)) == 0

    def test_among_picks_the_given_zips_in_its_order_from_a_rank_on(self) -> None:
        nearby = geo.zips_near("90012", 50)
        codes = nearby.codes(0, len(nearby))
        given = ["92602", "00000", "90012", "10001", codes[5], codes[3]]
        assert [code for code, _ in nearby.among(given)] == ["90012", codes[3], codes[5], "92602"]
        assert [code for code, _ in nearby.among(given, start=4)] == [codes[5], "92602"]
        irvine = dict(nearby.among(given))["92602"]
        assert irvine == nearby.miles[codes.index("92602")]
        assert nearby.among([]) == []
