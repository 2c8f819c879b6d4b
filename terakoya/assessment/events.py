"""The one adapter between learning events and the LRS (terakoya.records).

Services build statements with :mod:`terakoya.assessment.xapi` and hand them here, inside their
own transaction, so a learning event and its statement are stored together or not at all.
"""

from __future__ import annotations

from typing import Any

from terakoya.records.services import statement_store


def learning_event_record(*, statement: dict[str, Any], school: Any) -> None:
    """Store one learning-event statement in the school's LRS, in the caller's transaction.

    Goes through the LRS's single write path (validation, My Number and prohibited-category
    guards, learner resolution, audit) with Terakoya's own authority and the duty purpose
    ``instruction`` (docs/decisions/0142-xapi-learning-events.md). A refusal raises the LRS's
    ``XapiError`` (a ``UserError``) and rolls the learning event back with it.
    """
    statement_store(school=school, statements=[statement])
