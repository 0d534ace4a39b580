"""The language of the moment and its catalogue: one gettext for pages, forms and mail.

The English text is the message id; Spanish comes from `placement/locale/es` (gettext
catalogues kept with Babel: `placement translations update`, see README). The language is a
context variable: the language middleware sets it for each request from the visitor's choice,
and mail is composed inside `using(recipient's language)`, so a service that words a message
or raises a validation error simply calls `gettext` and gets the reader's language.

Messages are %-format strings, always formatted (as Jinja2's "newstyle" gettext does in the
templates): placeholders are `%(name)s`, and a literal percent sign is written `%%`.
"""

from __future__ import annotations

import contextlib
import functools
import gettext as gettext_module
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from babel.support import Translations

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
# The names a visitor picks from; each in its own language, so either can find the other.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
# Babel's locale per language for dates and numbers: the school is in the United States, and
# Spanish as written there keeps the dollar sign and the decimal point ("$28.50", "10 ene 2027").
BABEL_LOCALES = {"en": "en_US", "es": "es_US"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("placement_language", default=DEFAULT_LANGUAGE)


def supported(language: str | None) -> str:
    """`language` when the site speaks it, else the default."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def translations(language: str) -> gettext_module.NullTranslations:
    """The compiled catalogue of a language (English is the message ids themselves)."""
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return gettext_module.NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def current() -> str:
    return _current.get()


def babel_locale() -> str:
    return BABEL_LOCALES[current()]


@contextlib.contextmanager
def using(language: str | None) -> Iterator[str]:
    """Word something in a given language: a request in its visitor's (the thread pool copies
    the context), a mail in its recipient's."""
    token = _current.set(supported(language))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str, /, **params: Any) -> str:
    """`message` in the current language, with `%(name)s` placeholders filled."""
    text = translations(_current.get()).gettext(message)
    return text % params


def ngettext(singular: str, plural: str, count: int, /, **params: Any) -> str:
    """The singular or plural form for `count` (`%(num)s` is the count)."""
    text = translations(_current.get()).ngettext(singular, plural, count)
    return text % {"num": count, **params}


def N_(message: str, /) -> str:  # noqa: N802 — gettext's conventional name for "mark only"
    """Mark a message for the catalogue where it is defined (a table of labels, a constant);
    it is translated where it is shown, with `gettext(value)`."""
    return message


def raw_gettext(message: str) -> str:
    """The translation only (no formatting): what Jinja2's i18n extension calls, since it
    formats the result itself."""
    return translations(_current.get()).gettext(message)


def raw_ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, count)


def raw_pgettext(context: str, message: str) -> str:
    """One English word that Spanish says two ways ("To" a date, "To" an address): the
    context tells them apart in the catalogue."""
    return translations(_current.get()).pgettext(context, message)


def raw_npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return translations(_current.get()).npgettext(context, singular, plural, count)


class Labels(Mapping[str, str]):
    """A table of code -> English label (a message id) that reads in the current language.

    Defined once at import, read at display time: `STAGE_LABELS["hired"]` is "Hired" or
    "Contratado" depending on who is reading. The English labels are put in the catalogue by
    `placement.catalogue` (every `Labels` of the taxonomy).
    """

    __slots__ = ("english",)

    def __init__(self, english: Mapping[str, str]) -> None:
        self.english = dict(english)

    def __getitem__(self, code: str) -> str:
        return raw_gettext(self.english[code])

    def __iter__(self) -> Iterator[str]:
        return iter(self.english)

    def __len__(self) -> int:
        return len(self.english)

    def __repr__(self) -> str:
        return f"Labels({self.english!r})"
