"""The gate for school-affairs records: the only way views reach them.

Built on :mod:`terakoya.privacy.gate` (tenant → role policy → purpose → consent → audit). On top
of the gate's category policy, this module narrows:

- health records: the nurse, the learner and their guardians see every field; the homeroom
  teacher sees only the fields the school marks as needed for teaching
  (``SchoolAttendancePolicy.health_teaching_fields``); nobody else sees any;
- absence notices: symptoms only to relations the gate lets read health data;
- writes: the register only by a teacher of the class or the school administrator; notices
  only by a guardian; health records only by the nurse.

Missing and forbidden raise the same :class:`~terakoya.privacy.gate.NotFound`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from terakoya.attendance.codes import (
    HEALTH_FIELDS,
)
from terakoya.attendance.models import (
    AbsenceNotice,
    AlertRule,
    AttendanceAlert,
    HealthObservation,
    HealthRecord,
)
from terakoya.attendance.selectors import notices_covering, open_alerts, policy_for
from terakoya.core import clock
from terakoya.privacy.audit import audit_record, audit_record_many
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.gate import (
    Actor,
    NotFound,
    Relation,
    _deny,
    access_class_by_uuid,
    authorize_learner,
    learner_school_ids,
    permitted_relation,
    relations_to_learner,
    scope_class_learners,
    teaching_classes,
)
from terakoya.privacy.purposes import Purpose
from terakoya.roster.models import (
    Board,
    ClassType,
    Enrolment,
    EnrolmentRole,
    GuardianLink,
    Person,
    Role,
    School,
    SchoolClass,
)

__all__ = [
    "HealthView",
    "NotFound",
    "access_admin_board",
    "access_admin_school",
    "access_alert_by_uuid",
    "access_health_for_entry",
    "access_health_records",
    "access_learner",
    "access_learner_attendance",
    "access_notice_by_uuid",
    "access_register_class",
    "access_school_rule",
    "guardian_children",
    "health_class_learners",
    "homeroom_classes",
    "nurse_classes",
    "register_learners",
    "register_learners_between",
    "scope_class_alerts",
    "scope_class_notices",
    "scope_class_observations",
    "scope_guardian_notices",
]

#: Relations that see every field of a health record.
HEALTH_FULL = frozenset({Relation.SELF, Relation.GUARDIAN, Relation.NURSE})
#: Relations that see only the fields the school marks for teaching.
HEALTH_LIMITED = frozenset({Relation.HOMEROOM_TEACHER})


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound() from exc


def access_learner(
    actor: Actor,
    learner_uuid: uuid.UUID | str,
    *,
    category: C,
    purpose: Purpose,
    relations: Iterable[Relation],
    action: str,
) -> tuple[Person, Relation]:
    """A learner the actor stands to in one of ``relations`` for ``category``, or NotFound."""
    key = _uuid(learner_uuid)
    learner = Person.objects.filter(uuid=key).first()
    if learner is None:
        raise _deny(
            actor,
            action=action,
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
        action=action,
        target_type="roster.person",
        target_uuid=key,
        allowed_relations=relations,
    )
    return learner, relation


def learner_school(learner: Person) -> School:
    """The school where the learner is enrolled today (the lowest id if several)."""
    ids = learner_school_ids(learner)
    school = School.objects.filter(pk__in=ids).order_by("pk").first()
    if school is None:
        raise NotFound()
    return school


# --------------------------------------------------------------------------- the register


def homeroom_classes(actor: Actor, *, on: dt.date | None = None) -> list[SchoolClass]:
    """The homeroom classes the actor teaches today."""
    return list(
        teaching_classes(actor, on=on)
        .filter(class_type=ClassType.HOMEROOM)
        .select_related("school", "school__board")
        .order_by("name")
    )


def access_admin_school(actor: Actor) -> School:
    """The school the actor administers (the first, if several), or NotFound."""
    school = (
        School.objects.filter(pk__in=actor.school_ids(Role.SCHOOL_ADMIN)).order_by("pk").first()
    )
    if school is None:
        raise NotFound()
    return school


def access_admin_board(actor: Actor) -> Board:
    """The board the actor administers (board_admin role), or NotFound."""
    board = Board.objects.filter(pk__in=actor.board_ids(Role.BOARD_ADMIN)).order_by("pk").first()
    if board is None:
        raise NotFound()
    return board


def access_school_rule(actor: Actor, school: School, rule_uuid: uuid.UUID | str) -> AlertRule:
    """One of the administered school's alert rules, or NotFound."""
    rule = AlertRule.objects.filter(uuid=_uuid(rule_uuid), school=school).first()
    if rule is None:
        raise NotFound()
    return rule


