"""`fragment()`: a pure macro's output remembered per arguments and language, and the pages
that use it (a visitor's header and footer, the search form, the result cards)."""

from __future__ import annotations

import pytest

from placement import i18n
from placement.web import templating
from placement.web.templating import fragment, fragments

CHROME = "_partials/site_chrome.html"
FORM = "_partials/search_form.html"


@pytest.fixture
def calls(monkeypatch):
    """How many times each macro really ran."""
    counted: list[str] = []
    real_get_template = templating.templates.env.get_template

    class Counting:
        def __init__(self, module):
            self.module = module

        def __getattr__(self, name):
            macro = getattr(self.module, name)

            def run(*args):
                counted.append(name)
                return macro(*args)

            return run

    class Template:
        def __init__(self, template):
            self.module = Counting(template.module)

    monkeypatch.setattr(templating, "_fragments", {})
    monkeypatch.setattr(
        templating.templates.env, "get_template", lambda name: Template(real_get_template(name))
    )
    return counted


def test_the_same_arguments_render_once(calls):
    first = fragment(CHROME, "site_footer", "/positions?page=2")
    again = fragment(CHROME, "site_footer", "/positions?page=2")
    assert again is first
    assert calls == ["site_footer"]
    assert "next=%2Fpositions%3Fpage%3D2" in first


def test_other_arguments_and_another_language_render_again(calls):
    english = fragment(CHROME, "site_header", None, "")
    assert "Sign in" in english
    with i18n.using("es"):
        spanish = fragment(CHROME, "site_header", None, "")
    assert "Iniciar sesión" in spanish
    assert "Sign in" not in spanish
    fragment(CHROME, "site_footer", "/")
    assert calls == ["site_header", "site_header", "site_footer"]


def test_dict_arguments_are_keyed_by_their_content(calls):
    values = {"q": "oncology", "zip": ""}
    first = fragment(FORM, "search_form", values, {})
    assert 'value="oncology"' in first
    assert fragment(FORM, "search_form", dict(values), {}) is first
    changed = fragment(FORM, "search_form", {**values, "q": "<script>"}, {})
    assert "&lt;script&gt;" in changed
    assert "<script>" not in changed
    with_error = fragment(FORM, "search_form", values, {"zip": "Enter a 5-digit US ZIP code."})
    assert "Enter a 5-digit US ZIP code." in with_error
    assert calls == ["search_form"] * 3


def test_the_store_is_bounded_oldest_first(calls, monkeypatch):
    monkeypatch.setattr(templating, "MAX_FRAGMENTS", 3)
    for index in range(5):
        fragment(CHROME, "site_footer", f"/p{index}")
    assert len(templating._fragments) == 3
    fragment(CHROME, "site_footer", "/p4")  # still there
    fragment(CHROME, "site_footer", "/p0")  # gone, rendered again
    assert calls.count("site_footer") == 6


def test_fragments_joins_one_per_item(calls):
    html = fragments(CHROME, "site_footer", ["/a", "/b", "/a"])
    assert html.count('class="site-footer"') == 3
    assert calls == ["site_footer", "site_footer"]


class TestPages:
    def test_a_visitor_and_a_graduate_get_their_own_header(self, client, as_graduate):
        visitor = client.get("/positions").text
        graduate = as_graduate.get("/positions").text
        assert "Sign in" in visitor and "Sign out" not in visitor
        assert "Sign out" in graduate and "Sign in" not in graduate
        assert 'name="csrf_token"' in graduate  # the sign-out form keeps its token
        assert "Sign in" in client.get("/positions").text

    def test_the_language_switch_comes_back_to_each_page(self, client):
        for path, back in (("/positions?q=hospice", "q%3Dhospice"), ("/", "next=%2F")):
            page = client.get(path, headers={"Cache-Control": "no-cache"}).text
            assert back in page, path

    def test_the_form_shows_the_values_of_each_search(self, client):
        page = client.get("/positions?q=hospice", headers={"Cache-Control": "no-cache"}).text
        assert 'name="q" type="search" value="hospice"' in page
        page = client.get("/positions?q=oncology", headers={"Cache-Control": "no-cache"}).text
        assert 'name="q" type="search" value="oncology"' in page
        assert 'name="q" type="search" value="hospice"' not in page
