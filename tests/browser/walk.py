"""A walk of every page a role can reach by following links, in one browser tab.

Shared by the phone/accessibility test (tests/browser/test_pages_walk.py) and by the speed
measurement (`python -m tests.browser.walk`, which prints each page's load time on the demo
data). Pages are found by following same-origin links from the role's start pages; paths
that differ only in ids (or a token) are one page, visited once, so the walk stays small.
"""

from __future__ import annotations

import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlsplit

from placement.seed import (
    DEMO_ADMIN_EMAIL,
    DEMO_EMPLOYER_EMAIL,
    DEMO_GRADUATE_EMAIL,
    DEMO_PASSWORD,
    DEMO_STAFF_EMAIL,
)

AXE = next((Path(__file__).parent / "vendor").glob("axe-core-*/axe.min.js"))

# Where each role's walk starts; pages reached only by a form (the sign-in page's errors, the
# one-time links from mail) are named here too.
STARTS: dict[str, tuple[str, ...]] = {
    "anonymous": (
        "/",
        "/positions",
        "/login",
        "/register/graduate",
        "/register/employer",
        "/password/forgot",
        "/survey/not-a-real-token",
        "/verify/placement/not-a-real-token",
        "/no-such-page",
    ),
    "graduate": ("/me",),
    "employer": ("/employer",),
    "staff": ("/staff",),
    "admin": ("/staff", "/admin/users"),
}
LOGINS = {
    "graduate": DEMO_GRADUATE_EMAIL,
    "employer": DEMO_EMPLOYER_EMAIL,
    "staff": DEMO_STAFF_EMAIL,
    "admin": DEMO_ADMIN_EMAIL,
}
# Not pages: files, feeds and the JSON API (downloads would stop a tab's navigation), and
# the language switch (it would change the language of the rest of the walk).
SKIP = re.compile(
    r"^/(static|api|healthz|logout|language)(/|$)|\.(csv|ics|pdf|json|txt)$|/(download|file|resume|document|export|calendar)(/|$|\.)"
)
ID_SEGMENT = re.compile(r"^(\d+|[A-Za-z0-9_-]{20,})$")


def pattern(path: str, query: str) -> str:
    """One page per route: ids and tokens become {id}; query values are ignored except for
    the filter names, and paging (`page=2`) is the same page."""
    parts = ["{id}" if ID_SEGMENT.match(part) else part for part in path.split("/")]
    keys = sorted({key for key, _ in parse_qsl(query, keep_blank_values=True)} - {"page"})
    return "/".join(parts) + ("?" + "&".join(keys) if keys else "")


@dataclass
class Visit:
    role: str
    url: str
    status: int
    millis: float
    scroll_width: int = 0
    inner_width: int = 0
    violations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def path(self) -> str:
        split = urlsplit(self.url)
        return split.path + ("?" + split.query if split.query else "")


def sign_in(page: Any, base_url: str, email: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _links(page: Any, base_url: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]:not([download])", "els => els.map(e => e.href)"
    )
    found = []
    for href in hrefs:
        url, _ = urldefrag(href)
        if url.startswith(base_url + "/") or url == base_url:
            found.append(url)
    return found


def walk_role(
    page: Any,
    base_url: str,
    role: str,
    *,
    check: Callable[[Any, Visit], None] | None = None,
    seen: set[str] | None = None,
    limit: int = 120,
    language: str | None = None,
) -> Iterator[Visit]:
    """Visit every page of this role's walk once; `check` runs on each loaded page. Pages
    whose pattern is in `seen` (another role's walk of the same pages) are not visited.
    With `language`, the walk first chooses it (`/language/{code}`), as a visitor would."""
    page.context.clear_cookies()
    if role in LOGINS:
        sign_in(page, base_url, LOGINS[role])
    if language is not None:
        page.goto(f"{base_url}/language/{language}")
    seen = seen if seen is not None else set()
    queue: deque[str] = deque(base_url + start for start in STARTS[role])
    for start in STARTS[role]:
        seen.add(pattern(*urlsplit(start)[2:4]))
    visited = 0
    while queue and visited < limit:
        url = queue.popleft()
        response = page.goto(url)
        visited += 1
        timing = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return n ? n.loadEventEnd - n.startTime : 0; }"
        )
        visit = Visit(role, page.url, response.status if response else 0, timing)
        if check is not None:
            check(page, visit)
        yield visit
        for link in _links(page, base_url):
            split = urlsplit(link)
            if SKIP.search(split.path):
                continue
            key = pattern(split.path, split.query)
            if key not in seen:
                seen.add(key)
                queue.append(link)


def overflow(page: Any, visit: Visit) -> None:
    visit.scroll_width, visit.inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )


def axe(page: Any, visit: Visit) -> None:
    """Run axe-core on the page and record its violations. The vendored script is added to
    the test's browser context with `with_axe` (never served by the app, and the page's
    Content-Security-Policy stays on)."""
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160))}))"
    )
    visit.violations = results


def with_axe(context: Any) -> Any:
    context.add_init_script(path=str(AXE))
    return context


def both(page: Any, visit: Visit) -> None:
    overflow(page, visit)
    axe(page, visit)


def seed_demo_database(url: str) -> None:
    from placement import migrate
    from placement.config import Settings
    from placement.db import make_engine
    from placement.seed import seed_demo

    settings = Settings(database_url=url, secret_key="x" * 40, environment="test")
    engine = make_engine(url)
    migrate.upgrade(engine)
    seed_demo(engine, settings, progress=False)
    engine.dispose()


def main(argv: Iterable[str]) -> int:
    """Print each page's load time in Chromium (desktop width) on freshly seeded demo data:
    python -m tests.browser.walk [DATABASE_URL]"""
    import tempfile

    from playwright.sync_api import sync_playwright

    from placement import dates
    from placement.config import Settings
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer

    args = list(argv)
    directory = tempfile.mkdtemp(prefix="placement-walk-")
    url = args[0] if args else f"sqlite:///{directory}/demo.db"
    if not args:
        seed_demo_database(url)
    settings = Settings(
        database_url=url,
        secret_key="x" * 40,
        environment="development",
        mail_dir=Path(directory) / "mail",
        upload_dir=Path(directory) / "uploads",
    )
    dates.use_school_zone(settings.zone)
    visits: list[Visit] = []
    with LiveServer(settings) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        for role in STARTS:
            # Each page twice: the first load warms caches (a person's second page is
            # the usual case); the figure is the second load.
            for visit in walk_role(page, server.url, role):
                page.reload()
                visit.millis, server_millis = page.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return [n.loadEventEnd - n.startTime, n.responseStart - n.requestStart]; }"
                )
                visits.append(visit)
                print(
                    f"{visit.millis:7.0f} ms (server {server_millis:4.0f})"
                    f"  {visit.status}  {role:<9} {visit.path}"
                )
        browser.close()
    slow = [visit for visit in visits if visit.millis >= 300]
    times = sorted(visit.millis for visit in visits)
    print(
        f"\n{len(visits)} pages; median {times[len(times) // 2]:.0f} ms, "
        f"slowest {times[-1]:.0f} ms; {len(slow)} at 300 ms or more",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