def nurse_classes(actor: Actor) -> list[SchoolClass]:
    """The homeroom classes of the schools where the actor is the nurse (this 年度)."""
    today = clock.today()
    return list(
        SchoolClass.objects.filter(
            school_id__in=actor.school_ids(Role.NURSE),
            class_type=ClassType.HOMEROOM,
            school_year__start_date__lte=today,
            school_year__end_date__gte=today,
        ).order_by("school_id", "name")
    )


def access_register_class(
    actor: Actor, class_uuid: uuid.UUID | str, *, write: bool = False
) -> SchoolClass:
    """A class whose register the actor may read (and, with ``write``, take), or NotFound.

    Reading: the class's teachers and the school's administrator, principal and nurse (the
    gate's class access). Taking the register: a teacher of the class or the administrator.
    """
    school_class = access_class_by_uuid(actor, class_uuid, purpose=Purpose.ATTENDANCE)
    if write and not (
        teaching_classes(actor).filter(pk=school_class.pk).exists()
        or actor.has_role(Role.SCHOOL_ADMIN, school_id=school_class.school_id)
    ):
        raise _deny(
            actor,
            action="attendance.register.write",
            purpose=Purpose.ATTENDANCE,
            target_type="roster.schoolclass",
            target=str(school_class.uuid),
            subject=None,
        )
    return school_class


def register_learners(
    actor: Actor, school_class: SchoolClass, *, on: dt.date
) -> list[tuple[Enrolment, Person]]:
    """The class list on ``on`` (出席番号 order), audited as attendance reads."""
    return scope_class_learners(actor, school_class, purpose=Purpose.ATTENDANCE, on=on)


def register_learners_between(
    actor: Actor, school_class: SchoolClass, *, start: dt.date, end: dt.date
) -> list[tuple[Enrolment, Person]]:
    """Everyone enrolled in the class at any time from ``start`` to ``end`` (a 出席簿 lists
    learners who transferred in or out, with their days), in 出席番号 order, audited.

    ``school_class`` must come from :func:`access_register_class`.
    """
    enrolments = list(
        Enrolment.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start),
            school_class=school_class,
            role=EnrolmentRole.STUDENT,
            begin_date__lte=end,
        )
        .select_related("person")
        .order_by("shusseki_no", "person__family_name_kana", "person__given_name_kana", "pk")
    )
    seen: set[int] = set()
    unique = []
    for enrolment in enrolments:
        if enrolment.person_id not in seen:
            seen.add(enrolment.person_id)
            unique.append(enrolment)
    _audit_many(
        actor,
        role=_class_role(actor, school_class),
        action="class.roster.read",
        purpose=Purpose.ATTENDANCE,
        school=school_class.school,
        target_type="roster.schoolclass",
        items=[(school_class.uuid, e.person.uuid) for e in unique],
    )
    return [(e, e.person) for e in unique]


def health_class_learners(actor: Actor, school_class: SchoolClass) -> list[Person]:
    """A class list for the nurse's health pages (audited under health management)."""
    if not actor.has_role(Role.NURSE, school_id=school_class.school_id):
        raise NotFound()
    return [
        p
        for _e, p in scope_class_learners(
            actor, school_class, purpose=Purpose.HEALTH_MANAGEMENT, on=clock.today()
        )
    ]


