"""The outcome report against a hand count of a constructed cohort."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from placement.cli import main
from placement.models import Graduate, Placement, utcnow
from placement.services import reports
from tests import factories

HEADER = (
    "cohort,graduates,unavailable,available,placed_in_field,placed_related_field,"
    "placed_out_of_field,not_placed,unknown,placement_rate,verified_rate"
)


def _placement(db, graduate: Graduate, field: str, *, verified: bool, start: date) -> None:
    db.add(
        Placement(
            graduate_id=graduate.id,
            employer_name="Somewhere",
            job_title="Massage therapist",
            field=field,
            start_date=start,
            verified_at=utcnow() if verified else None,
            verification_method="employer_confirmed" if verified else None,
        )
    )
    db.commit()


@pytest.fixture
def cohort_2023(db):
    """Eleven graduates of 2023 (and one of 2024), counted by hand in the docstring of each."""

    def person(name: str, **fields) -> Graduate:
        return factories.graduate(
            db, first_name=name, last_name="Test", cohort=2023, with_account=False, **fields
        ).graduate

    people = {name: person(name) for name in ("A", "B", "C", "D", "G", "J", "K")}
    people["E"] = person("E", outcome_status="unavailable", unavailable_reason="military")
    people["F"] = person(
        "F", outcome_status="unavailable", unavailable_reason="continuing_education"
    )
    people["H"] = person("H", outcome_status="unknown")
    people["I"] = person("I", outcome_status="placed")  # says placed, nothing documented
    _placement(db, people["A"], "in_field", verified=True, start=date(2023, 9, 1))
    _placement(db, people["B"], "in_field", verified=False, start=date(2023, 9, 1))
    _placement(db, people["C"], "related_field", verified=True, start=date(2023, 9, 1))
    _placement(db, people["D"], "out_of_field", verified=False, start=date(2023, 9, 1))
    # J: an out-of-field job first, then an in-field one: counted once, by the latest.
    _placement(db, people["J"], "out_of_field", verified=False, start=date(2023, 7, 1))
    _placement(db, people["J"], "in_field", verified=True, start=date(2024, 1, 15))
    # K deleted their account: still counted.
    _placement(db, people["K"], "related_field", verified=False, start=date(2023, 10, 1))
    people["K"].deleted_at = utcnow()
    db.add(people["K"])
    db.commit()
    factories.graduate(db, first_name="Z", cohort=2024, with_account=False)
    return people


class TestOutcomeRows:
    def test_the_figures_match_a_hand_count(self, db, cohort_2023):
        (row,) = reports.outcome_rows(db, cohort=2023)

        assert row.graduates == 11
        assert row.unavailable == 2  # E, F
        assert row.available == 9
        assert row.placed_in_field == 3  # A, B, J
        assert row.placed_related_field == 2  # C, K
        assert row.placed_out_of_field == 1  # D
        assert row.not_placed == 1  # G
        assert row.unknown == 2  # H, I
        assert row.placement_rate == 0.5556  # 5 / 9
        assert row.verified_rate == 0.6  # A, C, J of the five
        assert row.unavailable_reasons == {"military": 1, "continuing_education": 1}

    def test_the_columns_add_up(self, db, cohort_2023):
        for row in reports.outcome_rows(db):
            assert row.available == row.graduates - row.unavailable
            assert row.available == (
                row.placed_in_field
                + row.placed_related_field
                + row.placed_out_of_field
                + row.not_placed
                + row.unknown
            )

    def test_one_row_per_cohort(self, db, cohort_2023):
        rows = reports.outcome_rows(db)
        assert [row.cohort for row in rows] == [2023, 2024]
        assert rows[1].graduates == 1 and rows[1].not_placed == 1

    def test_nobody_available_gives_rates_of_zero(self, db):
        factories.graduate(
            db,
            cohort=2022,
            outcome_status="unavailable",
            unavailable_reason="deceased",
            with_account=False,
        )
        (row,) = reports.outcome_rows(db, cohort=2022)
        assert (row.available, row.placement_rate, row.verified_rate) == (0, 0.0, 0.0)

    def test_people_behind_each_figure(self, db, cohort_2023):
        def names(column: str) -> set[str]:
            return {p.name.split()[0] for p in reports.people(db, 2023, column)}

        assert names("placed_in_field") == {"A", "B", "J"}
        assert names("placed_related_field") == {"C", "K"}
        assert names("unavailable") == {"E", "F"}
        assert names("unknown") == {"H", "I"}
        assert names("verified") == {"A", "C", "J"}
        assert len(names("available")) == 9


class TestRenderOutcomes:
    def test_csv_has_the_contract_columns(self, db, cohort_2023):
        text = reports.render_outcomes(reports.outcome_rows(db, 2023), "csv")
        lines = text.splitlines()
        assert lines[0] == HEADER
        assert lines[1] == "2023,11,2,9,3,2,1,1,2,0.5556,0.6000"

    def test_json_and_table_carry_the_same_figures(self, db, cohort_2023):
        rows = reports.outcome_rows(db, 2023)
        (record,) = json.loads(reports.render_outcomes(rows, "json"))
        assert record["placement_rate"] == 0.5556
        assert record["placed_related_field"] == 2
        table = reports.render_outcomes(rows, "table")
        assert "0.5556" in table and "placement_rate" in table

    def test_an_empty_report(self):
        assert reports.render_outcomes([], "csv").strip() == HEADER
        assert "No graduates" in reports.render_outcomes([], "table")

    def test_the_command_line_gives_the_same_figures(
        self, db, cohort_2023, settings, monkeypatch, capsys
    ):
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
        monkeypatch.setenv("PLACEMENT_ENV", "test")
        assert main(["report", "outcomes", "--cohort", "2023", "--format", "csv"]) == 0
        assert capsys.readouterr().out.splitlines()[1] == "2023,11,2,9,3,2,1,1,2,0.5556,0.6000"
        assert main(["report", "outcomes", "--format", "json"]) == 0
        assert [r["cohort"] for r in json.loads(capsys.readouterr().out)] == [2023, 2024]


class TestChart:
    def test_bars_are_proportional_to_the_rate(self):
        rows = [
            reports.OutcomeRow(cohort=2023, available=4, placed_in_field=1),
            reports.OutcomeRow(cohort=2024, available=4, placed_in_field=4),
        ]
        chart = reports.chart(rows)
        low, high = chart["bars"]
        assert high.height == pytest.approx(4 * low.height, abs=0.2)
        assert high.y + high.height == pytest.approx(chart["baseline"])


class TestDemoSeed:
    def test_the_seeded_pipeline_adds_up_in_the_report(self, db, app):
        from placement.models import Referral
        from placement.seed import seed_population

        counts = seed_population(
            app.state.engine,
            app.state.settings,
            graduates=60,
            positions=12,
            employers=4,
            seed=7,
            progress=False,
        )

        assert counts["placements"] > 0 and counts["applications"] > 0
        rows = reports.outcome_rows(db)
        # Only roster graduates count: the seed's self-registered accounts without a
        # confirmed student id count nowhere.
        roster = db.exec(select(Graduate).where(Graduate.student_id.is_not(None))).all()
        assert 0 < len(roster) <= 60
        assert sum(row.graduates for row in rows) == len(roster)
        for row in rows:
            assert row.available == (
                row.placed_in_field
                + row.placed_related_field
                + row.placed_out_of_field
                + row.not_placed
                + row.unknown
            )
        statuses = {referral.status for referral in db.exec(select(Referral)).all()}
        assert "pending" in statuses

    def test_the_same_seed_gives_the_same_pipeline_in_another_process(self, tmp_path):
        import os
        import sqlite3
        import subprocess
        import sys

        def run(name: str) -> list[tuple]:
            path = tmp_path / f"{name}.db"
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "PLACEMENT_ENV": "test"}
            subprocess.run(
                [sys.executable, "-m", "placement.cli", "seed", "--graduates", "40",
                 "--positions", "10", "--employers", "4", "--seed", "3", "--quiet"],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            with sqlite3.connect(path) as connection:
                return [
                    connection.execute(query).fetchall()
                    for query in (
                        "SELECT * FROM application ORDER BY id",
                        "SELECT * FROM referral ORDER BY id",
                        "SELECT * FROM placement ORDER BY id",
                        "SELECT id, outcome_status, unavailable_reason FROM graduate ORDER BY id",
                    )
                ]

        first, second = run("first"), run("second")
        assert first == second
        assert all(first)
