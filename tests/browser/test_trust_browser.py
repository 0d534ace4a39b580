"""The pages of issue 10 that the link walk meets only by chance (it visits one page per
route, whatever the query): the held-change queue, the employer's page with a held change and
the answer to a dead confirmation link fit a phone and axe-core finds nothing on them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from placement.config import Settings
from placement.db import make_engine
from placement.seed import DEMO_STAFF_EMAIL, seed_demo
from placement.seed.employers import HELD_CHANGE_INDEX, NAMED_EMPLOYERS, _slug
from tests.browser import walk
from tests.browser.conftest import LiveServer

PHONE = {"width": 390, "height": 844}
HELD_EMAIL = f"hiring{HELD_CHANGE_INDEX}@{_slug(NAMED_EMPLOYERS[HELD_CHANGE_INDEX][0])}.example"


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


def _check(page: Any, url: str) -> walk.Visit:
    response = page.goto(url)
    visit = walk.Visit("check", page.url, response.status if response else 0, 0)
    walk.both(page, visit)
    return visit


def test_the_trust_pages_fit_a_phone_and_pass_axe(demo_server, phone):
    base = demo_server.url
    visits = [_check(phone, base + "/account/confirm/not-a-real-token")]
    walk.sign_in(phone, base, DEMO_STAFF_EMAIL)
    visits.append(_check(phone, base + "/staff/employers?status=changes"))
    assert "Pacific Coast Relax Spa 24/7" in phone.content()
    visits.append(_check(phone, base + "/staff/employers?status=pending"))
    assert 'data-signal="email_unconfirmed"' in phone.content()
    phone.context.clear_cookies()
    walk.sign_in(phone, base, HELD_EMAIL)
    visits.append(_check(phone, base + "/employer/organization"))
    assert 'id="held-change"' in phone.content()
    problems = [
        f"{visit.path}: {visit.status} {visit.scroll_width}/{visit.inner_width} "
        f"{[violation['id'] for violation in visit.violations]}"
        for visit in visits
        if visit.status >= 500 or visit.scroll_width > visit.inner_width or visit.violations
    ]
    assert not problems, "\n".join(problems)
