"""The demo shows a newcomer what the staff queue is for: a held change of an approved
organisation, and a registration whose e-mail nobody confirmed (issue 10)."""

from __future__ import annotations

from sqlmodel import Session

from placement import cli
from placement.db import make_engine
from placement.models import Employer
from placement.services import employers, fraud, staff_search


def test_the_demo_has_a_held_change_and_an_unconfirmed_registration(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("PLACEMENT_ENV", "test")
    monkeypatch.setenv("DATABASE_URL", url)
    assert (
        cli.main(["seed", "--graduates", "20", "--positions", "6", "--employers", "8", "--quiet"])
        == 0
    )
    engine = make_engine(url)
    with Session(engine) as db:
        (row,) = staff_search.employers_by_status(db, staff_search.CHANGES, 1).rows
        held = row["Employer"]
        assert held.status == "approved"
        assert employers.held_changes(held)["name"] == "Pacific Coast Relax Spa 24/7"
        proposed = fraud.employer_signals(db, [employers.with_held_changes(held)])[held.id or 0]
        assert "wording_round_the_clock" in {signal.code for signal in proposed}

        pending = [r["Employer"] for r in staff_search.employers_by_status(db, "pending", 1).rows]
        signals = fraud.employer_signals(db, pending)
        codes = [{signal.code for signal in signals[e.id or 0]} for e in pending]
        assert any("email_unconfirmed" in found for found in codes)
        assert any("email_confirmed" in found for found in codes)
        assert isinstance(held, Employer)
    engine.dispose()
