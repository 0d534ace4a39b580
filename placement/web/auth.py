"""Sign-in, sign-out, registration, password change and reset, one-time account links."""

from __future__ import annotations

import secrets

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from placement import taxonomy
from placement.i18n import gettext, ngettext
from placement.models import User
from placement.security import password_problem
from placement.services import DomainError, accounts, employers
from placement.web.forms import Form
from placement.web.guards import endpoint, not_found, viewer
from placement.web.http import client_address, path, redirect, redirect_to
from placement.web.templating import render

HOME_BY_ROLE = {
    "graduate": "graduate_home",
    "employer": "employer_home",
    "staff": "staff_home",
    "admin": "staff_home",
}


def _home(request: Request, role: str) -> str:
    return path(request, HOME_BY_ROLE.get(role, "home"))


def safe_next(target: str | None) -> str | None:
    """Only a local path: never `//host`, `/\\host`, a scheme or anything with a backslash."""
    if not target or len(target) > 500:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 for c in target):
        return None
    return target


def sign_in(request: Request, user: User) -> None:
    """Renew the session at sign-in: a new cookie and a new CSRF token."""
    session = request.scope["session"]
    session.clear()
    session["uid"] = user.id
    session["ver"] = user.session_version
    session["csrf"] = secrets.token_urlsafe(32)


def _check_new_password(form: Form, name: str = "password", email: str = "") -> str:
    password = form.secret(name)
    if name not in form.errors:
        problem = password_problem(password, email=email)
        if problem:
            form.error(name, problem)
    return password


