"""The translation catalogue kept with Babel: extract, update, compile, check.

`placement translations update` extracts every message of `placement/` (Python: `gettext`,
`ngettext`, `N_` and the taxonomy's `Term` labels) and `templates/` (Jinja2: `_()`,
`gettext()`, `ngettext()`, `{% trans %}`) into the Spanish catalogue
`placement/locale/es/LC_MESSAGES/messages.po`, keeping the translations it has, and compiles
it to the `messages.mo` the app reads (committed beside it). `check()` is what the tests ask:
every message translated, nothing stale, the `.mo` current.

The `.po` is written without source locations and in extraction order (by file), so two
people translating different parts of the site touch different parts of the file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from placement.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "Term": (2,)}
METHOD_MAP = [
    ("placement/**.py", "python"),
    ("templates/**.html", "jinja2.ext:babel_extract"),
]
OPTIONS_MAP = {
    "templates/**.html": {"trimmed": "true", "extensions": "jinja2.ext.i18n"},
}
# A fixed header date: the file changes only when its messages do.
HEADER_DATE = datetime(2026, 12, 1, tzinfo=UTC)
HEADER_COMMENT = (
    "# The Spanish catalogue of the placement network.\n"
    '# Kept with `placement translations update`; see README.md, "Translations".'
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def translated_languages() -> tuple[str, ...]:
    return LANGUAGES[1:]


def _searched(dirpath: str) -> bool:
    """Every directory but hidden ones and caches: Babel's default filter also skips names
    that start with `_`, which left `templates/_macros` and `_partials` out of the catalogue."""
    name = Path(dirpath).name
    return not name.startswith(".") and name != "__pycache__"


def extract() -> Catalog:
    """Every message the code and the templates word, in file order."""
    template = Catalog(project="placement", creation_date=HEADER_DATE)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        METHOD_MAP,
        OPTIONS_MAP,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
        directory_filter=_searched,
    ):
        template.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def read(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="placement", creation_date=HEADER_DATE)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def merged(language: str, template: Catalog | None = None, also: Iterable[Catalog] = ()) -> Catalog:
    """The language's catalogue brought up to `template`: new messages added untranslated,
    gone ones dropped; an empty translation is filled from `also` (another copy of the file,
    e.g. both sides of a merge)."""
    catalog = read(language)
    catalog.update(template or extract(), no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    for other in also:
        for message in catalog:
            if message.id and not _translated(message):
                found = other.get(message.id, message.context)
                if found is not None and _translated(found) and not found.fuzzy:
                    message.string = found.string
    _fix_header(catalog)
    return catalog


def _fix_header(catalog: Catalog) -> None:
    catalog.header_comment = HEADER_COMMENT
    catalog.project, catalog.version = "placement", "1"
    catalog.copyright_holder = catalog.last_translator = "Career Services"
    catalog.msgid_bugs_address = "careers@placement.invalid"
    catalog.language_team = "Career Services"
    catalog.creation_date = catalog.revision_date = HEADER_DATE
    catalog.fuzzy = False
    # Two plural forms, as gettext has always had them for Spanish (CLDR now adds a third for
    # millions, which no message here needs). Babel keeps no public setter for these.
    catalog._num_plurals = 2  # type: ignore[assignment]  # typed as None in Babel's stubs
    catalog._plural_expr = "(n != 1)"  # type: ignore[assignment]  # (the same)


def po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=96, no_location=True, omit_header=False, ignore_obsolete=True)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update(also: Iterable[Path] = ()) -> dict[str, int]:
    """Rewrite each catalogue from the sources and compile it; returns the untranslated counts."""
    template = extract()
    others = []
    for path in also:
        with path.open("rb") as handle:
            others.append(read_po(handle))
    untranslated = {}
    for language in translated_languages():
        catalog = merged(language, template, others)
        po_path(language).parent.mkdir(parents=True, exist_ok=True)
        po_path(language).write_bytes(po_bytes(catalog))
        compile_catalogue(language)
        untranslated[language] = sum(1 for m in catalog if m.id and not _translated(m))
    return untranslated


def compile_catalogue(language: str) -> None:
    mo_path(language).write_bytes(mo_bytes(read(language)))


@dataclass
class Problems:
    missing: list[str] = field(default_factory=list)  # worded in code, not in the catalogue
    stale: list[str] = field(default_factory=list)  # in the catalogue, no longer worded
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)  # %(name)s differ
    mo_outdated: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.missing
            or self.stale
            or self.untranslated
            or self.fuzzy
            or self.placeholders
            or self.mo_outdated
        )


def check(language: str) -> Problems:
    template = extract()
    catalog = read(language)
    problems = Problems()
    wanted = {_key(m) for m in template if m.id}
    have = {_key(m) for m in catalog if m.id}
    problems.missing = sorted(_text(k) for k in wanted - have)
    problems.stale = sorted(_text(k) for k in have - wanted)
    for message in catalog:
        if not message.id:
            continue
        name = _text(_key(message))
        if not _translated(message):
            problems.untranslated.append(name)
        elif message.fuzzy:
            problems.fuzzy.append(name)
        elif not _same_placeholders(message):
            problems.placeholders.append(name)
    problems.mo_outdated = not mo_path(language).exists() or mo_path(
        language
    ).read_bytes() != mo_bytes(catalog)
    return problems


def _key(message: Message) -> tuple[str | tuple[str, ...], str | None]:
    ident = message.id
    return (tuple(ident) if isinstance(ident, (list, tuple)) else ident, message.context)


def _text(key: tuple[str | tuple[str, ...], str | None]) -> str:
    ident = key[0]
    return ident if isinstance(ident, str) else ident[0]


def _translated(message: Message) -> bool:
    strings = message.string
    if isinstance(strings, (list, tuple)):
        return all(strings)
    return bool(strings)


def _same_placeholders(message: Message) -> bool:
    """A translation may only use the message's placeholders, and its first form all of them
    (a plural's singular may leave out the count)."""
    ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
    raw = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    strings = [text or "" for text in raw]
    wanted: set[str] = set().union(*(PLACEHOLDER.findall(text or "") for text in ids))
    used = [set(PLACEHOLDER.findall(text)) for text in strings]
    return all(names <= wanted | {"num"} for names in used) and wanted - {"num"} <= used[0]
