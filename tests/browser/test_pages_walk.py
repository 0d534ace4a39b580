"""Every page of every role's walk on the demo data, on a 390-pixel phone screen: nothing is
wider than the screen, and axe-core finds no violation of any impact (issue 19).

One browser tab walks them all (tests/browser/walk.py follows each page's links; pages that
differ only in ids are visited once), and both checks run on each page it loads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from placement.config import Settings
from placement.db import make_engine
from placement.seed import seed_demo
from tests.browser import walk
from tests.browser.conftest import LiveServer

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_server(settings: Settings) -> Iterator[LiveServer]:
    engine = make_engine(settings.database_url)
    seed_demo(engine, settings, progress=False)
    engine.dispose()
    with LiveServer(settings) as server:
        yield server


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = walk.with_axe(browser.new_context(viewport=PHONE))
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _problems(visit: walk.Visit) -> list[str]:
    problems = []
    # 404s are walked on purpose (an unknown page, a used one-time link): they must fit too.
    if visit.status >= 500 or visit.status == 0:
        problems.append(f"answered {visit.status}")
    if visit.scroll_width > visit.inner_width:
        problems.append(f"is {visit.scroll_width} px wide on a {visit.inner_width} px screen")
    for violation in visit.violations:
        problems.append(
            f"axe {violation['impact']} {violation['id']}: {violation['help']} {violation['nodes']}"
        )
    return problems


def test_it_fits_a_phone_and_axe_finds_nothing_on_every_page(demo_server, phone):
    visits: list[walk.Visit] = []
    staff_pages: set[str] = set()
    for role in walk.STARTS:
        # The admin walks the staff pages too: only the pages staff do not see are new.
        seen = set(staff_pages) if role == "admin" else None
        if role == "staff":
            seen = staff_pages
        visits += walk.walk_role(phone, demo_server.url, role, check=walk.both, seen=seen)

    roles = {visit.role for visit in visits}
    assert roles == set(walk.STARTS), roles
    assert len(visits) >= 60, [visit.path for visit in visits]
    report = [
        f"{visit.role} {visit.path} {problem}" for visit in visits for problem in _problems(visit)
    ]
    assert not report, "\n".join(report)
