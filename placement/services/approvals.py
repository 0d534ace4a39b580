"""Staff review: approve, reject or suspend organisations; approve or reject positions.

Every change is a conditional update (`… WHERE status = <the status the reviewer saw>`), so two
staff clicking at once give one result and the second gets a clear message. Every change is
audited with its before and after, and the organisation's users hear about it by mail and in
the app.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import Session, col, select

from placement import i18n, links
from placement.config import Settings
from placement.db import atomic
from placement.i18n import N_, Labels, gettext
from placement.models import Employer, EmployerMember, EmployerStatus, Position, User, utcnow
from placement.services import (
    Actor,
    Conflict,
    DomainError,
    NotFound,
    accounts,
    audit,
    changes,
    mail,
)
from placement.services.positions import REVIEW_ACTIONS
from placement.taxonomy import EMPLOYER_STATUS_LABELS, POSITION_STATUS_LABELS

# Which status each action may start from.
EMPLOYER_ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "approve": ("approved", ("pending", "rejected", "suspended")),
    "reject": ("rejected", ("pending",)),
    "suspend": ("suspended", ("pending", "approved")),
}
# A position's review transitions belong to its status machine (positions.lifecycle).
POSITION_ACTIONS = REVIEW_ACTIONS
PAST = {"approve": "approved", "reject": "rejected", "suspend": "suspended"}
MAX_REASON = 2000
# An organisation reviewed twice, in the reader's language (whole sentences, by status).
ALREADY = Labels(
    {
        "approved": N_("%(name)s is already approved."),
        "rejected": N_("%(name)s is already rejected."),
        "suspended": N_("%(name)s is already suspended."),
    }
)


def _reason(reason: str | None, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise DomainError(gettext("Give a reason: the organisation will read it."), "reason")
    if len(text) > MAX_REASON:
        raise DomainError(
            gettext("Keep the reason under %(max)s characters.", max=MAX_REASON), "reason"
        )
    if "\x00" in text:
        raise DomainError(gettext("Remove the invisible NUL character."), "reason")
    return text


def employer_for_review(db: Session, employer_id: int) -> Employer:
    employer = db.get(Employer, employer_id)
    if employer is None:
        raise NotFound
    return employer


def members(db: Session, employer_id: int) -> list[User]:
    return list(
        db.exec(
            select(User)
            .join(EmployerMember, col(EmployerMember.user_id) == User.id)
            .where(EmployerMember.employer_id == employer_id)
            .order_by(col(User.id))
        ).all()
    )


def _notify_members(
    db: Session,
    settings: Settings,
    employer_id: int,
    *,
    words: Callable[[], tuple[str, str]],
    kind: str,
) -> None:
    """Mail every active member; `words` gives (subject, body) in the current language and is
    called once per member, inside that member's language."""
    for user in members(db, employer_id):
        if user.active:
            with i18n.using(user.language):
                subject, body = words()
                greeting = gettext("Hello %(name)s,", name=user.name or user.email)
                mail.queue(
                    db,
                    settings,
                    to_email=user.email,
                    to_user_id=user.id,
                    subject=subject,
                    body=f"{greeting}\n\n{body}\n\n{gettext('Career Services')}\n",
                    kind=kind,
                )


