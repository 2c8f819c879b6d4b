"""The assessment app's gate: drills, questions and attempts, only to those who may see them.

Built on :mod:`terakoya.privacy.gate`. A missing record and a forbidden one raise the same
:class:`~terakoya.privacy.gate.NotFound`, so a teacher of another school cannot learn that an
attempt or a question exists. Reads of a learner's attempts go through
:func:`~terakoya.privacy.gate.authorize_learner` (tenant, role, purpose, consent, audit).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet

from terakoya.assessment.models import Attempt, AttemptState, Drill, Question, Response
from terakoya.core import clock
from terakoya.privacy.audit import audit_record_many
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.gate import (
    Actor,
    NotFound,
    Relation,
    authorize_learner,
    teaching_classes,
)
from terakoya.privacy.purposes import Purpose
from terakoya.roster.models import Enrolment, EnrolmentRole, Role, School, SchoolClass

TEACHER_RELATIONS = frozenset({Relation.HOMEROOM_TEACHER, Relation.SUBJECT_TEACHER})
OWN_RELATIONS = frozenset({Relation.SELF, Relation.GUARDIAN})


def _key(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound() from exc


def bank_schools(actor: Actor) -> QuerySet[School]:
    """Schools whose question bank the actor works in (where they hold the teacher role)."""
    return School.objects.filter(pk__in=actor.school_ids(Role.TEACHER)).order_by("name")


def access_bank_school(actor: Actor) -> School:
    """The school of the actor's question bank (their first teaching school), or NotFound."""
    school = bank_schools(actor).first()
    if school is None:
        raise NotFound()
    return school


def scope_questions(actor: Actor) -> QuerySet[Question]:
    return Question.objects.filter(school_id__in=actor.school_ids(Role.TEACHER)).order_by(
        "category", "id"
    )


def access_question_by_uuid(actor: Actor, question_uuid: uuid.UUID | str) -> Question:
    question = scope_questions(actor).filter(uuid=_key(question_uuid)).first()
    if question is None:
        raise NotFound()
    return question


def _teaches(actor: Actor, school_class: SchoolClass) -> bool:
    return teaching_classes(actor).filter(pk=school_class.pk).exists()


