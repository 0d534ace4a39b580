"""Accreditor profiles, reporting periods and roster-only counting, against hand counts."""

from __future__ import annotations

from datetime import date

import pytest

from placement.cli import main
from placement.models import Graduate, Placement
from placement.services import accreditors, reports
from placement.services.reports import Person
from tests import factories


def _person(n: int, column: str, reason: str | None = None, seeking: str = "seeking") -> Person:
    return Person(
        graduate_id=n,
        cohort=2024,
        name=f"G{n}",
        student_id=f"S{n}",
        outcome_status="unavailable" if column == "unavailable" else "seeking",
        unavailable_reason=reason,
        column=column,
        seeking=seeking,
    )


@pytest.fixture
def people() -> list[Person]:
    """Fourteen graduates of 2024: 1-3 in field, 4 related, 5 out of field, 6-7 seeking,
    8 not placed and not seeking, 9 unknown; unavailable 10 military, 11 health,
    12 continuing_education, 13 relocated_abroad, 14 not_authorized_to_work."""
    return [
        _person(1, "placed_in_field"),
        _person(2, "placed_in_field"),
        _person(3, "placed_in_field"),
        _person(4, "placed_related_field"),
        _person(5, "placed_out_of_field"),
        _person(6, "not_placed"),
        _person(7, "not_placed"),
        _person(8, "not_placed", seeking="not_seeking"),
        _person(9, "unknown"),
        _person(10, "unavailable", "military"),
        _person(11, "unavailable", "health"),
        _person(12, "unavailable", "continuing_education"),
        _person(13, "unavailable", "relocated_abroad"),
        _person(14, "unavailable", "not_authorized_to_work"),
    ]


class TestProfiles:
    @pytest.mark.parametrize("name", ["abhes", "comta"])
    def test_abhes_and_comta_exclude_only_their_reasons(self, people, name):
        result = getattr(accreditors, name)(people)
        (row,) = result.rows
        # Unavailable: 10, 11, 12. Relocated abroad (13) and not authorised (14): available,
        # not placed, listed to fix. Available 11; (F + R) = 4 -> 4 / 11.
        assert (row.graduates, row.unavailable, row.available) == (14, 3, 11)
        assert (row.placed_in_field, row.placed_related_field, row.placed_out_of_field) == (3, 1, 1)
        assert (row.not_placed, row.unknown) == (5, 1)  # 6, 7, 8, 13, 14; 9
        assert row.placement_rate == round(4 / 11, 4)
        assert {p.graduate_id for p in result.disallowed} == {13, 14}
        assert all(p.column == "not_placed" for p in result.disallowed)

    def test_accsc_also_excludes_not_authorised_to_work(self, people):
        result = accreditors.accsc(people)
        (row,) = result.rows
        assert (row.unavailable, row.available, row.not_placed) == (4, 10, 4)
        assert row.placement_rate == 0.4  # 4 / 10
        assert [p.graduate_id for p in result.disallowed] == [13]

    def test_nace_rates(self, people):
        result = accreditors.nace(people)
        (row,) = result.rows
        # employed 1-5; military 10; continuing_education 12; not seeking 8, 11, 13, 14;
        # seeking 6, 7; unknown 9; known 13.
        record = row.as_record()
        assert list(record) == list(accreditors.NACE_COLUMNS)
        assert [record[name] for name in accreditors.NACE_COLUMNS[1:9]] == [
            14,
            13,
            5,
            1,
            1,
            4,
            2,
            1,
        ]
        assert row.knowledge_rate == round(13 / 14, 4)
        assert row.career_outcomes_rate == round(7 / 9, 4)  # (5 + 1 + 1) / (13 - 4)
        assert result.disallowed == []
        text = accreditors.render(result, "csv")
        assert text.splitlines()[0] == ",".join(accreditors.NACE_COLUMNS)
        assert text.splitlines()[1] == "2024,14,13,5,1,1,4,2,1,0.9286,0.7778"

    def test_every_profile_has_a_method(self):
        assert set(accreditors.PROFILES) == {"abhes", "accsc", "comta", "nace"}
        assert all(profile.method for profile in accreditors.PROFILES.values())


