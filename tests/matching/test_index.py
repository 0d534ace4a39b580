"""MatchIndex gives exactly the reference scorer's rankings, and stays fresh."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from random import Random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement.matching import MatchIndex, MatchResult, score
from placement.matching.records import (
    NO_EXPIRY_DAY,
    CredentialRecord,
    CredentialRows,
    GraduateColumns,
    GraduateRecord,
    ModalityRows,
    PositionRecord,
)

from .builders import TODAY, graduate, graduates, populations, position, positions

Ranked = list[tuple[int, MatchResult]]
LEVEL = {"private": 0, "staff": 1, "employers": 2}
AUDIENCE = {"all": 0, "staff": 1, "employers": 2}


def reference(items: list[tuple[int, MatchResult]], limit: int | None, everything: bool) -> Ranked:
    """What an index ranking must be: the reference results, sorted and cut."""
    kept = [(i, r) for i, r in items if everything or r.eligible]
    kept.sort(key=lambda item: (not item[1].eligible, -item[1].score, item[0]))
    return kept if limit is None else kept[: max(limit, 0)]


def expected_graduates(
    gs: list[GraduateRecord],
    p: PositionRecord,
    *,
    limit: int | None = None,
    everything: bool = False,
    audience: str = "staff",
) -> Ranked:
    visible = [g for g in gs if LEVEL.get(g.visibility, 0) >= AUDIENCE[audience]]
    return reference([(g.id, score(g, p, today=TODAY)) for g in visible], limit, everything)


def expected_positions(
    g: GraduateRecord,
    ps: list[PositionRecord],
    *,
    limit: int | None = None,
    everything: bool = False,
) -> Ranked:
    return reference([(p.id, score(g, p, today=TODAY)) for p in ps], limit, everything)


def assert_same(index: MatchIndex, gs: list[GraduateRecord], ps: list[PositionRecord]) -> None:
    for p in ps:
        for audience in ("all", "staff", "employers"):
            got = index.rank_graduates(p.id, include_ineligible=True, audience=audience)  # type: ignore[arg-type]
            assert got == expected_graduates(gs, p, everything=True, audience=audience)
        assert index.rank_graduates(p.id) == expected_graduates(gs, p)
        assert index.rank_graduates(p.id, limit=2) == expected_graduates(gs, p, limit=2)
    for g in gs:
        assert index.rank_positions(g.id, include_ineligible=True) == expected_positions(
            g, ps, everything=True
        )
        assert index.rank_positions(g.id, limit=1) == expected_positions(g, ps, limit=1)


quick = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(populations())
def test_rankings_equal_the_reference_scorer(
    population: tuple[list[GraduateRecord], list[PositionRecord]],
) -> None:
    gs, ps = population
    index = MatchIndex.build(gs, ps, today=TODAY)
    assert_same(index, gs, ps)


@quick
@given(populations(), st.data())
def test_rankings_stay_equal_after_upserts_and_removals(
    population: tuple[list[GraduateRecord], list[PositionRecord]], data: st.DataObject
) -> None:
    gs, ps = population
    index = MatchIndex.build(gs, ps, today=TODAY)
    graduates_now = {g.id: g for g in gs}
    positions_now = {p.id: p for p in ps}
    for _ in range(data.draw(st.integers(1, 8))):
        action = data.draw(st.sampled_from(["g+", "g-", "p+", "p-"]))
        if action == "g+":
            g = data.draw(graduates(data.draw(st.integers(0, 70))))
            index.upsert_graduate(g)
            graduates_now[g.id] = g
        elif action == "p+":
            p = data.draw(positions(data.draw(st.integers(0, 35))))
            index.upsert_position(p)
            positions_now[p.id] = p
        elif action == "g-" and graduates_now:
            gone = data.draw(st.sampled_from(sorted(graduates_now)))
            index.remove_graduate(gone)
            del graduates_now[gone]
        elif action == "p-" and positions_now:
            gone = data.draw(st.sampled_from(sorted(positions_now)))
            index.remove_position(gone)
            del positions_now[gone]
    assert index.graduate_count == len(graduates_now)
    assert index.position_count == len(positions_now)
    assert_same(index, list(graduates_now.values()), list(positions_now.values()))


@quick
@given(populations(max_graduates=8, max_positions=4))
def test_pair_scores_equal_the_reference(
    population: tuple[list[GraduateRecord], list[PositionRecord]],
) -> None:
    gs, ps = population
    index = MatchIndex.build(gs, ps, today=TODAY)
    table = index.pair_scores()
    got = {
        (g, p): (total, grad, emp)
        for g, p, total, grad, emp in zip(
            table.graduate_ids.tolist(),
            table.position_ids.tolist(),
            table.score.tolist(),
            table.graduate_side.tolist(),
            table.employer_side.tolist(),
            strict=True,
        )
    }
    want = {}
    for g in gs:
        for p in ps:
            r = score(g, p, today=TODAY)
            if r.eligible:
                tenths = (r.score, r.graduate_side, r.employer_side)
                want[(g.id, p.id)] = tuple(round(x * 10) for x in tenths)
    assert got == want


@quick
@given(st.data())
def test_the_decoded_graduate_scores_like_the_original(data: st.DataObject) -> None:
    g = data.draw(graduates(5))
    p = data.draw(positions(1))
    index = MatchIndex.build([g], [p], today=TODAY)
    assert score(index.graduate(5), p, today=TODAY) == score(g, p, today=TODAY)
    assert index.explain(5, 1) == score(g, p, today=TODAY)


def test_a_profile_change_shows_in_the_next_ranking() -> None:
    index = MatchIndex.build([graduate(1), graduate(2)], [position(7)], today=TODAY)
    assert [gid for gid, _ in index.rank_graduates(7)] == [1, 2]
    index.upsert_graduate(graduate(2, clinical_hours=250))
    assert [gid for gid, _ in index.rank_graduates(7)] == [2, 1]
    expired = (CredentialRecord("camtc", "CA"), CredentialRecord("bls_cpr", None, date(2026, 1, 1)))
    index.upsert_graduate(graduate(2, credentials=expired))
    assert [gid for gid, _ in index.rank_graduates(7)] == [1]
    near_miss = index.rank_graduates(7, include_ineligible=True)
    assert [gid for gid, _ in near_miss] == [1, 2]
    assert near_miss[1][1].failures[0].detail == "BLS/CPR expired on 2026-01-01"


def test_a_position_change_shows_in_the_next_ranking() -> None:
    index = MatchIndex.build([graduate(1)], [position(7), position(8, zip="90002")], today=TODAY)
    assert [pid for pid, _ in index.rank_positions(1)] == [8, 7]
    index.upsert_position(replace(position(8, zip="90002"), min_training_hours=1000))
    assert [pid for pid, _ in index.rank_positions(1)] == [7]
    index.remove_position(7)
    assert index.rank_positions(1) == []
    assert not index.has_position(7)


def test_visibility() -> None:
    people = [
        graduate(1, visibility="private"),
        graduate(2, visibility="staff"),
        graduate(3, visibility="employers"),
    ]
    index = MatchIndex.build(people, [position(7)], today=TODAY)
    assert [g for g, _ in index.rank_graduates(7)] == [2, 3]
    assert [g for g, _ in index.rank_graduates(7, audience="employers")] == [3]
    assert [g for g, _ in index.rank_graduates(7, audience="all")] == [1, 2, 3]
    assert [g for g, _ in index.rank_graduates(7, among=[3, 99])] == [3]


def test_ties_are_broken_by_id_and_limit_cuts() -> None:
    index = MatchIndex.build([graduate(i) for i in (5, 3, 9, 1)], [position(7)], today=TODAY)
    assert [g for g, _ in index.rank_graduates(7)] == [1, 3, 5, 9]
    assert [g for g, _ in index.rank_graduates(7, limit=2)] == [1, 3]
    assert index.rank_graduates(7, limit=0) == []


def test_growth_and_reuse_of_rows() -> None:
    people = [graduate(i, clinical_hours=i % 250) for i in range(300)]
    index = MatchIndex.build(people[:10], [position(7)], today=TODAY)
    for g in people[10:]:
        index.upsert_graduate(g)
    for i in range(0, 300, 3):
        index.remove_graduate(i)
    for i in range(0, 300, 6):
        index.upsert_graduate(people[i])
    alive = [g for g in people if g.id % 3 or g.id % 6 == 0]
    assert index.graduate_count == len(alive)
    assert index.rank_graduates(7, limit=20) == expected_graduates(alive, position(7), limit=20)


def test_ids_must_fit() -> None:
    with pytest.raises(ValueError):
        MatchIndex().upsert_graduate(graduate(-1))
    with pytest.raises(ValueError):
        MatchIndex().upsert_position(position(2**41))


def test_unknown_codes_get_bits_until_64() -> None:
    index = MatchIndex(today=TODAY)
    index.upsert_graduate(graduate(1, modalities={f"m{i}": 1 for i in range(38)}))
    with pytest.raises(ValueError, match="64"):
        index.upsert_graduate(graduate(2, modalities={"one_too_many": 1}))


def test_memory_is_arrays() -> None:
    index = MatchIndex.build([graduate(i) for i in range(100)], [position(1)], today=TODAY)
    assert index.nbytes > 0
    assert all(isinstance(a, np.ndarray) for a in index._g.cols.values())


def test_verified_only_credentials_agree_with_the_reference() -> None:
    """The index's verified-only mask: every path (by position, by graduate, pairs)."""

    def with_bls(graduate_id: int, verified: bool) -> GraduateRecord:
        return graduate(
            graduate_id,
            credentials=(
                CredentialRecord("camtc", "CA", date(2028, 1, 1), False),
                CredentialRecord("bls_cpr", None, date(2027, 1, 10), verified),
            ),
        )

    gs = [with_bls(1, True), with_bls(2, False)]
    ps = [position(1, verified_credentials=frozenset({"bls_cpr"})), position(2)]
    index = MatchIndex.build(gs, ps, today=TODAY)
    assert [i for i, _ in index.rank_graduates(1)] == [1]
    assert {i for i, _ in index.rank_graduates(2)} == {1, 2}
    assert [i for i, _ in index.rank_positions(2)] == [2]
    assert {i for i, _ in index.rank_positions(1)} == {1, 2}
    pairs = index.pair_scores()
    assert sorted(zip(pairs.graduate_ids.tolist(), pairs.position_ids.tolist(), strict=True)) == [
        (1, 1),
        (1, 2),
        (2, 2),
    ]
    assert_same(index, gs, ps)
    explained = index.explain(2, 1)
    assert [r.detail for r in explained.failures] == [
        "BLS/CPR held but not yet verified by career services"
    ]
    index.upsert_graduate(with_bls(2, True))  # verified now
    assert {i for i, _ in index.rank_graduates(1)} == {1, 2}


