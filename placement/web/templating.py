"""The Jinja2 environment: autoescaped templates, the taxonomy, and one render helper."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from placement import dates, formats, i18n, links, localtime, taxonomy
from placement.formats import money
from placement.services import system_notes
from placement.web import http
from placement.web.middleware import csrf_token

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"


def _money(value: float | None) -> str:
    return "—" if value is None else money(value)


def _number(value: float | None) -> str:
    return "—" if value is None else formats.number(value)


def _url_for(
    name: str, /, *, query: dict[str, Any] | None = None, fragment: str = "", **params: Any
) -> str:
    """`url_for("staff:graduate", id=3, query={...}, fragment="...")`: a site-relative path.
    It needs no request, so macros imported without the context can build links too."""
    return http.with_query(links.path(name, **params), query, fragment)


def _day(value: date | datetime | None) -> str:
    """A calendar date as is; a stored UTC time in the school's zone, with its abbreviation."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return localtime.format_datetime(value, dates.school_zone())
    return localtime.format_date(value)


@jinja2.pass_context
def _localtime(context: jinja2.runtime.Context, value: datetime | None) -> str:
    """A stored UTC time in the school's zone, with its abbreviation."""
    return localtime.format_datetime(value, context["request"].app.state.settings)


def _localdate(value: date | datetime | None) -> str:
    if isinstance(value, datetime):
        value = localtime.to_local(value, dates.school_zone()).date()
    return localtime.format_date(value)


def option_pairs(options: Any) -> list[tuple[str, str]]:
    """(code, label) pairs from a taxonomy mapping, a code -> label mapping or a list, in
    the reader's language."""
    if isinstance(options, Mapping):
        return [
            (code, i18n.raw_gettext(item.label) if isinstance(item, taxonomy.Term) else str(item))
            for code, item in options.items()
        ]
    return [item if isinstance(item, tuple) else (item, item) for item in options]


@jinja2.pass_context
def url_for(context: Any, name: str, /, **path_params: Any) -> URL:
    """Starlette's `url_for` (an absolute URL for a route name), with the path of each
    (name, parameters) remembered per app: Starlette finds it by trying every route in
    turn, which costs more than the rest of a small page's rendering."""
    request: Request = context["request"]
    paths: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = request.app.state.url_paths
    key = (name, tuple(sorted(path_params.items())))
    path = paths.get(key)
    if path is None:
        path = str(request.app.url_path_for(name, **path_params))
        if len(paths) < 10_000:
            paths[key] = path
    base = str(request.base_url).rstrip("/")
    return URL(base + path)


def options_html(options: dict[str, taxonomy.Term], selected: str | None) -> Markup:
    """`<option>`s of a taxonomy mapping in the reader's language, `selected` marked (the
    search form, which `fragment()` keeps per values, calls it)."""
    parts = []
    for code, term in options.items():
        mark = " selected" if code == selected else ""
        label = i18n.raw_gettext(term.label)
        parts.append(f'<option value="{escape(code)}"{mark}>{escape(label)}</option>')
    return Markup("".join(parts))


# A pure macro's output, remembered per arguments and language. The same few strings recur
# on every page (a visitor's header and footer, the cards of a listing met again): on the
# search, calling their macros cost about half of the rendering. Bounded; the oldest entry
# goes first.
MAX_FRAGMENTS = 8192
_fragments: dict[tuple[Any, ...], Markup] = {}
_fragments_lock = threading.Lock()


def fragment(template: str, macro: str, /, *args: Any) -> Markup:
    """The output of `macro` of `template` for these arguments in the current language.

    Only for macros whose output depends on nothing but their arguments, the language and
    the templates' globals (no request, no viewer, no token): the arguments are the key
    (hashable values, or dicts of them, such as a form's values and errors).
    """
    key = (template, macro, tuple(map(_frozen, args)), i18n.current())
    html = _fragments.get(key)
    if html is None:
        module = templates.env.get_template(template).module
        html = Markup(getattr(module, macro)(*args))
        with _fragments_lock:
            while len(_fragments) >= MAX_FRAGMENTS:
                del _fragments[next(iter(_fragments))]
            _fragments[key] = html
    return html


