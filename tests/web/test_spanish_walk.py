"""A Spanish speaker can use every graduate and public page without a word of English.

The data is worded in Spanish (names, titles, notes, messages), so any English left on a
page is the application's own. The walk follows every same-site link from the graduate's and
the anonymous visitor's start pages (one visit per page shape, as tests/browser/walk.py does),
with the pages in Spanish, and looks in each page's visible text — and in the attributes a
person reads — for English words that Spanish never uses.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from sqlmodel import select

from placement import dates
from placement.models import Application
from tests import factories
from tests.browser.walk import SKIP, pattern

# Common English words that are not Spanish words (nor parts of the codes and names shown).
ENGLISH = frozenset(
    """
    the and your you with for from this that these those are is was were has have had will
    would can could should to of on at or by be it its we our us not yet been being than
    then there their they them who what when where which while why how about after before
    into over under again only also just more most other some such any each every all both
    save edit delete remove search apply sign submit cancel view back next previous page
    show hide add update send decline accept withdraw upload download open closed none yes
    profile dashboard applications application referrals referral positions position
    interview interviews offer offers message messages notes note hours days weeks expires
    expired required preferred match matches matching status date start pay name email
    password account settings setting help details new here please
    """.split()  # noqa: SIM905 — a word list reads best as words
)
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
# Links and addresses are not words (a mail shown in the app ends with its link).
ADDRESS = re.compile(r"(https?://|/)\S+|\S+@\S+")
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "label"}

ANONYMOUS_STARTS = (
    "/",
    "/positions",
    "/login",
    "/register/graduate",
    "/register/employer",
    "/password/forgot",
    "/no-such-page",
)
GRADUATE_STARTS = ("/me",)
MAX_PAGES = 120


class _Visible(HTMLParser):
    """The text a person reads: text nodes and read attributes, outside script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        for name, value in attrs:
            if value and (
                name in READ_ATTRIBUTES or (name == "value" and values.get("type") == "submit")
            ):
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def english_in(texts: list[str]) -> list[str]:
    return [
        text
        for text in texts
        if any(word.lower() in ENGLISH for word in WORD.findall(ADDRESS.sub(" ", text)))
    ]


def walk(client, starts: tuple[str, ...]) -> dict[str, list[str]]:
    """Every page reachable from `starts` by same-site links: page -> its English texts."""
    seen: set[str] = set()
    queue = deque(starts)
    found: dict[str, list[str]] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        shape = pattern(parts.path, parts.query)
        if shape in seen or SKIP.search(parts.path):
            continue
        seen.add(shape)
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307):
            continue
        assert response.status_code < 500, url
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        parser = _Visible()
        parser.feed(response.text)
        assert '<html lang="es">' in response.text, url
        english = english_in(parser.texts)
        if english:
            found[url] = english
        for href in parser.links:
            target = urldefrag(href)[0]
            local = target.startswith("/") and not target.startswith("//")
            if local and not target.startswith("/language/"):
                queue.append(target)
    return found


@pytest.fixture
def spanish_world(db, make_client):
    """An employer, a graduate and the whole hiring conversation, worded in Spanish."""
    employer = factories.employer(db, name="Clínica Esperanza", email="ana@esperanza.example")
    employer.user.name = "Ana Ruiz"
    db.add(employer.user)
    graduate = factories.graduate(
        db,
        first_name="María",
        last_name="López",
        email="maria@correo.example",
        visibility="employers",
        bio="Terapeuta de masaje médico con experiencia en oncología.",
        program="Terapia de masaje médico (750 horas)",
    )
    graduate.user.language = "es"
    db.add(graduate.user)
    db.commit()
    gid = graduate.graduate.id
    factories.modality(db, gid, "oncology", 3)
    factories.modality(db, gid, "swedish", 2)
    factories.credential(db, gid, "bls_cpr", expires_on=dates.today() + timedelta(days=20))
    factories.credential(db, gid, "camtc", verified=False)
    titles = (
        "Terapeuta de masaje oncológico",
        "Terapeuta de masaje en cuidados paliativos",
        "Terapeuta de rehabilitación",
        "Terapeuta de masaje geriátrico",
    )
    description = "Masaje en las plantas de oncología y ortopedia del hospital."
    positions = [
        factories.position(
            db,
            employer.employer.id,
            title=title,
            description=description,
            required_modalities=("oncology",),
            required_credentials=("bls_cpr",),
        )
        for title in titles
    ]
    applied, interviewing, offered, invited = positions
    factories.referral(db, invited.id, gid, note="Usted encaja muy bien en este equipo.")
    for position in (interviewing, offered):
        factories.application(db, position.id, gid, stage="screening", cover_note="Me interesa.")

    grad = make_client()
    grad.login(graduate.user.email)
    grad.get("/language/es")
    assert grad.submit(f"/positions/{applied.id}/apply", {"cover_note": "Me interesa mucho."})
    grad.submit("/me/searches", {"query": "modality=oncology", "name": "Oncología"})

    boss = make_client()
    boss.login(employer.user.email)
    boss.get("/language/es")
    ids = {row.position_id: row.id for row in db.exec(select(Application))}
    slot = (dates.today() + timedelta(days=5)).isoformat() + "T10:00"
    for position in (interviewing, offered):
        application_id = ids[position.id]
        boss.submit(
            f"/employer/applications/{application_id}/messages",
            {"body": "Hola María, ¿podemos hablar esta semana?"},
        )
        boss.submit(
            f"/employer/applications/{application_id}/interviews",
            {
                "mode": "video",
                "location": "Sala virtual",
                "duration_minutes": "45",
                "slots": [slot],
                "note": "Una conversación breve.",
            },
        )
    boss.submit(
        f"/employer/applications/{ids[offered.id]}/offer",
        {
            "job_title": "Terapeuta de masaje oncológico",
            "start_date": (dates.today() + timedelta(days=40)).isoformat(),
            "pay_rate": "32",
            "hours_per_week": "32",
            "employment_type": "full_time",
            "respond_by": (dates.today() + timedelta(days=10)).isoformat(),
            "note": "Nos encantaría contar con usted.",
        },
    )
    boss.submit(
        f"/employer/positions/{applied.id}/invitations",
        {"graduate_id": str(gid), "note": "Le invitamos a postularse."},
    )
    return grad


def test_every_graduate_page_is_spanish(spanish_world):
    found = walk(spanish_world, GRADUATE_STARTS)
    assert not found, _report(found)


def test_every_public_page_is_spanish(client, spanish_world):
    client.get("/language/es")
    found = walk(client, ANONYMOUS_STARTS)
    assert not found, _report(found)


def test_the_check_sees_english():
    found = english_in(
        ["Sign in to apply", "Iniciar sesión", "María López", "BLS/RCP", "http://x/me/offers"]
    )
    assert found == ["Sign in to apply"]


def _report(found: dict[str, list[str]]) -> str:
    lines = [f"{url}: {texts[:8]}" for url, texts in sorted(found.items())]
    return f"{len(found)} pages with English:\n" + "\n".join(lines)