# The index keeps expiries as 16-bit days from 1970 and widens to ordinals for any date
# outside; both forms must give the reference's answers, including across the widening.
EDGE_DATES = [
    date.min,
    date(1969, 12, 31),
    date(1970, 1, 1),
    date.fromordinal(date(1970, 1, 1).toordinal() + 65533),
    date.fromordinal(date(1970, 1, 1).toordinal() + 65534),
    date.max,
]


@quick
@given(populations(), st.data())
def test_expiries_far_from_today_stay_exact(
    population: tuple[list[GraduateRecord], list[PositionRecord]], data: st.DataObject
) -> None:
    gs, ps = population
    index = MatchIndex.build(gs, ps, today=TODAY)
    narrow = [date(1970, 1, 1), EDGE_DATES[3], None]
    code = data.draw(st.sampled_from(["bls_cpr", "camtc", "state_license"]))
    edge = graduate(
        500, credentials=(CredentialRecord(code, "CA", data.draw(st.sampled_from(narrow))),)
    )
    index.upsert_graduate(edge)
    assert_same(index, [*gs, edge], ps)
    far = graduate(
        501,
        credentials=tuple(
            CredentialRecord(code, "CA", day, verified)
            for day, verified in data.draw(
                st.lists(st.tuples(st.sampled_from(EDGE_DATES), st.booleans()), min_size=1)
            )
        ),
    )
    index.upsert_graduate(far)  # may widen every credential column
    assert_same(index, [*gs, edge, far], ps)
    assert MatchIndex.build([*gs, edge, far], ps, today=TODAY).graduate(501) == index.graduate(501)


