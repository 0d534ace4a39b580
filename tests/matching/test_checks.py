""" "How you match" (scoring.checks) is the scorer's own rules: on random profiles, the checks
that are not met are exactly the scorer's failures, in order and in words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from placement.matching import score
from placement.matching.records import HARD_FACTORS
from placement.matching.scoring import checks
from tests.matching.builders import TODAY, graduate, graduates, position, positions


@given(graduates(1), positions(1))
def test_unmet_checks_are_the_scorers_failures(g, p) -> None:
    result = score(g, p, today=TODAY)
    found = checks(g, p, today=TODAY)
    missing = [(c.factor, c.detail) for c in found if not c.met]
    assert missing == [(r.factor, r.detail) for r in result.failures]
    assert result.eligible == all(c.met for c in found)
    assert {c.factor for c in found} <= HARD_FACTORS
    assert all(c.detail for c in found)


@given(graduates(1), positions(1))
def test_every_requirement_is_checked_once(g, p) -> None:
    found = checks(g, p, today=TODAY)
    factors = [c.factor for c in found]
    assert factors.count("required_credential") == len(p.required_credentials)
    assert factors.count("required_modality") == len(p.required_modalities)
    for rule in ("seeking", "verified", "training_hours", "travel_radius", "employment_type"):
        assert factors.count(rule) == 1
    assert factors.count("availability") == 1


@given(st.sampled_from([None, 40, 5]))
def test_a_met_rule_says_why(radius) -> None:
    found = {c.factor: c for c in checks(graduate(travel_radius_miles=radius), position())}
    if radius == 5:
        assert not found["travel_radius"].met
    else:
        assert found["travel_radius"].met and "miles away" in found["travel_radius"].detail


def test_the_reasons_of_a_near_miss() -> None:
    from datetime import date

    from placement.matching.records import CredentialRecord

    g = graduate(
        credentials=(
            CredentialRecord("camtc", "CA", date(2028, 1, 1), True),
            CredentialRecord("bls_cpr", None, date(2026, 5, 10), True),
        )
    )
    found = checks(g, position(), today=TODAY)
    credentials = [c for c in found if c.factor == "required_credential"]
    assert [c.met for c in credentials] == [True, False]
    assert "BLS/CPR expires 2026-05-10, before the start date 2026-06-01" in credentials[1].detail
    assert "valid until 2028-01-01, beyond the start on 2026-06-01" in credentials[0].detail
