"""What would open more positions: each suggested change, applied to the profile, opens
exactly the positions it names under the reference scorer; and nothing a single change of
a listed kind would open is missed."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement.matching import MatchIndex, score
from placement.matching.coaching import Opening, openings
from placement.matching.records import CredentialRecord, GraduateRecord, PositionRecord

from .builders import TODAY, graduate, graduates, position, positions

quick = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _apply(g: GraduateRecord, change: Opening) -> GraduateRecord:
    if change.kind in ("renew_credential", "add_credential"):
        # the new card, once career services verified it (some positions ask for that)
        added = CredentialRecord(change.code or "", change.state, None, True)
        return dataclasses.replace(g, credentials=(*g.credentials, added))
    if change.kind == "add_modality":
        return dataclasses.replace(g, modalities={**g.modalities, change.code or "": 1})
    if change.kind == "travel_radius":
        return dataclasses.replace(g, travel_radius_miles=change.value)
    if change.kind == "add_slot":
        return dataclasses.replace(g, availability=g.availability | {change.code or ""})
    if change.kind == "employment_type":
        return dataclasses.replace(g, employment_types=g.employment_types | {change.code or ""})
    return dataclasses.replace(g, training_hours=change.value or 0)


def _eligible(g: GraduateRecord, ps: list[PositionRecord]) -> set[int]:
    return {p.id for p in ps if score(g, p, today=TODAY).eligible}


@quick
@given(graduates(1), st.lists(st.integers(0, 40), max_size=10, unique=True), st.data())
def test_each_change_opens_exactly_the_positions_it_names(
    g: GraduateRecord, position_ids: list[int], data: st.DataObject
) -> None:
    ps = [data.draw(positions(i)) for i in position_ids]
    index = MatchIndex.build([g], ps, today=TODAY)
    found = openings(index, g.id)
    # seeking and verification are settled first; the changes are counted on top of them
    active = dataclasses.replace(g, seeking=True, verified=True)
    assert found.active == (g.seeking and g.verified)
    before = _eligible(active, ps)
    for change in found.changes:
        after = _eligible(_apply(active, change), ps)
        assert after - before == set(change.positions), change
        assert before <= after
        assert change.count > 0 and change.detail
    counts = [change.count for change in found.changes]
    assert counts == sorted(counts, reverse=True)


@quick
@given(graduates(1), st.lists(st.integers(0, 40), max_size=10, unique=True), st.data())
def test_no_single_fix_of_a_listed_kind_is_missed(
    g: GraduateRecord, position_ids: list[int], data: st.DataObject
) -> None:
    """Brute force: every slot, employment type, credential and modality the positions use,
    added alone, opens nothing beyond what the suggestions of that kind name."""
    ps = [data.draw(positions(i)) for i in position_ids]
    index = MatchIndex.build([g], ps, today=TODAY)
    found = openings(index, g.id)
    active = dataclasses.replace(g, seeking=True, verified=True)
    before = _eligible(active, ps)
    named = {(c.kind, c.code, c.state): set(c.positions) for c in found.changes}
    for p in ps:
        for slot in p.shifts:
            opened = _eligible(_apply(active, Opening("add_slot", (), code=slot)), ps) - before
            assert opened <= named.get(("add_slot", slot, None), set())
        kind = p.employment_type
        opened = _eligible(_apply(active, Opening("employment_type", (), code=kind)), ps) - before
        assert opened <= named.get(("employment_type", kind, None), set())
        for code in p.required_modalities:
            opened = _eligible(_apply(active, Opening("add_modality", (), code=code)), ps) - before
            assert opened <= named.get(("add_modality", code, None), set())


def test_a_lapsing_credential_and_a_short_radius_are_named_with_their_counts() -> None:
    soon = date(2026, 5, 1)  # before START (2026-06-01), the positions' start date
    g = graduate(
        1,
        travel_radius_miles=20,
        credentials=(
            CredentialRecord("camtc", "CA", date(2028, 1, 1)),
            CredentialRecord("bls_cpr", None, soon),
        ),
    )
    near = [position(i, zip="90001") for i in (1, 2)]  # need BLS/CPR
    far = position(3, zip="92701", required_credentials=frozenset({"state_license"}))
    index = MatchIndex.build([g], [*near, far], today=TODAY)
    found = openings(index, 1)
    by_kind = {change.kind: change for change in found.changes}
    renew = by_kind["renew_credential"]
    assert (renew.code, renew.positions, renew.count) == ("bls_cpr", (1, 2), 2)
    assert renew.before == near[0].start_date
    assert renew.detail == "Renew BLS/CPR before 2026-06-01 to qualify for 2 more positions"
    widen = by_kind["travel_radius"]
    assert (widen.positions, widen.value) == ((3,), 30)
    assert found.changes[0] is renew  # most positions first


def test_it_runs_over_a_few_hundred_positions() -> None:
    people = [graduate(i) for i in range(1, 200)]
    posts = [
        position(i, start_date=TODAY + timedelta(days=i % 90), zip=z)
        for i, z in zip(range(1, 400), ["90001", "92701", "90802", "91101"] * 100, strict=False)
    ]
    index = MatchIndex.build(people, posts, today=TODAY)
    assert openings(index, 5).graduate_id == 5
