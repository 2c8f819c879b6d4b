"""The demo board: one elementary and one junior-high school, the current 年度, 10 homerooms,
262 learners with their guardians, and the staff. Deterministic and idempotent.

Passwords are derived from the installation's secret key (HMAC of the username), so re-running
the seed prints the same accounts without storing them, and no two installations share them.
Elementary learners sign in with pictures: their password is a three-picture sequence.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import hmac
import importlib
import random
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction

from terakoya.accounts.pictures import PICTURES, SEQUENCE_LENGTH, sequence_password
from terakoya.core import clock
from terakoya.privacy.audit import SYSTEM
from terakoya.roster import services
from terakoya.roster.demo_context import DemoClass, DemoContext, DemoSchool
from terakoya.roster.models import (
    Board,
    ClassType,
    EnrolmentRole,
    Membership,
    Person,
    Role,
    School,
    SchoolType,
)
from terakoya.roster.names import (
    ADULT_GIVEN_NAMES,
    FAMILY_NAMES,
    GIVEN_NAMES_BOYS,
    GIVEN_NAMES_GIRLS,
)

BOARD_CODE = "130999"
ELEMENTARY_CODE = "B113299900013"
JUNIOR_HIGH_CODE = "C113299900022"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    school_code: str


def demo_password(username: str, *, picture: bool = False) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"demo:{username}".encode(), hashlib.sha256
    ).digest()
    if picture:
        keys = [PICTURES[b % len(PICTURES)].key for b in digest[:SEQUENCE_LENGTH]]
        return sequence_password(keys)
    return base64.b32encode(digest[:10]).decode("ascii").lower()


def _birth_date(year: int, grade_index: int, rng: random.Random) -> dt.date:
    # A learner in grade index g (0 = P1) in 年度 Y was born 2 April Y-7-g to 1 April Y-6-g.
    start = dt.date(year - 7 - grade_index, 4, 2)
    return start + dt.timedelta(days=rng.randrange(365))


class _Seeder:
    def __init__(self, year: int) -> None:
        self.rng = random.Random(20260401)
        self.year = year
        self.begin = dt.date(year, 4, 1)
        self.accounts: list[DemoAccount] = []
        self.used_names: set[tuple[str, str]] = set()

    def name(self, *, child: bool, girl: bool) -> tuple[str, str, str, str]:
        pool = (GIVEN_NAMES_GIRLS if girl else GIVEN_NAMES_BOYS) if child else ADULT_GIVEN_NAMES
        while True:
            family = self.rng.choice(FAMILY_NAMES)
            given = self.rng.choice(pool)
            if (family[0], given[0]) not in self.used_names or len(self.used_names) > 3000:
                self.used_names.add((family[0], given[0]))
                return family[0], given[0], family[1], given[1]

    def person(
        self,
        *,
        school: School,
        role: str,
        username: str,
        code: str,
        family: str,
        given: str,
        fkana: str,
        gkana: str,
        picture: bool = False,
        **extra: object,
    ) -> Person:
        password = demo_password(username, picture=picture)
        person = services.person_register(
            school=school,
            role=role,
            actor=SYSTEM,
            person_fields={
                "family_name": family,
                "given_name": given,
                "family_name_kana": fkana,
                "given_name_kana": gkana,
            },
            username=username,
            password=password,
            begin_date=self.begin,
            **extra,  # type: ignore[arg-type]
        )
        self.accounts.append(DemoAccount(role, username, password, code))
        return person

    def staff(self, school: School, role: str, username: str, code: str) -> Person:
        family, given, fkana, gkana = self.name(child=False, girl=self.rng.random() < 0.5)
        return self.person(
            school=school,
            role=role,
            username=username,
            code=code,
            family=family,
            given=given,
            fkana=fkana,
            gkana=gkana,
        )


def _school(
    seeder: _Seeder,
    board: Board,
    *,
    name: str,
    code: str,
    school_type: str,
    prefix: str,
    homerooms: list[tuple[str, int, int]],
    subjects: list[tuple[str, str, list[int]]],
) -> tuple[DemoSchool, dict[int, Person]]:
    """Create a school with its homerooms (grade, class number, size) and subject classes."""
    school = services.school_create(board=board, name=name, code=code, school_type=school_type)
    year = services.school_year_get_or_create(board=board, year=seeder.year)
    principal = seeder.staff(school, Role.PRINCIPAL, f"{prefix}-principal", code)
    school_admin = seeder.staff(school, Role.SCHOOL_ADMIN, f"{prefix}-admin", code)
    nurse = seeder.staff(school, Role.NURSE, f"{prefix}-nurse", code)
    seeder.staff(school, Role.SPECIAL_SUPPORT, f"{prefix}-support", code)
    demo_homerooms: list[DemoClass] = []
    teachers: list[Person] = []
    learners_by_key: dict[int, Person] = {}
    elementary = school_type == SchoolType.ELEMENTARY
    for grade, number, size in homerooms:
        grade_index = int(grade[1]) - 1 + (0 if elementary else 6)
        label = f"{grade[1]}年{number}組"
        klass = services.class_create(
            school=school,
            school_year=year,
            name=label,
            class_type=ClassType.HOMEROOM,
            grades=[grade],
            class_code=f"{grade}-{number}",
        )
        teacher = seeder.staff(
            school, Role.TEACHER, f"{prefix}-teacher-{grade.lower()}-{number}", code
        )
        services.enrolment_create(
            person=teacher,
            school_class=klass,
            role=EnrolmentRole.TEACHER,
            is_primary=True,
            begin_date=seeder.begin,
        )
        teachers.append(teacher)
        learners = []
        for shusseki in range(1, size + 1):
            girl = seeder.rng.random() < 0.5
            family, given, fkana, gkana = seeder.name(child=True, girl=girl)
            username = f"{prefix}-{grade.lower()}-{number}-{shusseki:02d}"
            learner = seeder.person(
                school=school,
                role=Role.LEARNER,
                username=username,
                code=code,
                family=family,
                given=given,
                fkana=fkana,
                gkana=gkana,
                picture=elementary,
                grade=grade,
                homeroom=klass,
                shusseki_no=shusseki,
            )
            learner.birth_date = _birth_date(seeder.year, grade_index, seeder.rng)
            learner.sex = "female" if girl else "male"
            learner.save(update_fields=["birth_date", "sex"])
            learners.append(learner)
            learners_by_key[learner.pk] = learner
        demo_homerooms.append(DemoClass(klass, teacher, learners))
    subject_classes: list[DemoClass] = []
    for subject, grade, numbers in subjects:
        klass = services.class_create(
            school=school,
            school_year=year,
            name=f"{grade[1]}年 {subject}",
            class_type=ClassType.SCHEDULED,
            grades=[grade],
            subject=subject,
        )
        teacher = seeder.staff(
            school,
            Role.TEACHER,
            f"{prefix}-teacher-{grade.lower()}-{len(subject_classes) + 1}s",
            code,
        )
        services.enrolment_create(
            person=teacher, school_class=klass, role=EnrolmentRole.TEACHER, begin_date=seeder.begin
        )
        teachers.append(teacher)
        members = [
            learner
            for hr in demo_homerooms
            if hr.school_class.grades == [grade]
            and int(hr.school_class.class_code.split("-")[1]) in numbers
            for learner in hr.learners
        ]
        for learner in members:
            services.enrolment_create(person=learner, school_class=klass, begin_date=seeder.begin)
        subject_classes.append(DemoClass(klass, teacher, members))
    return (
        DemoSchool(
            school=school,
            homerooms=demo_homerooms,
            subject_classes=subject_classes,
            principal=principal,
            nurse=nurse,
            school_admin=school_admin,
            teachers=teachers,
        ),
        learners_by_key,
    )


def _guardians(seeder: _Seeder, schools: list[DemoSchool]) -> dict[int, list[Person]]:
    """One guardian per family; about one family in eight has two children in the demo."""
    guardians_of: dict[int, list[Person]] = {}
    all_learners = [
        (demo_school, learner)
        for demo_school in schools
        for hr in demo_school.homerooms
        for learner in hr.learners
    ]
    index = 0
    while index < len(all_learners):
        demo_school, learner = all_learners[index]
        children = [learner]
        # A sibling: a learner two grades further on, same family name, in the same board.
        if index % 8 == 3 and index + 30 < len(all_learners):
            sibling_school, sibling = all_learners[index + 30]
            if sibling_school.school.pk == demo_school.school.pk:
                children.append(sibling)
        family_name = learner.family_name
        family_kana = learner.family_name_kana
        given, gkana = seeder.rng.choice(ADULT_GIVEN_NAMES)
        username = f"g-{learner.user.get_username() if learner.user else learner.uuid}"
        guardian = seeder.person(
            school=demo_school.school,
            role=Role.GUARDIAN,
            username=username,
            code=demo_school.school.code,
            family=family_name,
            given=given,
            fkana=family_kana,
            gkana=gkana,
            children=children,
            relationship=seeder.rng.choice(["母", "父", "母", "父", "祖母"]),
        )
        for child in children:
            guardians_of.setdefault(child.pk, []).append(guardian)
        index += 1
    return guardians_of


def _run_app_hooks(ctx: DemoContext) -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("terakoya.") or config.label == "roster":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        module.seed(ctx)


def demo_exists() -> bool:
    return Board.objects.filter(code=BOARD_CODE, is_demo=True).exists()


@transaction.atomic
def seed_demo(*, year: int | None = None) -> bool:
    """Create the demo board once. Returns False (and changes nothing) when it exists."""
    if demo_exists():
        return False
    seeder = _Seeder(year or clock.school_year_of(clock.today()))
    board = services.board_create(name="さくら市教育委員会", code=BOARD_CODE, is_demo=True)
    year_obj = services.school_year_get_or_create(board=board, year=seeder.year)
    elementary, _ = _school(
        seeder,
        board,
        name="さくら市立さくら小学校",
        code=ELEMENTARY_CODE,
        school_type=SchoolType.ELEMENTARY,
        prefix="e",
        homerooms=[
            ("P1", 1, 24),
            ("P2", 1, 25),
            ("P3", 1, 26),
            ("P4", 1, 25),
            ("P5", 1, 25),
            ("P6", 1, 25),
        ],
        subjects=[("音楽", "P5", [1]), ("理科", "P6", [1])],
    )
    junior, _ = _school(
        seeder,
        board,
        name="さくら市立さくら中学校",
        code=JUNIOR_HIGH_CODE,
        school_type=SchoolType.JUNIOR_HIGH,
        prefix="j",
        homerooms=[("J1", 1, 28), ("J1", 2, 28), ("J2", 1, 28), ("J3", 1, 28)],
        subjects=[("数学", "J1", [1, 2]), ("理科", "J2", [1]), ("英語", "J3", [1])],
    )
    schools = [elementary, junior]
    guardians_of = _guardians(seeder, schools)
    analyst = seeder.person(
        school=elementary.school,
        role=Role.BOARD_ANALYST,
        username="board-analyst",
        code=BOARD_CODE,
        family="吉田",
        given="直美",
        fkana="よしだ",
        gkana="なおみ",
    )
    # Board roles belong to the board, not to a school.
    Membership.objects.filter(person=analyst).update(school=None)
    ctx = DemoContext(
        board=board,
        year=year_obj,
        schools=schools,
        guardians_of=guardians_of,
        board_analyst=analyst,
    )
    _run_app_hooks(ctx)
    return True


def demo_accounts() -> list[DemoAccount]:
    """Every demo account with its (derived) password, from the database."""
    accounts: list[DemoAccount] = []
    board = Board.objects.filter(code=BOARD_CODE, is_demo=True).first()
    if board is None:
        return accounts
    memberships = (
        Membership.objects.filter(
            board=board, person__user__isnull=False, person__retired_at__isnull=True
        )
        .select_related("person__user", "school")
        .order_by("school__code", "role", "person__user__username")
    )
    seen: set[str] = set()
    for m in memberships:
        assert m.person.user is not None
        username = m.person.user.get_username()
        if username in seen:
            continue
        seen.add(username)
        picture = (
            m.role == Role.LEARNER
            and m.school is not None
            and m.school.school_type == SchoolType.ELEMENTARY
        )
        code = m.school.code if m.school is not None else board.code
        accounts.append(
            DemoAccount(m.role, username, demo_password(username, picture=picture), code)
        )
    return accounts


def write_accounts_csv(path: Path, accounts: list[DemoAccount]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["role", "username", "password", "school_code"])
        for account in accounts:
            writer.writerow([account.role, account.username, account.password, account.school_code])