@atomic
def review_employer(
    db: Session,
    settings: Settings,
    actor: Actor,
    *,
    employer_id: int,
    action: str,
    reason: str | None = None,
) -> Employer:
    """Approve, reject (reason required) or suspend (reason required) an organisation.

    Suspending ends every session of its users and takes its positions out of the public
    search at once (the search shows only positions of approved organisations).
    """
    if action not in EMPLOYER_ACTIONS:
        raise DomainError("Unknown action.")
    target, allowed_from = EMPLOYER_ACTIONS[action]
    text = _reason(reason, required=action in ("reject", "suspend"))
    employer = employer_for_review(db, employer_id)
    before = {"status": employer.status, "status_reason": employer.status_reason}
    if employer.status == target:
        raise Conflict(ALREADY[target] % {"name": employer.name})
    if employer.status not in allowed_from:
        raise DomainError(
            gettext(
                "An organisation whose status is “%(status)s” cannot be given this decision here.",
                status=EMPLOYER_STATUS_LABELS.get(employer.status, employer.status),
            )
        )
    now = utcnow()
    result = db.exec(
        update(Employer)
        .where(col(Employer.id) == employer_id, col(Employer.status) == employer.status)
        .values(status=target, status_reason=text, reviewed_by=actor.user_id, reviewed_at=now)
    )
    if result.rowcount != 1:
        raise Conflict(gettext("Someone else reviewed this organisation first: reload the page."))
    db.refresh(employer)
    audit.record(
        db,
        f"employer.{PAST[action]}",
        actor=actor,
        object_type="employer",
        object_id=employer_id,
        detail=employer.name + (f": {text}" if text else ""),
        before=before,
        after={"status": target, "status_reason": text},
    )
    positions = db.exec(select(Position.id).where(Position.employer_id == employer_id)).all()
    for position_id in positions:
        changes.position_changed(db, position_id)

    def words() -> tuple[str, str]:
        name = employer.name
        if action == "approve":
            return gettext("%(name)s is approved on the placement network", name=name), gettext(
                "Career services approved %(name)s. Positions you submit now go to review "
                "and, once approved, appear in the public search: %(link)s",
                name=name,
                link=links.url(settings, "employer_home"),
            )
        reason = gettext("Reason: %(reason)s", reason=text)
        if action == "reject":
            return gettext("%(name)s was not approved", name=name), "\n\n".join(
                [
                    gettext("Career services did not approve %(name)s.", name=name),
                    reason,
                    gettext(
                        "Reply to this message or contact career services if you think this "
                        "is a mistake."
                    ),
                ]
            )
        return gettext("%(name)s is suspended", name=name), "\n\n".join(
            [
                gettext(
                    "Career services suspended %(name)s: its positions no longer appear in "
                    "the search.",
                    name=name,
                ),
                reason,
            ]
        )

    _notify_members(db, settings, employer_id, kind=f"employer_{PAST[action]}", words=words)
    if action == "suspend":
        for user in members(db, employer_id):
            accounts.end_all_sessions(db, user)
    return employer


CHANGE_ACTIONS = ("approve", "reject")


@atomic
def review_held_change(
    db: Session,
    settings: Settings,
    actor: Actor,
    *,
    employer_id: int,
    action: str,
    reason: str | None = None,
) -> Employer:
    """Approve (the new name, website or NPI take effect everywhere, the public pages and
    search included) or reject (reason required: the approved values stay) an approved
    organisation's held change; audited with before and after, the members told by mail.

    A conditional update on the held change the reviewer saw: two reviewers at once, or a
    reviewer racing the employer's next edit, give one result and a Conflict for the other.
    """
    from placement.services import employers  # employers imports accounts, as we do

    if action not in CHANGE_ACTIONS:
        raise DomainError("Unknown action.")
    text = _reason(reason, required=action == "reject")
    employer = employer_for_review(db, employer_id)
    held = employers.held_changes(employer)
    if not held:
        raise Conflict(
            gettext(
                "%(name)s has no change waiting: someone reviewed it first.", name=employer.name
            )
        )
    if employer.status != EmployerStatus.APPROVED:
        raise DomainError(
            gettext(
                "%(name)s is “%(status)s”: its change can be reviewed once it is approved again.",
                name=employer.name,
                status=EMPLOYER_STATUS_LABELS.get(employer.status, employer.status),
            )
        )
    before = {name: getattr(employer, name) for name in sorted(held)}
    values: dict[str, object] = {"held_changes": None, "held_at": None}
    if action == "approve":
        values.update(held)
    result = db.exec(
        update(Employer)
        .where(
            col(Employer.id) == employer_id,
            col(Employer.held_changes) == employer.held_changes,
            col(Employer.status) == EmployerStatus.APPROVED,
        )
        .values(**values)
    )
    if result.rowcount != 1:
        raise Conflict(gettext("The change was reviewed or edited a moment ago: reload the page."))
    db.refresh(employer)
    if action == "approve":
        employers.shown_details_changed(db, employer_id)
    fields = ", ".join(sorted(held))
    audit.record(
        db,
        f"employer.change_{PAST[action]}",
        actor=actor,
        object_type="employer",
        object_id=employer_id,
        detail=f"{employer.name}: {fields}" + (f": {text}" if text else ""),
        before=before,
        after=held if action == "approve" else {**before, "reason": text},
    )

    def words() -> tuple[str, str]:
        none = gettext("(none)")
        described = "\n".join(
            f"- {_FIELD_LABELS[name]}: {before[name] or none} → {held[name] or none}"
            for name in sorted(held)
        )
        if action == "approve":
            return gettext("Your change to %(name)s is approved", name=employer.name), (
                "\n\n".join(
                    [
                        gettext(
                            "Career services approved the change to your organisation's details:"
                        ),
                        described,
                        gettext(
                            "The public pages and the search show it now: %(link)s",
                            link=links.url(settings, "employer:organization"),
                        ),
                    ]
                )
            )
        return gettext("Your change to %(name)s was not approved", name=employer.name), (
            "\n\n".join(
                [
                    gettext(
                        "Career services did not approve the change to your organisation's details:"
                    ),
                    described,
                    gettext("Reason: %(reason)s", reason=text),
                    gettext(
                        "The approved details stay as they were. Reply to this message or "
                        "contact career services if you think this is a mistake."
                    ),
                ]
            )
        )

    _notify_members(db, settings, employer_id, kind=f"employer_change_{PAST[action]}", words=words)
    return employer


