"""Several web workers on one PostgreSQL database: real `placement serve` processes.

Server A runs `placement serve --workers 2` (two uvicorn worker processes), server B a
single worker, both on one database; each process keeps its own matching index. A change
made through A (a graduate's profile, an employer's position) shows in B's next ranking and
search (the change-log replay), and a worker started afterwards (C, a fresh index) answers
every ranking exactly like the long-running ones.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from placement import dates, migrate
from placement.db import make_engine
from placement.services import api_tokens
from tests import factories
from tests.conftest import (
    CSRF_PATTERN,
    create_postgres_database,
    drop_postgres_database,
    requires_postgres,
)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = requires_postgres


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(env: dict[str, str], *args: str) -> Iterator[httpx.Client]:
    """`placement serve` on a free loopback port; a client for it; stopped afterwards.

    Its log goes to a file (a pipe nobody reads would fill up and stall the server)."""
    port = _free_port()
    log = Path(env["MAIL_DIR"]).parent / f"serve-{port}.log"
    log_file = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "placement.cli", "serve", "--port", str(port), *args],
        env=env,
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                raise AssertionError(log.read_text()[-2000:])
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer within 300 s: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield client
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()


def _login(client: httpx.Client, email: str) -> None:
    token = CSRF_PATTERN.search(client.get("/password/forgot").text)
    assert token
    response = client.post(
        "/login",
        data={"csrf_token": token.group(1), "email": email, "password": factories.PASSWORD},
    )
    assert response.status_code == 303, response.text[:500]


def _submit(client: httpx.Client, url: str, data: dict[str, Any]) -> httpx.Response:
    token = CSRF_PATTERN.search(client.get("/password/forgot").text)
    assert token
    return client.post(url, data={"csrf_token": token.group(1), **data})


def _rankings(client: httpx.Client, bearer: str, graduates: list[int], positions: list[int]):
    headers = {"Authorization": f"Bearer {bearer}"}
    out: dict[str, Any] = {}
    for position_id in positions:
        response = client.get(f"/api/v1/positions/{position_id}/matches?limit=500", headers=headers)
        assert response.status_code == 200, response.text[:300]
        out[f"p{position_id}"] = response.json()
    for graduate_id in graduates:
        response = client.get(f"/api/v1/graduates/{graduate_id}/matches?limit=500", headers=headers)
        assert response.status_code == 200, response.text[:300]
        out[f"g{graduate_id}"] = response.json()
    return out


def _row(ranking: list[dict[str, Any]], key: str, value: int) -> dict[str, Any]:
    return next(row for row in ranking if row[key] == value)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    url = create_postgres_database("placement_workers")
    try:
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
    finally:
        drop_postgres_database(url)


def test_changes_through_one_worker_reach_the_others_and_a_fresh_index_agrees(
    database: str, tmp_path: Path
) -> None:
    engine = make_engine(database)
    with Session(engine, expire_on_commit=False) as db:
        staff = factories.user(db, role="staff")
        _, bearer = api_tokens.create_token(db, staff, "two workers")
        db.commit()
        employer = factories.employer(db)
        positions = [
            factories.position(db, employer.employer.id, title=f"Massage therapist {i}")
            for i in range(3)
        ]
        people = [
            factories.graduate(db, first_name=f"Grad{i}", clinical_hours=40 * i, visibility="staff")
            for i in range(5)
        ]
        moving = people[0]
    engine.dispose()
    graduate_ids = [p.graduate.id for p in people]
    position_ids = [p.id for p in positions]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database,
        "SECRET_KEY": "workers-test-secret-" + "x" * 32,
        "PLACEMENT_ENV": "development",
        "MAIL_DIR": str(tmp_path / "mail"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    with _server(env, "--workers", "2") as a, _server(env) as b:
        # both build their indexes
        first = _rankings(b, bearer, graduate_ids, position_ids)
        assert _rankings(a, bearer, graduate_ids, position_ids) == first
        assert _row(first[f"p{position_ids[0]}"], "graduate_id", moving.graduate.id)["eligible"]

        # a graduate narrows their travel radius through A ...
        _login(a, moving.user.email)
        profile = a.get("/me/profile").text
        version = re.search(r'name="version" value="(\d+)"', profile)
        assert version
        form = {
            "first_name": "Grad0",
            "last_name": "Hopper",
            "program": "Medical Massage Therapy (750 hours)",
            "graduation_date": "2025-06-15",
            "training_hours": "750",
            "clinical_hours": "0",
            "zip": "90001",
            "travel_radius_miles": "1",
            "settings": ["hospital", "hospice"],
            "employment_types": ["full_time", "part_time"],
            "availability": ["mon-am", "tue-am"],
            "pay_expectation": "30",
            "bio": "",
            "visibility": "staff",
            "seeking": "seeking",
            "version": version.group(1),
        }
        saved = _submit(a, "/me/profile", form)
        assert saved.status_code == 303, re.findall(
            r'class="field-error"[^>]*>([^<]*)<', saved.text
        )
        # ... and an employer lowers a position's pay and renames it, through A too
        employer_client = httpx.Client(base_url=str(a.base_url), timeout=30)
        _login(employer_client, employer.user.email)
        start = (dates.today() + timedelta(days=60)).isoformat()
        edit = {
            "title": "Oncology massage therapist II",
            "description": "Inpatient massage on the oncology and orthopaedic floors.",
            "setting": "hospital",
            "employment_type": "full_time",
            "pay_min": "20",
            "pay_max": "24",
            "zip": "90012",
            "start_date": start,
            "openings": "1",
            "min_training_hours": "500",
            "closes_on": (dates.today() + timedelta(days=30)).isoformat(),
            "shifts": ["mon-am", "tue-am"],
            "action": "submit",
            "version": "1",
        }
        response = _submit(employer_client, f"/employer/positions/{position_ids[1]}/edit", edit)
        employer_client.close()
        assert response.status_code == 303, response.text[:500]
        # a new title and pay send an open position back to review; staff approve it, via A
        assert response.headers["location"].endswith("done=review")
        staff_client = httpx.Client(base_url=str(a.base_url), timeout=30)
        _login(staff_client, staff.email)
        approved = _submit(staff_client, f"/staff/positions/{position_ids[1]}/approve", {})
        staff_client.close()
        assert approved.status_code == 303, approved.text[:500]

        # B's next ranking and search show both changes
        later = _rankings(b, bearer, graduate_ids, position_ids)
        row = _row(later[f"p{position_ids[0]}"], "graduate_id", moving.graduate.id)
        assert not row["eligible"]
        assert any("1-mile radius" in reason["detail"] for reason in row["reasons"])
        paid = _row(later[f"g{graduate_ids[1]}"], "position_id", position_ids[1])
        assert any(
            r["factor"] == "pay" and "below the expected" in r["detail"] for r in paid["reasons"]
        )
        assert "Oncology massage therapist II" in b.get("/positions?q=oncology").text
        # A's two workers agree with B (whichever worker answers)
        for _ in range(3):
            assert _rankings(a, bearer, graduate_ids, position_ids) == later

        # a worker started now builds its index from scratch: the same answers
        with _server(env) as c:
            assert _rankings(c, bearer, graduate_ids, position_ids) == later