def _class_role(actor: Actor, school_class: SchoolClass) -> str:
    """How the actor reads a class's records, for the audit log."""
    if teaching_classes(actor).filter(pk=school_class.pk).exists():
        return "homeroom_teacher" if school_class.class_type == ClassType.HOMEROOM else "teacher"
    for role in (Role.SCHOOL_ADMIN, Role.PRINCIPAL, Role.NURSE):
        if actor.has_role(role, school_id=school_class.school_id):
            return str(role)
    return "none"


def _audit_many(
    actor: Actor,
    *,
    role: str,
    action: str,
    purpose: Purpose,
    school: School,
    target_type: str,
    items: Sequence[tuple[uuid.UUID, uuid.UUID]],
) -> None:
    audit_record_many(
        [
            {
                "actor": actor.audit_actor(role),
                "action": action,
                "purpose": purpose,
                "school_uuid": school.uuid,
                "target_type": target_type,
                "target_uuid": target,
                "subject_uuid": subject,
            }
            for target, subject in items
        ]
    )


def scope_class_notices(
    actor: Actor, school_class: SchoolClass, learners: Sequence[Person], *, day: dt.date
) -> list[AbsenceNotice]:
    """Notices covering ``day`` for learners of a class from :func:`access_register_class`."""
    notices = notices_covering(learner_ids=[p.pk for p in learners], day=day)
    _audit_many(
        actor,
        role=_class_role(actor, school_class),
        action="attendance.notice.read",
        purpose=Purpose.ATTENDANCE,
        school=school_class.school,
        target_type="attendance.absencenotice",
        items=[(n.uuid, n.learner.uuid) for n in notices],
    )
    return notices


def scope_class_alerts(
    actor: Actor, school_class: SchoolClass, learners: Sequence[Person]
) -> list[AttendanceAlert]:
    """Open alerts of a class from :func:`access_register_class`, audited."""
    alerts = open_alerts(school_class=school_class, learner_ids=[p.pk for p in learners])
    _audit_many(
        actor,
        role=_class_role(actor, school_class),
        action="attendance.alert.read",
        purpose=Purpose.ATTENDANCE,
        school=school_class.school,
        target_type="attendance.attendancealert",
        items=[(a.uuid, a.learner.uuid) for a in alerts],
    )
    return alerts


def scope_class_observations(
    actor: Actor, school_class: SchoolClass, learners: Sequence[Person], *, day: dt.date
) -> dict[int, HealthObservation]:
    """The day's 健康観察 for a class's learners, only for a teacher of the class or the nurse."""
    allowed = teaching_classes(actor).filter(pk=school_class.pk).exists() or actor.has_role(
        Role.NURSE, school_id=school_class.school_id
    )
    if not allowed:
        return {}
    found = {
        o.learner_id: o
        for o in HealthObservation.objects.filter(
            learner_id__in=[p.pk for p in learners], date=day
        ).select_related("learner")
    }
    _audit_many(
        actor,
        role=_class_role(actor, school_class),
        action="health.observation.read",
        purpose=Purpose.HEALTH_MANAGEMENT,
        school=school_class.school,
        target_type="attendance.healthobservation",
        items=[(o.uuid, o.learner.uuid) for o in found.values()],
    )
    return found


