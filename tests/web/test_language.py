"""Which language a page speaks (CONTRACT.md, "Languages"): Accept-Language, the remembered
choice of `/language/{code}` outranking it, `<html lang>`, error pages, cached public pages."""

from __future__ import annotations

import pytest

from placement import i18n
from placement.web.language import LANGUAGE_COOKIE
from tests import factories

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


def _lang(html: str) -> str:
    start = html.index("<html lang=") + len('<html lang="')
    return html[start : html.index('"', start)]


def test_english_by_default_and_spanish_for_a_spanish_browser(client):
    english = client.get("/")
    assert _lang(english.text) == "en"
    assert "Sign in" in english.text
    spanish = client.get("/", headers=SPANISH)
    assert _lang(spanish.text) == "es"
    assert "Iniciar sesión" in spanish.text
    assert ">Sign in<" not in spanish.text


def test_the_chosen_language_is_remembered_and_outranks_the_header(client):
    response = client.get("/language/es", params={"next": "/positions?q=oncology"})
    assert response.status_code == 303
    assert response.headers["location"] == "/positions?q=oncology"
    assert client.cookies.get(LANGUAGE_COOKIE) == "es"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = client.get("/positions", headers={"Accept-Language": "en-US"})
    assert _lang(page.text) == "es"
    client.get("/language/en", params={"next": "/"})
    assert _lang(client.get("/", headers=SPANISH).text) == "en"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil", ""])
def test_the_language_link_goes_back_only_to_a_same_site_path(client, target):
    response = client.get("/language/es", params={"next": target})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_an_unknown_language_is_not_found_and_sets_nothing(client):
    response = client.get("/language/fr")
    assert response.status_code == 404
    assert LANGUAGE_COOKIE not in client.cookies


def test_every_page_links_the_other_language_back_to_itself(client):
    page = client.get("/positions?q=oncology", headers=SPANISH)
    assert 'href="/language/en?next=%2Fpositions%3Fq%3Doncology"' in page.text
    assert 'lang="en"' in page.text and ">English<" in page.text


def test_error_pages_speak_the_visitors_language(client):
    assert "Página no encontrada" in client.get("/no/such/page", headers=SPANISH).text
    assert "Page not found" in client.get("/no/such/page").text


def test_a_signed_in_page_follows_the_choice_too(client, db):
    graduate = factories.graduate(db)
    client.login(graduate.user.email)
    client.get("/language/es")
    page = client.get("/me")
    assert _lang(page.text) == "es"
    assert "Cerrar sesión" in page.text


def test_a_request_leaves_the_callers_language_alone(client):
    client.get("/", headers=SPANISH)
    assert i18n.current() == "en"


def test_the_public_etag_and_cache_differ_by_language(client):
    english = client.get("/positions")
    spanish = client.get("/positions", headers=SPANISH)
    assert english.headers["etag"] != spanish.headers["etag"]
    assert english.headers["vary"] == "Accept-Language, Cookie"
    # The cache of rendered pages is per language: each answer again in its own.
    assert "Iniciar sesión" in client.get("/positions", headers=SPANISH).text
    assert "Iniciar sesión" not in client.get("/positions").text


def test_the_json_api_answers_in_english_whatever_the_header(client):
    response = client.get("/api/v1/positions", headers=SPANISH)
    assert response.status_code == 401
    assert response.json()["error"] == "Please sign in"


def test_a_note_the_app_wrote_reads_in_spanish_and_a_persons_note_as_written():
    from placement.services import system_notes

    with i18n.using("es"):
        assert system_notes.shown(system_notes.OFFER_MADE) == "Se hizo una oferta en la aplicación."
        assert system_notes.shown("Hired") == "Hired"  # a person's note, even if it is a msgid
        assert system_notes.shown(None) == ""
    assert system_notes.shown(system_notes.OFFER_MADE) == "An offer was made in the app."
