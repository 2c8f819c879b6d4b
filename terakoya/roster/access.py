"""Gate functions for roster pages beyond those in :mod:`terakoya.privacy.gate`.

School administrators manage the people of their own school only; everything else is the
same NotFound as a record that does not exist.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from terakoya.core import clock
from terakoya.privacy.audit import audit_record
from terakoya.privacy.gate import Actor, NotFound, access_class_by_uuid, teaching_classes
from terakoya.privacy.models import AuditOutcome
from terakoya.privacy.purposes import Purpose
from terakoya.roster.models import LearnerGroup, Membership, Person, Role, School, SchoolClass

ADMIN_ROLES = (Role.SCHOOL_ADMIN, Role.PRINCIPAL)


def can_manage_class_sign_in(actor: Actor, school_class: SchoolClass) -> None:
    """Teachers of the class and the school's administrators; otherwise NotFound."""
    if school_class.school_id in actor.school_ids(*ADMIN_ROLES):
        return
    if teaching_classes(actor).filter(pk=school_class.pk).exists():
        return
    raise NotFound()


def admin_schools(actor: Actor) -> QuerySet[School]:
    """Schools whose roster the actor administers."""
    return School.objects.filter(pk__in=actor.school_ids(*ADMIN_ROLES)).order_by("name")


def access_admin_school(actor: Actor, school_uuid: uuid.UUID | str | None = None) -> School:
    """The school an administrator works on (their only one, or the one named)."""
    schools = admin_schools(actor)
    if school_uuid:
        try:
            schools = schools.filter(uuid=uuid.UUID(str(school_uuid)))
        except ValueError as exc:
            raise NotFound() from exc
    school = schools.first()
    if school is None:
        raise NotFound()
    return school


def scope_school_people(
    actor: Actor, school: School, *, role: str | None = None, include_retired: bool = False
) -> QuerySet[Membership]:
    """Memberships of a school the actor administers (current ones unless asked otherwise)."""
    if school.pk not in actor.school_ids(*ADMIN_ROLES):
        raise NotFound()
    day = clock.today()
    memberships = Membership.objects.filter(school=school).select_related("person")
    if not include_retired:
        memberships = memberships.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day), begin_date__lte=day
        )
    if role:
        memberships = memberships.filter(role=role)
    audit_record(
        actor=actor.audit_actor(Role.SCHOOL_ADMIN),
        action="roster.people.list",
        purpose=Purpose.SCHOOL_ADMINISTRATION,
        school_uuid=school.uuid,
        target_type="roster.school",
        target_uuid=school.uuid,
        count=memberships.count(),
    )
    return memberships.order_by(
        "role", "grade", "person__family_name_kana", "person__given_name_kana"
    )


def access_person_for_admin(actor: Actor, person_uuid: uuid.UUID | str) -> tuple[Person, School]:
    """A person with a role (now or before) in a school the actor administers; audited."""
    try:
        key = uuid.UUID(str(person_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    schools = actor.school_ids(*ADMIN_ROLES)
    membership = (
        Membership.objects.filter(person__uuid=key, school_id__in=schools)
        .select_related("person", "school")
        .order_by("-begin_date")
        .first()
    )
    if membership is None or membership.school is None:
        audit_record(
            actor=actor.audit_actor("none"),
            action="roster.person.read",
            outcome=AuditOutcome.DENIED,
            purpose=Purpose.SCHOOL_ADMINISTRATION,
            target_type="roster.person",
            target_uuid=key,
        )
        raise NotFound()
    audit_record(
        actor=actor.audit_actor(Role.SCHOOL_ADMIN),
        action="roster.person.read",
        purpose=Purpose.SCHOOL_ADMINISTRATION,
        school_uuid=membership.school.uuid,
        target_type="roster.person",
        target_uuid=key,
        subject_uuid=key,
    )
    return membership.person, membership.school


def scope_class_groups(school_class: SchoolClass) -> QuerySet[LearnerGroup]:
    """Groups of a class obtained from ``access_class_by_uuid``, with their members."""
    return school_class.groups.prefetch_related("members").order_by("name")


def access_group_by_uuid(
    actor: Actor, group_uuid: uuid.UUID | str, *, purpose: Purpose
) -> LearnerGroup:
    """A group of a class the actor may reach (as ``access_class_by_uuid``), else NotFound."""
    try:
        key = uuid.UUID(str(group_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    group = LearnerGroup.objects.select_related("school_class").filter(uuid=key).first()
    if group is None:
        raise NotFound()
    access_class_by_uuid(actor, group.school_class.uuid, purpose=purpose)
    return group
