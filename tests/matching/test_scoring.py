"""The reference scorer: hard rules with their reasons, soft points, the CA equivalence."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placement import taxonomy
from placement.matching import scoring
from placement.matching.records import (
    HARD_FACTORS,
    CredentialRecord,
    GraduateRecord,
    MatchResult,
    PositionRecord,
)
from placement.matching.scoring import EMPLOYER_SIDE, GRADUATE_SIDE, WEIGHTS, score

from .builders import START, TODAY, graduate, graduates, position, positions

BLS = "bls_cpr"


def failures(result: MatchResult) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for reason in result.failures:
        found.setdefault(reason.factor, []).append(reason.detail)
    return found


def test_the_fixture_pair_is_eligible() -> None:
    result = score(graduate(), position(), today=TODAY)
    assert result.eligible, result.reasons
    assert result.failures == ()
    assert 0 < result.score <= 100


class TestHardRules:
    def test_not_seeking_and_not_verified_are_both_reported(self) -> None:
        result = score(graduate(seeking=False, verified=False), position(), today=TODAY)
        assert not result.eligible
        assert set(failures(result)) == {"seeking", "verified"}

    def test_a_missing_credential_is_named(self) -> None:
        result = score(graduate(credentials=()), position(), today=TODAY)
        details = failures(result)["required_credential"]
        assert "No BLS/CPR on file" in details
        assert any("State massage licence" in d and "CA" in d for d in details)

    def test_expiry_on_the_start_date_counts_as_expired(self) -> None:
        expiring = (CredentialRecord("camtc", "CA"), CredentialRecord(BLS, None, START))
        result = score(graduate(credentials=expiring), position(), today=TODAY)
        assert failures(result) == {
            "required_credential": [
                f"BLS/CPR expires {START.isoformat()}, on the start date; "
                "it must be valid beyond it"
            ]
        }

    def test_expiry_before_the_start_date(self) -> None:
        held = (CredentialRecord("camtc", "CA"), CredentialRecord(BLS, None, date(2026, 5, 10)))
        result = score(graduate(credentials=held), position(), today=TODAY)
        assert failures(result) == {
            "required_credential": ["BLS/CPR expires 2026-05-10, before the start date 2026-06-01"]
        }

    def test_a_day_after_the_start_date_is_valid(self) -> None:
        held = (CredentialRecord("camtc", "CA"), CredentialRecord(BLS, None, date(2026, 6, 2)))
        assert score(graduate(credentials=held), position(), today=TODAY).eligible

    def test_without_a_start_date_credentials_must_be_valid_today(self) -> None:
        held = (CredentialRecord("camtc", "CA"), CredentialRecord(BLS, None, TODAY))
        open_start = position(start_date=None)
        assert failures(score(graduate(credentials=held), open_start, today=TODAY)) == {
            "required_credential": [f"BLS/CPR expires today ({TODAY.isoformat()})"]
        }
        tomorrow = (CredentialRecord("camtc", "CA"), CredentialRecord(BLS, None, date(2026, 3, 2)))
        assert score(graduate(credentials=tomorrow), open_start, today=TODAY).eligible

    def test_a_start_date_in_the_past_checks_today(self) -> None:
        held = (CredentialRecord("camtc", "CA"), CredentialRecord(BLS, None, date(2026, 2, 1)))
        started = position(start_date=date(2026, 1, 1))
        assert failures(score(graduate(credentials=held), started, today=TODAY)) == {
            "required_credential": ["BLS/CPR expired on 2026-02-01"]
        }

    def test_the_latest_of_several_holdings_counts(self) -> None:
        held = (
            CredentialRecord("camtc", "CA"),
            CredentialRecord(BLS, None, date(2025, 1, 1)),
            CredentialRecord(BLS, None, date(2027, 1, 1)),
        )
        assert score(graduate(credentials=held), position(), today=TODAY).eligible

    def test_camtc_satisfies_the_state_licence_in_california(self) -> None:
        only_camtc = (CredentialRecord("camtc", None), CredentialRecord(BLS))
        assert score(graduate(credentials=only_camtc), position(), today=TODAY).eligible

    def test_camtc_does_not_satisfy_a_nevada_licence(self) -> None:
        vegas = position(zip="89109")
        held = (CredentialRecord("camtc", "CA"), CredentialRecord(BLS))
        result = score(graduate(credentials=held, travel_radius_miles=None), vegas, today=TODAY)
        assert failures(result) == {
            "required_credential": ["No State massage licence for NV on file"]
        }

    def test_a_state_licence_counts_only_in_its_own_state(self) -> None:
        nevada_licence = (CredentialRecord("state_license", "NV"), CredentialRecord(BLS))
        in_ca = score(graduate(credentials=nevada_licence), position(), today=TODAY)
        assert failures(in_ca) == {
            "required_credential": [
                "State massage licence on file is for NV; the position is in CA "
                "(CAMTC certification (California) also counts)"
            ]
        }
        vegas = position(zip="89109")
        lowercase = (CredentialRecord("state_license", " nv "), CredentialRecord(BLS))
        g = graduate(credentials=lowercase, travel_radius_miles=None)
        assert score(g, vegas, today=TODAY).eligible

    def test_a_missing_required_modality(self) -> None:
        result = score(graduate(modalities={"swedish": 3}), position(), today=TODAY)
        assert failures(result) == {
            "required_modality": ["Manual lymphatic drainage is required; not on the profile"]
        }
        zero = score(graduate(modalities={"manual_lymphatic_drainage": 0}), position(), today=TODAY)
        assert "required_modality" in failures(zero)

    def test_training_hours_below_the_minimum(self) -> None:
        result = score(graduate(training_hours=499), position(), today=TODAY)
        assert failures(result) == {
            "training_hours": ["499 training hours; the position requires 500"]
        }
        assert score(graduate(training_hours=500), position(), today=TODAY).eligible

    def test_beyond_the_travel_radius(self) -> None:
        result = score(graduate(travel_radius_miles=25), position(), today=TODAY)
        assert failures(result) == {"travel_radius": ["27.3 miles away, beyond a 25-mile radius"]}
        assert score(graduate(travel_radius_miles=28), position(), today=TODAY).eligible
        assert score(graduate(travel_radius_miles=None), position(), today=TODAY).eligible

    @pytest.mark.parametrize(
        ("g_zip", "p_zip", "expected"),
        [
            (None, "92701", "No ZIP code on the graduate's profile"),
            ("00000", "92701", "The graduate's ZIP 00000 is not a known US ZIP code"),
            ("90001", "", "The position has no ZIP code"),
            ("90001", "99999", "The position's ZIP 99999 is not a known US ZIP code"),
        ],
    )
    def test_an_unknown_zip_fails_the_distance_rule(
        self, g_zip: str | None, p_zip: str, expected: str
    ) -> None:
        g = graduate(zip=g_zip, travel_radius_miles=None)
        result = score(g, position(zip=p_zip), today=TODAY)
        assert not result.eligible
        assert failures(result)["travel_radius"][0].startswith(expected)

    def test_employment_type(self) -> None:
        result = score(graduate(), position(employment_type="per_diem"), today=TODAY)
        assert failures(result) == {
            "employment_type": ["Looking for Part time; this position is Per diem"]
        }
        anything = graduate(employment_types=frozenset())
        assert score(anything, position(employment_type="per_diem"), today=TODAY).eligible

    def test_schedule_overlap(self) -> None:
        mornings = graduate(availability=frozenset({"mon-am"}))
        result = score(mornings, position(), today=TODAY)
        assert failures(result) == {
            "availability": ["Availability (Mon morning) misses every shift (Tue afternoon)"]
        }
        flexible = position(shifts=frozenset())
        assert score(mornings, flexible, today=TODAY).eligible
        nothing = graduate(availability=frozenset())
        assert failures(score(nothing, position(), today=TODAY)) == {
            "availability": ["No availability given; the position's shifts are Tue afternoon"]
        }
        assert score(nothing, flexible, today=TODAY).eligible

    def test_every_failure_is_listed(self) -> None:
        hopeless = GraduateRecord(id=9, verified=False, seeking=False, zip="00000")
        result = score(hopeless, position(), today=TODAY)
        assert set(failures(result)) == {
            "seeking",
            "verified",
            "required_credential",
            "required_modality",
            "training_hours",
            "travel_radius",
            "availability",
        }
        assert len(failures(result)["required_credential"]) == 2
        assert all(reason.points == 0 for reason in result.failures)


class TestSoftScore:
    def test_everything_preferred_scores_above_only_what_is_required(self) -> None:
        required_only = graduate(1)
        everything = graduate(
            2,
            modalities={"manual_lymphatic_drainage": 2, "oncology": 2},
            credentials=(
                *required_only.credentials,
                CredentialRecord("ncbtmb_board_certified", None, None),
            ),
        )
        p = position()
        low, high = score(required_only, p, today=TODAY), score(everything, p, today=TODAY)
        assert low.eligible and high.eligible
        assert high.score > low.score
        assert high.employer_side > low.employer_side
        assert high.graduate_side == low.graduate_side

    def test_closer_scores_higher(self) -> None:
        near = score(graduate(zip="92705"), position(), today=TODAY)
        far = score(graduate(zip="90001"), position(), today=TODAY)
        assert near.graduate_side > far.graduate_side

    def test_pay_below_expectation_scores_lower(self) -> None:
        meets = score(graduate(pay_expectation=30.0), position(), today=TODAY)
        short = score(graduate(pay_expectation=40.0), position(), today=TODAY)
        assert short.score < meets.score
        pay = next(r for r in short.reasons if r.factor == "pay")
        assert pay.detail == "Pays up to $34/h, below the expected $40/h"

    def test_an_ineligible_pair_keeps_its_score(self) -> None:
        result = score(graduate(verified=False), position(), today=TODAY)
        eligible = score(graduate(), position(), today=TODAY)
        assert not result.eligible
        assert result.score == eligible.score > 0

    def test_a_perfect_match_scores_100(self) -> None:
        p = position(preferred_credentials=frozenset(), shifts=frozenset(), zip="90001")
        g = graduate(modalities={"manual_lymphatic_drainage": 3, "oncology": 3}, clinical_hours=250)
        result = score(g, p, today=TODAY)
        assert result.score == 100
        assert [r.points for r in result.reasons] == list(map(float, WEIGHTS.values()))


def test_weights_add_up_to_100_and_split_in_two_sides() -> None:
    assert sum(WEIGHTS.values()) == 100
    assert set(EMPLOYER_SIDE) | set(GRADUATE_SIDE) == set(WEIGHTS)
    assert not set(EMPLOYER_SIDE) & set(GRADUATE_SIDE)


def test_no_protected_attribute_can_reach_a_score() -> None:
    protected = {"age", "birth", "sex", "gender", "race", "ethnicity", "religion", "disability"}
    names = {f.name for cls in (GraduateRecord, PositionRecord) for f in dataclasses.fields(cls)}
    assert not {n for n in names if any(word in n for word in protected)}
    assert not {w for w in WEIGHTS if any(word in w for word in protected)}


@settings(deadline=None)  # the first example loads the ZIP table (~0.7 s when run alone)
@given(st.data())
def test_score_is_the_sum_of_the_reasons(data: st.DataObject) -> None:
    g = data.draw(graduates(1))
    p = data.draw(positions(1))
    result = score(g, p, today=TODAY)
    tenths = [round(r.points * 10) for r in result.reasons]
    assert all(r.points * 10 == t for r, t in zip(result.reasons, tenths, strict=True))
    assert round(result.score * 10) == sum(tenths)
    sides = round(result.graduate_side * 10) + round(result.employer_side * 10)
    assert sides == sum(tenths)
    assert 0 <= result.score <= 100
    assert result.eligible == (not result.failures)
    assert {r.factor for r in result.failures} <= HARD_FACTORS
    assert [r.factor for r in result.reasons if r.factor not in HARD_FACTORS] == list(WEIGHTS)


def test_credential_satisfies() -> None:
    satisfies = taxonomy.credential_satisfies
    assert satisfies("state_license", "camtc", None, "CA")
    assert satisfies("state_license", "camtc", "CA", "ca")
    assert not satisfies("state_license", "camtc", "CA", "NV")
    assert satisfies("state_license", "state_license", "nv", "NV")
    assert not satisfies("state_license", "state_license", None, "NV")
    assert not satisfies("state_license", "state_license", "NV", None)
    assert satisfies("camtc", "camtc", None, "NV")
    assert satisfies("bls_cpr", "bls_cpr", "TX", "CA")
    assert not satisfies("camtc", "state_license", "CA", "CA")


@pytest.mark.parametrize(
    ("vocabulary", "text", "code"),
    [
        (taxonomy.MODALITIES, "MLD", "manual_lymphatic_drainage"),
        (taxonomy.MODALITIES, "nmt", "neuromuscular"),
        (taxonomy.MODALITIES, "Trigger  point therapy", "trigger_point"),
        (taxonomy.CREDENTIALS, "BLS", "bls_cpr"),
        (taxonomy.CREDENTIALS, "CMT", "camtc"),
        (taxonomy.CREDENTIALS, "hipaa_training", "hipaa_training"),
        (taxonomy.SETTINGS, "SNF", "nursing_home"),
        (taxonomy.EMPLOYMENT_TYPES, "PRN", "per_diem"),
        (taxonomy.MODALITIES, "reiki", None),
        (taxonomy.MODALITIES, "  ", None),
    ],
)
def test_lookup_code(vocabulary: dict[str, taxonomy.Term], text: str, code: str | None) -> None:
    assert taxonomy.lookup_code(vocabulary, text) == code


def test_the_check_date() -> None:
    assert scoring.check_date(position(start_date=None), TODAY) == TODAY
    assert scoring.check_date(position(start_date=date(2020, 1, 1)), TODAY) == TODAY
    assert scoring.check_date(position(), TODAY) == START


class TestVerifiedOnly:
    """A required credential the position marks "verified only" counts once verified."""

    POSITION = position(verified_credentials=frozenset({"bls_cpr"}))

    def _with_bls(self, *holdings: CredentialRecord):
        return graduate(
            credentials=(CredentialRecord("camtc", "CA", date(2028, 1, 1), False), *holdings)
        )

    def test_a_verified_card_counts(self):
        held = self._with_bls(CredentialRecord("bls_cpr", None, date(2027, 1, 10), True))
        assert score(held, self.POSITION, today=TODAY).eligible

    def test_an_unverified_card_is_held_but_not_verified(self):
        held = self._with_bls(CredentialRecord("bls_cpr", None, date(2027, 1, 10), False))
        result = score(held, self.POSITION, today=TODAY)
        assert not result.eligible
        assert [r.detail for r in result.failures] == [
            "BLS/CPR held but not yet verified by career services"
        ]
        # the same card counts where the position does not ask for it verified
        assert score(held, position(), today=TODAY).eligible

    def test_a_verified_card_that_expires_first_does_not_hide_the_reason(self):
        held = self._with_bls(
            CredentialRecord("bls_cpr", None, date(2026, 4, 1), True),
            CredentialRecord("bls_cpr", None, date(2028, 4, 1), False),
        )
        details = [r.detail for r in score(held, self.POSITION, today=TODAY).failures]
        assert details == ["BLS/CPR held but not yet verified by career services"]

    def test_no_card_at_all_reads_as_before(self):
        details = [r.detail for r in score(self._with_bls(), self.POSITION, today=TODAY).failures]
        assert details == ["No BLS/CPR on file"]

    def test_an_expired_verified_card_reads_as_expired(self):
        held = self._with_bls(CredentialRecord("bls_cpr", None, date(2026, 2, 1), True))
        details = [r.detail for r in score(held, self.POSITION, today=TODAY).failures]
        assert details == ["BLS/CPR expired on 2026-02-01"]

    def test_a_code_that_is_not_required_means_nothing(self):
        only_preferred = position(verified_credentials=frozenset({"ncbtmb_board_certified"}))
        held = self._with_bls(CredentialRecord("bls_cpr", None, date(2027, 1, 10), False))
        assert score(held, only_preferred, today=TODAY).eligible
