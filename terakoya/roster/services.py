"""Writes to the roster: organisations, people, roles, guardian links and enrolments.

Every text a person typed passes the My Number guard; every write is audited in the same
transaction. Retiring ends a period (``end_date``) and keeps the history.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.privacy.audit import SYSTEM, AuditActor, audit_record
from terakoya.privacy.guards import check_text
from terakoya.privacy.models import AuditOutcome
from terakoya.roster.models import (
    Board,
    ClassType,
    Enrolment,
    EnrolmentRole,
    GuardianLink,
    LearnerGroup,
    Membership,
    Person,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)

_NAME_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "email",
    "phone",
)


def _guard_texts(values: dict[str, Any]) -> None:
    for name, value in values.items():
        if isinstance(value, str):
            check_text(value, location=name)


def _audit_change(
    actor: AuditActor,
    action: str,
    obj: Any,
    subject: Person | None = None,
    school: School | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        outcome=AuditOutcome.CHANGED,
        purpose="school_administration",
        school_uuid=school.uuid if school is not None else None,
        target_type=obj._meta.label_lower,
        target_uuid=obj.uuid,
        subject_uuid=subject.uuid if subject is not None else None,
    )


@transaction.atomic
def board_create(*, name: str, code: str, actor: AuditActor = SYSTEM, **extra: Any) -> Board:
    board = Board(name=name, code=code, **extra)
    board.full_clean()
    board.save()
    _audit_change(actor, "board.create", board)
    return board


@transaction.atomic
def school_create(
    *,
    board: Board,
    name: str,
    code: str,
    school_type: str,
    actor: AuditActor = SYSTEM,
    **extra: Any,
) -> School:
    school = School(board=board, name=name, code=code, school_type=school_type, **extra)
    school.full_clean()
    school.save()
    _audit_change(actor, "school.create", school, school=school)
    return school


def school_year_get_or_create(
    *, board: Board, year: int, sourced_id: str | None = None
) -> SchoolYear:
    start, end = clock.school_year_bounds(year)
    school_year, _ = SchoolYear.objects.get_or_create(
        board=board,
        year=year,
        defaults={
            "title": f"{year}年度",
            "start_date": start,
            "end_date": end,
            "sourced_id": sourced_id,
        },
    )
    return school_year


@transaction.atomic
def class_create(
    *,
    school: School,
    school_year: SchoolYear,
    name: str,
    class_type: str = ClassType.HOMEROOM,
    grades: list[str] | None = None,
    subject: str = "",
    actor: AuditActor = SYSTEM,
    **extra: Any,
) -> SchoolClass:
    _guard_texts({"name": name, "subject": subject})
    school_class = SchoolClass(
        school=school,
        school_year=school_year,
        name=name,
        class_type=class_type,
        grades=grades or [],
        subject=subject,
        **extra,
    )
    school_class.full_clean()
    school_class.save()
    _audit_change(actor, "class.create", school_class, school=school)
    return school_class


@transaction.atomic
def person_create(
    *, actor: AuditActor = SYSTEM, school: School | None = None, **fields: Any
) -> Person:
    """Create a person after the My Number guard and model validation."""
    _guard_texts(fields)
    person = Person(**fields)
    person.full_clean(exclude=["user"])
    person.save()
    _audit_change(actor, "person.create", person, subject=person, school=school)
    return person


@transaction.atomic
def person_update(
    *, person: Person, actor: AuditActor, school: School | None = None, **fields: Any
) -> Person:
    _guard_texts(fields)
    for name, value in fields.items():
        if name not in (*_NAME_FIELDS, "birth_date", "sex"):
            raise UserError(
                f"変更できない項目です: {name}", f"Field cannot be changed: {name}", location=name
            )
        setattr(person, name, value)
    person.full_clean(exclude=["user"])
    person.save()
    _audit_change(actor, "person.update", person, subject=person, school=school)
    return person


@transaction.atomic
def membership_create(
    *,
    person: Person,
    role: str,
    board: Board,
    school: School | None = None,
    grade: str = "",
    begin_date: dt.date | None = None,
    actor: AuditActor = SYSTEM,
    **extra: Any,
) -> Membership:
    membership = Membership(
        person=person,
        role=role,
        board=board,
        school=school,
        grade=grade,
        begin_date=begin_date or clock.today(),
        **extra,
    )
    membership.full_clean()
    membership.save()
    _audit_change(actor, "membership.create", membership, subject=person, school=school)
    return membership


@transaction.atomic
def guardian_link_create(
    *,
    guardian: Person,
    learner: Person,
    relationship: str = "",
    begin_date: dt.date | None = None,
    actor: AuditActor = SYSTEM,
) -> GuardianLink:
    _guard_texts({"relationship": relationship})
    link = GuardianLink.objects.create(
        guardian=guardian,
        learner=learner,
        relationship=relationship,
        begin_date=begin_date or clock.today(),
    )
    _audit_change(actor, "guardian_link.create", link, subject=learner)
    return link


@transaction.atomic
def enrolment_create(
    *,
    person: Person,
    school_class: SchoolClass,
    role: str = EnrolmentRole.STUDENT,
    shusseki_no: int | None = None,
    is_primary: bool = False,
    begin_date: dt.date | None = None,
    actor: AuditActor = SYSTEM,
    **extra: Any,
) -> Enrolment:
    enrolment = Enrolment(
        person=person,
        school_class=school_class,
        role=role,
        shusseki_no=shusseki_no,
        is_primary=is_primary,
        begin_date=begin_date or clock.today(),
        **extra,
    )
    enrolment.full_clean()
    enrolment.save()
    _audit_change(actor, "enrolment.create", enrolment, subject=person, school=school_class.school)
    return enrolment


@transaction.atomic
def person_retire(*, person: Person, actor: AuditActor, on: dt.date | None = None) -> Person:
    """Retire a person: end every open role, link and enrolment; keep all history."""
    day = on or clock.today()
    Membership.objects.filter(person=person, end_date__isnull=True).update(end_date=day)
    Enrolment.objects.filter(person=person, end_date__isnull=True).update(end_date=day)
    GuardianLink.objects.filter(guardian=person, end_date__isnull=True).update(end_date=day)
    GuardianLink.objects.filter(learner=person, end_date__isnull=True).update(end_date=day)
    person.retired_at = clock.now()
    person.save(update_fields=["retired_at", "updated_at"])
    if person.user is not None:
        person.user.is_active = False
        person.user.save(update_fields=["is_active"])
    _audit_change(actor, "person.retire", person, subject=person)
    return person


def user_for_person(*, person: Person, username: str, password: str | None) -> AbstractBaseUser:
    """Create the sign-in account of a person (argon2-hashed password, or none)."""
    user_model = get_user_model()
    user = user_model(username=username)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user


def _username_base(role: str, school: School | None) -> str:
    prefix = {
        Role.LEARNER: "s",
        Role.GUARDIAN: "g",
    }.get(Role(role), "t")
    code = school.code[-6:-1].lower() if school is not None else "board"
    return f"{prefix}{code}"


def username_allocate(*, role: str, school: School | None) -> str:
    """A new unique username: role letter + part of the school code + a serial number."""
    user_model = get_user_model()
    base = _username_base(role, school)
    taken = set(
        user_model.objects.filter(username__startswith=base).values_list("username", flat=True)
    )
    serial = len(taken) + 1
    while f"{base}{serial:04d}" in taken:
        serial += 1
    return f"{base}{serial:04d}"


@transaction.atomic
def person_register(
    *,
    school: School,
    role: str,
    actor: AuditActor,
    person_fields: dict[str, Any],
    grade: str = "",
    homeroom: SchoolClass | None = None,
    shusseki_no: int | None = None,
    children: list[Person] | None = None,
    relationship: str = "",
    username: str | None = None,
    password: str | None = None,
    begin_date: dt.date | None = None,
) -> Person:
    """Register a learner, guardian or member of staff in a school, with a sign-in account.

    The one write path for the registration form, the JSON API and the demo seed: creates the
    person, their membership (role, grade), a homeroom enrolment for learners, guardian links
    for guardians, and the account (``password`` None leaves it unusable until a credential is
    issued). Raises UserError or ValidationError before anything is written.
    """
    if role == Role.LEARNER and not grade:
        raise UserError("学年を選んでください。", "Choose a grade.", location="grade")
    if role == Role.GUARDIAN and not children:
        raise UserError(
            "保護者には、少なくとも1人の児童生徒を結び付けてください。",
            "Link a guardian to at least one learner.",
            location="children",
        )
    if homeroom is not None and homeroom.school_id != school.pk:
        raise UserError(
            "別の学校のクラスです。", "That class belongs to another school.", location="homeroom"
        )
    person = person_create(actor=actor, school=school, **person_fields)
    membership_create(
        person=person,
        role=role,
        board=school.board,
        school=school,
        grade=grade,
        begin_date=begin_date,
        actor=actor,
    )
    if role == Role.LEARNER and homeroom is not None:
        enrolment_create(
            person=person,
            school_class=homeroom,
            shusseki_no=shusseki_no,
            begin_date=begin_date,
            actor=actor,
        )
    for child in children or []:
        guardian_link_create(
            guardian=person,
            learner=child,
            relationship=relationship,
            begin_date=begin_date,
            actor=actor,
        )
    user_for_person(
        person=person,
        username=username or username_allocate(role=role, school=school),
        password=password,
    )
    return person


@transaction.atomic
def group_save(
    *,
    school_class: SchoolClass,
    name: str,
    members: list[Person],
    actor: AuditActor,
    group: LearnerGroup | None = None,
) -> LearnerGroup:
    """Create or change a group of a class. Members must be learners enrolled in the class."""
    _guard_texts({"name": name})
    if not name.strip():
        raise UserError("グループ名を入れてください。", "Enter a group name.", location="name")
    enrolled = set(
        Enrolment.objects.filter(
            school_class=school_class, role="student", end_date__isnull=True
        ).values_list("person_id", flat=True)
    )
    if any(member.pk not in enrolled for member in members):
        raise UserError(
            "このクラスに在籍していない人はグループに入れられません。",
            "Only learners enrolled in the class can be in its groups.",
            location="members",
        )
    if group is None:
        group = LearnerGroup.objects.create(school_class=school_class, name=name.strip())
        action = "group.create"
    else:
        group.name = name.strip()
        group.save(update_fields=["name", "updated_at"])
        action = "group.update"
    group.members.set(members)
    audit_record(
        actor=actor,
        action=action,
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        school_uuid=school_class.school.uuid,
        target_type="roster.learnergroup",
        target_uuid=group.uuid,
        count=len(members),
    )
    return group


@transaction.atomic
def initial_credential_issue(*, person: Person, school: School, actor: AuditActor) -> str:
    """Give a newly registered person a first credential and return it (shown once).

    Elementary learners get a three-picture sequence for class-code sign-in; everyone else a
    random 12-character password. Only its argon2 hash is stored.
    """
    from terakoya.accounts.pictures import PICTURES, SEQUENCE_LENGTH, sequence_password

    user = person.user
    if user is None:
        raise UserError("サインイン用のアカウントがありません。", "The person has no account.")
    learner = Membership.objects.filter(person=person, role=Role.LEARNER, school=school).exists()
    chooser = secrets.SystemRandom()
    if learner and school.school_type == "B1":
        credential = sequence_password(
            [chooser.choice(PICTURES).key for _ in range(SEQUENCE_LENGTH)]
        )
    else:
        alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
        credential = "".join(chooser.choice(alphabet) for _ in range(12))
    user.set_password(credential)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="signin.credential.issue",
        outcome=AuditOutcome.CHANGED,
        purpose="school_administration",
        school_uuid=school.uuid,
        target_type="roster.person",
        target_uuid=person.uuid,
        subject_uuid=person.uuid,
    )
    return credential


@transaction.atomic
def person_enrol_with_credential(
    *, school: School, actor: AuditActor, **registration: Any
) -> tuple[Person, str]:
    """Register a person (see :func:`person_register`) and issue their first credential, in
    one transaction. The web form and the JSON API both call this."""
    person = person_register(school=school, actor=actor, **registration)
    credential = initial_credential_issue(person=person, school=school, actor=actor)
    return person, credential


__all__ = [
    "Role",
    "board_create",
    "class_create",
    "enrolment_create",
    "group_save",
    "guardian_link_create",
    "initial_credential_issue",
    "membership_create",
    "person_create",
    "person_retire",
    "person_update",
    "school_create",
    "school_year_get_or_create",
    "user_for_person",
]
