"""Reads over the roster. Callers pass objects they obtained from the gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from terakoya.core import clock
from terakoya.roster.models import (
    ClassType,
    Enrolment,
    EnrolmentRole,
    GuardianLink,
    Membership,
    Person,
    School,
    SchoolClass,
)


def _active(day: dt.date) -> Q:
    return Q(begin_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def school_homerooms(*, school: School, on: dt.date | None = None) -> QuerySet[SchoolClass]:
    day = on or clock.today()
    return SchoolClass.objects.filter(
        school=school,
        class_type=ClassType.HOMEROOM,
        school_year__start_date__lte=day,
        school_year__end_date__gte=day,
    ).order_by("grades", "name")


def school_classes(*, school_ids: set[int], on: dt.date | None = None) -> QuerySet[SchoolClass]:
    day = on or clock.today()
    return (
        SchoolClass.objects.filter(
            school_id__in=school_ids,
            school_year__start_date__lte=day,
            school_year__end_date__gte=day,
        )
        .select_related("school")
        .order_by("school__name", "class_type", "grades", "name")
    )


def class_teachers(*, school_class: SchoolClass, on: dt.date | None = None) -> list[Person]:
    day = on or clock.today()
    return [
        e.person
        for e in Enrolment.objects.filter(
            _active(day), school_class=school_class, role=EnrolmentRole.TEACHER
        )
        .select_related("person")
        .order_by("-is_primary", "person__family_name_kana")
    ]


def class_learner_counts(
    *, classes: list[SchoolClass], on: dt.date | None = None
) -> dict[int, int]:
    day = on or clock.today()
    counts: dict[int, int] = {}
    for class_id in Enrolment.objects.filter(
        _active(day), school_class__in=classes, role=EnrolmentRole.STUDENT
    ).values_list("school_class_id", flat=True):
        counts[class_id] = counts.get(class_id, 0) + 1
    return counts


@dataclass(frozen=True)
class PersonSummary:
    memberships: list[Membership]
    enrolments: list[Enrolment]
    guardians: list[GuardianLink]
    children: list[GuardianLink]


def person_summary(*, person: Person) -> PersonSummary:
    """Everything the roster holds about a person's roles, with history (newest first)."""
    return PersonSummary(
        memberships=list(
            Membership.objects.filter(person=person)
            .select_related("school", "board")
            .order_by("-begin_date")
        ),
        enrolments=list(
            Enrolment.objects.filter(person=person)
            .select_related("school_class", "school_class__school_year")
            .order_by("-begin_date")
        ),
        guardians=list(
            GuardianLink.objects.filter(learner=person)
            .select_related("guardian")
            .order_by("-begin_date")
        ),
        children=list(
            GuardianLink.objects.filter(guardian=person)
            .select_related("learner")
            .order_by("-begin_date")
        ),
    )


def children_of(*, guardian: Person, on: dt.date | None = None) -> list[Person]:
    day = on or clock.today()
    return [
        link.learner
        for link in GuardianLink.objects.filter(_active(day), guardian=guardian)
        .select_related("learner")
        .order_by("learner__birth_date", "learner__given_name_kana")
    ]


def homeroom_of(*, learner: Person, on: dt.date | None = None) -> SchoolClass | None:
    day = on or clock.today()
    enrolment = (
        Enrolment.objects.filter(
            _active(day),
            person=learner,
            role=EnrolmentRole.STUDENT,
            school_class__class_type=ClassType.HOMEROOM,
        )
        .select_related("school_class__school")
        .first()
    )
    return enrolment.school_class if enrolment is not None else None
