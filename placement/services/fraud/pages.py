"""Signals for a page of rows: what each check needs, loaded for the whole page in a fixed number
of queries, one list of signals per row."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from placement import geo
from placement.i18n import gettext
from placement.models import Employer, EmployerMember, EmployerStatus, Position, User
from placement.services.fraud.checks import (
    confirmation_signals,
    email_domain_signals,
    known_names,
    npi_in_use_signals,
    npi_signals,
    pay_signals,
    similar_name_signals,
    website_wording_signals,
    wording_signals,
)
from placement.services.fraud.tables import Signal
from placement.taxonomy import EMPLOYER_STATUS_LABELS


def employer_signals(db: Session, employers: Sequence[Employer]) -> dict[int, list[Signal]]:
    """Signals per organisation, for a page of them, in three queries.

    `employers` may also be unsaved copies carrying proposed values (a held change of name,
    website or NPI, see `held_change_signals`): every signal is computed from the values of
    the objects given, the members and other organisations from the database."""
    ids = [employer.id for employer in employers if employer.id is not None]
    if not ids:
        return {}
    emails: dict[int, list[str]] = {employer_id: [] for employer_id in ids}
    # The member who registered the organisation: its first owner.
    registering: dict[int, tuple[str, bool]] = {}
    for employer_id, email, is_owner, confirmed_at in db.exec(
        select(
            EmployerMember.employer_id, User.email, EmployerMember.is_owner, User.email_confirmed_at
        )
        .join(User, col(User.id) == EmployerMember.user_id)
        .where(col(EmployerMember.employer_id).in_(ids))
        .order_by(col(EmployerMember.id))
    ).all():
        emails[employer_id].append(email)
        if is_owner and employer_id not in registering:
            registering[employer_id] = (email, confirmed_at is not None)
    known = known_names(
        (int(row[0] or 0), row[1], row[2])
        for row in db.exec(select(Employer.id, Employer.name, Employer.status)).all()
    )
    npis = sorted({employer.npi for employer in employers if employer.npi})
    same_npi = (
        [
            (int(row[0] or 0), row[1], row[2], row[3])
            for row in db.exec(
                select(Employer.id, Employer.name, Employer.status, Employer.npi).where(
                    col(Employer.npi).in_(npis)
                )
            ).all()
        ]
        if npis
        else []
    )
    result: dict[int, list[Signal]] = {}
    for employer in employers:
        if employer.id is None:
            continue
        registered_by, confirmed = registering.get(employer.id, ("", False))
        result[employer.id] = [
            *similar_name_signals(employer.name, known, own_id=employer.id),
            *email_domain_signals(emails[employer.id], employer.website),
            *confirmation_signals(registered_by or None, confirmed),
            *npi_signals(employer.npi, employer.kind),
            *npi_in_use_signals(employer.npi, same_npi, own_id=employer.id),
            *wording_signals(employer.name),
            *website_wording_signals(employer.website),
        ]
    return result


def position_signals(
    db: Session, rows: Sequence[tuple[Position, Employer]]
) -> dict[int, list[Signal]]:
    """Signals per position: pay against its state's minimum wage, wording, its employer."""
    organisations = {employer.id: employer for _position, employer in rows}
    by_employer = employer_signals(db, list(organisations.values()))
    result: dict[int, list[Signal]] = {}
    for position, employer in rows:
        if position.id is None:
            continue
        state = geo.state_of(position.zip)
        signals = [
            *pay_signals(position.pay_min, position.pay_max, state),
            *wording_signals(position.title, position.description),
        ]
        if employer.status != EmployerStatus.APPROVED:
            signals.append(
                Signal(
                    "employer_not_approved",
                    gettext(
                        "The organisation's status is %(status)s: approve it before this position.",
                        status=EMPLOYER_STATUS_LABELS.get(employer.status, employer.status).lower(),
                    ),
                )
            )
        signals.extend(
            signal
            for signal in by_employer.get(employer.id or 0, [])
            if signal.severity == "warning"
        )
        result[position.id] = signals
    return result
