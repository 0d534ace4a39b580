"""Factories for test data: plain functions that add rows and commit, with sensible defaults."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from placement import dates
from placement.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerMember,
    Graduate,
    GraduateCredential,
    GraduateModality,
    Position,
    PositionRequirement,
    User,
    join_codes,
    utcnow,
)
from placement.security import Passwords, make_hasher
from placement.services import search

PASSWORD = "correct horse battery staple"
_passwords = Passwords(make_hasher(fast=True))
_hash = _passwords.hash(PASSWORD)
_sequence = itertools.count(1)

__all__ = ["User"]


@dataclass
class GraduatePersona:
    user: User
    graduate: Graduate


@dataclass
class EmployerPersona:
    user: User
    employer: Employer


def _save(db: Session, *rows: Any) -> None:
    for row in rows:
        db.add(row)
    db.flush()
    db.commit()


def user(db: Session, *, email: str | None = None, role: str = "staff", name: str = "") -> User:
    number = next(_sequence)
    account = User(
        email=email or f"user{number}@example.com",
        role=role,
        name=name or f"User {number}",
        password_hash=_hash,
    )
    _save(db, account)
    return account


def graduate(
    db: Session,
    *,
    email: str | None = None,
    first_name: str = "Grace",
    last_name: str = "Hopper",
    verified: bool = True,
    with_account: bool = True,
    **fields: Any,
) -> GraduatePersona:
    number = next(_sequence)
    email = email or f"graduate{number}@example.com"
    account = None
    if with_account:
        account = User(
            email=email, role="graduate", name=f"{first_name} {last_name}", password_hash=_hash
        )
        _save(db, account)
    defaults: dict[str, Any] = {
        "student_id": f"S{number:06d}",
        "program": "Medical Massage Therapy (750 hours)",
        "graduation_date": date(2025, 6, 15),
        "cohort": 2025,
        "training_hours": 750,
        "clinical_hours": 120,
        "zip": "90001",
        "travel_radius_miles": 25,
        "settings": "hospital,hospice",
        "employment_types": "full_time,part_time",
        "availability": "mon-am,tue-am,wed-am,thu-am,fri-am",
        "pay_expectation": 30.0,
        "visibility": "staff",
        "seeking": "seeking",
        "verified_at": utcnow() if verified else None,
    }
    defaults.update(fields)
    person = Graduate(
        user_id=account.id if account else None,
        first_name=first_name,
        last_name=last_name,
        email=email,
        **defaults,
    )
    _save(db, person)
    return GraduatePersona(user=account, graduate=person)  # type: ignore[arg-type]


def modality(db: Session, graduate_id: int, code: str, proficiency: int = 2) -> GraduateModality:
    row = GraduateModality(graduate_id=graduate_id, code=code, proficiency=proficiency)
    _save(db, row)
    return row


def credential(
    db: Session,
    graduate_id: int,
    code: str,
    *,
    state: str | None = "CA",
    expires_on: date | None = None,
    verified: bool = True,
    number: str = "12345",
) -> GraduateCredential:
    row = GraduateCredential(
        graduate_id=graduate_id,
        code=code,
        number=number,
        state=state,
        issued_on=date(2025, 1, 1),
        expires_on=expires_on,
        verified_at=utcnow() if verified else None,
    )
    _save(db, row)
    return row


def employer(
    db: Session,
    *,
    email: str | None = None,
    name: str = "Harbor Hospital",
    status: str = "approved",
    kind: str = "hospital",
    zip: str = "90012",
) -> EmployerPersona:
    number = next(_sequence)
    organisation = Employer(
        name=name,
        kind=kind,
        zip=zip,
        status=status,
        website="https://harbor.example",
        npi=None,
    )
    account = User(
        email=email or f"employer{number}@example.com",
        role="employer",
        name=f"Hiring {number}",
        password_hash=_hash,
    )
    _save(db, organisation, account)
    _save(db, EmployerMember(employer_id=organisation.id, user_id=account.id, is_owner=True))
    return EmployerPersona(user=account, employer=organisation)


def position(
    db: Session,
    employer_id: int,
    *,
    title: str = "Medical massage therapist",
    status: str = "open",
    required_modalities: tuple[str, ...] = (),
    preferred_modalities: tuple[str, ...] = (),
    required_credentials: tuple[str, ...] = (),
    preferred_credentials: tuple[str, ...] = (),
    verified_credentials: tuple[str, ...] = (),
    shifts: tuple[str, ...] = ("mon-am", "tue-am"),
    **fields: Any,
) -> Position:
    defaults: dict[str, Any] = {
        "description": "Inpatient massage on the oncology and orthopaedic floors.",
        "setting": "hospital",
        "employment_type": "full_time",
        "pay_min": 28.0,
        "pay_max": 36.0,
        "zip": "90012",
        "start_date": dates.today() + timedelta(days=60),
        "openings": 1,
        "min_training_hours": 500,
        "closes_on": dates.today() + timedelta(days=30),
    }
    defaults.update(fields)
    row = Position(
        employer_id=employer_id, title=title, status=status, shifts=join_codes(shifts), **defaults
    )
    _save(db, row)
    requirements = [
        *(("modality", code, True) for code in required_modalities),
        *(("modality", code, False) for code in preferred_modalities),
        *(("credential", code, True) for code in required_credentials),
        *(("credential", code, False) for code in preferred_credentials),
    ]
    for kind, code, required in requirements:
        verified_only = kind == "credential" and required and code in verified_credentials
        db.add(
            PositionRequirement(
                position_id=row.id,
                kind=kind,
                code=code,
                required=required,
                verified_only=verified_only,
            )
        )
    db.flush()
    search.index_positions(db, [row.id])
    db.commit()
    return row


def application(
    db: Session,
    position_id: int,
    graduate_id: int,
    *,
    stage: str = "submitted",
    source: str = "applied",
    cover_note: str = "",
) -> Application:
    row = Application(
        position_id=position_id,
        graduate_id=graduate_id,
        stage=stage,
        source=source,
        cover_note=cover_note,
    )
    _save(db, row)
    _save(db, ApplicationEvent(application_id=row.id, from_stage=None, to_stage=stage))
    return row


# -- graduates' side: referrals and PDF files (appended) -----------------------------------


def referral(
    db: Session,
    position_id: int,
    graduate_id: int,
    *,
    staff_user_id: int | None = None,
    note: str = "You would be a good fit for this team.",
    status: str = "pending",
) -> Any:
    from placement.models import Referral

    row = Referral(
        position_id=position_id,
        graduate_id=graduate_id,
        staff_user_id=staff_user_id,
        note=note,
        status=status,
        open_pair=f"{position_id}:{graduate_id}" if status == "pending" else None,
        answered_at=None if status == "pending" else utcnow(),
    )
    _save(db, row)
    return row


def pdf_bytes(
    *,
    pages: int = 1,
    javascript: str | None = None,
    launch: str | None = None,
    attachment: bytes | None = None,
) -> bytes:
    """A small valid PDF made with pypdf; optionally carrying an OpenAction with JavaScript,
    a launch action, or an embedded file (the kinds a résumé upload must refuse)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if javascript is not None:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(javascript),
            }
        )
    if launch is not None:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject(launch),
            }
        )
    if attachment is not None:
        writer.add_attachment("notes.txt", attachment)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
