"""Team rules (CONTRACT, Employer): only an owner removes a colleague (403 otherwise), an owner
promotes a colleague (POST /employer/team/{user_id}/owner), nobody removes the last owner."""

from __future__ import annotations

import pytest
from sqlmodel import select

from placement.models import EmployerMember, User
from placement.services import Actor, DomainError, Forbidden, NotFound
from placement.services import employers as employer_service
from tests import factories


def _colleague(db, employer_id: int, email: str, *, owner: bool = False) -> User:
    account = factories.user(db, email=email, role="employer")
    db.add(EmployerMember(employer_id=employer_id, user_id=account.id, is_owner=owner))
    db.commit()
    return account


def _is_owner(db, user_id: int) -> bool:
    db.expire_all()
    return db.exec(select(EmployerMember.is_owner).where(EmployerMember.user_id == user_id)).one()


class TestTheService:
    def test_a_colleague_who_is_not_an_owner_cannot_remove(self, db, employer_user):
        employer_id = employer_user.employer.id
        colleague = _colleague(db, employer_id, "cole@harbor.example")
        with pytest.raises(Forbidden):
            employer_service.remove_colleague(
                db,
                employer_id=employer_id,
                actor=Actor(user_id=colleague.id, role="employer"),
                user_id=employer_user.user.id,
            )

    def test_an_owner_removes_and_promotes(self, db, employer_user):
        employer_id = employer_user.employer.id
        first = _colleague(db, employer_id, "first@harbor.example")
        second = _colleague(db, employer_id, "second@harbor.example")
        employer_service.promote_colleague(
            db,
            employer_id=employer_id,
            actor=Actor(user_id=employer_user.user.id, role="employer"),
            user_id=first.id,
        )
        employer_service.remove_colleague(
            db,
            employer_id=employer_id,
            actor=Actor(user_id=employer_user.user.id, role="employer"),
            user_id=second.id,
        )
        db.commit()
        assert _is_owner(db, first.id)
        assert db.get(User, second.id).active is False

    def test_an_owner_removes_another_owner_but_never_the_last_one(self, db, employer_user):
        employer_id = employer_user.employer.id
        other = _colleague(db, employer_id, "other@harbor.example", owner=True)
        employer_service.remove_colleague(
            db,
            employer_id=employer_id,
            actor=Actor(user_id=other.id, role="employer"),
            user_id=employer_user.user.id,
        )
        db.commit()
        helper = _colleague(db, employer_id, "helper@harbor.example")
        with pytest.raises(DomainError, match="last owner") as caught:
            employer_service.remove_colleague(
                db,
                employer_id=employer_id,
                actor=Actor(user_id=other.id, role="employer"),
                user_id=other.id,
            )
        assert not isinstance(caught.value, Forbidden)
        assert helper.active

    def test_two_owners_removing_each_other_at_once_leave_one(self, app, db, employer_user):
        """Both requests pass their checks; the organisation's row lock (PostgreSQL) or the
        write lock (SQLite) takes them one after the other, and the second finds its actor
        gone: never an organisation without an owner."""
        import threading

        from placement.db import unit_of_work

        employer_id = employer_user.employer.id
        other = _colleague(db, employer_id, "other@harbor.example", owner=True)
        pairs = [(employer_user.user.id, other.id), (other.id, employer_user.user.id)]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def run(actor: int, target: int) -> None:
            barrier.wait()
            try:
                with unit_of_work(app.state.engine) as session:
                    employer_service.remove_colleague(
                        session,
                        employer_id=employer_id,
                        actor=Actor(user_id=actor, role="employer"),
                        user_id=target,
                    )
                outcomes.append("removed")
            except DomainError as error:
                outcomes.append(type(error).__name__)

        threads = [threading.Thread(target=run, args=pair) for pair in pairs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["Forbidden", "removed"]
        db.expire_all()
        owners = db.exec(
            select(EmployerMember).where(
                EmployerMember.employer_id == employer_id, EmployerMember.is_owner.is_(True)
            )
        ).all()
        assert len(owners) == 1

    def test_another_organisations_member_is_not_found(
        self, db, employer_user, other_employer_user
    ):
        with pytest.raises(NotFound):
            employer_service.promote_colleague(
                db,
                employer_id=employer_user.employer.id,
                actor=Actor(user_id=employer_user.user.id, role="employer"),
                user_id=other_employer_user.user.id,
            )


class TestTheRoutes:
    def test_a_colleague_gets_403_and_the_owner_stays(self, make_client, db, employer_user):
        colleague = _colleague(db, employer_user.employer.id, "cole@harbor.example")
        client = make_client()
        client.login(colleague.email)
        response = client.submit(f"/employer/team/{employer_user.user.id}/remove")
        assert response.status_code == 403
        db.expire_all()
        assert db.get(User, employer_user.user.id).active
        promote = client.submit(f"/employer/team/{colleague.id}/owner")
        assert promote.status_code == 403
        assert not _is_owner(db, colleague.id)
        # A colleague is offered neither button.
        assert "/remove" not in client.get("/employer/team").text

    def test_the_owner_promotes_then_the_new_owner_may_remove(
        self, as_employer, make_client, db, employer_user
    ):
        colleague = _colleague(db, employer_user.employer.id, "cole@harbor.example")
        response = as_employer.submit(f"/employer/team/{colleague.id}/owner")
        assert response.status_code == 303
        assert _is_owner(db, colleague.id)
        assert "owner" in as_employer.get(response.headers["location"]).text
        client = make_client()
        client.login(colleague.email)
        assert client.submit(f"/employer/team/{employer_user.user.id}/remove").status_code == 303

    def test_the_last_owner_cannot_be_removed(self, make_client, db, employer_user):
        other = _colleague(db, employer_user.employer.id, "other@harbor.example", owner=True)
        first, second = make_client(), make_client()
        first.login(employer_user.user.email)
        second.login(other.email)
        assert first.submit(f"/employer/team/{other.id}/remove").status_code == 303
        # `other` is signed out now; a third member who is not an owner cannot try either.
        helper = _colleague(db, employer_user.employer.id, "helper@harbor.example")
        third = make_client()
        third.login(helper.email)
        assert third.submit(f"/employer/team/{employer_user.user.id}/remove").status_code == 403
        response = first.submit(f"/employer/team/{employer_user.user.id}/remove")
        assert response.status_code == 422
        assert "last owner" in response.text
        db.expire_all()
        assert db.get(User, employer_user.user.id).active
