"""Test personas and fixtures (a pytest plugin; see terakoya/conftest.py).

The personas of STYLE.md, in one small world: a board with an elementary school (learners,
guardian, homeroom and subject teacher, nurse, school admin, principal) and a second school
whose teacher is the stranger; plus a board analyst. Every access test uses them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from terakoya.core import clock
from terakoya.roster import services as roster
from terakoya.roster.models import (
    Board,
    ClassType,
    EnrolmentRole,
    Person,
    Role,
    School,
    SchoolClass,
    SchoolType,
    SchoolYear,
)

PASSWORD = "correct-horse-battery-1"


@dataclass
class World:
    board: Board
    school: School
    other_school: School
    year: SchoolYear
    homeroom: SchoolClass
    subject_class: SchoolClass
    other_class: SchoolClass
    learner: Person
    classmate: Person
    guardian: Person
    homeroom_teacher: Person
    subject_teacher: Person
    nurse: Person
    school_admin: Person
    principal: Person
    board_analyst: Person
    stranger: Person
    other_learner: Person

    def client_for(self, person: Person) -> Client:
        client = Client()
        assert person.user is not None
        client.force_login(person.user)
        return client

    def persona(self, name: str) -> Person:
        value = getattr(self, name)
        assert isinstance(value, Person)
        return value


def _person(username: str, family: str, given: str, fkana: str, gkana: str) -> Person:
    person = roster.person_create(
        family_name=family, given_name=given, family_name_kana=fkana, given_name_kana=gkana
    )
    roster.user_for_person(person=person, username=username, password=PASSWORD)
    return person


def build_world(*, on: dt.date | None = None) -> World:
    """Create the personas. ``on`` is the first day of their roles (default: 1 April)."""
    year_number = clock.school_year_of(on or clock.today())
    begin = dt.date(year_number, 4, 1)
    board = roster.board_create(name="テスト市教育委員会", code="139999")
    school = roster.school_create(
        board=board,
        name="テスト市立第一小学校",
        code="B113299900019",
        school_type=SchoolType.ELEMENTARY,
    )
    other = roster.school_create(
        board=board,
        name="テスト市立第二小学校",
        code="B113299900027",
        school_type=SchoolType.ELEMENTARY,
    )
    year = roster.school_year_get_or_create(board=board, year=year_number)
    homeroom = roster.class_create(
        school=school, school_year=year, name="3年1組", class_type=ClassType.HOMEROOM, grades=["P3"]
    )
    subject_class = roster.class_create(
        school=school,
        school_year=year,
        name="3年 理科",
        class_type=ClassType.SCHEDULED,
        grades=["P3"],
        subject="理科",
    )
    other_class = roster.class_create(
        school=other, school_year=year, name="3年1組", class_type=ClassType.HOMEROOM, grades=["P3"]
    )

    def member(person: Person, role: str, at: School | None, grade: str = "") -> None:
        roster.membership_create(
            person=person, role=role, board=board, school=at, grade=grade, begin_date=begin
        )

    learner = _person("learner", "山田", "花子", "やまだ", "はなこ")
    classmate = _person("classmate", "佐藤", "太郎", "さとう", "たろう")
    other_learner = _person("other_learner", "鈴木", "一郎", "すずき", "いちろう")
    for index, person in enumerate([learner, classmate], start=1):
        member(person, Role.LEARNER, school, "P3")
        roster.enrolment_create(
            person=person, school_class=homeroom, shusseki_no=index, begin_date=begin
        )
        roster.enrolment_create(person=person, school_class=subject_class, begin_date=begin)
    member(other_learner, Role.LEARNER, other, "P3")
    roster.enrolment_create(
        person=other_learner, school_class=other_class, shusseki_no=1, begin_date=begin
    )

    guardian = _person("guardian", "山田", "恵子", "やまだ", "けいこ")
    member(guardian, Role.GUARDIAN, school)
    roster.guardian_link_create(
        guardian=guardian, learner=learner, relationship="母", begin_date=begin
    )

    homeroom_teacher = _person("homeroom_teacher", "田中", "誠", "たなか", "まこと")
    subject_teacher = _person("subject_teacher", "高橋", "愛", "たかはし", "あい")
    stranger = _person("stranger", "伊藤", "健", "いとう", "けん")
    for person, at, klass in [
        (homeroom_teacher, school, homeroom),
        (subject_teacher, school, subject_class),
        (stranger, other, other_class),
    ]:
        member(person, Role.TEACHER, at)
        roster.enrolment_create(
            person=person,
            school_class=klass,
            role=EnrolmentRole.TEACHER,
            is_primary=klass.class_type == ClassType.HOMEROOM,
            begin_date=begin,
        )
    nurse = _person("nurse", "中村", "優子", "なかむら", "ゆうこ")
    member(nurse, Role.NURSE, school)
    school_admin = _person("school_admin", "小林", "大輔", "こばやし", "だいすけ")
    member(school_admin, Role.SCHOOL_ADMIN, school)
    principal = _person("principal", "加藤", "浩", "かとう", "ひろし")
    member(principal, Role.PRINCIPAL, school)
    member(principal, Role.TEACHER, school)
    board_analyst = _person("board_analyst", "吉田", "直美", "よしだ", "なおみ")
    member(board_analyst, Role.BOARD_ANALYST, None)
    return World(
        board=board,
        school=school,
        other_school=other,
        year=year,
        homeroom=homeroom,
        subject_class=subject_class,
        other_class=other_class,
        learner=learner,
        classmate=classmate,
        guardian=guardian,
        homeroom_teacher=homeroom_teacher,
        subject_teacher=subject_teacher,
        nurse=nurse,
        school_admin=school_admin,
        principal=principal,
        board_analyst=board_analyst,
        stranger=stranger,
        other_learner=other_learner,
    )


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """Argon2 is the production hasher (tested on its own); tests use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


