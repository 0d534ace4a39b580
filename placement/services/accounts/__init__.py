"""Accounts: registration, sign-in with its limits, passwords, one-time links.

By concern: `registration` (and the role words), `sign_in` (sign-in, sign-out, passwords),
`one_time` (the links), `confirmation` (of the e-mail), `password_reset`. Callers import from
`placement.services.accounts`; the names below are its interface.
"""

from placement.services.accounts.confirmation import (
    CONFIRM_MAIL_LIMIT,
    CONFIRM_MAIL_WINDOW_SECONDS,
    CONFIRM_TTL,
    confirm_email,
    resend_confirmation,
    send_confirmation,
)
from placement.services.accounts.one_time import (
    Wording,
    find_token,
    issue_token,
    send_setup_link,
)
from placement.services.accounts.password_reset import (
    RESET_MAIL_LIMIT,
    RESET_MAIL_WINDOW_SECONDS,
    request_password_reset,
    use_token_to_set_password,
)
from placement.services.accounts.registration import (
    INVITE_TTL,
    ROLE_LABELS,
    EmployerRegistration,
    GraduateRegistration,
    check_registration_limit,
    create_staff_user,
    find_user_by_email,
    register_employer,
    register_graduate,
    role_label,
)
from placement.services.accounts.sign_in import (
    authenticate,
    begin_login,
    change_password,
    end_all_sessions,
    login_failed,
    login_succeeded,
    set_password,
    sign_out,
)
from placement.services.limits import RateLimited as RateLimited

__all__ = [
    "CONFIRM_MAIL_LIMIT",
    "CONFIRM_MAIL_WINDOW_SECONDS",
    "CONFIRM_TTL",
    "INVITE_TTL",
    "RESET_MAIL_LIMIT",
    "RESET_MAIL_WINDOW_SECONDS",
    "ROLE_LABELS",
    "RateLimited",
    "EmployerRegistration",
    "GraduateRegistration",
    "Wording",
    "authenticate",
    "begin_login",
    "change_password",
    "check_registration_limit",
    "confirm_email",
    "create_staff_user",
    "end_all_sessions",
    "find_token",
    "find_user_by_email",
    "issue_token",
    "login_failed",
    "login_succeeded",
    "register_employer",
    "register_graduate",
    "request_password_reset",
    "resend_confirmation",
    "role_label",
    "send_confirmation",
    "send_setup_link",
    "set_password",
    "sign_out",
    "use_token_to_set_password",
]
