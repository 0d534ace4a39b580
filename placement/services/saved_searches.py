"""Saved searches: a graduate keeps a `/positions` query; open positions newly matching it
go into their mail (the digest, per `email_frequency`), each position once.

A query is read by the search's own filter reader (positions.read_search_filters): a query
the search would refuse is refused here with the search's message. "Newly matching" means
opened (approved by career services) since the search was saved; the worker's
`sourcing.saved_searches` job runs every saved search and records each position told in
`PositionNotice` (unique per graduate and position, shared with the talent pool), so a
position reaches a graduate's mail once, however many of their searches it matches and
however many workers run the job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from placement import i18n, links
from placement.config import Settings
from placement.i18n import gettext, ngettext
from placement.models import Graduate, Position, PositionNotice, SavedSearch, User
from placement.services import Actor, DomainError, NotFound, audit, mail
from placement.services import positions as position_service
from placement.services.invitations import graduate_address
from placement.services.talent import tell

log = logging.getLogger("placement.sourcing")

MAX_PER_GRADUATE = 20
NAME_MAX = 100
QUERY_MAX = 1000
# Pages of results read per saved search and run (20 a page): the newest or nearest first.
PAGES_READ = 5


def canonical_query(query: str) -> str:
    """The query as stored: the search's own filters only, codes normalised, no page.
    DomainError (at `query`) with the search's message when it would refuse it."""
    text = (query or "").strip()
    if "\x00" in text:
        raise DomainError(gettext("Remove the invisible NUL character."), "query")
    if len(text) > QUERY_MAX:
        raise DomainError(gettext("Use at most %(max)s characters.", max=QUERY_MAX), "query")
    _path, mark, rest = text.partition("?")
    text = rest if mark else text
    pairs = parse_qsl(text, keep_blank_values=True)
    unknown = sorted(
        {name for name, _ in pairs if name not in position_service.FILTER_NAMES + ("page",)}
    )
    if unknown:
        raise DomainError(
            gettext(
                "A search knows the filters %(filters)s; not %(name)s.",
                filters=", ".join(position_service.FILTER_NAMES),
                name=repr(unknown[0][:40]),
            ),
            "query",
        )
    _filters, values, errors = position_service.read_search_filters(dict(pairs))
    if errors:
        name, message = next(iter(errors.items()))
        raise DomainError(f"{name}: {message}", "query")
    kept = [(name, values[name]) for name in position_service.FILTER_NAMES if values[name]]
    if not kept:
        raise DomainError(
            gettext(
                "Choose at least one filter (words, setting, modality, employment or ZIP): this "
                "search would match every position."
            ),
            "query",
        )
    return urlencode(kept)


def save(db: Session, *, graduate_id: int, actor: Actor, name: str, query: str) -> SavedSearch:
    """Save a search (DomainError at `name` or `query` for an invalid one; saving the same
    query again renames the one saved)."""
    name = (name or "").strip()
    if "\x00" in name or any(ord(c) < 32 for c in name):
        raise DomainError(gettext("Remove the invisible control characters."), "name")
    if len(name) > NAME_MAX:
        raise DomainError(gettext("Use at most %(max)s characters.", max=NAME_MAX), "name")
    canonical = canonical_query(query)
    name = name or canonical[:NAME_MAX]
    existing = db.exec(
        select(SavedSearch).where(
            SavedSearch.graduate_id == graduate_id, SavedSearch.query == canonical
        )
    ).first()
    if existing is not None:
        existing.name = name
        db.add(existing)
        db.flush()
        return existing
    count = db.exec(
        select(func.count()).select_from(SavedSearch).where(SavedSearch.graduate_id == graduate_id)
    ).one()
    if count >= MAX_PER_GRADUATE:
        raise DomainError(
            gettext(
                "You have %(max)s saved searches: delete one before saving another.",
                max=MAX_PER_GRADUATE,
            ),
            "query",
        )
    row = SavedSearch(graduate_id=graduate_id, name=name, query=canonical)
    db.add(row)
    db.flush()
    audit.record(
        db,
        "saved_search.created",
        actor=actor,
        object_type="saved_search",
        object_id=row.id,
    )
    return row


def searches_of(db: Session, graduate_id: int) -> list[SavedSearch]:
    return list(
        db.exec(
            select(SavedSearch)
            .where(SavedSearch.graduate_id == graduate_id)
            .order_by(col(SavedSearch.created_at).desc(), col(SavedSearch.id).desc())
        )
    )


