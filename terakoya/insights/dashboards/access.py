"""The dashboards' gate: which class, learner, school or board a person may see a dashboard of.

Built on :mod:`terakoya.privacy.gate` (tenant → role policy → purpose → consent → audit). A
missing record and a forbidden one raise the same :class:`NotFound`, so a teacher of another
school cannot learn that a class or a learner exists.

- a class dashboard: only a teacher of the class (homeroom or subject class);
- a learner's drill-down: a teacher of the class, for a learner enrolled in it;
- a learner's own dashboard: the learner and their guardians;
- the school dashboard: the principal and the school administrator (aggregates only);
- the board view: the board analyst (aggregates only, never an individual).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from terakoya.core import clock
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.gate import (
    Actor,
    NotFound,
    Relation,
    _deny,
    access_class_by_uuid,
    authorize_learner,
    learner_school_ids,
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
    "ATTENDANCE_RELATIONS",
    "ClassAccess",
    "NotFound",
    "access_board_for_analyst",
    "access_class_learner",
    "access_dashboard_class",
    "access_own_learner",
    "access_school_for_leader",
    "dashboard_classes",
    "own_learners",
    "scope_dashboard_learners",
]

#: Relations that may read a learner's attendance (the gate's role policy).
ATTENDANCE_RELATIONS = frozenset({Relation.HOMEROOM_TEACHER})
OWN_RELATIONS = frozenset({Relation.SELF, Relation.GUARDIAN})


def _key(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound() from exc


def dashboard_classes(actor: Actor) -> list[SchoolClass]:
    """The classes the actor teaches today: homerooms first, then subject classes, by name."""
    classes = list(teaching_classes(actor).select_related("school"))
    return sorted(classes, key=lambda c: (c.class_type != ClassType.HOMEROOM, c.name, c.pk))


@dataclass(frozen=True)
class ClassAccess:
    school_class: SchoolClass
    relation: Relation  # HOMEROOM_TEACHER or SUBJECT_TEACHER

    @property
    def sees_attendance(self) -> bool:
        return self.relation in ATTENDANCE_RELATIONS


def access_dashboard_class(actor: Actor, class_uuid: uuid.UUID | str) -> ClassAccess:
    """A class the actor teaches, or NotFound (the principal and administrators see the
    school's aggregates instead, never a class's learners one by one)."""
    school_class = access_class_by_uuid(actor, class_uuid, purpose=Purpose.INSTRUCTION)
    if not teaching_classes(actor).filter(pk=school_class.pk).exists():
        raise _deny(
            actor,
            action="insights.dashboard.class.read",
            purpose=Purpose.INSTRUCTION,
            target_type="roster.schoolclass",
            target=str(school_class.uuid),
            subject=None,
        )
    relation = (
        Relation.HOMEROOM_TEACHER
        if school_class.class_type == ClassType.HOMEROOM
        else Relation.SUBJECT_TEACHER
    )
    return ClassAccess(school_class=school_class, relation=relation)


def scope_dashboard_learners(actor: Actor, access: ClassAccess) -> list[tuple[int | None, Person]]:
    """The class's learners (出席番号, person) in 出席番号 order, the roster read audited."""
    return [
        (enrolment.shusseki_no, person)
        for enrolment, person in scope_class_learners(
            actor, access.school_class, purpose=Purpose.INSTRUCTION
        )
    ]


def access_class_learner(
    actor: Actor, access: ClassAccess, learner_uuid: uuid.UUID | str
) -> tuple[int | None, Person]:
    """A learner enrolled today in a class from :func:`access_dashboard_class`, or NotFound.

    The read is checked and audited by the gate as the class's teacher (assessment data for
    instruction); a learner of another class is the same NotFound as a missing one.
    """
    key = _key(learner_uuid)
    day = clock.today()
    enrolment = (
        Enrolment.objects.select_related("person")
        .filter(
            school_class=access.school_class,
            role=EnrolmentRole.STUDENT,
            person__uuid=key,
            begin_date__lte=day,
        )
        .exclude(end_date__lt=day)
        .first()
    )
    if enrolment is None:
        raise _deny(
            actor,
            action="insights.dashboard.learner.read",
            purpose=Purpose.INSTRUCTION,
            target_type="roster.person",
            target=str(key),
            subject=None,
        )
    authorize_learner(
        actor,
        enrolment.person,
        category=C.ASSESSMENT,
        purpose=Purpose.INSTRUCTION,
        action="insights.dashboard.learner.read",
        target_type="roster.person",
        target_uuid=key,
        allowed_relations={access.relation},
    )
    if access.sees_attendance:
        authorize_learner(
            actor,
            enrolment.person,
            category=C.ATTENDANCE,
            purpose=Purpose.ATTENDANCE,
            action="insights.dashboard.learner.attendance.read",
            target_type="roster.person",
            target_uuid=key,
            allowed_relations=ATTENDANCE_RELATIONS,
        )
    return enrolment.shusseki_no, enrolment.person