_FIELD_LABELS = Labels({"name": N_("Name"), "website": N_("Website"), "npi": "NPI"})


@atomic
def review_position(
    db: Session,
    settings: Settings,
    actor: Actor,
    *,
    position_id: int,
    action: str,
    reason: str | None = None,
) -> Position:
    """Approve (pending_review → open, only for an approved organisation) or reject (reason)."""
    if action not in POSITION_ACTIONS:
        raise DomainError("Unknown action.")
    target, allowed_from = POSITION_ACTIONS[action]
    text = _reason(reason, required=action == "reject")
    position = db.get(Position, position_id)
    if position is None:
        raise NotFound
    employer = employer_for_review(db, position.employer_id)
    if position.status not in allowed_from:
        status = POSITION_STATUS_LABELS.get(position.status, position.status)
        raise Conflict(
            gettext("This position is “%(status)s”, not waiting for review.", status=status)
        )
    if action == "approve" and employer.status != EmployerStatus.APPROVED:
        raise DomainError(
            gettext(
                "%(name)s is not approved (its status is “%(status)s”): approve the "
                "organisation before its positions.",
                name=employer.name,
                status=EMPLOYER_STATUS_LABELS.get(employer.status, employer.status),
            )
        )
    before = {"status": position.status, "status_reason": position.status_reason}
    now = utcnow()
    result = db.exec(
        update(Position)
        .where(col(Position.id) == position_id, col(Position.status) == position.status)
        .values(
            status=target,
            status_reason=text,
            reviewed_by=actor.user_id,
            reviewed_at=now,
            updated_at=now,
            version=Position.version + 1,
            # Approved now: the next edit compares with what staff see at this moment.
            **({"approved_values": None} if action == "approve" else {}),
        )
    )
    if result.rowcount != 1:
        raise Conflict(gettext("Someone else reviewed this position first: reload the page."))
    db.refresh(position)
    changes.position_changed(db, position_id)
    audit.record(
        db,
        f"position.{PAST[action]}",
        actor=actor,
        object_type="position",
        object_id=position_id,
        detail=f"{position.title} at {employer.name}" + (f": {text}" if text else ""),
        before=before,
        after={"status": target, "status_reason": text},
    )

    def words() -> tuple[str, str]:
        title = position.title
        if action == "approve":
            return gettext("Your position “%(title)s” is open", title=title), gettext(
                "Career services approved “%(title)s”. It now appears in the search and "
                "graduates can apply: %(link)s",
                title=title,
                link=links.url(settings, "position", position_id=position.id),
            )
        return gettext("Your position “%(title)s” was not approved", title=title), "\n\n".join(
            [
                gettext("Career services did not approve “%(title)s”.", title=title),
                gettext("Reason: %(reason)s", reason=text),
                gettext("You can edit the position and submit it again."),
            ]
        )

    _notify_members(db, settings, employer.id or 0, kind=f"position_{PAST[action]}", words=words)
    return position
