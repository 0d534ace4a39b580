"""All tables, imported here so that the metadata (and Alembic) sees every one."""

from placement.models._base import join_codes, split_codes, utcnow
from placement.models.accounts import ApiToken, LoginAttempt, OneTimeToken, User
from placement.models.conversation import (
    ConversationMessage,
    ConversationRead,
    EmployerNote,
    Interview,
    InterviewSlot,
    Offer,
)
from placement.models.employers import Employer, EmployerMember, Position, PositionRequirement
from placement.models.graduates import Graduate, GraduateCredential, GraduateModality
from placement.models.pipeline import (
    Application,
    ApplicationEvent,
    MatchAssignment,
    MatchRound,
    Placement,
    Referral,
)
from placement.models.records import AuditEvent, Change, JobLease, Message

__all__ = [
    "ApiToken",
    "Application",
    "ApplicationEvent",
    "AuditEvent",
    "Change",
    "ConversationMessage",
    "ConversationRead",
    "Employer",
    "EmployerMember",
    "EmployerNote",
    "Graduate",
    "GraduateCredential",
    "GraduateModality",
    "Interview",
    "InterviewSlot",
    "JobLease",
    "LoginAttempt",
    "MatchAssignment",
    "MatchRound",
    "Message",
    "Offer",
    "OneTimeToken",
    "Placement",
    "Position",
    "PositionRequirement",
    "Referral",
    "User",
    "join_codes",
    "split_codes",
    "utcnow",
]
