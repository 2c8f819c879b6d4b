"""Helpers shared by the OneRoster tests: packages from the builder, database snapshots."""

from __future__ import annotations

import io
from typing import Any

from django.forms.models import model_to_dict

from terakoya.privacy.models import AuditEntry
from terakoya.roster.models import (
    Board,
    Course,
    Enrolment,
    GuardianLink,
    LearnerGroup,
    Membership,
    Person,
    School,
    SchoolClass,
    SchoolYear,
)
from terakoya.roster.oneroster.builder import SyntheticRoster, zip_bytes

ROSTER_MODELS = (
    Board, School, SchoolYear, Course, SchoolClass, Person, Membership, Enrolment, GuardianLink,
)  # fmt: skip


def package(roster: SyntheticRoster, files: dict[str, Any] | None = None, **kw: Any) -> io.BytesIO:
    return io.BytesIO(zip_bytes(files or roster.files(), roster.manifest(), **kw))


def snapshot() -> dict[str, Any]:
    """Every roster row with every field (and the audit log's size)."""
    state: dict[str, Any] = {"audit_entries": AuditEntry.objects.count()}
    for model in ROSTER_MODELS:
        rows = []
        for obj in model.objects.order_by("pk"):
            data = model_to_dict(obj)
            data["uuid"] = obj.uuid
            data["updated_at"] = obj.updated_at
            rows.append(data)
        state[model.__name__] = rows
    return state


def wipe_roster() -> None:
    """Empty the roster tables (an "empty database" for round trips; the audit log stays)."""
    for links in (GuardianLink, Enrolment, Membership, LearnerGroup):
        links.objects.all().delete()
    Person.objects.update(home_class=None)
    for model in (Person, SchoolClass, Course, SchoolYear, School, Board):
        model.objects.all().delete()
