"""The access gate: the only way to obtain another person's data.

Every check runs in the same order, each on its own line (DESIGN §3):

1. tenant — the record's school is one where the actor holds a role (or the actor is the
   learner or a guardian of the learner);
2. role policy — the relation between actor and learner allows the data category;
3. purpose — the purpose covers the category, and its legal basis is known;
4. consent — where the basis is consent, the latest consent event is a grant;

then an audit entry is written. A record that is missing and one that is forbidden raise the
same :class:`NotFound`, so a caller cannot learn that a record exists.

App-specific gates (``<app>/access.py``) build on :func:`authorize_learner` and
:func:`relations_to_learner`; views never query personal-data models themselves (ruff TID251).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from terakoya.core import clock
from terakoya.privacy.audit import AuditActor, audit_record, audit_record_many
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.consent import consent_is_given
from terakoya.privacy.models import AuditOutcome
from terakoya.privacy.purposes import PURPOSES, Purpose
from terakoya.roster.choices import BOARD_ROLES, ClassType, EnrolmentRole, Role
from terakoya.roster.models import (
    Enrolment,
    GuardianLink,
    Membership,
    Person,
    School,
    SchoolClass,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class NotFound(Http404):
    """Raised for a record that does not exist and for one the actor may not see, alike."""


class Relation(StrEnum):
    """How an actor stands to a learner; the role policy is written per relation."""

    SELF = "self"
    GUARDIAN = "guardian"
    HOMEROOM_TEACHER = "homeroom_teacher"
    SUBJECT_TEACHER = "subject_teacher"
    NURSE = "nurse"
    SCHOOL_ADMIN = "school_admin"
    PRINCIPAL = "principal"
    SPECIAL_SUPPORT = "special_support"
    BOARD_ANALYST = "board_analyst"
    CLIENT = "client"  # an LRS client or external tool bound to a school


#: The role policy: which categories of a learner's data each relation may read.
#: Health for the homeroom teacher is limited further, field by field, by the health records'
#: own gate (only fields the school marks as needed for teaching). Guidance notes are limited
#: further by their own gate (author and designated roles only).
POLICY: dict[Relation, frozenset[C]] = {
    Relation.SELF: frozenset(
        {
            C.ROSTER,
            C.STUDY_LOG,
            C.ASSESSMENT,
            C.GRADE,
            C.ATTENDANCE,
            C.HEALTH,
            C.COMMUNICATION,
            C.CONSENT,
            C.AUDIT,
        }
    ),
    Relation.GUARDIAN: frozenset(
        {
            C.ROSTER,
            C.STUDY_LOG,
            C.ASSESSMENT,
            C.GRADE,
            C.ATTENDANCE,
            C.HEALTH,
            C.COMMUNICATION,
            C.CONSENT,
            C.AUDIT,
        }
    ),
    Relation.HOMEROOM_TEACHER: frozenset(
        {
            C.ROSTER,
            C.STUDY_LOG,
            C.ASSESSMENT,
            C.GRADE,
            C.ATTENDANCE,
            C.HEALTH,
            C.COMMUNICATION,
            C.GUIDANCE_NOTE,
        }
    ),
    Relation.SUBJECT_TEACHER: frozenset(
        {C.ROSTER, C.STUDY_LOG, C.ASSESSMENT, C.GRADE, C.GUIDANCE_NOTE}
    ),
    Relation.NURSE: frozenset({C.ROSTER, C.HEALTH, C.ATTENDANCE}),
    Relation.SCHOOL_ADMIN: frozenset({C.ROSTER, C.ATTENDANCE, C.CONSENT, C.COMMUNICATION}),
    Relation.PRINCIPAL: frozenset({C.ROSTER, C.GRADE, C.ATTENDANCE, C.GUIDANCE_NOTE}),
    Relation.SPECIAL_SUPPORT: frozenset({C.ROSTER, C.GUIDANCE_NOTE}),
    # Board analysts see aggregates only, never an individual (DESIGN §4).
    Relation.BOARD_ANALYST: frozenset(),
    Relation.CLIENT: frozenset({C.STUDY_LOG, C.ASSESSMENT}),
}

#: Purposes open only to some relations (all others are open to every relation the role policy
#: allows). Subject access is the data subject's own right (APPI Art. 76); the optional
#: purposes are flows to a recipient, performed by that recipient's client or by the school.
PURPOSE_RELATIONS: dict[Purpose, frozenset[Relation]] = {
    Purpose.SUBJECT_ACCESS: frozenset({Relation.SELF, Relation.GUARDIAN}),
    Purpose.EXTERNAL_TOOL_SHARING: frozenset({Relation.CLIENT}),
    Purpose.INDIVIDUAL_RESEARCH: frozenset({Relation.CLIENT}),
    Purpose.STUDY_LOG_TRANSFER: frozenset(
        {Relation.CLIENT, Relation.HOMEROOM_TEACHER, Relation.PRINCIPAL, Relation.SCHOOL_ADMIN}
    ),
}
#: A client (LRS client, external tool) acts only for these purposes: sending learning
#: records for instruction, and the optional purposes it was registered for.
CLIENT_PURPOSES = frozenset(
    {
        Purpose.INSTRUCTION,
        Purpose.EXTERNAL_TOOL_SHARING,
        Purpose.INDIVIDUAL_RESEARCH,
        Purpose.STUDY_LOG_TRANSFER,
    }
)

#: Relations through which a person acts as staff of the learner's school (tenant-bound).
STAFF_RELATIONS = frozenset(
    {
        Relation.HOMEROOM_TEACHER,
        Relation.SUBJECT_TEACHER,
        Relation.NURSE,
        Relation.SCHOOL_ADMIN,
        Relation.PRINCIPAL,
        Relation.SPECIAL_SUPPORT,
    }
)

_ROLE_RELATION = {
    Role.NURSE: Relation.NURSE,
    Role.SCHOOL_ADMIN: Relation.SCHOOL_ADMIN,
    Role.PRINCIPAL: Relation.PRINCIPAL,
    Role.SPECIAL_SUPPORT: Relation.SPECIAL_SUPPORT,
}


@dataclass(frozen=True)
class RoleGrant:
    role: str
    board_id: int
    school_id: int | None


@dataclass
class Actor:
    """Who is asking: a signed-in person with their active roles, or an API client."""

    person: Person | None
    grants: tuple[RoleGrant, ...] = ()
    client_label: str = ""
    client_school_id: int | None = None
    client_uuid: uuid.UUID | None = None
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def for_person(cls, person: Person, *, on: dt.date | None = None) -> Actor:
        day = on or clock.today()
        memberships = Membership.objects.filter(person=person, begin_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )
        grants = tuple(
            RoleGrant(role=m.role, board_id=m.board_id, school_id=m.school_id) for m in memberships
        )
        return cls(person=person, grants=grants)

    @classmethod
    def for_user(cls, user: AbstractBaseUser | AnonymousUser) -> Actor:
        if not user.is_authenticated:
            return cls(person=None)
        person = Person.objects.filter(user_id=user.pk, retired_at__isnull=True).first()
        if person is None:
            return cls(person=None)
        return cls.for_person(person)

    @classmethod
    def for_client(cls, *, label: str, school_id: int, client_uuid: uuid.UUID) -> Actor:
        return cls(
            person=None, client_label=label, client_school_id=school_id, client_uuid=client_uuid
        )

    @property
    def is_authenticated(self) -> bool:
        return self.person is not None or self.client_school_id is not None

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, role: str, *, school_id: int | None = None) -> bool:
        return any(
            g.role == role and (school_id is None or g.school_id == school_id) for g in self.grants
        )

    def school_ids(self, *roles: str) -> set[int]:
        """Schools where the actor holds any of ``roles`` (any role when none is given)."""
        return {
            g.school_id
            for g in self.grants
            if g.school_id is not None and (not roles or g.role in roles)
        }

    def board_ids(self, *roles: str) -> set[int]:
        return {g.board_id for g in self.grants if not roles or g.role in roles}

    def audit_actor(self, relation: Relation | str) -> AuditActor:
        if self.person is not None:
            return AuditActor(uuid=self.person.uuid, role=str(relation))
        return AuditActor(uuid=self.client_uuid, role="client", label=self.client_label)


def _active(day: dt.date) -> Q:
    return Q(begin_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def learner_school_ids(learner: Person, *, on: dt.date | None = None) -> set[int]:
    """Schools where the learner is currently enrolled as a learner (the record's tenant)."""
    day = on or clock.today()
    return set(
        Membership.objects.filter(_active(day), person=learner, role=Role.LEARNER)
        .exclude(school__isnull=True)
        .values_list("school_id", flat=True)
    )


def relations_to_learner(
    actor: Actor, learner: Person, *, on: dt.date | None = None
) -> dict[Relation, set[int]]:
    """Every relation the actor has to the learner, each with the school(s) it holds in.

    The school set is the tenant check: staff relations exist only inside a school where the
    learner is enrolled and the actor holds the role. SELF and GUARDIAN carry an empty set.
    """
    day = on or clock.today()
    key = ("rel", learner.pk, day)
    if key in actor._cache:
        return dict(actor._cache[key])
    found: dict[Relation, set[int]] = {}
    if actor.client_school_id is not None:
        if actor.client_school_id in learner_school_ids(learner, on=day):
            found[Relation.CLIENT] = {actor.client_school_id}
        actor._cache[key] = found
        return dict(found)
    if actor.person is None:
        return found
    if actor.person.pk == learner.pk:
        found[Relation.SELF] = set()
    if GuardianLink.objects.filter(_active(day), guardian=actor.person, learner=learner).exists():
        found[Relation.GUARDIAN] = set()
    shared = learner_school_ids(learner, on=day) & actor.school_ids()
    if shared:
        for grant in actor.grants:
            relation = _ROLE_RELATION.get(Role(grant.role)) if grant.role in Role.values else None
            if relation is not None and grant.school_id in shared:
                found.setdefault(relation, set()).add(grant.school_id)
        if actor.school_ids(Role.TEACHER) & shared:
            teaching = (
                Enrolment.objects.filter(
                    _active(day),
                    person=actor.person,
                    role=EnrolmentRole.TEACHER,
                    school_class__school_id__in=shared,
                )
                .filter(
                    school_class__enrolments__person=learner,
                    school_class__enrolments__role=EnrolmentRole.STUDENT,
                    school_class__enrolments__begin_date__lte=day,
                )
                .filter(
                    Q(school_class__enrolments__end_date__isnull=True)
                    | Q(school_class__enrolments__end_date__gte=day)
                )
                .values_list("school_class__class_type", "school_class__school_id")
            )
            for class_type, school_id in teaching:
                relation = (
                    Relation.HOMEROOM_TEACHER
                    if class_type == ClassType.HOMEROOM
                    else Relation.SUBJECT_TEACHER
                )
                found.setdefault(relation, set()).add(school_id)
    actor._cache[key] = found
    return dict(found)


def _deny(
    actor: Actor,
    *,
    action: str,
    purpose: Purpose,
    target_type: str,
    target: str,
    subject: Person | None,
) -> NotFound:
    audit_record(
        actor=actor.audit_actor("none"),
        action=action,
        outcome=AuditOutcome.DENIED,
        purpose=purpose,
        target_type=target_type,
        target_uuid=target,
        subject_uuid=subject.uuid if subject is not None else None,
    )
    return NotFound()


def permitted_relation(
    actor: Actor,
    learner: Person,
    *,
    category: C,
    purpose: Purpose,
    recipient: str = "",
    allowed_relations: Iterable[Relation] | None = None,
) -> Relation | None:
    """Run checks 1–4 and return the relation under which access is allowed, or None."""
    info = PURPOSES[purpose]
    # 1. tenant and 2. role policy (relations are only found inside shared schools)
    relations = relations_to_learner(actor, learner)
    allowed = set(allowed_relations) if allowed_relations is not None else set(Relation)
    candidates = [r for r in relations if r in allowed and category in POLICY[r]]
    if not candidates:
        return None
    # 3. purpose: the purpose must cover the category and be open to the relation
    if category not in info.categories:
        return None
    open_to = PURPOSE_RELATIONS.get(purpose)
    if open_to is not None:
        candidates = [r for r in candidates if r in open_to]
    if purpose not in CLIENT_PURPOSES:
        candidates = [r for r in candidates if r is not Relation.CLIENT]
    if not candidates:
        return None
    # 4. consent, where the legal basis is consent; a client's consent may be given for it
    # alone (recipient = the client's uuid) or for the purpose as a whole.
    if not recipient and actor.client_uuid is not None:
        recipient = str(actor.client_uuid)
    if info.needs_consent and not consent_is_given(
        learner_id=learner.pk, purpose=purpose, recipient=recipient
    ):
        return None
    order = list(Relation)
    return sorted(candidates, key=order.index)[0]


def authorize_learner(
    actor: Actor,
    learner: Person,
    *,
    category: C,
    purpose: Purpose,
    action: str,
    target_type: str,
    target_uuid: str | uuid.UUID,
    recipient: str = "",
    allowed_relations: Iterable[Relation] | None = None,
) -> Relation:
    """Check tenant, role, purpose and consent for reading ``learner``'s data; audit; return
    the relation. Raises :class:`NotFound` (audited as denied) when any check fails."""
    relation = permitted_relation(
        actor,
        learner,
        category=category,
        purpose=purpose,
        recipient=recipient,
        allowed_relations=allowed_relations,
    )
    if relation is None:
        raise _deny(
            actor,
            action=action,
            purpose=purpose,
            target_type=target_type,
            target=str(target_uuid),
            subject=learner,
        )
    if relation is not Relation.SELF:
        school_ids = relations_to_learner(actor, learner).get(relation) or set()
        school_uuid = None
        if school_ids:
            school_uuid = (
                School.objects.filter(pk=min(school_ids)).values_list("uuid", flat=True).first()
            )
        audit_record(
            actor=actor.audit_actor(relation),
            action=action,
            purpose=purpose,
            school_uuid=school_uuid,
            target_type=target_type,
            target_uuid=target_uuid,
            subject_uuid=learner.uuid,
        )
    return relation


def access_learner_by_uuid(
    actor: Actor,
    learner_uuid: uuid.UUID | str,
    *,
    purpose: Purpose,
    category: C = C.ROSTER,
) -> tuple[Person, Relation]:
    """Return the learner with this learner ID and the actor's relation, or raise NotFound."""
    try:
        key = uuid.UUID(str(learner_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    learner = Person.objects.filter(uuid=key).first()
    if learner is None:
        raise _deny(
            actor,
            action="learner.read",
            purpose=purpose,
            target_type="roster.person",
            target=str(key),
            subject=None,
        )
    relation = authorize_learner(
        actor,
        learner,
        category=category,
        purpose=purpose,
        action="learner.read",
        target_type="roster.person",
        target_uuid=key,
    )
    return learner, relation


def teaching_classes(actor: Actor, *, on: dt.date | None = None) -> QuerySet[SchoolClass]:
    """Classes the actor teaches today, in schools where they hold the teacher role."""
    day = on or clock.today()
    if actor.person is None:
        return SchoolClass.objects.none()
    return SchoolClass.objects.filter(
        school_id__in=actor.school_ids(Role.TEACHER),
        enrolments__in=Enrolment.objects.filter(
            _active(day), person=actor.person, role=EnrolmentRole.TEACHER
        ),
    ).distinct()


def access_class_by_uuid(
    actor: Actor, class_uuid: uuid.UUID | str, *, purpose: Purpose
) -> SchoolClass:
    """Return a class the actor teaches or administers, or raise NotFound.

    A teacher sees the classes they teach; a school administrator, the principal and the nurse
    see every class of their school. Anyone else — including a teacher of another school —
    gets the same NotFound as for a class that does not exist.
    """
    try:
        key = uuid.UUID(str(class_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    school_class = SchoolClass.objects.select_related("school").filter(uuid=key).first()
    if school_class is None:
        raise _deny(
            actor,
            action="class.read",
            purpose=purpose,
            target_type="roster.schoolclass",
            target=str(key),
            subject=None,
        )
    # 1. tenant
    if school_class.school_id not in actor.school_ids():
        raise _deny(
            actor,
            action="class.read",
            purpose=purpose,
            target_type="roster.schoolclass",
            target=str(key),
            subject=None,
        )
    # 2. role policy
    school_wide = actor.school_ids(Role.SCHOOL_ADMIN, Role.PRINCIPAL, Role.NURSE)
    if (
        school_class.school_id not in school_wide
        and not teaching_classes(actor).filter(pk=school_class.pk).exists()
    ):
        raise _deny(
            actor,
            action="class.read",
            purpose=purpose,
            target_type="roster.schoolclass",
            target=str(key),
            subject=None,
        )
    # 3. purpose: reading a class roster is roster data
    if C.ROSTER not in PURPOSES[purpose].categories:
        raise _deny(
            actor,
            action="class.read",
            purpose=purpose,
            target_type="roster.schoolclass",
            target=str(key),
            subject=None,
        )
    return school_class


def scope_class_learners(
    actor: Actor, school_class: SchoolClass, *, purpose: Purpose, on: dt.date | None = None
) -> list[tuple[Enrolment, Person]]:
    """Return the class's current learners (enrolment, person) in 出席番号 order, audited.

    ``school_class`` must come from :func:`access_class_by_uuid`.
    """
    day = on or clock.today()
    enrolments = list(
        Enrolment.objects.filter(
            _active(day), school_class=school_class, role=EnrolmentRole.STUDENT
        )
        .select_related("person")
        .order_by("shusseki_no", "person__family_name_kana", "person__given_name_kana")
    )
    relation = Relation.SCHOOL_ADMIN
    if actor.person is not None and teaching_classes(actor).filter(pk=school_class.pk).exists():
        relation = (
            Relation.HOMEROOM_TEACHER
            if school_class.class_type == ClassType.HOMEROOM
            else Relation.SUBJECT_TEACHER
        )
    audit_record_many(
        [
            {
                "actor": actor.audit_actor(relation),
                "action": "class.roster.read",
                "purpose": purpose,
                "school_uuid": school_class.school.uuid,
                "target_type": "roster.schoolclass",
                "target_uuid": school_class.uuid,
                "subject_uuid": e.person.uuid,
            }
            for e in enrolments
        ]
    )
    return [(e, e.person) for e in enrolments]


def is_board_role(role: str) -> bool:
    return role in BOARD_ROLES