def own_learners(actor: Actor) -> list[Person]:
    """The learners whose own dashboard the actor may open: themself (a learner enrolled
    somewhere) and the children they are a guardian of today, children by birth date."""
    if actor.person is None:
        return []
    found: list[Person] = []
    if actor.has_role(Role.LEARNER) and learner_school_ids(actor.person):
        found.append(actor.person)
    day = clock.today()
    links = (
        GuardianLink.objects.filter(guardian=actor.person, begin_date__lte=day)
        .exclude(end_date__lt=day)
        .select_related("learner")
        .order_by("learner__birth_date", "learner__pk")
    )
    found.extend(link.learner for link in links if learner_school_ids(link.learner))
    return found


def access_own_learner(actor: Actor, learner_uuid: uuid.UUID | str) -> tuple[Person, Relation]:
    """The learner themself or a guardian's child, checked (and, for a guardian, audited) for
    each category the dashboard shows; anyone else gets NotFound."""
    key = _key(learner_uuid)
    learner = Person.objects.filter(uuid=key).first()
    if learner is None:
        raise _deny(
            actor,
            action="insights.dashboard.own.read",
            purpose=Purpose.INSTRUCTION,
            target_type="roster.person",
            target=str(key),
            subject=None,
        )
    relation = Relation.SELF
    for category, purpose in (
        (C.ASSESSMENT, Purpose.INSTRUCTION),
        (C.STUDY_LOG, Purpose.INSTRUCTION),
        (C.ATTENDANCE, Purpose.ATTENDANCE),
    ):
        relation = authorize_learner(
            actor,
            learner,
            category=category,
            purpose=purpose,
            action="insights.dashboard.own.read",
            target_type="roster.person",
            target_uuid=key,
            allowed_relations=OWN_RELATIONS,
        )
    return learner, relation


def learner_homeroom(learner: Person) -> SchoolClass | None:
    """The learner's homeroom today (for their grade and for the attendance figures)."""
    day = clock.today()
    enrolment = (
        Enrolment.objects.select_related("school_class", "school_class__school")
        .filter(
            person=learner,
            role=EnrolmentRole.STUDENT,
            school_class__class_type=ClassType.HOMEROOM,
            begin_date__lte=day,
        )
        .exclude(end_date__lt=day)
        .order_by("pk")
        .first()
    )
    return enrolment.school_class if enrolment is not None else None


def learner_classes(learner: Person) -> list[SchoolClass]:
    """Every class the learner is enrolled in today (their own dashboard's courses)."""
    day = clock.today()
    return list(
        SchoolClass.objects.filter(
            enrolments__person=learner,
            enrolments__role=EnrolmentRole.STUDENT,
            enrolments__begin_date__lte=day,
        )
        .exclude(enrolments__end_date__lt=day)
        .select_related("school")
        .distinct()
        .order_by("class_type", "name")
    )


def access_school_for_leader(actor: Actor) -> School:
    """The school the actor leads (principal or school administrator), or NotFound."""
    school = (
        School.objects.filter(pk__in=actor.school_ids(Role.PRINCIPAL, Role.SCHOOL_ADMIN))
        .order_by("pk")
        .first()
    )
    if school is None:
        raise NotFound()
    return school


def access_board_for_analyst(actor: Actor) -> Board:
    """The board the actor analyses for, or NotFound."""
    board = Board.objects.filter(pk__in=actor.board_ids(Role.BOARD_ANALYST)).order_by("pk").first()
    if board is None:
        raise NotFound()
    return board


def board_schools(board: Board) -> list[School]:
    return list(School.objects.filter(board=board).order_by("code", "pk"))


def relation_to(actor: Actor, learner: Person) -> set[Relation]:
    return set(relations_to_learner(actor, learner))
