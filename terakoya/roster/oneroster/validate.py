"""Checking a whole package before anything is written.

Two streaming passes: the first indexes sourcedIds (and the few facts references need: org
types, a class's school, who holds a student role); the second parses every row with the
row rules and checks every reference against the package and the database. Memory grows with
the number of sourcedIds, never with the rows' content.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from terakoya.roster.models import (
    Board,
    Course,
    Membership,
    Person,
    Role,
    School,
    SchoolClass,
    SchoolYear,
)
from terakoya.roster.oneroster import records, spec
from terakoya.roster.oneroster.issues import Collector
from terakoya.roster.oneroster.keystore import KeyStore
from terakoya.roster.oneroster.reader import Package


@dataclass(frozen=True)
class Scope:
    """What the importing person may change. ``None`` means anything (the command line)."""

    board_ids: frozenset[int] | None = None
    school_ids: frozenset[int] | None = None

    @property
    def unrestricted(self) -> bool:
        return self.board_ids is None and self.school_ids is None


UNRESTRICTED = Scope()


@dataclass
class Index:
    """The keys references are checked against. Orgs and school years (a few per school) are
    kept in memory; everything that grows with the number of people or classes lives in a
    temporary on-disk :class:`KeyStore` (decision 0125). Kinds in the store: ``user``,
    ``student``, ``primary`` (holds a primary role), ``course``, ``class`` (value: the class's
    school), ``seen:<file>``, ``master`` (userMasterIdentifiers of the file),
    ``deleting:<file>``; and what the database holds: ``db_user``, ``db_student``,
    ``db_primary``, ``db_course``, ``db_class``, ``db_master`` (value: the owner's key),
    ``permitted_user``."""

    orgs: dict[str, str] = field(default_factory=dict)  # sourcedId -> district | school
    org_parent: dict[str, str] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)
    # What the database already holds.
    db_orgs: dict[str, str] = field(default_factory=dict)
    db_sessions: set[str] = field(default_factory=set)
    # Scope (only filled for a restricted importer).
    permitted_orgs: set[str] = field(default_factory=set)
    # Boards a school administrator may reference but not change: sid -> (name, code).
    readonly_orgs: dict[str, tuple[str, str]] = field(default_factory=dict)
    keys: KeyStore = field(default_factory=KeyStore)

    def release(self) -> None:
        """Drop what only validation needed; the apply step keeps orgs and ``user`` keys."""
        self.sessions.clear()
        self.db_sessions.clear()

    def close(self) -> None:
        """Delete the on-disk key store."""
        self.keys.close()

    def org_type(self, sid: str) -> str | None:
        return self.orgs.get(sid) or self.db_orgs.get(sid)

    def class_school(self, sid: str) -> str | None:
        return self.keys.get("class", sid) or self.keys.get("db_class", sid)

    def is_user(self, sid: str) -> bool:
        return self.keys.has("user", sid) or self.keys.has("db_user", sid)

    def is_db_user(self, sid: str) -> bool:
        return self.keys.has("db_user", sid)

    def is_permitted_user(self, sid: str) -> bool:
        return self.keys.has("permitted_user", sid)

    def is_session(self, sid: str) -> bool:
        return sid in self.sessions or sid in self.db_sessions

    def is_course(self, sid: str) -> bool:
        return self.keys.has("course", sid) or self.keys.has("db_course", sid)

    def is_student(self, sid: str) -> bool:
        """Holds a student role in the package, or in Terakoya unless the package ends it."""
        return self.keys.has("student", sid) or (
            self.keys.has("db_student", sid) and not self.keys.has("deleting:roles", sid)
        )

    def has_primary_role(self, sid: str) -> bool:
        return self.keys.has("primary", sid) or self.keys.has("db_primary", sid)


@dataclass
class Report:
    """The outcome of validation: issues, what was read, and the index for the apply step."""

    issues: Collector
    package_kind: str = ""
    version: str = ""
    variant_columns: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    index: Index = field(default_factory=Index)

    @property
    def ok(self) -> bool:
        return self.issues.ok


def _keys(rows: Iterable[tuple[str | None, Any]]) -> Iterator[str]:
    """External keys: the sourcedId, or the public UUID of a record made in Terakoya (which is
    what an export writes for it; decision 0120)."""
    for sid, public in rows:
        yield sid or str(public)


def _index_database(index: Index, scope: Scope) -> None:
    keys = index.keys
    for key in _keys(Board.objects.values_list("sourced_id", "uuid")):
        index.db_orgs[key] = "district"
    for key in _keys(School.objects.values_list("sourced_id", "uuid")):
        index.db_orgs[key] = "school"
    index.db_sessions = set(_keys(SchoolYear.objects.values_list("sourced_id", "uuid")))
    keys.add_many(
        "db_course",
        (
            (sid, "")
            for sid in Course.objects.values_list("sourced_id", flat=True).iterator(chunk_size=5000)
        ),
    )
    keys.add_many(
        "db_class",
        (
            (class_sid or str(class_uuid), school_sid or str(school_uuid))
            for class_sid, class_uuid, school_sid, school_uuid in SchoolClass.objects.values_list(
                "sourced_id", "uuid", "school__sourced_id", "school__uuid"
            ).iterator(chunk_size=5000)
        ),
    )
    keys.add_many(
        "db_user",
        (
            (key, "")
            for key in _keys(
                Person.objects.values_list("sourced_id", "uuid").iterator(chunk_size=5000)
            )
        ),
    )
    memberships = Membership.objects.filter(end_date=None)
    keys.add_many(
        "db_student",
        (
            (key, "")
            for key in _keys(
                memberships.filter(role=Role.LEARNER)
                .values_list("person__sourced_id", "person__uuid")
                .iterator(chunk_size=5000)
            )
        ),
    )
    keys.add_many(
        "db_primary",
        (
            (key, "")
            for key in _keys(
                memberships.filter(is_primary=True)
                .values_list("person__sourced_id", "person__uuid")
                .iterator(chunk_size=5000)
            )
        ),
    )
    keys.add_many(
        "db_master",
        (
            (str(umi), person_sid or str(person_uuid))
            for umi, person_sid, person_uuid in (
                Person.objects.exclude(user_master_identifier=None)
                .values_list("user_master_identifier", "sourced_id", "uuid")
                .iterator(chunk_size=5000)
            )
        ),
    )
    if scope.unrestricted:
        return
    schools = School.objects.all()
    if scope.school_ids is not None:
        schools = schools.filter(id__in=scope.school_ids)
    if scope.board_ids is not None:
        schools = schools.filter(board_id__in=scope.board_ids)
        index.permitted_orgs.update(
            _keys(Board.objects.filter(id__in=scope.board_ids).values_list("sourced_id", "uuid"))
        )
    index.permitted_orgs.update(_keys(schools.values_list("sourced_id", "uuid")))
    if scope.board_ids is None:
        for board_sid, board_uuid, name, code in (
            Board.objects.filter(schools__in=schools)
            .values_list("sourced_id", "uuid", "name", "code")
            .distinct()
        ):
            key = board_sid or str(board_uuid)
            index.permitted_orgs.add(key)
            index.readonly_orgs[key] = (name, code)
    people = Membership.objects.all()
    if scope.school_ids is not None:
        people = people.filter(school_id__in=scope.school_ids)
    if scope.board_ids is not None:
        people = people.filter(board_id__in=scope.board_ids)
    keys.add_many(
        "permitted_user",
        (
            (key, "")
            for key in _keys(
                people.values_list("person__sourced_id", "person__uuid").iterator(chunk_size=5000)
            )
        ),
    )


def _cell_id(cells: dict[str, str], column: str) -> str:
    value = cells.get(column, "").strip()
    return spec.normalise_sourced_id(value) if value else ""


def _index_package(package: Package, index: Index, report: Report) -> None:
    issues = report.issues
    manifest = package.manifest
    keys = index.keys
    for name in spec.IMPORTED:
        mode = manifest.mode(name)
        if mode == "absent":
            continue
        seen = f"seen:{name}"
        count = 0
        for number, cells in package.rows(name, issues, report=False):
            count += 1
            sid = _cell_id(cells, "sourcedId")
            deleting = cells.get("status", "").strip() == "tobedeleted"
            if sid:
                if not keys.add_new(seen, sid):
                    issues.error(
                        f"{name}.csv", number, "sourcedId", cells["sourcedId"],
                        "duplicate_sourced_id",
                        "同じ sourcedId の行がすでにあります。",
                        "Another row has the same sourcedId.",
                    )  # fmt: skip
                if deleting:
                    keys.add(f"deleting:{name}", sid)
                    continue
            if name == "orgs":
                index.orgs[sid] = cells.get("type", "")
                index.org_parent[sid] = _cell_id(cells, "parentSourcedId")
            elif name == "academicSessions":
                index.sessions.add(sid)
            elif name == "courses":
                keys.add("course", sid)
            elif name == "classes":
                keys.add("class", sid, _cell_id(cells, "schoolSourcedId"))
            elif name == "users":
                keys.add("user", sid)
                umi = _cell_id(cells, "userMasterIdentifier")
                if umi:
                    if not keys.add_new("master", umi):
                        issues.error(
                            "users.csv", number, "userMasterIdentifier",
                            cells["userMasterIdentifier"], "duplicate_master_identifier",
                            "同じ userMasterIdentifier の利用者がすでにあります。",
                            "Another user has the same userMasterIdentifier.",
                        )  # fmt: skip
                    owner = keys.get("db_master", umi)
                    if owner is not None and owner != sid:
                        issues.error(
                            "users.csv", number, "userMasterIdentifier",
                            cells["userMasterIdentifier"], "master_identifier_taken",
                            "この userMasterIdentifier は寺子屋の別の人に使われています。",
                            "This userMasterIdentifier belongs to another person in Terakoya.",
                        )  # fmt: skip
            elif name == "roles":
                user = _cell_id(cells, "userSourcedId")
                if cells.get("role") == "student":
                    keys.add("student", user)
                if cells.get("roleType") == "primary":
                    keys.add("primary", user)
        report.row_counts[name] = count


def validate_package(package: Package, *, scope: Scope = UNRESTRICTED) -> Report:
    """Check every rule on the package; the report says whether it may be applied."""
    issues = Collector()
    report = Report(issues=issues)
    manifest = package.read_manifest(issues)
    report.version = manifest.version
    report.package_kind = manifest.kind
    if not issues.ok:
        return report
    for name, mode in manifest.modes.items():
        if mode != "absent" and name not in spec.IMPORTED:
            issues.warning(
                f"{name}.csv", None, "", "", "file_not_imported",
                f"{name}.csv は寺子屋では取り込みません(内容は無視します)。",
                f"{name}.csv is not imported by Terakoya (its content is ignored).",
            )  # fmt: skip
            if name == "userProfiles":
                # Still check its header and cells: a My Number must be refused anywhere.
                for number, cells in package.rows(name, issues):
                    records.Row(issues, name, number, cells, mode)
    index = report.index
    _index_database(index, scope)
    _index_package(package, index, report)
    if scope.board_ids is not None and scope.school_ids is None:
        # A board administrator may add schools to their board.
        for sid, parent in index.org_parent.items():
            if index.orgs.get(sid) == "school" and parent in index.permitted_orgs:
                index.permitted_orgs.add(sid)
    for name in spec.IMPORTED:
        mode = manifest.mode(name)
        if mode == "absent":
            continue
        check = _CHECKS[name]
        for record, row in parse_file(package, name, mode, issues, report=True):
            if row.ok and not row.deleting:
                check(record, row, index, scope)
    report.variant_columns = sorted(manifest.variant_columns)
    if report.variant_columns:
        issues.warning(
            "", None, "", ",".join(report.variant_columns), "metadata_variant",
            "小文字の metadata 列名(1.2_JP 形式)として読みました。",
            "Read the lower-case metadata column names of the 1.2_JP variant.",
        )  # fmt: skip
    issues.info(
        "manifest.csv", "version_read",
        f"OneRoster {report.version} の {report.package_kind} として読みました。",
        f"Read as OneRoster {report.version}, {report.package_kind}.",
        value=report.version,
    )  # fmt: skip
    return report


def parse_file(
    package: Package, name: str, mode: str, issues: Collector, *, report: bool = False
) -> Iterator[tuple[records.Record, records.Row]]:
    """Yield each row of a file parsed into its record (with the row, for its status).

    ``report=False`` is the apply step's second reading of rows already validated: the
    privacy guards ran then and are not repeated.
    """
    parser = records.PARSERS[name]
    for number, cells in package.rows(name, issues, report=report):
        row = records.Row(issues, name, number, cells, mode, guard=report)
        yield parser(row), row


def _ref_error(row: records.Row, column: str, target: str) -> None:
    row.error(
        column, "unknown_reference",
        f"{column} が指す {target} がファイルにも寺子屋にもありません。",
        f"{column} refers to a {target} that is neither in the package nor in Terakoya.",
    )  # fmt: skip


def _scope_error(row: records.Row, column: str) -> None:
    row.error(
        column, "out_of_scope",
        "この組織・人は、あなたが管理できる範囲の外です。",
        "This org or person is outside what you administer.",
    )  # fmt: skip


def _check_org_ref(
    row: records.Row, column: str, sid: str, index: Index, scope: Scope, want: str | None
) -> None:
    if not sid:
        return
    kind = index.org_type(sid)
    if kind is None:
        _ref_error(row, column, "org")
    elif want is not None and kind != want:
        row.error(
            column, "org_type",
            f"{column} は type={want} の組織を指します。",
            f"{column} must refer to an org of type {want}.",
        )  # fmt: skip
    elif not scope.unrestricted and (sid not in index.permitted_orgs or sid in index.readonly_orgs):
        # A school administrator may name their board as a school's parent, nothing more:
        # no board-level roles (that would grant board administration), courses or classes.
        _scope_error(row, column)


def _check_org(rec: records.Record, row: records.Row, index: Index, scope: Scope) -> None:
    if not isinstance(rec, records.OrgRecord):
        return
    if rec.type == "school" and rec.parent:
        if index.org_type(rec.parent) is None:
            _ref_error(row, "parentSourcedId", "district")
        elif index.org_type(rec.parent) != "district":
            row.error(
                "parentSourcedId", "org_type",
                "学校の親組織は type=district です。", "A school's parent must be a district.",
            )  # fmt: skip
    readonly = index.readonly_orgs.get(rec.sourced_id)
    if readonly is not None and (rec.name, rec.identifier) != readonly:
        row.error(
            "name", "board_readonly",
            "学校管理者は教育委員会(district)の内容を変更できません。",
            "A school administrator cannot change the district's details.",
        )  # fmt: skip
    if not scope.unrestricted and rec.sourced_id not in index.permitted_orgs:
        parent_ok = (
            rec.type == "school" and scope.school_ids is None and rec.parent in index.permitted_orgs
        )
        if not parent_ok:
            _scope_error(row, "sourcedId")


def _check_session(rec: records.Record, row: records.Row, index: Index, scope: Scope) -> None:
    if not isinstance(rec, records.SessionRecord):
        return
    if rec.parent:
        if index.is_session(rec.parent):
            row.warning(
                "parentSourcedId", "validator_session_parent",
                "デジタル庁の検証ツールは parentSourcedId を orgs と照合するため、"
                "この行を誤りとします(仕様上は正しい値です)。",
                "The Digital Agency's validator checks parentSourcedId against orgs and will "
                "reject this row, although the specification allows it.",
                once=True,
            )  # fmt: skip
        else:
            _ref_error(row, "parentSourcedId", "academicSession")


def _check_course(rec: records.Record, row: records.Row, index: Index, scope: Scope) -> None:
    if not isinstance(rec, records.CourseRecord):
        return
    if rec.school_year:
        if not index.is_session(rec.school_year):
            _ref_error(row, "schoolYearSourcedId", "academicSession")
        else:
            row.warning(
                "schoolYearSourcedId", "validator_ib1049",
                "デジタル庁の検証ツールは空でない schoolYearSourcedId を参照切れ(ib1049)と"
                "誤って報告します(仕様上は正しい値です)。",
                "The Digital Agency's validator wrongly reports a non-empty "
                "schoolYearSourcedId as a missing reference (ib1049); the value is valid.",
                once=True,
            )  # fmt: skip
    _check_org_ref(row, "orgSourcedId", rec.org, index, scope, None)


def _check_class(rec: records.Record, row: records.Row, index: Index, scope: Scope) -> None:
    if not isinstance(rec, records.ClassRecord):
        return
    if rec.course and not index.is_course(rec.course):
        _ref_error(row, "courseSourcedId", "course")
    _check_org_ref(row, "schoolSourcedId", rec.school, index, scope, "school")
    for term in rec.terms:
        if not index.is_session(term):
            _ref_error(row, "termSourcedIds", "academicSession")


def _check_user(rec: records.Record, row: records.Row, index: Index, scope: Scope) -> None:
    if not isinstance(rec, records.UserRecord):
        return
    for agent in rec.agents:
        if not index.is_user(agent):
            _ref_error(row, "agentSourcedIds", "user")
    is_student = index.is_student(rec.sourced_id)
    if rec.home_class:
        if index.class_school(rec.home_class) is None:
            _ref_error(row, "metadata.jp.homeClass", "class")
    elif is_student and not row.cells.get("metadata.jp.homeClass"):
        row.error(
            "metadata.jp.homeClass", "home_class_required",
            "児童生徒には metadata.jp.homeClass(学級の sourcedId)が必要です。",
            "A student needs metadata.jp.homeClass (the sourcedId of their homeroom class).",
        )  # fmt: skip
    if rec.primary_org:
        _check_org_ref(row, "primaryOrgSourcedId", rec.primary_org, index, UNRESTRICTED, None)
    if (
        not scope.unrestricted
        and index.is_db_user(rec.sourced_id)
        and not index.is_permitted_user(rec.sourced_id)
    ):
        _scope_error(row, "sourcedId")


def _check_demographic(rec: records.Record, row: records.Row, index: Index, scope: Scope) -> None:
    if not isinstance(rec, records.DemographicRecord):
        return
    if rec.sourced_id and not index.is_user(rec.sourced_id):
        row.error(
            "sourcedId", "demographics_user",
            "demographics の sourcedId は利用者の sourcedId です。該当する利用者がいません。",
            "A demographics sourcedId equals a user's sourcedId; there is no such user.",
        )  # fmt: skip
    if (
        not scope.unrestricted
        and index.is_db_user(rec.sourced_id)
        and not index.is_permitted_user(rec.sourced_id)
    ):
        _scope_error(row, "sourcedId")


def _check_role(rec: records.Record, row: records.Row, index: Index, scope: Scope) -> None:
    if not isinstance(rec, records.RoleRecord):
        return
    if rec.user and not index.is_user(rec.user):
        _ref_error(row, "userSourcedId", "user")
    want = "district" if rec.role == "districtAdministrator" else "school"
    _check_org_ref(row, "orgSourcedId", rec.org, index, scope, want)
    if rec.role_type == "secondary" and not index.has_primary_role(rec.user):
        row.error(
            "roleType", "secondary_without_primary",
            "secondary の役割を持つ利用者には primary の役割も必要です。",
            "A user with a secondary role must also have a primary role.",
        )  # fmt: skip


def _check_enrolment(rec: records.Record, row: records.Row, index: Index, scope: Scope) -> None:
    if not isinstance(rec, records.EnrolmentRecord):
        return
    school = index.class_school(rec.school_class) if rec.school_class else ""
    if school is None:
        _ref_error(row, "classSourcedId", "class")
    _check_org_ref(row, "schoolSourcedId", rec.school, index, scope, "school")
    if school and rec.school and school != rec.school and row.ok:
        row.error(
            "schoolSourcedId", "class_school_mismatch",
            "schoolSourcedId がクラスの学校と違います。",
            "schoolSourcedId differs from the class's school.",
        )  # fmt: skip
    if rec.user and not index.is_user(rec.user):
        _ref_error(row, "userSourcedId", "user")


_CHECKS = {
    "orgs": _check_org,
    "academicSessions": _check_session,
    "courses": _check_course,
    "classes": _check_class,
    "users": _check_user,
    "demographics": _check_demographic,
    "roles": _check_role,
    "enrollments": _check_enrolment,
}
