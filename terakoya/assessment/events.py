"""The one adapter between learning events and the LRS (terakoya.records).

Services build statements with :mod:`terakoya.assessment.xapi` and hand them here, inside their
own transaction, so a learning event and its statement are stored together or not at all.
"""

from __future__ import annotations

import importlib
from typing import Any


def learning_event_record(*, statement: dict[str, Any], school: Any) -> None:
    """Store one learning-event statement in the school's LRS, in the caller's transaction.

    Goes through the LRS's single write path, ``terakoya.records.services.statement_store``
    (validation, guards, learner resolution, audit). Until that service is on main this
    records nothing (docs/decisions/0142-xapi-learning-events.md).
    """
    try:
        lrs = importlib.import_module("terakoya.records.services")
    except ImportError:  # the LRS's service module is not on main yet
        return
    store = getattr(lrs, "statement_store", None)
    if store is None:
        return
    store(school=school, statements=[statement])
