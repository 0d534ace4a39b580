"""Every page of every role's walk on the demo data, on a 390-pixel phone screen: nothing is
wider than the screen, and axe-core finds no violation of any impact (issue 19). And the
pages people print (the outcomes report, a graduate's staff file, an offer) print without
navigation, forms or buttons.

One browser tab walks them all (tests/browser/walk.py follows each page's links; pages that
differ only in ids are visited once), and both checks run on each page it loads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from placement.config import Settings
from placement.db import make_engine, unit_of_work
from placement.models import Graduate, Offer
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


# Forms sent empty (the browser's own checks switched off): the pages with an error summary
# and messages at the fields, which no link reaches.
FORMS = {
    "anonymous": ("/register/graduate", "/register/employer", "/password/forgot"),
    "graduate": ("/me/profile", "/me/credentials", "/account/password"),
    "employer": ("/employer/positions/new",),
}
EMPTY_THE_FORM = """() => {
  document.querySelectorAll('form').forEach(form => form.noValidate = true);
  document.querySelectorAll('main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
    + ' main textarea').forEach(field => field.value = '');
}"""


def _form_errors(page: Any, base_url: str, language: str | None = None) -> list[walk.Visit]:
    visits = []
    for role, paths in FORMS.items():
        page.context.clear_cookies()
        if role in walk.LOGINS:
            walk.sign_in(page, base_url, walk.LOGINS[role])
        if language is not None:
            page.goto(f"{base_url}/language/{language}")
        for path in paths:
            page.goto(base_url + path)
            page.evaluate(EMPTY_THE_FORM)
            page.locator("main form:not(.inline-form) button[type=submit]").last.click()
            page.wait_for_load_state()
            visit = walk.Visit(role, page.url + " (sent empty)", 200, 0)
            walk.both(page, visit)
            assert page.locator(".field-error, .error-summary").count(), path
            visits.append(visit)
    return visits


def _spoken_in(language: str) -> Any:
    """The page checks, and that the page says it is in `language` (`<html lang>`)."""

    def check(page: Any, visit: walk.Visit) -> None:
        walk.both(page, visit)
        spoken = page.evaluate("() => document.documentElement.lang")
        if spoken != language:
            visit.violations.append(
                {"impact": "-", "id": "html-lang", "help": f"lang is {spoken!r}", "nodes": []}
            )

    return check


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_fits_a_phone_and_axe_finds_nothing_on_every_page(demo_server, phone, language):
    """In each language (Spanish runs longer: the same pages must still fit)."""
    visits: list[walk.Visit] = []
    staff_pages: set[str] = set()
    check = _spoken_in(language)
    for role in walk.STARTS:
        # The admin walks the staff pages too: only the pages staff do not see are new.
        seen = set(staff_pages) if role == "admin" else None
        if role == "staff":
            seen = staff_pages
        visits += walk.walk_role(
            phone, demo_server.url, role, check=check, seen=seen, language=language
        )

    visits += _form_errors(phone, demo_server.url, language)

    roles = {visit.role for visit in visits}
    assert roles == set(walk.STARTS), roles
    assert len(visits) >= 60, [visit.path for visit in visits]
    report = [
        f"{visit.role} {visit.path} {problem}" for visit in visits for problem in _problems(visit)
    ]
    assert not report, "\n".join(report)


# Elements that are on the screen in print media (display none hides them and their children).
SHOWN = """sel => Array.from(document.querySelectorAll(sel))
  .filter(el => el.getClientRects().length > 0).map(el => el.outerHTML.slice(0, 120))"""


def _printed(page: Any, url: str) -> dict[str, Any]:
    page.goto(url)
    return {
        "controls": page.evaluate(SHOWN, "nav, form, button, input, select, textarea"),
        "headings": page.evaluate(SHOWN, "h1"),
        "tables": page.evaluate(SHOWN, "table"),
        "wide": page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"),
    }


def test_it_prints_the_report_a_staff_file_and_an_offer_without_navigation(
    demo_server, settings, browser
):
    engine = make_engine(settings.database_url)
    with unit_of_work(engine, write=False) as db:
        graduate_id = db.execute(
            select(Graduate.id).where(Graduate.verified_at.is_not(None)).order_by(Graduate.id)
        ).scalar()
        application_id = db.execute(select(Offer.application_id)).scalar()
    engine.dispose()
    assert graduate_id and application_id

    # A4's printable width at 96 dpi, less the margins: about 680 px.
    context = browser.new_context(viewport={"width": 680, "height": 960})
    context.set_default_timeout(15_000)
    page = context.new_page()
    url = demo_server.url
    walk.sign_in(page, url, walk.LOGINS["staff"])
    page.emulate_media(media="print")
    report = _printed(page, url + "/staff/reports/outcomes")
    staff_file = _printed(page, f"{url}/staff/graduates/{graduate_id}")
    page.emulate_media(media="screen")  # the sign-in form is not printed either
    context.clear_cookies()
    walk.sign_in(page, url, walk.LOGINS["employer"])
    page.emulate_media(media="print")
    offer = _printed(page, f"{url}/employer/applications/{application_id}")
    assert page.get_by_role("heading", name="Offer").is_visible()
    page.emulate_media(media="screen")
    assert page.get_by_role("navigation", name="Main").is_visible()
    context.close()

    for name, printed in (("report", report), ("staff file", staff_file), ("offer", offer)):
        assert printed["controls"] == [], (name, printed["controls"])
        assert len(printed["headings"]) == 1, name
        assert not printed["wide"], name
    assert report["tables"] and staff_file["tables"]
