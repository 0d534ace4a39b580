"""The graduate's own record: profile, modalities, credentials, completeness and warnings.

Every change here also marks the graduate for the matching index (services.changes) and is
written to the audit log.

By concern: `vocabulary` (levels, modality groups, states, limits), `profile` (loading and
the profile), `credentials`, `completeness`, `school_record` (staff). Callers import from
`placement.services.graduates`; the names below are its interface.
"""

from placement.services.graduates.completeness import (
    Completeness,
    completeness,
)
from placement.services.graduates.credentials import (
    CredentialInput,
    CredentialStatus,
    CredentialWarning,
    add_credential,
    check_credential,
    credential_for_graduate,
    credential_status,
    credential_warnings,
    delete_credential,
)
from placement.services.graduates.profile import (
    CODED_FIELDS,
    EARLIEST_GRADUATION_YEAR,
    GRADUATION_YEARS_AHEAD,
    MAX_RECORD_HOURS,
    ROSTER_FIELDS,
    ProfileInput,
    check_graduation_date,
    credentials_of,
    get_graduate,
    graduation_date_problem,
    modalities_of,
    update_profile,
)
from placement.services.graduates.school_record import (
    RecordInput,
    update_record,
)
from placement.services.graduates.vocabulary import (
    EXPIRY_WARNING_DAYS,
    MAX_CREDENTIALS,
    MODALITY_GROUPS,
    PROFICIENCY_LABELS,
    US_STATES,
)

__all__ = [
    "CODED_FIELDS",
    "EARLIEST_GRADUATION_YEAR",
    "EXPIRY_WARNING_DAYS",
    "GRADUATION_YEARS_AHEAD",
    "MAX_CREDENTIALS",
    "MAX_RECORD_HOURS",
    "MODALITY_GROUPS",
    "PROFICIENCY_LABELS",
    "ROSTER_FIELDS",
    "US_STATES",
    "Completeness",
    "CredentialInput",
    "CredentialStatus",
    "CredentialWarning",
    "ProfileInput",
    "RecordInput",
    "add_credential",
    "check_credential",
    "check_graduation_date",
    "completeness",
    "credential_for_graduate",
    "credential_status",
    "credential_warnings",
    "credentials_of",
    "delete_credential",
    "get_graduate",
    "graduation_date_problem",
    "modalities_of",
    "update_profile",
    "update_record",
]