def _is_learner_in(actor: Actor, school_class_id: int) -> bool:
    if actor.person is None:
        return False
    day = clock.today()
    return (
        Enrolment.objects.filter(
            person=actor.person,
            school_class_id=school_class_id,
            role=EnrolmentRole.STUDENT,
            begin_date__lte=day,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .exists()
    )


def scope_teacher_drills(actor: Actor) -> QuerySet[Drill]:
    """Drills of the courses whose class the actor teaches."""
    return (
        Drill.objects.filter(course__school_class__in=teaching_classes(actor))
        .select_related("course", "course__school_class")
        .annotate(
            to_mark=Count("attempts", filter=Q(attempts__state=AttemptState.NEEDS_MARKING)),
            attempt_count=Count("attempts"),
        )
        .order_by("-created_at")
    )


def access_drill_for_teacher(actor: Actor, drill_uuid: uuid.UUID | str) -> Drill:
    drill = scope_teacher_drills(actor).filter(uuid=_key(drill_uuid)).first()
    if drill is None:
        raise NotFound()
    return drill


def scope_learner_drills(actor: Actor) -> QuerySet[Drill]:
    """Drills of the courses of the classes the signed-in learner is enrolled in today."""
    if actor.person is None or not actor.has_role(Role.LEARNER):
        return Drill.objects.none()
    day = clock.today()
    classes = (
        Enrolment.objects.filter(
            person=actor.person, role=EnrolmentRole.STUDENT, begin_date__lte=day
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values("school_class_id")
    )
    return (
        Drill.objects.filter(course__school_class_id__in=classes)
        .select_related("course")
        .order_by("course__subject", "title")
    )


def access_drill_for_learner(actor: Actor, drill_uuid: uuid.UUID | str) -> Drill:
    drill = scope_learner_drills(actor).filter(uuid=_key(drill_uuid)).first()
    if drill is None:
        raise NotFound()
    return drill


def access_attempt_by_uuid(
    actor: Actor,
    attempt_uuid: uuid.UUID | str,
    *,
    purpose: Purpose = Purpose.INSTRUCTION,
    own: bool = False,
) -> Attempt:
    """An attempt the actor may read: the learner (``own=True``: self or guardian only), or
    a teacher of the drill's class (tenant, role, purpose and consent checked, audited)."""
    attempt = (
        Attempt.objects.select_related("drill", "drill__course", "drill__school", "learner")
        .filter(uuid=_key(attempt_uuid))
        .first()
    )
    if attempt is None:
        raise NotFound()
    if not own and not _teaches(actor, attempt.drill.course.school_class):
        raise NotFound()
    authorize_learner(
        actor,
        attempt.learner,
        category=C.ASSESSMENT,
        purpose=purpose,
        action="assessment.attempt.read",
        target_type="assessment.attempt",
        target_uuid=attempt.uuid,
        allowed_relations=OWN_RELATIONS if own else TEACHER_RELATIONS,
    )
    return attempt


def access_own_attempt(actor: Actor, attempt_uuid: uuid.UUID | str) -> Attempt:
    """The signed-in learner's own attempt (guardians read but never answer: see views)."""
    attempt = access_attempt_by_uuid(actor, attempt_uuid, own=True)
    if actor.person is None or attempt.learner_id != actor.person.pk:
        raise NotFound()
    return attempt


def access_response_by_uuid(actor: Actor, response_uuid: uuid.UUID | str) -> Response:
    """A response a teacher of the drill's class may mark."""
    response = Response.objects.filter(uuid=_key(response_uuid)).first()
    if response is None:
        raise NotFound()
    access_attempt_by_uuid(actor, response.attempt.uuid, purpose=Purpose.GRADING)
    return response


def own_attempts(actor: Actor, drill: Drill) -> list[Attempt]:
    """The signed-in person's own attempts at a drill, newest first."""
    if actor.person is None:
        return []
    return list(Attempt.objects.filter(drill=drill, learner=actor.person).order_by("-number"))


@dataclass
class AttemptRow:
    attempt: Attempt
    learner_name: str
    learner_kana: str


def scope_drill_attempts(actor: Actor, drill: Drill) -> list[AttemptRow]:
    """Every attempt at a drill (from :func:`access_drill_for_teacher`), audited per learner."""
    attempts = list(
        Attempt.objects.filter(drill=drill)
        .select_related("learner")
        .order_by("learner__family_name_kana", "learner__given_name_kana", "number")
    )
    relation = (
        Relation.HOMEROOM_TEACHER
        if drill.course.school_class.class_type == "homeroom"
        else Relation.SUBJECT_TEACHER
    )
    audit_record_many(
        [
            {
                "actor": actor.audit_actor(relation),
                "action": "assessment.attempt.list",
                "purpose": Purpose.GRADING,
                "school_uuid": drill.school.uuid,
                "target_type": "assessment.attempt",
                "target_uuid": a.uuid,
                "subject_uuid": a.learner.uuid,
            }
            for a in attempts
        ]
    )
    return [AttemptRow(a, a.learner.full_name, a.learner.full_name_kana) for a in attempts]


def attempt_responses(attempt: Attempt) -> list[Response]:
    """The responses of an attempt obtained from the gate, in order."""
    return list(attempt.responses.select_related("question").order_by("slot"))


def attempt_learner_name(attempt: Attempt) -> str:
    """The learner's name, for a teacher who obtained the attempt from the gate."""
    return attempt.learner.full_name


def drill_questions_count(drill: Drill) -> int:
    return drill.pool_size if drill.selection == "random" else drill.items.count()


def school_by_code(code: str) -> School | None:
    """A school by its 学校コード (for management commands run by an operator)."""
    return School.objects.filter(code=code.strip()).first()


def first_school() -> School | None:
    """The first school (by creation), for commands run without --school."""
    return School.objects.order_by("id").first()


@dataclass
class QuestionStat:
    name: str
    qtype: str
    answered: int
    correct: int
    mean_fraction: float | None

    @property
    def correct_percent(self) -> int | None:
        return round(100 * self.correct / self.answered) if self.answered else None


def drill_question_stats(drill: Drill) -> list[QuestionStat]:
    """Per question of a drill (from :func:`access_drill_for_teacher`): how many answered, how
    many fully correct, the mean mark — counts only, to find the difficult questions."""
    rows = (
        Response.objects.filter(attempt__drill=drill, answered_at__isnull=False)
        .values("question_id", "question__name", "question__qtype")
        .annotate(
            answered=Count("id"),
            correct=Count("id", filter=Q(fraction__gte=1 - 1e-6)),
            mean=Avg("fraction"),
        )
        .order_by("question_id")
    )
    return [
        QuestionStat(
            name=r["question__name"],
            qtype=r["question__qtype"],
            answered=r["answered"],
            correct=r["correct"],
            mean_fraction=r["mean"],
        )
        for r in rows
    ]


def school_questions(school: School) -> list[Question]:
    """Every question of a school's bank (for an operator's export command)."""
    return list(Question.objects.filter(school=school).order_by("category", "id"))