def access_alert_by_uuid(actor: Actor, alert_uuid: uuid.UUID | str) -> AttendanceAlert:
    """An alert the actor may acknowledge: a teacher of its class, the administrator or the
    principal of its school."""
    key = _uuid(alert_uuid)
    alert = (
        AttendanceAlert.objects.select_related("learner", "school_class", "rule")
        .filter(uuid=key)
        .first()
    )
    if alert is None or not (
        teaching_classes(actor).filter(pk=alert.school_class_id).exists()
        or actor.has_role(Role.SCHOOL_ADMIN, school_id=alert.school_class.school_id)
        or actor.has_role(Role.PRINCIPAL, school_id=alert.school_class.school_id)
    ):
        raise _deny(
            actor,
            action="attendance.alert.read",
            purpose=Purpose.ATTENDANCE,
            target_type="attendance.attendancealert",
            target=str(key),
            subject=None,
        )
    authorize_learner(
        actor,
        alert.learner,
        category=C.ATTENDANCE,
        purpose=Purpose.ATTENDANCE,
        action="attendance.alert.read",
        target_type="attendance.attendancealert",
        target_uuid=alert.uuid,
    )
    return alert


def access_learner_attendance(actor: Actor, learner_uuid: uuid.UUID | str) -> Person:
    """A learner whose own attendance record the actor may read: the learner, a guardian,
    the homeroom teacher, and the school's administrator, principal and nurse."""
    learner, _relation = access_learner(
        actor,
        learner_uuid,
        category=C.ATTENDANCE,
        purpose=Purpose.ATTENDANCE,
        relations={
            Relation.SELF,
            Relation.GUARDIAN,
            Relation.HOMEROOM_TEACHER,
            Relation.SCHOOL_ADMIN,
            Relation.PRINCIPAL,
            Relation.NURSE,
        },
        action="attendance.learner.read",
    )
    return learner


# --------------------------------------------------------------------------- notices