def remove(db: Session, *, graduate_id: int, actor: Actor, search_id: int) -> None:
    """Delete the graduate's own saved search; NotFound for anyone else's."""
    row = db.get(SavedSearch, search_id) if 0 < search_id < 2**31 else None
    if row is None or row.graduate_id != graduate_id:
        raise NotFound
    db.exec(delete(SavedSearch).where(col(SavedSearch.id) == search_id))
    audit.record(
        db,
        "saved_search.deleted",
        actor=actor,
        object_type="saved_search",
        object_id=search_id,
    )


# -- new matches (the worker) ----------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    id: int
    title: str
    employer_name: str


def _matches(db: Session, search: SavedSearch) -> list[_Found]:
    """Positions the saved query finds now, opened since it was saved."""
    try:
        canonical = canonical_query(search.query)
    except DomainError:
        return []  # a vocabulary that changed since: nothing matches until it is saved again
    filters, _values, _errors = position_service.read_search_filters(dict(parse_qsl(canonical)))
    cards: list[position_service.PositionCard] = []
    for page in range(1, PAGES_READ + 1):
        result = position_service.search_positions(
            db,
            position_service.SearchFilters(
                q=filters.q,
                setting=filters.setting,
                modality=filters.modality,
                employment_type=filters.employment_type,
                zip=filters.zip,
                radius=filters.radius,
                page=page,
            ),
        )
        cards.extend(result.cards)
        if not result.has_next:
            break
    if not cards:
        return []
    opened = func.coalesce(col(Position.reviewed_at), col(Position.created_at))
    ids = [card.id for card in cards]
    fresh = set(
        db.exec(
            select(Position.id).where(col(Position.id).in_(ids), opened >= search.created_at)
        ).all()
    )
    return [_Found(card.id, card.title, card.employer_name) for card in cards if card.id in fresh]


def send_matches(db: Session, settings: Settings) -> int:
    """Mail each graduate the positions newly matching their saved searches, each position
    once (one mail per search with something new). Returns how many positions were told."""
    searches = db.exec(
        select(SavedSearch)
        .join(Graduate, col(Graduate.id) == col(SavedSearch.graduate_id))
        .join(User, col(User.id) == col(Graduate.user_id))
        .where(col(Graduate.deleted_at).is_(None), col(User.active).is_(True))
        .order_by(col(SavedSearch.graduate_id), col(SavedSearch.id))
    ).all()
    told = 0
    for search in searches:
        found = _matches(db, search)
        if not found:
            continue
        known = set(
            db.exec(
                select(PositionNotice.position_id).where(
                    PositionNotice.graduate_id == search.graduate_id,
                    col(PositionNotice.position_id).in_([item.id for item in found]),
                )
            ).all()
        )
        new = [
            item
            for item in found
            if item.id not in known and tell(db, search.graduate_id, item.id, "saved_search")
        ]
        if new:
            _mail(db, settings, search, new)
            told += len(new)
    if told:
        log.info("saved searches: %d new match(es) told", told)
    return told


def _mail(db: Session, settings: Settings, search: SavedSearch, found: list[_Found]) -> None:
    graduate = db.get(Graduate, search.graduate_id)
    if graduate is None:
        return
    user_id, email = graduate_address(db, graduate)
    if not email:
        return
    lines = [
        f"— {item.title}, {item.employer_name}: "
        f"{links.url(settings, 'position', position_id=item.id)}"
        for item in found
    ]
    count = len(found)
    with i18n.using(mail.language_of(db, user_id)):
        subject = ngettext(
            "%(num)s new position for “%(search)s”",
            "%(num)s new positions for “%(search)s”",
            count,
            search=search.name,
        )
        body = gettext(
            "Hello %(name)s,\n\n"
            "New open positions match your saved search “%(search)s”:\n\n"
            "%(positions)s\n\n"
            "The search itself: %(search_link)s\n"
            "Your saved searches: %(searches_link)s\n",
            name=graduate.first_name,
            search=search.name,
            positions="\n".join(lines),
            search_link=links.url(settings, "positions", query=dict(parse_qsl(search.query))),
            searches_link=links.url(settings, "graduate:searches"),
        )
    mail.queue(
        db,
        settings,
        to_email=email,
        to_user_id=user_id,
        kind="saved_search.match",
        subject=subject,
        body=body,
    )
