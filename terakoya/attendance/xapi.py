"""Attendance as xAPI statements — only when the board switches it on (off by default).

校務 data lives in its own tables; a board may additionally want attendance in its learning-
record store. :func:`attendance_statement` builds the statement as a pure function (minimal:
the status only — never the reason, the note or symptoms), and :func:`send_statements` is the
one adapter to the LRS service ``terakoya.records.services.statement_store``
(docs/decisions/0164-attendance-xapi.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from typing import Any

logger = logging.getLogger(__name__)

#: Namespace for deterministic statement ids: saving the same status twice is idempotent.
STATEMENT_NAMESPACE = uuid.UUID("6f0c1d5e-3a51-4f34-9d1e-2a7f0e5c8b11")
ACCOUNT_HOME_PAGE = "urn:terakoya:learner"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
ABSENT = "https://w3id.org/xapi/terakoya/verbs/was-absent"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
STATUS_EXTENSION = "https://w3id.org/xapi/terakoya/extensions/attendance-status"
ATTENDED_STATUSES = frozenset({"present", "late", "early_leave"})


def attendance_statement(
    *,
    learner_uuid: uuid.UUID,
    school_uuid: uuid.UUID,
    class_uuid: uuid.UUID,
    day: dt.date,
    period: int,
    status: str,
    recorded_at: dt.datetime,
) -> dict[str, Any]:
    """Build the xAPI 1.0.3/2.0 statement for one learner's status on one day or period."""
    activity = f"urn:terakoya:class:{class_uuid}:attendance:{day.isoformat()}:{period}"
    statement_id = uuid.uuid5(STATEMENT_NAMESPACE, f"{learner_uuid}|{activity}|{status}")
    attended = status in ATTENDED_STATUSES
    return {
        "id": str(statement_id),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": ACCOUNT_HOME_PAGE, "name": str(learner_uuid)},
        },
        "verb": {
            "id": ATTENDED if attended else ABSENT,
            "display": {
                "ja": "出席した" if attended else "出席しなかった",
                "en": "attended" if attended else "was absent",
            },
        },
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {
                "type": MEETING,
                "name": {"ja": f"{day.isoformat()} 出欠", "en": f"Attendance {day.isoformat()}"},
            },
        },
        "result": {"extensions": {STATUS_EXTENSION: status}},
        "context": {
            "contextActivities": {
                "grouping": [{"objectType": "Activity", "id": f"urn:terakoya:school:{school_uuid}"}]
            }
        },
        "timestamp": recorded_at.astimezone(dt.UTC).isoformat(),
    }


def send_statements(statements: Sequence[dict[str, Any]], *, school_uuid: uuid.UUID) -> int:
    """Store statements in the school's learning-record store; return how many were stored.

    The single adapter to the LRS's one write path, ``statement_store`` (validation, privacy
    guards, learner resolution, audit), called after the register's transaction commits.
    """
    from terakoya.records.services import statement_store

    if not statements:
        return 0
    stored = statement_store(statements=list(statements), school_uuid=school_uuid)
    logger.info("attendance xAPI: %d statements stored", len(stored))
    return len(stored)
