"""All tables, imported here so that the metadata (and Alembic) sees every one."""

from placement.models._base import core_table, join_codes, split_codes, utcnow
from placement.models.accounts import (
    ApiToken,
    EmailFrequency,
    Language,
    LoginAttempt,
    OneTimeToken,
    User,
)
from placement.models.conversation import (
    ConversationMessage,
    ConversationRead,
    EmployerNote,
    Interview,
    InterviewSlot,
    Offer,
)
from placement.models.employers import Employer, EmployerMember, Position, PositionRequirement
from placement.models.evidence import LinkPurpose, OutcomeLink, PlacementDocument
from placement.models.graduates import (
    CredentialReminder,
    CredentialVersion,
    Graduate,
    GraduateCredential,
    GraduateModality,
)
from placement.models.pipeline import (
    Application,
    ApplicationEvent,
    MatchAssignment,
    MatchRound,
    Placement,
    Referral,
)
from placement.models.records import (
    AuditEvent,
    Change,
    DigestRun,
    JobLease,
    MailStatus,
    Message,
    MessageAttachment,
)
from placement.models.sourcing import Invitation, PositionNotice, SavedSearch, TalentInterest

__all__ = [
    "ApiToken",
    "Application",
    "ApplicationEvent",
    "AuditEvent",
    "Change",
    "ConversationMessage",
    "ConversationRead",
    "CredentialReminder",
    "CredentialVersion",
    "DigestRun",
    "EmailFrequency",
    "Employer",
    "EmployerMember",
    "EmployerNote",
    "Graduate",
    "GraduateCredential",
    "GraduateModality",
    "Interview",
    "InterviewSlot",
    "Invitation",
    "JobLease",
    "Language",
    "LinkPurpose",
    "LoginAttempt",
    "MatchAssignment",
    "MailStatus",
    "MatchRound",
    "Message",
    "Offer",
    "MessageAttachment",
    "OneTimeToken",
    "OutcomeLink",
    "Placement",
    "PlacementDocument",
    "Position",
    "PositionNotice",
    "PositionRequirement",
    "Referral",
    "SavedSearch",
    "TalentInterest",
    "User",
    "core_table",
    "join_codes",
    "split_codes",
    "utcnow",
]
