"""The gate for guidance notes (指導記録): author and designated roles only.

On top of :mod:`terakoya.privacy.gate` (tenant, role policy for the guidance_note category,
purpose, audit), a note is visible only to

- its author, and
- people holding, in the note's school, a role the school designates
  (``GuidancePolicy.designated_roles``; by default the principal and the special-support
  coordinator).

Everyone else — including other teachers of the same learner — gets the same NotFound as for a
note that does not exist, and lists never include, count or hint at notes they cannot read.
"""

from __future__ import annotations

import uuid

from django.db.models import Q

from terakoya.guidance.models import DEFAULT_DESIGNATED_ROLES, GuidanceNote, GuidancePolicy
from terakoya.privacy.audit import audit_record_many
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.gate import (
    Actor,
    NotFound,
    Relation,
    _deny,
    authorize_learner,
    relations_to_learner,
    scope_class_learners,
    teaching_classes,
)
from terakoya.privacy.purposes import Purpose
from terakoya.roster.models import Person, School, SchoolClass

__all__ = [
    "NotFound",
    "access_learner_for_notes",
    "access_note_by_uuid",
    "designated_roles",
    "scope_learner_notes",
    "scope_visible_notes",
    "teaching_class_learners",
]

#: Relations that may write notes about a learner (the gate's POLICY grants them the category).
WRITERS = frozenset(
    {
        Relation.HOMEROOM_TEACHER,
        Relation.SUBJECT_TEACHER,
        Relation.PRINCIPAL,
        Relation.SPECIAL_SUPPORT,
    }
)


def designated_roles(school: School) -> frozenset[str]:
    """The roles that read every note of the school (besides each note's author)."""
    policy = GuidancePolicy.objects.filter(school=school).first()
    if policy is None:
        return frozenset(DEFAULT_DESIGNATED_ROLES)
    return frozenset(policy.designated_roles)


def _designated_school_ids(actor: Actor) -> set[int]:
    found = set()
    for school in School.objects.filter(pk__in=actor.school_ids()):
        if any(actor.has_role(role, school_id=school.pk) for role in designated_roles(school)):
            found.add(school.pk)
    return found


def _visible(actor: Actor) -> Q:
    if actor.person is None:
        return Q(pk__in=[])
    return Q(author=actor.person) | Q(school_id__in=_designated_school_ids(actor))


def access_learner_for_notes(
    actor: Actor, learner_uuid: uuid.UUID | str
) -> tuple[Person, Relation, School]:
    """A learner the actor teaches (or oversees as principal / coordinator), or NotFound."""
    try:
        key = uuid.UUID(str(learner_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    learner = Person.objects.filter(uuid=key).first()
    if learner is None:
        raise _deny(
            actor,
            action="guidance.learner.read",
            purpose=Purpose.INSTRUCTION,
            target_type="roster.person",
            target=str(key),
            subject=None,
        )
    relation = authorize_learner(
        actor,
        learner,
        category=C.GUIDANCE_NOTE,
        purpose=Purpose.INSTRUCTION,
        action="guidance.learner.read",
        target_type="roster.person",
        target_uuid=key,
        allowed_relations=WRITERS,
    )
    school_ids = relations_to_learner(actor, learner).get(relation) or set()
    school = School.objects.filter(pk__in=school_ids).order_by("pk").first()
    if school is None:
        raise NotFound()
    return learner, relation, school


def _audit_reads(actor: Actor, notes: list[GuidanceNote]) -> None:
    audit_record_many(
        [
            {
                "actor": actor.audit_actor(
                    "author" if n.author_id == getattr(actor.person, "pk", None) else "designated"
                ),
                "action": "guidance.note.read",
                "purpose": Purpose.INSTRUCTION,
                "school_uuid": n.school.uuid,
                "target_type": "guidance.guidancenote",
                "target_uuid": n.uuid,
                "subject_uuid": n.learner.uuid,
            }
            for n in notes
        ]
    )


def scope_learner_notes(actor: Actor, learner: Person) -> list[GuidanceNote]:
    """The notes about ``learner`` that the actor may read, newest first, audited.

    ``learner`` must come from :func:`access_learner_for_notes`.
    """
    notes = list(
        GuidanceNote.objects.filter(_visible(actor), learner=learner)
        .select_related("author", "school", "learner")
        .order_by("-written_on", "-created_at")
    )
    _audit_reads(actor, notes)
    return notes


def scope_visible_notes(actor: Actor, *, limit: int = 50) -> list[GuidanceNote]:
    """The most recent notes the actor may read (their own and, for designated roles, the
    school's), audited."""
    notes = list(
        GuidanceNote.objects.filter(_visible(actor))
        .select_related("author", "school", "learner")
        .order_by("-written_on", "-created_at")[:limit]
    )
    _audit_reads(actor, notes)
    return notes


def access_note_by_uuid(actor: Actor, note_uuid: uuid.UUID | str) -> GuidanceNote:
    """One note for its author or a designated role of its school; otherwise NotFound, the
    same as for a note that does not exist (and audited as denied)."""
    try:
        key = uuid.UUID(str(note_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    note = (
        GuidanceNote.objects.filter(_visible(actor), uuid=key)
        .select_related("author", "school", "learner")
        .first()
    )
    if note is None:
        raise _deny(
            actor,
            action="guidance.note.read",
            purpose=Purpose.INSTRUCTION,
            target_type="guidance.guidancenote",
            target=str(key),
            subject=None,
        )
    # Tenant and role policy still apply: a former author who left the school loses access.
    authorize_learner(
        actor,
        note.learner,
        category=C.GUIDANCE_NOTE,
        purpose=Purpose.INSTRUCTION,
        action="guidance.note.read",
        target_type="guidance.guidancenote",
        target_uuid=note.uuid,
        allowed_relations=WRITERS,
    )
    return note


def teaching_class_learners(actor: Actor) -> list[tuple[SchoolClass, list[Person]]]:
    """The actor's classes with their learners, to start a note from (roster reads audited)."""
    found = []
    for school_class in teaching_classes(actor).select_related("school").order_by("name"):
        people = [
            p for _e, p in scope_class_learners(actor, school_class, purpose=Purpose.INSTRUCTION)
        ]
        found.append((school_class, people))
    return found
