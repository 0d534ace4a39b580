"""Every internal link is built from a route's name (`url_for`, `web.http.url`), never written
as a literal path: templates, views and services are read for literal paths, and every page of
every role is rendered and each of its links must lead to a route."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from placement.web.templating import TEMPLATES_DIR, templates
from tests.web.test_no_500 import world  # noqa: F401  (a fixture)
from tests.web.test_routes import ROUTE_TABLE, _route_for

ROOT = Path(__file__).resolve().parents[2]
ATTRIBUTE = re.compile(r"""\b(?:href|action|src|formaction)\s*=\s*["']/""")
QUOTED = re.compile(r"""(["'])(/[A-Za-z][^"'\s{}]*)\1""")


def _is_route(path: str) -> bool:
    bare = urlsplit(path).path
    return any(_route_for(bare, method) is not None for method in ("GET", "POST"))


def _template_files() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


def test_every_template_compiles():
    for file in _template_files():
        templates.env.get_template(str(file.relative_to(TEMPLATES_DIR)))


@pytest.mark.parametrize("file", _template_files(), ids=lambda file: file.name)
def test_no_template_writes_an_internal_path(file):
    source = file.read_text()
    assert not ATTRIBUTE.search(source), f"{file}: a literal path in an attribute"
    literal = [path for _quote, path in QUOTED.findall(source) if _is_route(path)]
    assert not literal, f"{file}: literal paths {literal}"


def _python_files() -> list[Path]:
    return sorted((ROOT / "placement" / "web").rglob("*.py")) + sorted(
        (ROOT / "placement" / "services").rglob("*.py")
    )


def _route_definitions(tree: ast.AST) -> set[int]:
    """The ids of the path arguments of Route(...) and Mount(...): those are the routes."""
    found: set[int] = set()
    for node in ast.walk(tree):
        is_route = isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Route", "Mount")
        if is_route and node.args:
            found.add(id(node.args[0]))
    return found


def _as_path(node: ast.AST) -> str | None:
    """A string constant, or an f-string with each placeholder read as 1."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "1" for part in node.values
        )
    return None


@pytest.mark.parametrize("file", _python_files(), ids=lambda file: file.name)
def test_no_view_or_service_writes_an_internal_path(file):
    tree = ast.parse(file.read_text())
    routes = _route_definitions(tree)
    literal = []
    for node in ast.walk(tree):
        if id(node) in routes:
            continue
        text = _as_path(node)
        if text and text.startswith("/") and len(text) > 1 and _is_route(text):
            literal.append((node.lineno, text))  # type: ignore[attr-defined]
    assert not literal, f"{file}: literal paths {literal}"


def test_the_checks_can_see_a_literal_path():
    assert _is_route("/staff/graduates/1?x=1") and _is_route("/me/profile")
    assert not _is_route("/static-ish") and not _is_route("/nowhere/at/all")
    assert ATTRIBUTE.search('<a href="/me">') and QUOTED.search("{% set a = '/me/profile' %}")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "action", "src") and value and value.startswith("/"):
                self.links.append(value)


@pytest.mark.parametrize("persona", ["as_graduate", "as_employer", "as_admin", "client"])
def test_every_link_of_every_page_leads_to_a_route(request, world, persona):  # noqa: F811
    client = request.getfixturevalue(persona)
    rendered = 0
    for path, method in ROUTE_TABLE:
        if method != "GET" or path.startswith(("/static", "/api/")):
            continue
        response = client.get(path)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        rendered += 1
        parser = _Links()
        parser.feed(response.text)
        for link in parser.links:
            if link.startswith("/static/"):
                continue
            assert _is_route(link), (persona, path, link)
    assert rendered >= 5
