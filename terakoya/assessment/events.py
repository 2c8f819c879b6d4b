"""The one adapter between learning events and the LRS (terakoya.records).

Services build statements with :mod:`terakoya.assessment.xapi` and hand them here, inside their
own transaction, so a learning event and its statement are stored together or not at all.
"""

from __future__ import annotations

import importlib
from typing import Any


def learning_event_record(*, statement: dict[str, Any], school_id: int) -> None:
    """Store one learning-event statement in the LRS, in the caller's transaction.

    Until ``terakoya.records.services.statement_store`` exists on main this records nothing
    (docs/decisions/0142-xapi-learning-events.md); wiring it is this one call.
    """
    try:
        lrs = importlib.import_module("terakoya.records.services")
    except ImportError:  # the LRS's service module is not on main yet
        return
    store = getattr(lrs, "statement_store", None)
    if store is None:
        return
    store(statements=[statement], school_id=school_id)