@endpoint()
def login(request: Request, db: Session) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        if request.state.viewer is not None:
            return redirect_to(next_path or _home(request, request.state.viewer.role))
        return render(request, "auth/login.html", {"form": Form(), "next": next_path})
    form = Form.of(request)
    email = form.email()
    password = form.secret("password")
    context = {"form": form, "next": next_path}
    if not form.ok:
        return render(request, "auth/login.html", context, status_code=422)
    settings = request.app.state.settings
    address = client_address(request)
    try:
        hits = accounts.begin_login(db, settings, email, address)
    except accounts.RateLimited as limited:
        form.error(
            "email",
            ngettext(
                "Too many failed sign-ins for this account or address. Wait %(num)s minute "
                "and try again, or reset your password.",
                "Too many failed sign-ins for this account or address. Wait %(num)s minutes "
                "and try again, or reset your password.",
                max(limited.retry_after // 60, 1),
            ),
        )
        response = render(request, "auth/login.html", context, status_code=429)
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    user = accounts.authenticate(db, request.app.state.passwords, email=email, password=password)
    if user is None:
        accounts.login_failed(db, email)
        db.commit()  # the failure is audited even though this answer rolls back
        form.error("password", gettext("The e-mail or the password is wrong."))
        return render(request, "auth/login.html", context, status_code=422)
    accounts.login_succeeded(db, user, email, hits)
    sign_in(request, user)
    return redirect_to(next_path or _home(request, user.role))


@endpoint()
def logout(request: Request, db: Session) -> Response:
    current = request.state.viewer
    if current is not None:
        user = db.get(User, current.user_id)
        if user is not None:
            accounts.sign_out(db, user)
    request.scope["session"].clear()
    return redirect(request, "home")


def _registration_limited(
    request: Request, db: Session, template: str, form: Form
) -> Response | None:
    """429 with Retry-After once this address registered too many accounts lately."""
    try:
        accounts.check_registration_limit(db, request.app.state.settings, client_address(request))
    except accounts.RateLimited as limited:
        form.error(
            "email",
            ngettext(
                "Too many accounts were registered from this network in the last hour. "
                "Try again in %(num)s minute.",
                "Too many accounts were registered from this network in the last hour. "
                "Try again in %(num)s minutes.",
                max(limited.retry_after // 60, 1),
            ),
        )
        response = render(request, template, {"form": form}, status_code=429)
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    return None


@endpoint()
def register_graduate(request: Request, db: Session) -> Response:
    template = "auth/register_graduate.html"
    if request.method == "GET":
        return render(request, template, {"form": Form()})
    form = Form.of(request)
    email = form.email()
    password = _check_new_password(form, email=email)
    first_name = form.text("first_name", max_length=100)
    last_name = form.text("last_name", max_length=100)
    student_id = form.text("student_id", max_length=40)
    program = form.text("program", max_length=200)
    graduation_date = form.date("graduation_date")
    if not form.ok or graduation_date is None:
        return render(request, template, {"form": form}, status_code=422)
    limited = _registration_limited(request, db, template, form)
    if limited is not None:
        return limited
    try:
        user, _graduate = accounts.register_graduate(
            db,
            request.app.state.passwords,
            accounts.GraduateRegistration(
                email=email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                student_id=student_id,
                program=program,
                graduation_date=graduation_date,
            ),
        )
    except DomainError as error:
        form.error(error.field or "email", error.message)
        return render(request, template, {"form": form}, status_code=422)
    sign_in(request, user)
    return redirect(request, "graduate_home")


@endpoint()
def register_employer(request: Request, db: Session) -> Response:
    template = "auth/register_employer.html"
    if request.method == "GET":
        return render(request, template, {"form": Form()})
    form = Form.of(request)
    organization_name = form.text("organization_name", max_length=200)
    kind = form.choice("organization_kind", taxonomy.SETTINGS)
    npi = form.text("npi", required=False, max_length=10)
    # The employer service's rule, shown beside the other fields' messages.
    if "npi" not in form.errors and (problem := employers.npi_problem(npi)):
        form.error("npi", problem)
    zip_code = form.zip_code("zip")
    website = form.url("website")
    contact_name = form.text("contact_name", max_length=200)
    email = form.email()
    password = _check_new_password(form, email=email)
    if not form.ok or kind is None or zip_code is None:
        return render(request, template, {"form": form}, status_code=422)
    limited = _registration_limited(request, db, template, form)
    if limited is not None:
        return limited
    try:
        user, _employer = accounts.register_employer(
            db,
            request.app.state.passwords,
            request.app.state.settings,
            accounts.EmployerRegistration(
                organization_name=organization_name,
                organization_kind=kind,
                npi=npi or None,
                zip=zip_code,
                website=website,
                contact_name=contact_name,
                email=email,
                password=password,
            ),
        )
    except DomainError as error:
        form.error(error.field or "email", error.message)
        return render(request, template, {"form": form}, status_code=422)
    sign_in(request, user)
    return redirect(request, "employer_home")


@endpoint("graduate", "employer", "staff")
def change_password(request: Request, db: Session) -> Response:
    template = "auth/password_change.html"
    if request.method == "GET":
        return render(request, template, {"form": Form()})
    form = Form.of(request)
    current = form.secret("current_password")
    user = db.get(User, viewer(request).user_id)
    assert user is not None
    new = _check_new_password(form, email=user.email)
    if not form.ok:
        return render(request, template, {"form": form}, status_code=422)
    try:
        accounts.change_password(db, request.app.state.passwords, user, current=current, new=new)
    except DomainError as error:
        form.error(error.field or "current_password", error.message)
        return render(request, template, {"form": form}, status_code=422)
    sign_in(request, user)  # this session goes on; every other one has ended
    return redirect(request, "change_password", notice="password_changed")


@endpoint()
def forgot_password(request: Request, db: Session) -> Response:
    template = "auth/password_forgot.html"
    if request.method == "GET":
        return render(request, template, {"form": Form()})
    form = Form.of(request)
    email = form.email()
    if not form.ok:
        return render(request, template, {"form": form}, status_code=422)
    accounts.request_password_reset(db, request.app.state.settings, email=email)
    return redirect(request, "forgot_password", notice="reset_sent")


def _token_page(request: Request, db: Session, purpose: str, template: str) -> Response:
    raw = request.path_params["token"]
    found = accounts.find_token(db, raw, purpose)
    if found is None:
        return render(request, "auth/token_invalid.html", {}, status_code=404)
    _token, user = found
    if request.method == "GET":
        return render(request, template, {"form": Form(), "account": user})
    form = Form.of(request)
    password = _check_new_password(form, email=user.email)
    if not form.ok:
        return render(request, template, {"form": form, "account": user}, status_code=422)
    account = accounts.use_token_to_set_password(
        db, request.app.state.passwords, raw, purpose, password
    )
    if account is None:
        return render(request, "auth/token_invalid.html", {}, status_code=404)
    sign_in(request, account)
    return redirect_to(_home(request, account.role))


@endpoint()
def reset_password(request: Request, db: Session) -> Response:
    return _token_page(request, db, "reset", "auth/password_reset.html")


@endpoint()
def accept_invitation(request: Request, db: Session) -> Response:
    """Invited colleagues, staff and roster graduates set their first password here."""
    return _token_page(request, db, "invite", "auth/account_setup.html")


@endpoint()
def confirm_email(request: Request, db: Session) -> Response:
    """The link mailed at an employer's registration. A GET that writes (the contract allows
    confirming an address by its link); every link that does not work — unknown, used,
    expired, replaced — gets the same page, which says nothing about the account."""
    user = accounts.confirm_email(db, request.path_params["token"])
    template = "auth/email_confirm.html"
    if user is None:
        days = accounts.CONFIRM_TTL.days
        return render(request, template, {"state": "invalid", "days": days}, status_code=404)
    return render(request, template, {"state": "confirmed"})


@endpoint("employer")
def resend_confirmation(request: Request, db: Session) -> Response:
    user = db.get(User, viewer(request).user_id)
    if user is None:
        raise not_found()
    try:
        sent = accounts.resend_confirmation(db, request.app.state.settings, user)
    except accounts.RateLimited as limited:
        minutes = max(limited.retry_after // 60, 1)
        response = render(
            request,
            "auth/email_confirm.html",
            {"state": "limited", "minutes": minutes},
            status_code=429,
        )
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    notice = "confirmation_sent" if sent else "already_confirmed"
    return redirect(request, "employer_home", notice=notice)


routes = [
    Route("/login", login, methods=["GET", "POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route(
        "/register/graduate", register_graduate, methods=["GET", "POST"], name="register_graduate"
    ),
    Route(
        "/register/employer", register_employer, methods=["GET", "POST"], name="register_employer"
    ),
    Route("/account/password", change_password, methods=["GET", "POST"], name="change_password"),
    Route("/password/forgot", forgot_password, methods=["GET", "POST"], name="forgot_password"),
    Route(
        "/password/reset/{token}", reset_password, methods=["GET", "POST"], name="reset_password"
    ),
    Route(
        "/account/setup/{token}", accept_invitation, methods=["GET", "POST"], name="account_setup"
    ),
    Route("/account/confirm", resend_confirmation, methods=["POST"], name="resend_confirmation"),
    Route("/account/confirm/{token}", confirm_email, name="confirm_email"),
]