def test_credential_expiries_take_two_bytes() -> None:
    index = MatchIndex.build(
        [graduate(1, credentials=(CredentialRecord("bls_cpr", None, date(2027, 1, 1)),))],
        [],
        today=TODAY,
    )
    assert index._g.cols["cred:bls_cpr:"].dtype == np.uint16
    index.upsert_graduate(
        graduate(2, credentials=(CredentialRecord("bls_cpr", None, date(2300, 1, 1)),))
    )
    assert index._g.cols["cred:bls_cpr:"].dtype == np.int32
    assert index.graduate(1).credentials == (CredentialRecord("bls_cpr", None, date(2027, 1, 1)),)


def test_hours_and_zip_slots_widen_when_they_outgrow_two_bytes() -> None:
    small = graduate(1, training_hours=750, clinical_hours=-5)
    index = MatchIndex.build([small], [position(1)], today=TODAY)
    assert index._g.cols["training"].dtype == np.int16
    big = graduate(2, training_hours=40_000, clinical_hours=-70_000)
    index.upsert_graduate(big)
    assert index._g.cols["training"].dtype == np.int32
    assert index._g.cols["clinical"].dtype == np.int32
    demanding = position(2, min_training_hours=39_999)
    index.upsert_position(demanding)
    assert_same(index, [small, big], [position(1), demanding])


