"""Base model types shared by every app.

``id`` is internal and never leaves the process; ``uuid`` is the public identifier used in URLs,
APIs and exports (docs/decisions/0002-identifiers.md).
"""

from __future__ import annotations

import uuid

from django.db import models


class PublicModel(models.Model):
    """A model with an internal ``id`` and a random public ``uuid``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TimestampedModel(PublicModel):
    """A public model that records when it was created and last changed (UTC)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