def _frozen(value: Any) -> Hashable:
    if isinstance(value, dict):
        return (dict, tuple(sorted(value.items())))
    return value  # a hashable argument (or the cache lookup raises TypeError)


def fragments(template: str, macro: str, items: Iterable[Hashable]) -> Markup:
    """`fragment` of each item, joined: one call for a listing's cards."""
    return Markup("").join(fragment(template, macro, item) for item in items)


# Jinja2's new-style gettext, as plain functions. The i18n extension's versions reach the
# catalogue through three context calls each (5 µs a message, and a page says thirty);
# these do what they do: the translation is markup, its `%(name)s` placeholders are filled
# with escaped values, and `num` is the count of the plural forms.
def _gettext(message: str, /, **variables: Any) -> Markup:
    text = Markup(i18n.raw_gettext(message))
    return text % variables if "%" in text else text


def _ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
    variables.setdefault("num", num)
    return Markup(i18n.raw_ngettext(singular, plural, num)) % variables


def _pgettext(context: str, message: str, /, **variables: Any) -> Markup:
    text = Markup(i18n.raw_pgettext(context, message))
    return text % variables if "%" in text else text


def _npgettext(context: str, singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
    variables.setdefault("num", num)
    return Markup(i18n.raw_npgettext(context, singular, plural, num)) % variables


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    # `{% trans %}` blocks read as one line of text, as `placement.catalogue` extracts them.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.raw_gettext,
        i18n.raw_ngettext,
        newstyle=True,
        pgettext=i18n.raw_pgettext,
        npgettext=i18n.raw_npgettext,
    )
    env.globals.update(
        _=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext
    )
    env.globals["url_for"] = url_for
    templates = Jinja2Templates(env=env)
    env.globals.update(
        options_html=options_html,
        fragment=fragment,
        fragments=fragments,
        taxonomy=taxonomy,
        SETTINGS=taxonomy.SETTINGS,
        MODALITIES=taxonomy.MODALITIES,
        CREDENTIALS=taxonomy.CREDENTIALS,
        CREDENTIAL_METHODS=taxonomy.CREDENTIAL_VERIFICATION_METHODS,
        EMPLOYMENT_TYPES=taxonomy.EMPLOYMENT_TYPES,
        label=taxonomy.label,
        current_language=i18n.current,
        LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
        slot_label=taxonomy.slot_label,
        option_pairs=option_pairs,
    )
    env.globals["url_for"] = _url_for
    env.filters.update(
        stored_note=system_notes.shown,
        money=_money,
        number=_number,
        day=_day,
        localtime=_localtime,
        localdate=_localdate,
    )
    return templates


templates = make_templates()


class LazyToken:
    """The session's CSRF token, made only when a template writes it: a page without a form
    (every public page for an anonymous visitor) then leaves the session unchanged, so no
    cookie is set and the page can be cached."""

    __slots__ = ("_session",)

    def __init__(self, session: dict[str, Any]) -> None:
        self._session = session

    def __str__(self) -> str:
        return csrf_token(self._session)

    def __html__(self) -> str:
        return str(self)

    def __bool__(self) -> bool:
        return True


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    session = request.scope.get("session")
    full_context = {
        "viewer": getattr(request.state, "viewer", None),
        "flash": http.notice(request) if status_code < 400 else None,
        "csrf_token": LazyToken(session) if session is not None else "",
        # Where the language switch comes back to: this page, unless it is an error (whose
        # path is only what the visitor typed) or the answer to a POST.
        "language_next": http.here(request)
        if status_code < 400 and request.method == "GET"
        else None,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, full_context, status_code=status_code)
    if getattr(request.state, "viewer", None) is not None:
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response
