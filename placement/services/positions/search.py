"""The public search of positions: its filters as typed, and the engine.

A position is public only while `visibility.public_position` says so (open, employer
approved, closing date not passed); the search filters on that at query time. It reads only
the columns a result card shows, in one query (plus one IN query for the page's required
modalities and credentials): no ORM objects, no query per row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Executable, Float, Integer, String, bindparam, column, text
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine
from sqlmodel import Session

from placement import dates, geo, taxonomy
from placement.formats import number
from placement.i18n import N_, gettext
from placement.services import search as fulltext
from placement.services import visibility
from placement.services.positions.read_models import PositionCard, _ordered

PAGE_SIZE = 20
MAX_RADIUS_MILES = 3000
DEFAULT_RADIUS_MILES = 25


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    setting: str | None = None
    modality: str | None = None
    employment_type: str | None = None
    zip: str | None = None
    radius: int = DEFAULT_RADIUS_MILES
    page: int = 1


FILTER_NAMES = ("q", "setting", "modality", "employment_type", "zip", "radius")


def read_search_filters(
    params: Any, *, page: int = 1
) -> tuple[SearchFilters, dict[str, str], dict[str, str]]:
    """(filters, the values as typed, a message per bad filter) from a `/positions` query
    (the search page's and a saved search's: one reading of the filters)."""
    values = {name: str(params.get(name, "")).strip()[:200] for name in FILTER_NAMES}
    errors: dict[str, str] = {}
    for name, value in values.items():
        if "\x00" in value or any(ord(c) < 32 for c in value):
            errors[name] = gettext("Remove the invisible control characters.")
            values[name] = "".join(c for c in value if ord(c) >= 32)
    q = values["q"]
    if len(q) > 100:
        errors["q"] = gettext("Use at most %(max)s characters.", max=100)
    codes: dict[str, str | None] = {}
    for name, vocabulary, unknown in (
        (
            "setting",
            taxonomy.SETTINGS,
            N_("We do not know the setting %(text)s: choose one from the list."),
        ),
        (
            "modality",
            taxonomy.MODALITIES,
            N_("We do not know the modality %(text)s: choose one from the list."),
        ),
        (
            "employment_type",
            taxonomy.EMPLOYMENT_TYPES,
            N_("We do not know the employment type %(text)s: choose one from the list."),
        ),
    ):
        text = values[name]
        code = None
        if text and name not in errors:
            code = text if text in vocabulary else taxonomy.lookup_code(vocabulary, text)
            if code is None:
                errors[name] = gettext(unknown, text=repr(text[:40]))
            else:
                values[name] = code
        codes[name] = code
    zip_code = None
    if values["zip"] and "zip" not in errors:
        zip_code = geo.normalize_zip(values["zip"])
        if zip_code is None:
            errors["zip"] = gettext("Enter a 5-digit US ZIP code.")
        elif not geo.is_known(zip_code):
            errors["zip"] = gettext("%(zip)s is not a US ZIP code we know.", zip=zip_code)
            zip_code = None
    radius = DEFAULT_RADIUS_MILES
    if values["radius"] and "radius" not in errors:
        try:
            radius = int(values["radius"])
        except ValueError:
            errors["radius"] = gettext("Enter the distance as a whole number of miles.")
        else:
            if not 1 <= radius <= MAX_RADIUS_MILES:
                errors["radius"] = gettext(
                    "Enter a distance from 1 to %(most)s miles.", most=number(MAX_RADIUS_MILES)
                )
                radius = DEFAULT_RADIUS_MILES
    filters = SearchFilters(
        q=q if "q" not in errors else "",
        setting=codes["setting"],
        modality=codes["modality"],
        employment_type=codes["employment_type"],
        zip=zip_code,
        radius=radius,
        page=page,
    )
    return filters, values, errors


@dataclass
class SearchPage:
    """One page of results. `total` is exact unless `more` (then at least `total` match)."""

    cards: list[PositionCard]
    total: int
    page: int
    filters: SearchFilters
    more: bool = False

    @property
    def pages(self) -> int | None:
        """The number of pages, None while the count was cut short (`more`)."""
        return None if self.more else max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_next(self) -> bool:
        return self.more or self.page * PAGE_SIZE < self.total


# The search runs hand-written SQL built once per combination of filters (building SQLAlchemy
# select() objects costs more per request than the queries themselves). The conditions read
# `position` alone, so finding, counting and grouping never join; only the page's cards join
# `employer`, for its name. See placement/bench_http.py for the figures.
_CARD_SQL = (
    "p.id, p.title, e.name AS employer_name, p.setting, p.employment_type, p.pay_min, "
    "p.pay_max, p.zip, p.start_date, p.closes_on"
)
_CARD_TYPES = (
    column("id", Integer),
    column("title", String),
    column("employer_name", String),
    column("setting", String),
    column("employment_type", String),
    column("pay_min", Float),
    column("pay_max", Float),
    column("zip", String),
    column("start_date", Date),
    column("closes_on", Date),
)
# Exact counts up to this many results (five pages); beyond it the page says "more than":
# counting further would read every match of a common word on every request.
COUNT_CAP = 100


@dataclass(frozen=True)
class _SearchSql:
    where: str  # the conditions, on `position p` alone
    names: frozenset[str]  # the filters' bind parameters
    ids: Executable  # the matching ids, newest first, up to :cap (the count and the page)
    count_in_zips: Executable  # (zip, how many match) for the ZIPs of :zips
    ids_in_zips: Executable  # (zip, id) of every match in the ZIPs of :zips
    count_by_zip: Executable  # (zip, how many match) for every ZIP holding a match


def _binds(dialect: str, clause: Any, names: set[str] | frozenset[str]) -> Any:
    types: dict[str, TypeEngine[Any]] = {
        "today": Date(),
        "q": String(),
        "setting": String(),
        "modality": String(),
    }
    types.update(employment_type=String(), limit=Integer(), offset=Integer(), cap=Integer())
    binds = [bindparam(name, type_=types[name]) for name in sorted(names) if name in types]
    if "zips" in names:
        binds.append(_list_bind(dialect, "zips"))
    return clause.bindparams(*binds)


def _list_bind(dialect: str, name: str) -> Any:
    """A list parameter: expanded by SQLAlchemy on PostgreSQL, one JSON text on SQLite."""
    return (
        bindparam(name, type_=String()) if dialect == "sqlite" else bindparam(name, expanding=True)
    )


def _listed(dialect: str, name: str) -> str:
    """The SQL of a list parameter after `IN`. On SQLite the list goes as one JSON array
    (`_rows` encodes it): spelt out as one named parameter per item, a list of thousands of
    ZIPs (a wide radius) took SQLite's parser quadratic time, over a second for 31,000. On
    PostgreSQL SQLAlchemy expands it."""
    return f"(SELECT value FROM json_each(:{name}))" if dialect == "sqlite" else f":{name}"


@lru_cache(maxsize=64)
def _search_sql(dialect: str, q: bool, setting: bool, modality: bool, kind: bool) -> _SearchSql:
    """The statements of one combination of filters, for one SQL dialect.

    Every condition reads `position` alone (the employer's status and name through
    uncorrelated subqueries, computed once per query), so counting and grouping never join;
    only the rows of the page join `employer`, for its name.
    """
    where = [visibility.public_position_sql(dialect)]
    names = {"today"}
    if q:
        # Full-text: the words of `q` against each position's search document (title,
        # description, employer name, the vocabulary of its requirements): see services/search.py.
        where.append(f"p.id IN ({fulltext.matching_ids_sql(dialect)})")
        names.add("q")
    if setting:
        where.append("p.setting = :setting")
        names.add("setting")
    if kind:
        where.append("p.employment_type = :employment_type")
        names.add("employment_type")
    without_modality = " AND ".join(where)
    if modality:
        where.append(
            "p.id IN (SELECT r.position_id FROM position_requirement r "
            "WHERE r.kind = 'modality' AND r.code = :modality)"
        )
        names.add("modality")
    condition = " AND ".join(where)
    if q:
        # Ranked by relevance: the text condition becomes the join the ranking reads.
        ids = text(fulltext.ranked_ids_sql(dialect, " AND ".join(where[:1] + where[2:])))
    elif modality:
        # The positions that list the modality, newest first, straight from the
        # (kind, code, position_id) index: the walk stops at the cap. (A requirement is
        # unique per position, kind and code, so the join repeats no position.)
        ids = text(
            "SELECT p.id FROM position_requirement r JOIN position p ON p.id = r.position_id "
            f"WHERE r.kind = 'modality' AND r.code = :modality AND {without_modality} "
            "ORDER BY r.position_id DESC LIMIT :cap"
        )
    else:
        ids = text(f"SELECT p.id FROM position p WHERE {condition} ORDER BY p.id DESC LIMIT :cap")
    # Near a ZIP: counted per ZIP, nearest ZIPs first, then the ids of the ZIPs the page
    # shows (see _search_near).
    in_zips = f"FROM position p WHERE {condition} AND p.zip IN {_listed(dialect, 'zips')}"
    count_in_zips = text(f"SELECT p.zip, count(*) {in_zips} GROUP BY p.zip")
    ids_in_zips = text(f"SELECT p.zip, p.id {in_zips}")
    count_by_zip = text(f"SELECT p.zip, count(*) FROM position p WHERE {condition} GROUP BY p.zip")
    return _SearchSql(
        where=condition,
        names=frozenset(names),
        ids=_binds(dialect, ids, names | {"cap"}),
        count_in_zips=_binds(dialect, count_in_zips, names | {"zips"}),
        count_by_zip=_binds(dialect, count_by_zip, names),
        ids_in_zips=_binds(dialect, ids_in_zips, names | {"zips"}),
    )


@lru_cache(maxsize=4)
def _cards_sql(dialect: str) -> Executable:
    """The cards of a page by id, each with its required modalities and credentials as
    "kind:code" pairs (a correlated subquery run for these few rows only)."""
    if dialect == "sqlite":
        tags = "group_concat(r.kind || ':' || r.code, ',')"
        required = "r.required = 1"
    else:
        tags = "string_agg(r.kind || ':' || r.code, ',')"
        required = "r.required IS TRUE"
    return (
        text(
            f"SELECT {_CARD_SQL}, (SELECT {tags} FROM position_requirement r "
            f"WHERE r.position_id = p.id AND {required}) AS tags "
            "FROM position p JOIN employer e ON e.id = p.employer_id "
            f"WHERE p.id IN {_listed(dialect, 'ids')}"
        )
        .columns(*_CARD_TYPES, column("tags", String))
        .bindparams(_list_bind(dialect, "ids"))
    )


# What the search reads through: a session (any database), or a plain read-only SQLite
# connection (anonymous pages on a SQLite file: see web/public_cache.py).
SearchReader = Session | sqlite3.Connection
_Reader = Connection | sqlite3.Connection


def _rows(connection: _Reader, statement: Any, params: dict[str, Any]) -> Sequence[Any]:
    """The rows of one of the search's statements (plain tuples).

    On SQLite the statement's text goes straight to the driver, which takes `:name`
    parameters itself: profiled on the list page, SQLAlchemy's execution layer cost two to
    three times the query (0.3 ms of 0.45 ms per statement, two statements a page). Inside
    the session's transaction all the same. Dates go in as ISO text and come back as text
    (`_cards` reads both forms). PostgreSQL keeps the ordinary path.
    """
    driver: sqlite3.Connection
    if isinstance(connection, sqlite3.Connection):
        driver = connection
    elif connection.dialect.name != "sqlite":
        return connection.execute(statement, params).all()
    else:
        raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        driver = raw
    sql: str = getattr(statement, "element", statement).text  # a TextualSelect wraps it
    values: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, list):
            values[name] = json.dumps(value)  # read by json_each (see _listed)
        elif isinstance(value, date):
            values[name] = value.isoformat()
        else:
            values[name] = value
    return driver.execute(sql, values).fetchall()


def _reader(db: SearchReader) -> tuple[_Reader, str]:
    """The connection to read through, and its SQL dialect."""
    if isinstance(db, sqlite3.Connection):
        return db, "sqlite"
    # Core statements on the session's connection: the ORM's execution layer has nothing to
    # add for plain rows, and costs a fair part of the page.
    connection = db.connection()
    return connection, connection.dialect.name


def _as_date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def search_positions(
    db: SearchReader, filters: SearchFilters, today: date | None = None
) -> SearchPage:
    """Open positions of approved employers, filtered, newest first (nearest first with a ZIP).

    One query reads the page's rows (only the columns a card shows) and one reads their
    required modalities and credentials. The count is exact up to COUNT_CAP results and
    stops there. With a ZIP the distance filter works on distinct ZIPs: a GROUP BY query
    counts the results per ZIP, Python keeps the ZIPs within the radius sorted by distance
    and picks those that cover the requested page, and the row query reads only those.
    """
    today = today or dates.today()
    connection, dialect = _reader(db)
    flags = (
        bool(filters.q),
        bool(filters.setting),
        bool(filters.modality),
        bool(filters.employment_type),
    )
    sql = _search_sql(dialect, *flags)
    params: dict[str, Any] = {"today": today}
    if filters.q:
        match = fulltext.match_query(dialect, filters.q)
        if match is None:  # no word at all (only punctuation): nothing can match
            return SearchPage([], 0, filters.page, filters)
        params["q"] = match
    if filters.setting:
        params["setting"] = filters.setting
    if filters.modality:
        params["modality"] = filters.modality
    if filters.employment_type:
        params["employment_type"] = filters.employment_type
    if filters.zip:
        return _search_near(connection, filters, dialect, sql, params)
    offset = (filters.page - 1) * PAGE_SIZE
    # One pass over the matches gives the count (up to the cap) and the page's ids; a text
    # search thus scans the descriptions once, not once for the rows and again to count.
    cap = max(COUNT_CAP, offset + PAGE_SIZE) + 1
    ids = [row[0] for row in _rows(connection, sql.ids, {**params, "cap": cap})]
    total, more = min(len(ids), cap - 1), len(ids) >= cap
    cards = _cards(connection, dialect, ids[offset : offset + PAGE_SIZE])
    return SearchPage(cards, total, filters.page, filters, more)


# ZIPs asked about at once near a ZIP: the nearest this many first; then as many more as the
# density met so far says will cover the rest of the page and the count (a little more, at
# least this many), until they are covered or the radius ends.
FIRST_ZIPS = 16
# Beyond this many ZIPs in one batch, the rest of the radius is counted in one grouped pass.
WIDE_BATCH = 1024


def _next_batch(asked: int, seen: int, cap: int) -> int:
    """How many more ZIPs to ask about, after `asked` ZIPs held `seen` matches."""
    if seen == 0:
        return max(FIRST_ZIPS, asked * 4)
    wanted = (cap - seen) * asked * 5 // (seen * 4) + 1  # a quarter more than the density says
    return max(FIRST_ZIPS, min(wanted, asked * 2))


def _search_near(
    db: _Reader, filters: SearchFilters, dialect: str, sql: _SearchSql, params: dict[str, Any]
) -> SearchPage:
    """Nearest ZIP first, newest first within a ZIP, counted exactly up to the cap as the
    other searches are.

    The ZIPs within the radius come from `geo.zips_near` (fixed data, cached); the matches
    are counted per ZIP in the nearest ZIPs first, so a page near a busy ZIP reads only the
    positions of the ZIPs around it, not every open position.
    """
    nearby = geo.zips_near(filters.zip or "", filters.radius)
    offset = (filters.page - 1) * PAGE_SIZE
    cap = max(COUNT_CAP, offset + PAGE_SIZE) + 1
    counted: list[tuple[str, int]] = []  # (zip, matches), nearest first
    miles: dict[str, float] = {}
    seen = start = 0
    size = FIRST_ZIPS
    while start < len(nearby) and seen < cap:
        if size > WIDE_BATCH:
            # Far from most positions with a wide radius (thousands of ZIPs to ask about):
            # the rest in one pass over the matches grouped by ZIP, whose cost is bounded by
            # the open positions rather than by the ZIPs within the radius.
            counts = dict(_rows(db, sql.count_by_zip, params))
            batch = nearby.among(counts, start)
            start = len(nearby)
        else:
            codes = nearby.codes(start, start + size)
            counts = dict(_rows(db, sql.count_in_zips, {**params, "zips": codes}))
            distances = nearby.miles[start : start + size].tolist()
            batch = list(zip(codes, distances, strict=True))
            start += len(codes)
        for zip_code, distance in batch:
            if counts.get(zip_code) and seen < cap:
                counted.append((zip_code, int(counts[zip_code])))
                miles[zip_code] = distance
                seen += counted[-1][1]
        size = _next_batch(start, seen, cap)
    # The ZIPs that hold the page, and how many matches come before the first of them.
    shown: list[str] = []
    before = running = 0
    for zip_code, count in counted:
        if running + count > offset and running < offset + PAGE_SIZE:
            if not shown:
                before = running
            shown.append(zip_code)
        running += count
    page: list[int] = []
    if shown:
        rank = {zip_code: place for place, zip_code in enumerate(shown)}
        rows = _rows(db, sql.ids_in_zips, {**params, "zips": shown})
        ordered = sorted(rows, key=lambda row: (rank[row[0]], -row[1]))
        page = [int(row[1]) for row in ordered[offset - before :][:PAGE_SIZE]]
    cards = [card._replace(distance=miles[card.zip]) for card in _cards(db, dialect, page)]
    return SearchPage(cards, min(seen, cap - 1), filters.page, filters, more=seen >= cap)


@lru_cache(maxsize=4096)
def _required_tags(tags: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The required modalities and credentials of a card's "kind:code,…" text, each in the
    taxonomy's order: few positions differ in them, so most cards reuse a parse."""
    modalities: list[str] = []
    credentials: list[str] = []
    for tag in filter(None, tags.split(",")):
        kind, _, code = tag.partition(":")
        (modalities if kind == "modality" else credentials).append(code)
    return (
        tuple(_ordered(modalities, taxonomy.MODALITIES)),
        tuple(_ordered(credentials, taxonomy.CREDENTIALS)),
    )


def _cards(db: _Reader, dialect: str, ids: list[int]) -> list[PositionCard]:
    """The cards of these ids, in this order, with their required tags: one query."""
    if not ids:
        return []
    rows = {row[0]: row for row in _rows(db, _cards_sql(dialect), {"ids": ids})}
    cards = []
    for position_id in ids:
        row = rows.get(position_id)
        if row is None:
            continue
        modalities, credentials = _required_tags(row[10] or "")
        cards.append(
            PositionCard(
                id=row[0],
                title=row[1],
                employer_name=row[2],
                setting=row[3],
                employment_type=row[4],
                pay_min=row[5],
                pay_max=row[6],
                zip=row[7],
                start_date=_as_date(row[8]),
                closes_on=_as_date(row[9]),
                required_modalities=modalities,
                required_credentials=credentials,
            )
        )
    return cards
