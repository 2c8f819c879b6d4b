"""Pairwise pseudonyms for external recipients (docs/decisions/0002-identifiers.md).

``pseudonym_for`` is HMAC-SHA256 keyed with ``settings.PSEUDONYM_KEY`` over the learner's UUID
(16 bytes) followed by the recipient's identifier (UTF-8): stable for one recipient, different
for every other, and not reversible without the key — which never leaves Terakoya. Two
recipients cannot join their data on it.

Reverse lookup happens only inside Terakoya, by recomputation over the learners of one school
(no mapping table: nothing extra to leak, back up or keep in step). See
docs/decisions/0183-pseudonyms.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid

from django.conf import settings
from django.db.models import Q

from terakoya.core import clock
from terakoya.roster.models import Membership, Person, Role


def _key() -> bytes:
    return str(settings.PSEUDONYM_KEY).encode("utf-8")


def pseudonym_for(*, learner_uuid: uuid.UUID | str, recipient: str) -> str:
    """The learner's pseudonym for ``recipient`` (64 lowercase hex characters)."""
    if not recipient:
        raise ValueError("a pseudonym needs a recipient")
    learner = uuid.UUID(str(learner_uuid))
    message = learner.bytes + recipient.encode("utf-8")
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def pseudonym_index(
    *, school_id: int, recipient: str, on: dt.date | None = None
) -> dict[str, uuid.UUID]:
    """Pseudonym → learner UUID for the school's current learners (one HMAC per learner).

    Build it once per batch (an xAPI POST of 100 statements) and look each actor up in it.
    """
    day = on or clock.today()
    learner_uuids = (
        Membership.objects.filter(school_id=school_id, role=Role.LEARNER, begin_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("person__uuid", flat=True)
        .distinct()
    )
    return {
        pseudonym_for(learner_uuid=learner, recipient=recipient): learner
        for learner in learner_uuids
    }


def learner_for_pseudonym(
    *, pseudonym: str, recipient: str, school_id: int, on: dt.date | None = None
) -> Person | None:
    """The school's learner behind ``pseudonym`` for ``recipient``, or None."""
    found = pseudonym_index(school_id=school_id, recipient=recipient, on=on).get(pseudonym.lower())
    if found is None:
        return None
    return Person.objects.filter(uuid=found).first()