def _far_apart(gs: list[GraduateRecord], spread: bool) -> list[GraduateRecord]:
    """The same graduates, with ids far apart when `spread` (the index's sparse id path)."""
    return [replace(g, id=g.id * 30_000_001 + 7) for g in gs] if spread else gs


@quick
@given(populations(), st.booleans(), st.randoms(use_true_random=False))
def test_columns_build_the_index_records_build(
    population: tuple[list[GraduateRecord], list[PositionRecord]], spread: bool, rng: Random
) -> None:
    """Graduates as the matching queries return them (long tables in any order, rows of
    other graduates among them) rank exactly like the records, and like the reference."""
    gs, ps = population
    gs = _far_apart(gs, spread)
    columns = GraduateColumns.from_records(gs)
    assert columns.records() == gs
    m, c = columns.modalities, columns.credentials
    stranger = max((g.id for g in gs), default=0) + 1
    modality_rows = [*zip(m.graduate_id, m.code, m.level, strict=True), (stranger, "oncology", 3)]
    credential_rows = [
        *zip(c.graduate_id, c.code, c.state, c.expiry_day, c.verified, strict=True),
        (stranger, "bls_cpr", None, NO_EXPIRY_DAY, True),
    ]
    rng.shuffle(modality_rows)
    rng.shuffle(credential_rows)
    columns = replace(
        columns,
        modalities=ModalityRows(*map(list, zip(*modality_rows, strict=True))),
        credentials=CredentialRows(*map(list, zip(*credential_rows, strict=True))),
    )
    index = MatchIndex.build(columns, ps, today=TODAY)
    assert index.graduate_count == len(gs)
    assert_same(index, gs, ps)


def test_columns_replace_rows_and_leave_other_graduates_alone() -> None:
    index = MatchIndex.build([graduate(1), graduate(2)], [position(7)], today=TODAY)
    # graduate 2 loses their BLS; a credential row naming graduate 1 is not theirs to change
    changed = GraduateColumns.from_records([graduate(2, credentials=())])
    stray = CredentialRows([1], ["bls_cpr"], [None], [NO_EXPIRY_DAY], [True])
    index.upsert_graduates(replace(changed, credentials=stray))
    assert [g for g, _ in index.rank_graduates(7)] == [1]
    assert set(index.graduate(1).credentials) == set(graduate(1).credentials)


def test_columns_refuse_a_repeated_id() -> None:
    index = MatchIndex.build([graduate(1)], [position(7)], today=TODAY)
    twice = GraduateColumns.from_records([graduate(3), graduate(3, clinical_hours=5)])
    with pytest.raises(ValueError, match="unique"):
        index.upsert_graduates(twice)
    assert index.graduate_count == 1 and not index.has_graduate(3)
