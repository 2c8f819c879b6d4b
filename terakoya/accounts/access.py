"""The one read of personal data before sign-in: a class's name list behind its class code.

Whoever knows a class's code (it is shown in the classroom) sees the 出席番号 and the names in
ふりがな of the class's current learners, so a six-year-old can find their own name. Nothing
else is shown; each view is audited with a count. A wrong or disabled code is NotFound.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Q

from terakoya.accounts.codes import CODE_LENGTH
from terakoya.accounts.models import ClassSignIn
from terakoya.core import clock
from terakoya.privacy.audit import AuditActor, audit_record
from terakoya.privacy.gate import NotFound
from terakoya.roster.models import Enrolment, EnrolmentRole, Person, SchoolClass

_ANONYMOUS = AuditActor(uuid=None, role="anonymous", label="class-code sign-in")


@dataclass(frozen=True)
class SignInEntry:
    learner_uuid: uuid.UUID
    number: int | None
    name_kana: str


def _active_students(school_class: SchoolClass) -> Q:
    day = clock.today()
    return Q(
        school_class=school_class,
        role=EnrolmentRole.STUDENT,
        begin_date__lte=day,
        person__retired_at__isnull=True,
    ) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def access_class_by_code(code: str) -> SchoolClass:
    normalised = (code or "").strip().upper()
    if len(normalised) != CODE_LENGTH:
        raise NotFound()
    sign_in = (
        ClassSignIn.objects.select_related("school_class__school")
        .filter(code=normalised, enabled=True)
        .first()
    )
    if sign_in is None:
        raise NotFound()
    return sign_in.school_class


def scope_sign_in_names(school_class: SchoolClass) -> list[SignInEntry]:
    enrolments = (
        Enrolment.objects.filter(_active_students(school_class))
        .select_related("person")
        .order_by("shusseki_no", "person__family_name_kana")
    )
    entries = [
        SignInEntry(
            learner_uuid=e.person.uuid,
            number=e.shusseki_no,
            name_kana=e.person.full_name_kana or e.person.full_name,
        )
        for e in enrolments
    ]
    audit_record(
        actor=_ANONYMOUS,
        action="signin.class_list.view",
        purpose="instruction",
        school_uuid=school_class.school.uuid,
        target_type="roster.schoolclass",
        target_uuid=school_class.uuid,
        count=len(entries),
    )
    return entries


def access_sign_in_learner(
    school_class: SchoolClass, learner_uuid: uuid.UUID | str
) -> tuple[Person, str]:
    """Return a current learner of the class and their username, or raise NotFound."""
    try:
        key = uuid.UUID(str(learner_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    enrolment = (
        Enrolment.objects.filter(_active_students(school_class), person__uuid=key)
        .select_related("person__user")
        .first()
    )
    if enrolment is None or enrolment.person.user is None:
        raise NotFound()
    return enrolment.person, enrolment.person.user.get_username()
