"""The courses app's gate: courses and materials for their teachers and learners; a learner's
"today" list.

Missing and forbidden are the same NotFound. Materials are not personal data; who may open one
is still decided here (a learner of the course's class, or its teacher).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from terakoya.assessment.models import Attempt, AttemptState
from terakoya.core import clock
from terakoya.courses.models import Assignment, Course, CurriculumCode, Material, Unit
from terakoya.privacy.gate import Actor, NotFound, teaching_classes
from terakoya.roster.models import Enrolment, EnrolmentRole, Role


def _key(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound() from exc


def _learner_class_ids(actor: Actor) -> QuerySet[Enrolment, Any]:
    day = clock.today()
    if actor.person is None:
        return Enrolment.objects.none().values("school_class_id")
    return (
        Enrolment.objects.filter(
            person=actor.person, role=EnrolmentRole.STUDENT, begin_date__lte=day
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values("school_class_id")
    )


def scope_teacher_courses(actor: Actor) -> QuerySet[Course]:
    return (
        Course.objects.filter(school_class__in=teaching_classes(actor))
        .select_related("school_class", "school_year")
        .order_by("school_class__name", "subject")
    )


def access_course_for_teacher(actor: Actor, course_uuid: uuid.UUID | str) -> Course:
    course = scope_teacher_courses(actor).filter(uuid=_key(course_uuid)).first()
    if course is None:
        raise NotFound()
    return course


def course_units(course: Course) -> list[Unit]:
    return list(course.units.all())


def course_materials(course: Course) -> list[Material]:
    return list(course.materials.select_related("unit").order_by("unit__position", "title"))


def course_assignments(course: Course) -> list[Assignment]:
    return list(
        course.assignments.select_related(
            "material", "drill", "target_class", "target_group"
        ).order_by("-open_at")
    )


def access_material_by_uuid(actor: Actor, material_uuid: uuid.UUID | str) -> Material:
    """A material its course's teacher or a learner of its class may open."""
    material = (
        Material.objects.select_related("course", "course__school_class")
        .filter(uuid=_key(material_uuid))
        .first()
    )
    if material is None:
        raise NotFound()
    course = material.course
    if teaching_classes(actor).filter(pk=course.school_class_id).exists():
        return material
    if (
        actor.has_role(Role.LEARNER)
        and _learner_class_ids(actor).filter(school_class_id=course.school_class_id).exists()
    ):
        return material
    raise NotFound()


def code_texts(codes: list[str]) -> dict[str, str]:
    """Texts of the official table for these codes (empty where the table is not imported)."""
    return dict(CurriculumCode.objects.filter(code__in=codes).values_list("code", "text"))


@dataclass
class TodayItem:
    assignment: Assignment
    kind: str  # "drill" or "material"
    target_uuid: uuid.UUID
    due_at: dt.datetime | None
    overdue: bool
    done: bool = False


def learner_today(actor: Actor, *, at: dt.datetime | None = None) -> list[TodayItem]:
    """What the signed-in learner has open now: assignments to their class, group or them,
    opened already and not more than a week past due, soonest due first."""
    if actor.person is None or not actor.has_role(Role.LEARNER):
        return []
    now = at or clock.now()
    classes = _learner_class_ids(actor)
    assignments = (
        Assignment.objects.filter(
            Q(target_class_id__in=classes)
            | Q(target_group__members=actor.person, target_group__school_class_id__in=classes)
            | Q(target_learner=actor.person)
        )
        .filter(open_at__lte=now)
        .filter(Q(due_at__isnull=True) | Q(due_at__gte=now - dt.timedelta(days=7)))
        .select_related("material", "drill", "course")
        .distinct()
    )
    finished = set(
        Attempt.objects.filter(learner=actor.person)
        .exclude(state=AttemptState.IN_PROGRESS)
        .values_list("drill_id", flat=True)
    )
    items = []
    for a in assignments:
        if a.drill is not None:
            items.append(
                TodayItem(
                    a,
                    "drill",
                    a.drill.uuid,
                    a.due_at,
                    bool(a.due_at and a.due_at < now) and a.drill_id not in finished,
                    done=a.drill_id in finished,
                )
            )
        elif a.material is not None:
            items.append(
                TodayItem(
                    a, "material", a.material.uuid, a.due_at, bool(a.due_at and a.due_at < now)
                )
            )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(items, key=lambda i: (i.due_at or far, i.assignment.title))