class TestPeriod:
    @pytest.mark.parametrize(
        ("graduated", "period"),
        [(date(2024, 7, 1), 2025), (date(2025, 6, 30), 2025), (date(2024, 6, 30), 2024)],
    )
    def test_july_to_june(self, graduated, period):
        assert reports.period_of(graduated) == period

    def test_period_groups_by_graduation_date(self, db):
        for n, graduated in enumerate([date(2024, 6, 30), date(2024, 7, 1), date(2025, 6, 30)]):
            factories.graduate(
                db,
                first_name=f"P{n}",
                cohort=graduated.year,
                graduation_date=graduated,
                with_account=False,
            )
        result = accreditors.outcomes(db, "abhes", period=2025)
        assert [(row.cohort, row.graduates) for row in result.rows] == [(2025, 2)]
        assert accreditors.render(result, "csv", period=True).startswith("period,graduates,")
        every = accreditors.outcomes(db, "abhes")
        assert [row.cohort for row in every.rows] == [2024, 2025]
        with pytest.raises(ValueError):
            accreditors.outcomes(db, "abhes", cohort=2025, period=2025)


class TestRosterOnly:
    def test_a_self_registered_never_verified_account_counts_nowhere(self, db):
        factories.graduate(db, first_name="R", cohort=2023, with_account=False)
        stranger = Graduate(first_name="Self", last_name="Registered", cohort=2023, email="")
        db.add(stranger)
        db.commit()
        db.add(
            Placement(
                graduate_id=stranger.id,
                employer_name="X",
                job_title="Therapist",
                field="in_field",
                start_date=date(2023, 9, 1),
            )
        )
        db.commit()
        (row,) = reports.outcome_rows(db, 2023)
        assert (row.graduates, row.placed_in_field) == (1, 0)
        stranger.student_id = "CONFIRMED1"  # staff confirm the claim: now a roster record
        db.add(stranger)
        db.commit()
        (row,) = reports.outcome_rows(db, 2023)
        assert (row.graduates, row.placed_in_field) == (2, 1)


class TestPageAndCommand:
    @pytest.fixture
    def cohort(self, db):
        factories.graduate(
            db, first_name="A", cohort=2024, graduation_date=date(2024, 8, 1), with_account=False
        )
        factories.graduate(
            db,
            first_name="B",
            cohort=2024,
            graduation_date=date(2024, 8, 1),
            outcome_status="unavailable",
            unavailable_reason="relocated_abroad",
            with_account=False,
        )

    @pytest.mark.parametrize(
        "args",
        [
            ["--accreditor", "nace"],
            ["--accreditor", "abhes", "--period", "2025"],
            ["--accreditor", "accsc", "--cohort", "2024"],
        ],
    )
    def test_the_command_prints_the_pages_csv(
        self, as_staff, cohort, settings, monkeypatch, capsys, args
    ):
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
        monkeypatch.setenv("PLACEMENT_ENV", "test")
        assert main(["report", "outcomes", *args, "--format", "csv"]) == 0
        printed = capsys.readouterr().out
        query = {args[i].lstrip("-"): args[i + 1] for i in range(0, len(args), 2)}
        page = as_staff.get("/staff/reports/outcomes", params={**query, "format": "csv"})
        assert page.status_code == 200
        assert page.text == printed

    def test_the_page_names_the_profile_and_lists_records_to_fix(self, as_staff, cohort):
        page = as_staff.get("/staff/reports/outcomes?accreditor=abhes")
        assert 'data-profile="abhes"' in page.text and "(F + R)" in page.text
        assert 'id="disallowed"' in page.text and "Relocated abroad" in page.text
        nace = as_staff.get("/staff/reports/outcomes?accreditor=nace")
        assert "career outcomes rate" in nace.text and 'id="disallowed"' not in nace.text

    def test_the_default_is_the_setting(self, as_staff, cohort):
        assert 'data-profile="abhes"' in as_staff.get("/staff/reports/outcomes").text

    def test_cohort_and_period_together_is_400(self, as_staff, cohort):
        page = as_staff.get("/staff/reports/outcomes?cohort=2024&period=2025")
        assert page.status_code == 400

    def test_an_unknown_accreditor_is_explained(self, as_staff, cohort):
        assert as_staff.get("/staff/reports/outcomes?accreditor=xyz").status_code == 422
