"""Credentials as a lifecycle: edits and renewals with history, one scan per credential,
verification with its method and evidence, and the reminder series before expiry.

Adding and removing a credential, and the rules of its fields (`check_credential`), live in
services.graduates with the rest of the graduate's record; everything that happens to a
credential after it was added lives here. Every change marks the graduate for the matching
index (services.changes) and is written to the audit log — with codes and dates, never the
licence number, so deleting the account leaves no number in the log.

By concern: `edits` (edit and renew, history), `documents` (the scan of the card),
`reminders` (before expiry), `verification` (by career services). Callers import from
`placement.services.credentials`; the names below are its interface.
"""

from placement.services.credentials.documents import (
    DOCUMENT_FIELD,
    DOCUMENT_TYPES,
    EXTENSIONS,
    MAX_PIXELS,
    STORED_DOCUMENT,
    DocumentRejected,
    check_document,
    document_path,
    forget_documents,
    read_document,
    remove_credential,
    sniff,
    staff_credential,
    store_document,
)
from placement.services.credentials.edits import (
    RENEWAL_FIELDS,
    EditResult,
    credential_input,
    edit_credential,
    history_of,
)
from placement.services.credentials.reminders import (
    REMINDER_KINDS,
    REMINDER_THRESHOLDS,
    reminder_threshold,
    send_reminders,
)
from placement.services.credentials.verification import (
    MAX_BULK,
    MAX_NOTE,
    Verified,
    verifier_names,
    verify_credential,
    verify_credentials,
)

__all__ = [
    "DOCUMENT_FIELD",
    "DOCUMENT_TYPES",
    "EXTENSIONS",
    "MAX_BULK",
    "MAX_NOTE",
    "MAX_PIXELS",
    "REMINDER_KINDS",
    "REMINDER_THRESHOLDS",
    "RENEWAL_FIELDS",
    "STORED_DOCUMENT",
    "DocumentRejected",
    "EditResult",
    "Verified",
    "check_document",
    "credential_input",
    "document_path",
    "edit_credential",
    "forget_documents",
    "history_of",
    "read_document",
    "reminder_threshold",
    "remove_credential",
    "send_reminders",
    "sniff",
    "staff_credential",
    "store_document",
    "verifier_names",
    "verify_credential",
    "verify_credentials",
]