PERSONAS = (
    "learner",
    "guardian",
    "homeroom_teacher",
    "subject_teacher",
    "nurse",
    "school_admin",
    "principal",
    "board_analyst",
    "stranger",
)


# Parts of every page that differ per response or per URL, not per record.
_CSRF = re.compile(r'name="(?:csrfmiddlewaretoken|next)" value="[^"]*"')


def assert_same_not_found(forbidden: HttpResponse, missing: HttpResponse) -> None:
    """A forbidden record must be indistinguishable from a missing one: same status (404),
    same body (modulo the per-response CSRF token and the language switch's return URL),
    same content type."""
    assert forbidden.status_code == 404, forbidden.status_code
    assert missing.status_code == 404, missing.status_code
    assert forbidden.headers.get("Content-Type") == missing.headers.get("Content-Type")
    body_a = _CSRF.sub("", forbidden.content.decode())
    body_b = _CSRF.sub("", missing.content.decode())
    assert body_a == body_b


CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright. Skipped when chromium is absent, unless
    TERAKOYA_REQUIRE_BROWSER=1 (as in CI), where its absence is a failure."""
    if not CHROMIUM.exists():
        if os.environ.get("TERAKOYA_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required (TERAKOYA_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django refuses ORM calls from inside one
    # unless told this is intended (the test process is not serving async code).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


def signed_in_context(browser: Any, live_server: Any, person: Person, **options: Any) -> Any:
    """A browser context (Playwright ``new_context`` options, e.g. ``viewport``) whose
    session cookie signs ``person`` in on the live server."""
    client = Client()
    assert person.user is not None
    client.force_login(person.user)
    context = browser.new_context(base_url=live_server.url, **options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


TABLET = {"width": 1024, "height": 768}
TABLET_PORTRAIT = {"width": 800, "height": 1280}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session", autouse=True)
def _flush_keeps_audit_triggers() -> Any:
    """Django's ``flush`` (after transactional and live-server tests) empties SQLite tables with
    DELETE, which the audit log's append-only triggers refuse: drop them for the flush only and
    re-create them right after. PostgreSQL flushes with TRUNCATE, which row triggers ignore.
    The flush also waits for the background audit sealer (terakoya.privacy.sealer)."""
    from django.core.management.commands import flush
    from django.db import connections

    from terakoya.privacy import triggers
    from terakoya.privacy.sealer import SEALER

    original = flush.Command.handle

    def handle(self: Any, *args: Any, **options: Any) -> Any:
        # A transactional test's commits may have woken the audit sealer thread: let it
        # finish before the tables are emptied under it.
        SEALER.wait_idle()
        connection = connections[options.get("database") or "default"]
        if connection.vendor != "sqlite":
            return original(self, *args, **options)
        triggers.uninstall(connection)
        try:
            return original(self, *args, **options)
        finally:
            triggers.install(connection)

    flush.Command.handle = handle  # type: ignore[method-assign]
    yield
    flush.Command.handle = original  # type: ignore[method-assign]
