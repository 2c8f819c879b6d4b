"""Applying a validated package: one transaction, batched writes, audited.

Rows are streamed again and written in chunks (``bulk_create`` / ``bulk_update``); a dry run
does the same work inside the transaction and rolls it back, so the preview counts are exactly
what an apply would do (docs/decisions/0122-oneroster-apply.md). Re-applying the same package
finds every row unchanged and writes nothing but the run's audit entry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from django.db import connection, models, transaction

from terakoya.core import clock
from terakoya.privacy.audit import AuditActor, audit_record, audit_record_many
from terakoya.privacy.models import AuditOutcome
from terakoya.roster.models import (
    Board,
    ClassType,
    Course,
    Enrolment,
    GuardianLink,
    Membership,
    Person,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)
from terakoya.roster.oneroster import records, spec
from terakoya.roster.oneroster.export import derived_id
from terakoya.roster.oneroster.issues import Collector, ImportRefused
from terakoya.roster.oneroster.reader import Package
from terakoya.roster.oneroster.validate import Report, parse_file

CHUNK = 1000
SAMPLE_LIMIT = 50
T = TypeVar("T")

ROLE_MAP = {
    "districtAdministrator": Role.BOARD_ADMIN,
    "guardian": Role.GUARDIAN,
    "principal": Role.PRINCIPAL,
    "siteAdministrator": Role.SCHOOL_ADMIN,
    "student": Role.LEARNER,
    "teacher": Role.TEACHER,
}

ProgressFn = Callable[[str, int], None]


@dataclass
class Change:
    entity: str
    action: str  # create | update | retire
    sourced_id: str
    label: str
    fields: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "action": self.action,
            "sourcedId": self.sourced_id,
            "label": self.label,
            "fields": list(self.fields),
        }


@dataclass
class Result:
    """What an import did (or, for a dry run, would do)."""

    run_uuid: uuid.UUID
    dry_run: bool
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    samples: list[Change] = field(default_factory=list)
    issues: Collector = field(default_factory=Collector)

    def count(self, entity: str, action: str, n: int = 1) -> None:
        self.counts.setdefault(entity, Counter())[action] += n

    def note(self, entity: str, action: str, sid: str, label: str, names: Iterable[str]) -> None:
        self.count(entity, action)
        if len(self.samples) < SAMPLE_LIMIT:
            self.samples.append(Change(entity, action, sid, label, tuple(names)))

    @property
    def total_changes(self) -> int:
        return sum(
            n
            for c in self.counts.values()
            for a, n in c.items()
            if a in {"create", "update", "retire"}
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": str(self.run_uuid),
            "dry_run": self.dry_run,
            "changes": self.total_changes,
            "counts": {entity: dict(c) for entity, c in sorted(self.counts.items())},
            "samples": [c.as_dict() for c in self.samples],
        }


def _chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _update_many(model: type[models.Model], objs: list[Any], names: list[str]) -> None:
    """UPDATE rows one statement per row through ``executemany`` (much faster than
    ``bulk_update``'s CASE expressions on large batches); no signals, like bulk_update."""
    if not objs:
        return
    meta = model._meta
    fields: list[Any] = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table, pk = quote(meta.db_table), quote(str(meta.pk.column) if meta.pk else "id")
    sql = f"UPDATE {table} SET {columns} WHERE {pk} = %s"  # noqa: S608 (names from the model)
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _by_sid(rows: Iterable[tuple[str | None, Any, int]]) -> dict[str, int]:
    """Map external keys (sourcedId, or the UUID of a record made in Terakoya) to ids."""
    return {sid or str(public): pk for sid, public, pk in rows}


M = TypeVar("M", bound=models.Model)


def _sid_value(obj: models.Model | None, sid: str) -> str | None:
    """The sourcedId to store: none for a Terakoya record exported under its own UUID."""
    if obj is not None and obj.sourced_id is None and str(obj.uuid) == sid:  # type: ignore[attr-defined]
        return None
    return sid


def _diff(obj: models.Model, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


class Applier:
    def __init__(
        self,
        package: Package,
        report: Report,
        *,
        actor: AuditActor,
        result: Result,
        progress: ProgressFn | None,
    ) -> None:
        self.package = package
        self.report = report
        self.manifest = package.manifest
        self.actor = actor
        self.result = result
        self.progress = progress or (lambda stage, n: None)
        self.today = clock.today()
        self.now = clock.now()
        self.scratch = Collector()  # rows were validated; a second pass reports nothing new
        self.board_ids: dict[str, int] = {}
        self.school_ids: dict[str, tuple[int, int]] = {}  # sid -> (school id, board id)
        self.year_ids: dict[str, int] = {}
        # Keys that grow with the file live in the report's on-disk key store (decision 0125):
        # "class_id" (class key -> id), "touched:membership", "touched:enrolment" (ids seen).
        self.keys = report.index.keys
        self.person_audit: list[dict[str, Any]] = []
        self.derived_courses: dict[str, int] = {}
        self.unkeyed: dict[type[models.Model], bool] = {}

    # -- helpers -----------------------------------------------------------------------------

    def _lookup(self, model: type[M], sids: Iterable[str]) -> dict[str, M]:
        """Existing records by external key: the sourcedId, else the UUID of a record made in
        Terakoya and exported under it (so re-importing an export adopts it, decision 0120)."""
        wanted = set(sids)
        found: dict[str, M] = model._default_manager.in_bulk(wanted, field_name="sourced_id")
        missing = [sid for sid in wanted - found.keys() if spec.UUID4_RE.fullmatch(sid)]
        if missing and self.unkeyed.get(model, True):
            for obj in model._default_manager.filter(uuid__in=missing, sourced_id=None):
                found[str(obj.uuid)] = obj  # type: ignore[attr-defined]
        return found

    def _records(self, name: str) -> Iterator[records.Record]:
        mode = self.manifest.mode(name)
        if mode == "absent":
            return
        for number, (record, _row) in enumerate(
            parse_file(self.package, name, mode, self.scratch), start=1
        ):
            if number % 5000 == 0:
                self.progress(name, number)
            yield record

    def _audit_person(self, action: str, person: Person) -> None:
        self.person_audit.append(
            {
                "actor": self.actor,
                "action": action,
                "outcome": AuditOutcome.CHANGED,
                "purpose": "school_administration",
                "target_type": "roster.person",
                "target_uuid": person.uuid,
                "subject_uuid": person.uuid,
            }
        )
        if len(self.person_audit) >= CHUNK:
            self._flush_audit()

    def _flush_audit(self) -> None:
        if self.person_audit:
            audit_record_many(self.person_audit)
            self.person_audit = []

    def _load_maps(self) -> None:
        self.board_ids = _by_sid(Board.objects.values_list("sourced_id", "uuid", "id"))
        self.school_ids = {
            sid or str(public): (pk, board)
            for sid, public, pk, board in School.objects.values_list(
                "sourced_id", "uuid", "id", "board_id"
            )
        }
        self.year_ids = _by_sid(SchoolYear.objects.values_list("sourced_id", "uuid", "id"))
        self._load_class_ids()

    def _load_class_ids(self) -> None:
        self.keys.add_many(
            "class_id",
            (
                (sid or str(public), str(pk))
                for sid, public, pk in SchoolClass.objects.values_list(
                    "sourced_id", "uuid", "id"
                ).iterator(chunk_size=5000)
            ),
        )

    def _class_ids(self, sids: Iterable[str]) -> dict[str, int]:
        return {sid: int(pk) for sid, pk in self.keys.values("class_id", sids).items()}

    def _touch(self, kind: str, ids: Iterable[int]) -> None:
        self.keys.add_many(f"touched:{kind}", ((str(pk), "") for pk in ids))

    def _refuse(self, file: str, row: int, column: str, rule: str, ja: str, en: str) -> None:
        issues = Collector()
        issues.error(file, row, column, "", rule, ja, en)
        raise issues.refuse()

    # -- stages ------------------------------------------------------------------------------

    def run(self) -> None:
        # Whether any record lacks a sourcedId (else the UUID fallback query is skipped).
        for model in (Board, School, SchoolYear, SchoolClass, Person, Membership, Enrolment):
            self.unkeyed[model] = model._default_manager.filter(sourced_id=None).exists()
        self._load_maps()
        self.apply_orgs()
        self.apply_sessions()
        self.apply_courses()
        self.apply_classes()
        self.apply_users()
        self.apply_demographics()
        self.apply_roles()
        self.apply_enrolments()
        self.apply_guardian_links()
        self.retire_absent()
        self._flush_audit()

    def apply_orgs(self) -> None:
        orgs = [r for r in self._records("orgs") if isinstance(r, records.OrgRecord)]
        for rec in orgs:
            if rec.status == "tobedeleted":
                self.result.count("org", "kept")
        for rec in (r for r in orgs if r.type == "district" and r.status == "active"):
            board = self._lookup(Board, [rec.sourced_id]).get(rec.sourced_id)
            if board is None:
                board = Board.objects.filter(code=rec.identifier, sourced_id=None).first()
            values: dict[str, Any] = {
                "name": rec.name,
                "code": rec.identifier,
                "sourced_id": _sid_value(board, rec.sourced_id),
            }
            if board is None:
                board = Board.objects.create(**values)
                self.result.note("board", "create", rec.sourced_id, rec.name, ())
            elif changed := _diff(board, values):
                board.save()
                self.result.note("board", "update", rec.sourced_id, rec.name, changed)
            else:
                self.result.count("board", "unchanged")
            self.board_ids[rec.sourced_id] = board.pk
        for rec in (r for r in orgs if r.type == "school" and r.status == "active"):
            board_id = self.board_ids[rec.parent]
            school = self._lookup(School, [rec.sourced_id]).get(rec.sourced_id)
            if school is None:
                school = School.objects.filter(code=rec.identifier, sourced_id=None).first()
            values = {
                "board_id": board_id,
                "name": rec.name,
                "code": rec.identifier,
                "school_type": rec.identifier[:2],
                "sourced_id": _sid_value(school, rec.sourced_id),
            }
            if school is None:
                school = School.objects.create(**values)
                self.result.note("school", "create", rec.sourced_id, rec.name, ())
            elif changed := _diff(school, values):
                school.save()
                self.result.note("school", "update", rec.sourced_id, rec.name, changed)
            else:
                self.result.count("school", "unchanged")
            self.school_ids[rec.sourced_id] = (school.pk, board_id)

    def _package_board(self) -> int:
        boards = {self.board_ids[sid] for sid in self.report.index.orgs if sid in self.board_ids}
        if not boards:
            boards = {
                self.school_ids[sid][1] for sid in self.report.index.orgs if sid in self.school_ids
            }
        if not boards:
            boards = set(Board.objects.values_list("id", flat=True)[:2])
        if len(boards) != 1:
            self._refuse(
                "academicSessions.csv", 0, "sourcedId", "session_board",
                "年度(academicSessions)を登録する教育委員会を決められません。"
                "orgs.csv に district を1つだけ含めてください。",
                "Cannot tell which board a new school year belongs to; include exactly one "
                "district in orgs.csv.",
            )  # fmt: skip
        return boards.pop()

    def apply_sessions(self) -> None:
        board_id: int | None = None
        for rec in self._records("academicSessions"):
            if not isinstance(rec, records.SessionRecord):
                continue
            if rec.status == "tobedeleted":
                self.result.count("school_year", "kept")
                continue
            year = self._lookup(SchoolYear, [rec.sourced_id]).get(rec.sourced_id)
            if year is None:
                board_id = board_id or self._package_board()
                year = SchoolYear.objects.filter(board_id=board_id, year=rec.school_year).first()
                if year is not None and year.sourced_id not in (None, rec.sourced_id):
                    self._refuse(
                        "academicSessions.csv", rec.row, "sourcedId", "school_year_taken",
                        f"{rec.school_year}年度は別の sourcedId で登録済みです。",
                        f"School year {rec.school_year} is already registered with another "
                        "sourcedId.",
                    )  # fmt: skip
            values = {
                "year": rec.school_year,
                "title": rec.title,
                "start_date": rec.start_date,
                "end_date": rec.end_date,
                "sourced_id": _sid_value(year, rec.sourced_id),
            }
            if year is None:
                year = SchoolYear.objects.create(board_id=board_id or 0, **values)
                self.result.note("school_year", "create", rec.sourced_id, rec.title, ())
            elif changed := _diff(year, values):
                year.save()
                self.result.note("school_year", "update", rec.sourced_id, rec.title, changed)
            else:
                self.result.count("school_year", "unchanged")
            self.year_ids[rec.sourced_id] = year.pk

    def _org_fields(self, sid: str) -> dict[str, int | None]:
        if sid in self.school_ids:
            school_id, board_id = self.school_ids[sid]
            return {"school_id": school_id, "board_id": board_id}
        return {"school_id": None, "board_id": self.board_ids.get(sid)}

    def apply_courses(self) -> None:
        # Courses an export invents for classes without one are not stored (decision 0120).
        self.derived_courses = {
            derived_id("course", public): pk
            for pk, public in SchoolClass.objects.filter(course_sourced_id=None).values_list(
                "id", "uuid"
            )
        }
        for chunk in _chunks(self._records("courses"), CHUNK):
            existing: dict[str, Course] = Course.objects.in_bulk(
                [r.sourced_id for r in chunk], field_name="sourced_id"
            )
            new = [course for rec in chunk if (course := self._apply_course(rec, existing))]
            Course.objects.bulk_create(new)

    def _apply_course(self, rec: records.Record, existing: dict[str, Course]) -> Course | None:
        """Update or count one course; a new one is returned unsaved (created in bulk)."""
        if not isinstance(rec, records.CourseRecord):
            return None
        if rec.status == "tobedeleted":
            self.result.count("course", "kept")
            return None
        values = {
            "school_year_id": self.year_ids.get(rec.school_year) if rec.school_year else None,
            **self._org_fields(rec.org),
            "title": rec.title,
            "course_code": rec.course_code,
            "grades": rec.grades,
            "subjects": rec.subjects,
            "subject_codes": rec.subject_codes,
        }
        if rec.sourced_id in self.derived_courses and rec.sourced_id not in existing:
            self.result.count("course", "unchanged")
            return None
        course = existing.get(rec.sourced_id)
        if course is None:
            self.result.note("course", "create", rec.sourced_id, rec.title, ())
            return Course(sourced_id=rec.sourced_id, **values)
        if changed := _diff(course, values):
            course.save()
            self.result.note("course", "update", rec.sourced_id, rec.title, changed)
        else:
            self.result.count("course", "unchanged")
        return None

    def apply_classes(self) -> None:
        for chunk in _chunks(self._records("classes"), CHUNK):
            existing = self._lookup(SchoolClass, [r.sourced_id for r in chunk])
            new: list[SchoolClass] = []
            for rec in chunk:
                if not isinstance(rec, records.ClassRecord):
                    continue
                if rec.status == "tobedeleted":
                    self.result.count("class", "kept")
                    continue
                values = {
                    "school_id": self.school_ids[rec.school][0],
                    "school_year_id": self.year_ids[rec.terms[0]],
                    "name": rec.title,
                    "class_type": rec.class_type,
                    "grades": rec.grades,
                    "subject": ",".join(rec.subjects),
                    "subject_codes": rec.subject_codes,
                    "class_code": rec.class_code,
                    "special_needs": rec.special_needs,
                    "course_sourced_id": rec.course,
                    "location": rec.location,
                    "periods": rec.periods,
                }
                school_class = existing.get(rec.sourced_id)
                if (
                    school_class is not None
                    and school_class.course_sourced_id is None
                    and self.derived_courses.get(rec.course) == school_class.pk
                ):
                    values["course_sourced_id"] = None
                if school_class is None:
                    new.append(SchoolClass(sourced_id=rec.sourced_id, **values))
                    self.result.note("class", "create", rec.sourced_id, rec.title, ())
                elif changed := _diff(school_class, values):
                    school_class.save()
                    self.result.note("class", "update", rec.sourced_id, rec.title, changed)
                else:
                    self.result.count("class", "unchanged")
            SchoolClass.objects.bulk_create(new)
        if self.manifest.mode("classes") != "absent":
            self._load_class_ids()

    _PERSON_FIELDS = (
        "family_name",
        "given_name",
        "middle_name",
        "family_name_kana",
        "given_name_kana",
        "middle_name_kana",
        "preferred_family_name",
        "preferred_given_name",
        "preferred_middle_name",
        "pronouns",
        "username",
        "user_ids",
        "identifier",
        "email",
        "sms",
        "phone",
        "user_master_identifier",
        "enabled_user",
        "grade",
        "home_class_id",
        "primary_org_sourced_id",
    )

    def _person_values(self, rec: records.UserRecord, class_ids: dict[str, int]) -> dict[str, Any]:
        return {
            "family_name": rec.family_name,
            "given_name": rec.given_name,
            "middle_name": rec.middle_name,
            "family_name_kana": rec.kana_family_name,
            "given_name_kana": rec.kana_given_name,
            "middle_name_kana": rec.kana_middle_name,
            "preferred_family_name": rec.preferred_family_name,
            "preferred_given_name": rec.preferred_given_name,
            "preferred_middle_name": rec.preferred_middle_name,
            "pronouns": rec.pronouns,
            "username": rec.username,
            "user_ids": rec.user_ids,
            "identifier": rec.identifier,
            "email": rec.email,
            "sms": rec.sms,
            "phone": rec.phone,
            "user_master_identifier": (
                uuid.UUID(rec.user_master_identifier) if rec.user_master_identifier else None
            ),
            "enabled_user": rec.enabled,
            "grade": rec.grade,
            "home_class_id": class_ids.get(rec.home_class) if rec.home_class else None,
            "primary_org_sourced_id": rec.primary_org,
        }

    def _derived_person_values(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """What an export writes for a person when the field itself is empty (decision 0120)."""
        derived: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
        for pk, grade in Membership.objects.filter(
            person_id__in=ids, role=Role.LEARNER, end_date=None
        ).values_list("person_id", "grade"):
            derived[pk].setdefault("grade", grade)
        for pk, class_id in Enrolment.objects.filter(
            person_id__in=ids,
            role="student",
            end_date=None,
            school_class__class_type=ClassType.HOMEROOM,
        ).values_list("person_id", "school_class_id"):
            derived[pk].setdefault("home_class_id", class_id)
        return derived

    @staticmethod
    def _keep_derived(person: Person, values: dict[str, Any], derived: dict[int, Any]) -> None:
        """Leave a field empty when the file only repeats what an export derives for it, so
        re-importing Terakoya's own export changes nothing."""
        own = derived.get(person.pk, {})
        for name in ("grade", "home_class_id"):
            if not getattr(person, name) and name in own and values[name] == own[name]:
                values[name] = getattr(person, name)
        for name, base in (
            ("preferred_given_name", "given_name"),
            ("preferred_family_name", "family_name"),
        ):
            if not getattr(person, name) and values[name] == values[base]:
                values[name] = ""
        if (
            person.user_master_identifier is None
            and values["user_master_identifier"] == person.uuid
        ):
            values["user_master_identifier"] = None

    def apply_users(self) -> None:
        for chunk in _chunks(self._records("users"), CHUNK):
            existing = self._lookup(Person, [r.sourced_id for r in chunk])
            derived = self._derived_person_values([p.pk for p in existing.values()])
            class_ids = self._class_ids(
                r.home_class for r in chunk if isinstance(r, records.UserRecord) and r.home_class
            )
            new: list[Person] = []
            changed_people: list[Person] = []
            retiring: list[Person] = []
            for rec in chunk:
                if not isinstance(rec, records.UserRecord):
                    continue
                person = existing.get(rec.sourced_id)
                if rec.status == "tobedeleted":
                    if person is not None and person.retired_at is None:
                        retiring.append(person)
                    else:
                        self.result.count("person", "unchanged")
                    continue
                values = self._person_values(rec, class_ids)
                if person is not None:
                    self._keep_derived(person, values, derived)
                label = f"{rec.family_name} {rec.given_name}"
                if person is None:
                    person = Person(sourced_id=rec.sourced_id, **values)
                    new.append(person)
                    self.result.note("person", "create", rec.sourced_id, label, ())
                elif changed := _diff(person, values):
                    person.updated_at = self.now
                    changed_people.append(person)
                    self.result.note("person", "update", rec.sourced_id, label, changed)
                else:
                    self.result.count("person", "unchanged")
            Person.objects.bulk_create(new)
            _update_many(Person, changed_people, [*self._PERSON_FIELDS, "updated_at"])
            for person in changed_people:
                self._audit_person("person.update", person)
            self._retire_people(retiring)

    def _retire_people(self, people: list[Person]) -> None:
        if not people:
            return
        ids = [p.pk for p in people]
        day = self.today
        Membership.objects.filter(person_id__in=ids, end_date=None).update(
            end_date=models.Case(
                models.When(begin_date__gt=day, then=models.F("begin_date")), default=day
            )
        )
        Enrolment.objects.filter(person_id__in=ids, end_date=None).update(
            end_date=models.Case(
                models.When(begin_date__gt=day, then=models.F("begin_date")), default=day
            )
        )
        GuardianLink.objects.filter(
            models.Q(guardian_id__in=ids) | models.Q(learner_id__in=ids), end_date=None
        ).update(end_date=day)
        Person.objects.filter(id__in=ids).update(retired_at=self.now, updated_at=self.now)
        user_ids = [p.user_id for p in people if p.user_id is not None]
        if user_ids:
            from django.contrib.auth import get_user_model

            get_user_model().objects.filter(pk__in=user_ids).update(is_active=False)
        for person in people:
            self.result.note(
                "person", "retire", person.sourced_id or "", person.full_name, ("retired_at",)
            )
            self._audit_person("person.retire", person)

    def apply_demographics(self) -> None:
        for chunk in _chunks(self._records("demographics"), CHUNK):
            existing = self._lookup(Person, [r.sourced_id for r in chunk])
            changed_people: list[Person] = []
            for rec in chunk:
                if not isinstance(rec, records.DemographicRecord):
                    continue
                person = existing.get(rec.sourced_id)
                if person is None:
                    continue
                values = {"birth_date": rec.birth_date, "sex": rec.sex}
                if changed := _diff(person, values):
                    person.updated_at = self.now
                    changed_people.append(person)
                    self.result.note(
                        "demographics", "update", rec.sourced_id, person.full_name, changed
                    )
                else:
                    self.result.count("demographics", "unchanged")
            _update_many(Person, changed_people, ["birth_date", "sex", "updated_at"])
            for person in changed_people:
                self._audit_person("person.update", person)

    def _people(self, sids: Iterable[str]) -> dict[str, tuple[int, str]]:
        return {sid: (p.pk, p.grade) for sid, p in self._lookup(Person, sids).items()}

    def _end(self, begin: dt.date) -> dt.date:
        return max(begin, self.today)

    def apply_roles(self) -> None:
        for chunk in _chunks(self._records("roles"), CHUNK):
            existing = self._lookup(Membership, [r.sourced_id for r in chunk])
            people = self._people(r.user for r in chunk if isinstance(r, records.RoleRecord))
            self._touch("membership", (m.pk for m in existing.values()))
            new: list[Membership] = []
            changed_rows: list[Membership] = []
            for rec in chunk:
                if not isinstance(rec, records.RoleRecord):
                    continue
                membership = existing.get(rec.sourced_id)
                if rec.status == "tobedeleted":
                    if membership is not None and membership.end_date is None:
                        membership.end_date = self._end(membership.begin_date)
                        membership.updated_at = self.now
                        changed_rows.append(membership)
                        self.result.note("membership", "retire", rec.sourced_id, "", ("end_date",))
                    else:
                        self.result.count("membership", "unchanged")
                    continue
                person_id, grade = people[rec.user]
                role = ROLE_MAP[rec.role]
                values: dict[str, Any] = {
                    "person_id": person_id,
                    **self._org_fields(rec.org),
                    "role": role,
                    # A learner's grade comes from users.grades; when that is empty (an export
                    # of a Terakoya record that keeps it on the role only) the role keeps its own.
                    "grade": (grade or (membership.grade if membership else ""))
                    if role == Role.LEARNER
                    else "",
                    "end_date": rec.end_date,
                    "is_primary": rec.role_type == "primary",
                }
                if rec.begin_date is not None:
                    values["begin_date"] = rec.begin_date
                if membership is None:
                    values.setdefault("begin_date", min(self.today, rec.end_date or self.today))
                    new.append(Membership(sourced_id=rec.sourced_id, **values))
                    self.result.note("membership", "create", rec.sourced_id, str(role), ())
                elif changed := _diff(membership, values):
                    membership.updated_at = self.now
                    changed_rows.append(membership)
                    self.result.note("membership", "update", rec.sourced_id, str(role), changed)
                else:
                    self.result.count("membership", "unchanged")
            self._touch("membership", (obj.pk for obj in Membership.objects.bulk_create(new)))
            _update_many(
                Membership,
                changed_rows,
                [
                    "person_id",
                    "board_id",
                    "school_id",
                    "role",
                    "grade",
                    "begin_date",
                    "end_date",
                    "is_primary",
                    "updated_at",
                ],
            )

    def apply_enrolments(self) -> None:
        for chunk in _chunks(self._records("enrollments"), CHUNK):
            existing = self._lookup(Enrolment, [r.sourced_id for r in chunk])
            people = self._people(r.user for r in chunk if isinstance(r, records.EnrolmentRecord))
            self._touch("enrolment", (e.pk for e in existing.values()))
            class_ids = self._class_ids(
                r.school_class for r in chunk if isinstance(r, records.EnrolmentRecord)
            )
            new: list[Enrolment] = []
            changed_rows: list[Enrolment] = []
            for rec in chunk:
                if not isinstance(rec, records.EnrolmentRecord):
                    continue
                enrolment = existing.get(rec.sourced_id)
                if rec.status == "tobedeleted":
                    if enrolment is not None and enrolment.end_date is None:
                        enrolment.end_date = self._end(enrolment.begin_date)
                        enrolment.updated_at = self.now
                        changed_rows.append(enrolment)
                        self.result.note("enrolment", "retire", rec.sourced_id, "", ("end_date",))
                    else:
                        self.result.count("enrolment", "unchanged")
                    continue
                values: dict[str, Any] = {
                    "person_id": people[rec.user][0],
                    "school_class_id": class_ids[rec.school_class],
                    "role": rec.role,
                    "is_primary": bool(rec.primary),
                    "shusseki_no": rec.shusseki_no,
                    "public_flag": rec.public_flag,
                    "end_date": rec.end_date,
                }
                if rec.begin_date is not None:
                    values["begin_date"] = rec.begin_date
                if enrolment is None:
                    values.setdefault("begin_date", min(self.today, rec.end_date or self.today))
                    new.append(Enrolment(sourced_id=rec.sourced_id, **values))
                    self.result.note("enrolment", "create", rec.sourced_id, rec.role, ())
                elif changed := _diff(enrolment, values):
                    enrolment.updated_at = self.now
                    changed_rows.append(enrolment)
                    self.result.note("enrolment", "update", rec.sourced_id, rec.role, changed)
                else:
                    self.result.count("enrolment", "unchanged")
            self._touch("enrolment", (obj.pk for obj in Enrolment.objects.bulk_create(new)))
            _update_many(
                Enrolment,
                changed_rows,
                [
                    "person_id",
                    "school_class_id",
                    "role",
                    "is_primary",
                    "shusseki_no",
                    "public_flag",
                    "begin_date",
                    "end_date",
                    "updated_at",
                ],
            )

    def apply_guardian_links(self) -> None:
        """Link guardians and learners named in agentSourcedIds (either side may name the other)."""
        # A light second reading: only three columns of rows validated before.
        pairs_chunk = (
            (spec.normalise_sourced_id(cells["sourcedId"]), spec.normalise_sourced_id(agent))
            for _number, cells in (
                self.package.rows("users", self.scratch, report=False)
                if self.manifest.mode("users") != "absent"
                else ()
            )
            if cells.get("status", "") != "tobedeleted"
            for agent in spec.split_list(cells.get("agentSourcedIds", ""))
        )
        for chunk in _chunks(pairs_chunk, CHUNK):
            sids = {sid for pair in chunk for sid in pair}
            ids = {sid: p.pk for sid, p in self._lookup(Person, sids).items()}
            learners = set(
                Membership.objects.filter(
                    person_id__in=ids.values(), role=Role.LEARNER, end_date=None
                ).values_list("person_id", flat=True)
            )
            wanted: set[tuple[int, int]] = set()
            for a, b in chunk:
                pa, pb = ids.get(a), ids.get(b)
                if pa is None or pb is None:
                    continue
                if pa in learners and pb not in learners:
                    wanted.add((pb, pa))
                elif pb in learners and pa not in learners:
                    wanted.add((pa, pb))
            present = set(
                GuardianLink.objects.filter(
                    guardian_id__in={g for g, _ in wanted},
                    learner_id__in={learner for _, learner in wanted},
                    end_date=None,
                ).values_list("guardian_id", "learner_id")
            )
            new = [
                GuardianLink(guardian_id=g, learner_id=learner, begin_date=self.today)
                for g, learner in sorted(wanted - present)
            ]
            GuardianLink.objects.bulk_create(new)
            self.result.count("guardian_link", "create", len(new))
            self.result.count("guardian_link", "unchanged", len(wanted & present))

    def retire_absent(self) -> None:
        """A bulk file is the whole truth for its boards: retire what it no longer lists."""
        if self.manifest.mode("orgs") != "bulk":
            return
        boards = {self.board_ids[s] for s in self.report.index.orgs if s in self.board_ids}
        boards |= {self.school_ids[s][1] for s in self.report.index.orgs if s in self.school_ids}
        if not boards:
            return
        if self.manifest.mode("users") == "bulk":
            people = (
                Person.objects.filter(memberships__board_id__in=boards, retired_at=None)
                .exclude(sourced_id=None)
                .values_list("id", "sourced_id")
                .distinct()
                .order_by("id")
            )
            # Keyset pages, not one open cursor: retiring updates the rows being read.
            after = 0
            while page := list(people.filter(id__gt=after)[:CHUNK]):
                after = page[-1][0]
                listed = self.keys.present("user", (sid or "" for _pk, sid in page))
                gone = [pk for pk, sid in page if sid not in listed]
                if gone:
                    self._retire_people(list(Person.objects.filter(id__in=gone)))
        if self.manifest.mode("roles") == "bulk":
            self._end_untouched(
                "membership",
                Membership.objects.filter(board_id__in=boards, end_date=None).exclude(
                    sourced_id=None
                ),
                "touched:membership",
            )
        if self.manifest.mode("enrollments") == "bulk":
            self._end_untouched(
                "enrolment",
                Enrolment.objects.filter(
                    school_class__school__board_id__in=boards, end_date=None
                ).exclude(sourced_id=None),
                "touched:enrolment",
            )

    def _end_untouched(self, entity: str, queryset: models.QuerySet[Any], touched: str) -> None:
        rows = queryset.values_list("id", "sourced_id", "begin_date").iterator(chunk_size=5000)
        for chunk in _chunks(rows, CHUNK):
            seen = self.keys.present(touched, (str(pk) for pk, _sid, _begin in chunk))
            for pk, sid, begin in chunk:
                if str(pk) in seen:
                    continue
                queryset.model.objects.filter(pk=pk).update(
                    end_date=self._end(begin), updated_at=self.now
                )
                self.result.note(entity, "retire", sid, "", ("end_date",))


def apply_package(
    package: Package,
    report: Report,
    *,
    actor: AuditActor,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
) -> Result:
    """Apply a validated package in one transaction (rolled back when ``dry_run``).

    Raises :class:`ImportRefused` if the report has errors or a conflict appears while
    applying; nothing is written then.
    """
    if not report.ok:
        raise report.issues.refuse()
    result = Result(run_uuid=uuid.uuid4(), dry_run=dry_run, issues=report.issues)
    with transaction.atomic():
        Applier(package, report, actor=actor, result=result, progress=progress).run()
        audit_record(
            actor=actor,
            action="oneroster.import",
            outcome=AuditOutcome.CHANGED if result.total_changes else AuditOutcome.ALLOWED,
            purpose="school_administration",
            target_type="roster.oneroster_import",
            target_uuid=result.run_uuid,
            count=result.total_changes,
        )
        entries = [
            {
                "actor": actor,
                "action": f"oneroster.{entity}.{action}",
                "outcome": AuditOutcome.CHANGED,
                "purpose": "school_administration",
                "target_type": "roster.oneroster_import",
                "target_uuid": result.run_uuid,
                "count": n,
            }
            for entity, counter in sorted(result.counts.items())
            for action, n in sorted(counter.items())
            if action in {"create", "update", "retire"} and n
        ]
        audit_record_many(entries)
        if dry_run:
            transaction.set_rollback(True)
    return result


__all__ = ["ROLE_MAP", "Change", "ImportRefused", "Result", "apply_package", "spec"]