def guardian_children(actor: Actor) -> list[Person]:
    """The learners the actor is a guardian of today (enrolled somewhere)."""
    if actor.person is None:
        return []
    day = clock.today()
    links = (
        GuardianLink.objects.filter(guardian=actor.person, begin_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("learner")
        .order_by("learner__birth_date", "learner__pk")
    )
    return [link.learner for link in links if learner_school_ids(link.learner)]


def scope_guardian_notices(actor: Actor) -> list[AbsenceNotice]:
    """The notices about the actor's children, newest first (the guardian's own records)."""
    children = guardian_children(actor)
    return list(
        AbsenceNotice.objects.filter(learner__in=children)
        .select_related("learner", "seen_by")
        .order_by("-sent_at")[:50]
    )


@dataclass(frozen=True)
class NoticeView:
    notice: AbsenceNotice
    relation: Relation
    show_symptoms: bool


def access_notice_by_uuid(actor: Actor, notice_uuid: uuid.UUID | str) -> NoticeView:
    """One absence notice for the learner's guardians, the learner, and school staff with
    attendance duties; symptoms only where the gate allows health data."""
    key = _uuid(notice_uuid)
    notice = (
        AbsenceNotice.objects.select_related("learner", "sent_by", "seen_by", "school")
        .filter(uuid=key)
        .first()
    )
    if notice is None:
        raise _deny(
            actor,
            action="attendance.notice.read",
            purpose=Purpose.ATTENDANCE,
            target_type="attendance.absencenotice",
            target=str(key),
            subject=None,
        )
    relation = authorize_learner(
        actor,
        notice.learner,
        category=C.ATTENDANCE,
        purpose=Purpose.ATTENDANCE,
        action="attendance.notice.read",
        target_type="attendance.absencenotice",
        target_uuid=notice.uuid,
        allowed_relations={
            Relation.SELF,
            Relation.GUARDIAN,
            Relation.HOMEROOM_TEACHER,
            Relation.NURSE,
            Relation.SCHOOL_ADMIN,
            Relation.PRINCIPAL,
        },
    )
    show_symptoms = (
        permitted_relation(
            actor,
            notice.learner,
            category=C.HEALTH,
            purpose=Purpose.HEALTH_MANAGEMENT,
            allowed_relations=HEALTH_FULL | HEALTH_LIMITED,
        )
        is not None
    )
    return NoticeView(notice=notice, relation=relation, show_symptoms=show_symptoms)


# --------------------------------------------------------------------------- health


@dataclass(frozen=True)
class HealthView:
    learner: Person
    relation: Relation
    records: list[HealthRecord]
    fields: tuple[str, ...]  # the fields this reader may see, in display order


def access_health_records(actor: Actor, learner_uuid: uuid.UUID | str) -> HealthView:
    """A learner's 健康診断票, field-limited by relation; every read audited (self too).

    The nurse, the learner and their guardians see every field. The homeroom teacher sees
    the fields the school marks as needed for teaching, and NotFound when it marks none.
    Subject teachers, administrators, the principal and strangers get NotFound.
    """
    learner, relation = access_learner(
        actor,
        learner_uuid,
        category=C.HEALTH,
        purpose=Purpose.HEALTH_MANAGEMENT,
        relations=HEALTH_FULL | HEALTH_LIMITED,
        action="health.record.read",
    )
    records = HealthRecord.objects.filter(learner=learner).select_related("school_year", "school")
    if relation in HEALTH_FULL:
        fields: tuple[str, ...] = HEALTH_FIELDS
    else:
        school_ids = relations_to_learner(actor, learner).get(relation) or set()
        marked: set[str] = set()
        for school in School.objects.filter(pk__in=school_ids):
            marked |= set(policy_for(school).health_teaching_fields)
        fields = tuple(f for f in HEALTH_FIELDS if f in marked)
        if not fields:
            raise _deny(
                actor,
                action="health.record.read",
                purpose=Purpose.HEALTH_MANAGEMENT,
                target_type="roster.person",
                target=str(learner.uuid),
                subject=learner,
            )
        records = records.filter(school_id__in=school_ids)
    found = list(records.order_by("-checked_on"))
    if relation is Relation.SELF:
        # The gate does not audit reading one's own data; health reads are audited all the same.
        audit_record(
            actor=actor.audit_actor(relation),
            action="health.record.read",
            purpose=Purpose.HEALTH_MANAGEMENT,
            target_type="roster.person",
            target_uuid=learner.uuid,
            subject_uuid=learner.uuid,
        )
    return HealthView(learner=learner, relation=relation, records=found, fields=fields)


def access_health_for_entry(actor: Actor, learner_uuid: uuid.UUID | str) -> tuple[Person, School]:
    """A learner whose health record the actor (a nurse of their school) may enter."""
    learner, relation = access_learner(
        actor,
        learner_uuid,
        category=C.HEALTH,
        purpose=Purpose.HEALTH_MANAGEMENT,
        relations={Relation.NURSE},
        action="health.record.write",
    )
    school_ids = relations_to_learner(actor, learner).get(relation) or set()
    school = School.objects.filter(pk__in=school_ids).order_by("pk").first()
    if school is None:
        raise NotFound()
    return learner, school


def access_learner_for_observation(
    actor: Actor, learner_uuid: uuid.UUID | str
) -> tuple[Person, Relation, School]:
    """A learner whose 健康観察 the actor may enter: a guardian, the homeroom teacher, the nurse."""
    learner, relation = access_learner(
        actor,
        learner_uuid,
        category=C.HEALTH,
        purpose=Purpose.HEALTH_MANAGEMENT,
        relations={Relation.GUARDIAN, Relation.HOMEROOM_TEACHER, Relation.NURSE},
        action="health.observation.write",
    )
    return learner, relation, learner_school(learner)


def access_notice_learner(actor: Actor, learner_uuid: uuid.UUID | str) -> tuple[Person, School]:
    """A learner the actor (a guardian) may send an absence notice for."""
    learner, _relation = access_learner(
        actor,
        learner_uuid,
        category=C.ATTENDANCE,
        purpose=Purpose.ATTENDANCE,
        relations={Relation.GUARDIAN},
        action="attendance.notice.write",
    )
    return learner, learner_school(learner)
