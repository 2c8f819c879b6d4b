"""Pairwise pseudonyms: what external tools and research exports see instead of a learner ID.

``HMAC-SHA256(PSEUDONYM_KEY, learner_uuid ‖ 0x00 ‖ recipient)``: stable per recipient, different
between recipients (two tools cannot join their data), and not reversible without the key
(DESIGN §3, Identifiers). Kept tiny on purpose: several apps build on it.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings


def pseudonym_for(learner_uuid: uuid.UUID | str, recipient: str) -> str:
    """Return the pseudonym (64 lowercase hex characters) of a learner for a recipient."""
    message = str(uuid.UUID(str(learner_uuid))).encode("ascii") + b"\x00" + recipient.encode()
    key = str(settings.PSEUDONYM_KEY).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
