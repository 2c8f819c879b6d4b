"""Row-level parsing and rules: one CSV row in, one typed record (and any issues) out.

Each ``parse_<file>`` checks what can be checked on the row alone (required cells, value sets,
patterns, the privacy guards on every cell); references between rows and files are checked by
:mod:`terakoya.roster.oneroster.validate`. The same parsers feed the apply step, so what was
validated is exactly what is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from terakoya.privacy.guards import RefusedInput, check_identifier, check_text
from terakoya.roster.models import BOARD_CODE_RE, SCHOOL_CODE_RE
from terakoya.roster.oneroster import spec
from terakoya.roster.oneroster.issues import Collector

_ANY_UUID = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE
)


_TWELVE_DIGITS = re.compile(r"\d{4}.?\d{4}.?\d{4}", re.ASCII | re.DOTALL)


def _is_uuid_list(value: str) -> bool:
    return all(_ANY_UUID.fullmatch(item.strip()) for item in value.split(","))


class Row:
    """One row being checked; helpers parse a cell and report what is wrong with it."""

    def __init__(
        self,
        issues: Collector,
        name: str,
        number: int,
        cells: dict[str, str],
        mode: str,
        *,
        guard: bool = True,
    ) -> None:
        self.issues = issues
        self.file = f"{name}.csv"
        self.number = number
        self.cells = cells
        self.mode = mode
        self.ok = True
        self.status = "active"
        if guard:  # the apply step re-reads rows that validation already guarded
            self._guard_cells()
        self._status()

    def error(self, column: str, rule: str, ja: str, en: str, *, show_value: bool = True) -> None:
        self.ok = False
        value = self.cells.get(column, "") if show_value else ""
        self.issues.error(self.file, self.number, column, value, rule, ja, en)

    def warning(self, column: str, rule: str, ja: str, en: str, *, once: bool = False) -> None:
        self.issues.warning(
            self.file, self.number, column, self.cells.get(column, ""), rule, ja, en, once=once
        )

    def _guard_cells(self) -> None:
        for column, value in self.cells.items():
            if not value:
                continue
            if value.isascii():
                # ASCII text holds no half-width katakana, and NFKC leaves it unchanged: a My
                # Number in it needs twelve digits in three groups (checked fully below).
                if _TWELVE_DIGITS.search(value) is None or _is_uuid_list(value):
                    # A UUID's first 12 characters can be digits split 8-4 by a hyphen, which
                    # the guard reads as a My Number (about 1 in 3,000 random UUIDs). Cells that
                    # are UUIDs and nothing else are identifiers: exempt (decision 0123).
                    continue
            elif spec.HALF_WIDTH_KANA_RE.search(value):
                self.error(
                    column, "half_width_kana",
                    "半角カタカナは使えません。全角で入力してください。",
                    "Half-width katakana is not allowed; use full-width characters.",
                )  # fmt: skip
            try:
                check_text(value, location=f"{self.file}:{self.number}:{column}")
            except RefusedInput as exc:
                # The refused value is never repeated (terakoya.privacy.guards).
                self.error(column, exc.code, exc.message_ja, exc.message_en, show_value=False)
                self.cells[column] = ""

    def identifier(self, value: str, column: str) -> None:
        """Refuse a value used as a key or type that names a prohibited data category."""
        try:
            check_identifier(value, location=f"{self.file}:{self.number}:{column}")
        except RefusedInput as exc:
            self.error(column, exc.code, exc.message_ja, exc.message_en)

    def _status(self) -> None:
        status = self.cells.get("status", "")
        modified = self.cells.get("dateLastModified", "")
        if self.mode == "bulk":
            if status:
                self.error(
                    "status", "bulk_status",
                    "bulk ファイルでは status は空欄です。",
                    "status must be empty in a bulk file.",
                )  # fmt: skip
            if modified:
                self.error(
                    "dateLastModified", "bulk_date_last_modified",
                    "bulk ファイルでは dateLastModified は空欄です。",
                    "dateLastModified must be empty in a bulk file.",
                )  # fmt: skip
            return
        if status not in spec.STATUSES:
            self.error(
                "status", "delta_status",
                "delta ファイルの status は active か tobedeleted です。",
                "In a delta file status must be active or tobedeleted.",
            )  # fmt: skip
        else:
            self.status = status
        if not modified:
            self.error(
                "dateLastModified", "delta_date_last_modified",
                "delta ファイルでは dateLastModified が必要です。",
                "dateLastModified is required in a delta file.",
            )  # fmt: skip
        else:
            try:
                dt.datetime.fromisoformat(modified.replace("Z", "+00:00"))
            except ValueError:
                self.error(
                    "dateLastModified", "datetime",
                    "日時は ISO 8601 形式(例: 2026-04-01T09:00:00Z)です。",
                    "Use an ISO 8601 date-time (e.g. 2026-04-01T09:00:00Z).",
                )  # fmt: skip

    @property
    def deleting(self) -> bool:
        return self.status == "tobedeleted"

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.cells.get(column, "").strip()
        if required and not value and not self.deleting:
            self.error(column, "required", f"{column} は必須です。", f"{column} is required.")
        if len(value) > max_length:
            self.error(
                column, "too_long",
                f"{column} は {max_length} 文字以内です。",
                f"{column} is at most {max_length} characters.",
            )  # fmt: skip
        return value

    def sourced_id(self, column: str, *, required: bool = True) -> str:
        value = self.cells.get(column, "").strip()
        if not value:
            if required and (column == "sourcedId" or not self.deleting):
                self.error(column, "required", f"{column} は必須です。", f"{column} is required.")
            return ""
        if not spec.UUID4_RE.fullmatch(value):
            self.error(
                column, "uuid",
                "sourcedId は UUID(バージョン4)です。",
                "A sourcedId must be a version 4 UUID.",
            )  # fmt: skip
            return ""
        return spec.normalise_sourced_id(value)

    def sourced_ids(self, column: str, *, required: bool = False) -> list[str]:
        values = spec.split_list(self.cells.get(column, ""))
        if required and not values and not self.deleting:
            self.error(column, "required", f"{column} は必須です。", f"{column} is required.")
        result = []
        for value in values:
            if spec.UUID4_RE.fullmatch(value):
                result.append(spec.normalise_sourced_id(value))
            else:
                self.error(
                    column, "uuid",
                    "sourcedId は UUID(バージョン4)です。",
                    "A sourcedId must be a version 4 UUID.",
                )  # fmt: skip
        return result

    def choice(self, column: str, values: frozenset[str], *, required: bool = True) -> str:
        value = self.cells.get(column, "").strip()
        if not value:
            if required and not self.deleting:
                self.error(column, "required", f"{column} は必須です。", f"{column} is required.")
            return ""
        if value not in values:
            allowed = " | ".join(sorted(values))
            self.error(
                column, "value_set",
                f"{column} に使える値: {allowed}", f"{column} must be one of: {allowed}",
            )  # fmt: skip
            return ""
        return value

    def boolean(self, column: str, *, required: bool = False) -> bool | None:
        value = self.choice(column, spec.BOOLEANS, required=required)
        return None if not value else value == "true"

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.cells.get(column, "").strip()
        if not value:
            if required and not self.deleting:
                self.error(column, "required", f"{column} は必須です。", f"{column} is required.")
            return None
        try:
            if not spec.DATE_RE.fullmatch(value):
                raise ValueError(value)
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(
                column, "date",
                "日付は YYYY-MM-DD 形式です。", "Use a date in YYYY-MM-DD form.",
            )  # fmt: skip
            return None

    def grades(self, column: str, *, single: bool) -> list[str]:
        values = spec.split_list(self.cells.get(column, ""))
        for value in values:
            if value not in spec.GRADES:
                self.error(
                    column, "grade",
                    "学年は P1–P6(小学校)または J1–J3(中学校)です。",
                    "Grades are P1–P6 (elementary) or J1–J3 (junior high).",
                )  # fmt: skip
                return []
        if single and len(values) > 1:
            self.error(
                column, "grade_single",
                f"{column} には学年を1つだけ書きます。", f"{column} holds a single grade.",
            )  # fmt: skip
            return values[:1]
        return values

    def subjects(self) -> tuple[list[str], list[str]]:
        subjects = spec.split_list(self.cells.get("subjects", ""))
        codes = spec.split_list(self.cells.get("subjectCodes", ""))
        for subject in subjects:
            self.identifier(subject, "subjects")
        for code in codes:
            if not spec.SUBJECT_CODE_RE.fullmatch(code):
                self.error(
                    "subjectCodes", "subject_code",
                    "教科コードは P010–P100(小学校)または J010–J090(中学校)です。",
                    "Subject codes are P010–P100 (elementary) or J010–J090 (junior high).",
                )  # fmt: skip
        if subjects and codes and len(subjects) != len(codes):
            self.error(
                "subjectCodes", "subject_code_count",
                "subjects と subjectCodes の数が合いません。",
                "subjects and subjectCodes must have the same number of items.",
            )  # fmt: skip
        return subjects, codes

    def period(self, begin: dt.date | None, end: dt.date | None) -> None:
        if begin and end and end < begin:
            self.error(
                "endDate", "date_order",
                "endDate が beginDate より前です。", "endDate is before beginDate.",
            )  # fmt: skip


@dataclass(slots=True)
class OrgRecord:
    row: int
    sourced_id: str
    status: str
    name: str = ""
    type: str = ""
    identifier: str = ""
    parent: str = ""


@dataclass(slots=True)
class SessionRecord:
    row: int
    sourced_id: str
    status: str
    title: str = ""
    type: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    parent: str = ""
    school_year: int = 0


@dataclass(slots=True)
class CourseRecord:
    row: int
    sourced_id: str
    status: str
    school_year: str = ""
    title: str = ""
    course_code: str = ""
    grades: list[str] = field(default_factory=list)
    org: str = ""
    subjects: list[str] = field(default_factory=list)
    subject_codes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ClassRecord:
    row: int
    sourced_id: str
    status: str
    title: str = ""
    grades: list[str] = field(default_factory=list)
    course: str = ""
    class_code: str = ""
    class_type: str = ""
    location: str = ""
    school: str = ""
    terms: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    subject_codes: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    special_needs: bool | None = None


@dataclass(slots=True)
class UserRecord:
    row: int
    sourced_id: str
    status: str
    enabled: bool = True
    username: str = ""
    user_ids: list[str] = field(default_factory=list)
    given_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    identifier: str = ""
    email: str = ""
    sms: str = ""
    phone: str = ""
    agents: list[str] = field(default_factory=list)
    grade: str = ""
    user_master_identifier: str = ""
    preferred_given_name: str = ""
    preferred_middle_name: str = ""
    preferred_family_name: str = ""
    primary_org: str = ""
    pronouns: str = ""
    kana_given_name: str = ""
    kana_family_name: str = ""
    kana_middle_name: str = ""
    home_class: str = ""


@dataclass(slots=True)
class DemographicRecord:
    row: int
    sourced_id: str
    status: str
    birth_date: dt.date | None = None
    sex: str = ""


@dataclass(slots=True)
class RoleRecord:
    row: int
    sourced_id: str
    status: str
    user: str = ""
    role_type: str = ""
    role: str = ""
    begin_date: dt.date | None = None
    end_date: dt.date | None = None
    org: str = ""


@dataclass(slots=True)
class EnrolmentRecord:
    row: int
    sourced_id: str
    status: str
    school_class: str = ""
    school: str = ""
    user: str = ""
    role: str = ""
    primary: bool | None = None
    begin_date: dt.date | None = None
    end_date: dt.date | None = None
    shusseki_no: int | None = None
    public_flag: bool | None = None


Record = (
    OrgRecord
    | SessionRecord
    | CourseRecord
    | ClassRecord
    | UserRecord
    | DemographicRecord
    | RoleRecord
    | EnrolmentRecord
)


def parse_orgs(r: Row) -> OrgRecord:
    rec = OrgRecord(r.number, r.sourced_id("sourcedId"), r.status)
    if r.deleting:
        return rec
    rec.name = r.text("name", required=True)
    rec.type = r.choice("type", spec.ORG_TYPES)
    rec.identifier = r.text("identifier", required=True, max_length=13)
    rec.parent = r.sourced_id("parentSourcedId", required=False)
    if rec.type == "district":
        if rec.identifier and not _board_code_ok(rec.identifier):
            r.error(
                "identifier", "board_code",
                "教育委員会コードは6桁の数字です(先頭は0–4)。",
                "A board code is six digits starting with 0–4.",
            )  # fmt: skip
        if rec.parent:
            r.error(
                "parentSourcedId", "district_parent",
                "district には親組織を指定しません。", "A district has no parent org.",
            )  # fmt: skip
    elif rec.type == "school":
        if rec.identifier and not spec_school_code_ok(rec.identifier):
            r.error(
                "identifier", "school_code",
                "学校コードは13文字です(例: B113210000019)。",
                "A school code has 13 characters (e.g. B113210000019).",
            )  # fmt: skip
        elif rec.identifier[:2] not in SCHOOL_TYPES:
            r.error(
                "identifier", "school_type",
                "寺子屋が扱う学校種は小学校(B1)・中学校(C1)・義務教育学校(C2)です。",
                "Terakoya handles elementary (B1), junior high (C1) and compulsory (C2) schools.",
            )  # fmt: skip
        if not r.cells.get("parentSourcedId", "").strip():
            r.error(
                "parentSourcedId", "school_parent",
                "school には親組織(district)の sourcedId が必要です。",
                "A school needs the sourcedId of its parent district.",
            )  # fmt: skip
    return rec


SCHOOL_TYPES = frozenset({"B1", "C1", "C2"})


def _board_code_ok(value: str) -> bool:
    return BOARD_CODE_RE.fullmatch(value) is not None


def spec_school_code_ok(value: str) -> bool:
    return SCHOOL_CODE_RE.fullmatch(value) is not None


def parse_academic_sessions(r: Row) -> SessionRecord:
    rec = SessionRecord(r.number, r.sourced_id("sourcedId"), r.status)
    if r.deleting:
        return rec
    rec.title = r.text("title", required=True)
    rec.type = r.choice("type", spec.SESSION_TYPES)
    rec.start_date = r.date("startDate", required=True)
    rec.end_date = r.date("endDate", required=True)
    rec.parent = r.sourced_id("parentSourcedId", required=False)
    year_text = r.text("schoolYear", required=True)
    if year_text and not (len(year_text) == 4 and year_text.isdigit()):
        r.error(
            "schoolYear", "school_year",
            "schoolYear は西暦4桁です(例: 2026)。", "schoolYear is a four-digit year (e.g. 2026).",
        )  # fmt: skip
        return rec
    rec.school_year = int(year_text) if year_text else 0
    match = spec.SCHOOL_YEAR_TITLE_RE.fullmatch(rec.title)
    if rec.title and match is None:
        r.error(
            "title", "school_year_title",
            "年度の title は「2026年度」の形式です。",
            "A school year's title has the form 2026年度.",
        )  # fmt: skip
    elif match is not None and rec.school_year and int(match.group(1)) != rec.school_year:
        r.error(
            "title", "school_year_title_mismatch",
            f"title の年度が schoolYear({rec.school_year})と合いません。",
            f"The year in title does not match schoolYear ({rec.school_year}).",
        )  # fmt: skip
    if rec.school_year:
        start, end = dt.date(rec.school_year, 4, 1), dt.date(rec.school_year + 1, 3, 31)
        if rec.start_date and rec.start_date != start:
            r.error(
                "startDate", "school_year_start",
                f"年度は4月1日に始まります({start.isoformat()})。",
                f"A school year starts on 1 April ({start.isoformat()}).",
            )  # fmt: skip
        if rec.end_date and rec.end_date != end:
            r.error(
                "endDate", "school_year_end",
                f"年度は3月31日に終わります({end.isoformat()})。",
                f"A school year ends on 31 March ({end.isoformat()}).",
            )  # fmt: skip
    return rec


def parse_courses(r: Row) -> CourseRecord:
    rec = CourseRecord(r.number, r.sourced_id("sourcedId"), r.status)
    if r.deleting:
        return rec
    rec.school_year = r.sourced_id("schoolYearSourcedId", required=False)
    rec.title = r.text("title", required=True)
    if rec.title and not spec.COURSE_TITLE_RE.match(rec.title):
        r.error(
            "title", "course_title",
            "コースの title は「2026年度」で始まります。",
            "A course title starts with the school year (e.g. 2026年度).",
        )  # fmt: skip
    rec.course_code = r.text("courseCode")
    if rec.course_code:
        r.error(
            "courseCode", "course_code_empty",
            "Japan Profile では courseCode は空欄です。",
            "courseCode is empty in the Japan Profile.",
        )  # fmt: skip
    rec.grades = r.grades("grades", single=False)
    if len(rec.grades) > 1:
        r.warning(
            "grades", "validator_single_grade",
            "デジタル庁の検証ツールは courses.grades に1つの学年しか認めません。",
            "The Digital Agency's validator accepts one grade only in courses.grades.",
        )  # fmt: skip
    rec.org = r.sourced_id("orgSourcedId")
    rec.subjects, rec.subject_codes = r.subjects()
    return rec


def parse_classes(r: Row) -> ClassRecord:
    rec = ClassRecord(r.number, r.sourced_id("sourcedId"), r.status)
    if r.deleting:
        return rec
    rec.title = r.text("title", required=True, max_length=100)
    rec.grades = r.grades("grades", single=False)
    rec.course = r.sourced_id("courseSourcedId")
    rec.class_code = r.text("classCode", max_length=50)
    rec.class_type = r.choice("classType", spec.CLASS_TYPES)
    rec.location = r.text("location", max_length=100)
    rec.school = r.sourced_id("schoolSourcedId")
    rec.terms = r.sourced_ids("termSourcedIds", required=True)
    if len(rec.terms) > 1:
        r.error(
            "termSourcedIds", "single_term",
            "termSourcedIds には年度の sourcedId を1つだけ書きます。",
            "termSourcedIds holds exactly one school-year sourcedId.",
        )  # fmt: skip
    rec.subjects, rec.subject_codes = r.subjects()
    if len(",".join(rec.subjects)) > 50:
        r.error(
            "subjects", "too_long",
            "subjects は合わせて50文字以内です。", "subjects are at most 50 characters in all.",
        )  # fmt: skip
    rec.periods = spec.split_list(r.cells.get("periods", ""))
    rec.special_needs = r.boolean("metadata.jp.specialNeeds")
    return rec


def parse_users(r: Row) -> UserRecord:
    rec = UserRecord(r.number, r.sourced_id("sourcedId"), r.status)
    if r.deleting:
        return rec
    rec.enabled = bool(r.boolean("enabledUser", required=True))
    rec.username = r.text("username", max_length=150)
    rec.user_ids = spec.split_list(r.cells.get("userIds", ""))
    for user_id in rec.user_ids:
        if not spec.USER_ID_RE.fullmatch(user_id):
            r.error(
                "userIds", "user_ids",
                "userIds は {種類:ID} の形式です。", "userIds take the form {type:id}.",
            )  # fmt: skip
        else:
            r.identifier(user_id[1:].split(":", 1)[0], "userIds")
    rec.given_name = r.text("givenName", required=True, max_length=50)
    rec.family_name = r.text("familyName", required=True, max_length=50)
    rec.middle_name = r.text("middleName", max_length=50)
    rec.identifier = r.text("identifier", max_length=100)
    rec.email = r.text("email", max_length=254)
    if rec.email and ("@" not in rec.email or " " in rec.email):
        r.error(
            "email", "email",
            "メールアドレスの形式ではありません。", "This is not an email address.",
        )  # fmt: skip
    rec.sms = r.text("sms", max_length=30)
    rec.phone = r.text("phone", max_length=30)
    rec.agents = r.sourced_ids("agentSourcedIds")
    if len(rec.agents) > 1:
        r.warning(
            "agentSourcedIds", "validator_single_agent",
            "デジタル庁の検証ツールは agentSourcedIds に1つの ID しか認めません。",
            "The Digital Agency's validator accepts one ID only in agentSourcedIds.",
            once=True,
        )  # fmt: skip
    grades = r.grades("grades", single=True)
    rec.grade = grades[0] if grades else ""
    if r.cells.get("password"):
        r.warning(
            "password", "password_ignored",
            "password 列は取り込みません(パスワードは寺子屋で設定します)。",
            "The password column is not imported (passwords are set in Terakoya).",
            once=True,
        )  # fmt: skip
    rec.user_master_identifier = r.sourced_id("userMasterIdentifier")
    if r.cells.get("resourceSourcedIds"):
        r.warning(
            "resourceSourcedIds", "ignored",
            "resourceSourcedIds は取り込みません。", "resourceSourcedIds is not imported.",
            once=True,
        )  # fmt: skip
    rec.preferred_given_name = r.text("preferredGivenName", required=True, max_length=50)
    rec.preferred_middle_name = r.text("preferredMiddleName", max_length=50)
    rec.preferred_family_name = r.text("preferredFamilyName", required=True, max_length=50)
    rec.primary_org = r.sourced_id("primaryOrgSourcedId", required=False)
    rec.pronouns = r.text("pronouns", max_length=50)
    rec.kana_given_name = r.text("metadata.jp.kanaGivenName", required=True, max_length=100)
    rec.kana_family_name = r.text("metadata.jp.kanaFamilyName", required=True, max_length=100)
    rec.kana_middle_name = r.text("metadata.jp.kanaMiddleName", max_length=100)
    rec.home_class = r.sourced_id("metadata.jp.homeClass", required=False)
    return rec


_DEMOGRAPHIC_NOT_STORED = spec.HEADERS["demographics"][5:]


def parse_demographics(r: Row) -> DemographicRecord:
    rec = DemographicRecord(r.number, r.sourced_id("sourcedId"), r.status)
    if r.deleting:
        return rec
    rec.birth_date = r.date("birthDate")
    rec.sex = r.choice("sex", spec.SEXES, required=False)
    for column in _DEMOGRAPHIC_NOT_STORED:
        if r.cells.get(column):
            # Race and ethnicity are 要配慮個人情報 (個人情報保護法 第2条第3項); birthplace is not
            # needed for schooling. Neither is stored.
            r.warning(
                column, "demographic_not_stored",
                f"{column} は保存しません(寺子屋では収集しない項目です)。",
                f"{column} is not stored (Terakoya does not collect it).",
                once=True,
            )  # fmt: skip
    return rec


def parse_roles(r: Row) -> RoleRecord:
    rec = RoleRecord(r.number, r.sourced_id("sourcedId"), r.status)
    if r.deleting:
        return rec
    rec.user = r.sourced_id("userSourcedId")
    rec.role_type = r.choice("roleType", spec.ROLE_TYPES)
    rec.role = r.choice("role", spec.ROLES)
    rec.begin_date = r.date("beginDate")
    rec.end_date = r.date("endDate")
    r.period(rec.begin_date, rec.end_date)
    rec.org = r.sourced_id("orgSourcedId")
    if r.cells.get("userProfileSourcedId"):
        r.warning(
            "userProfileSourcedId", "ignored",
            "userProfileSourcedId は取り込みません。", "userProfileSourcedId is not imported.",
            once=True,
        )  # fmt: skip
    return rec


def parse_enrollments(r: Row) -> EnrolmentRecord:
    rec = EnrolmentRecord(r.number, r.sourced_id("sourcedId"), r.status)
    if r.deleting:
        return rec
    rec.school_class = r.sourced_id("classSourcedId")
    rec.school = r.sourced_id("schoolSourcedId")
    rec.user = r.sourced_id("userSourcedId")
    rec.role = r.choice("role", spec.ENROLMENT_ROLES)
    rec.primary = r.boolean("primary", required=True)
    if rec.role == "student" and rec.primary:
        r.error(
            "primary", "student_primary",
            "児童生徒(student)の primary は false です。",
            "A student's enrolment cannot have primary=true.",
        )  # fmt: skip
    rec.begin_date = r.date("beginDate")
    rec.end_date = r.date("endDate")
    r.period(rec.begin_date, rec.end_date)
    number = r.cells.get("metadata.jp.ShussekiNo", "").strip()
    if number:
        if spec.SHUSSEKI_RE.fullmatch(number) and 0 < int(number) < 10000:
            rec.shusseki_no = int(number)
        else:
            r.error(
                "metadata.jp.ShussekiNo", "shusseki_no",
                "出席番号は1以上の整数です。", "The 出席番号 (ShussekiNo) is a positive integer.",
            )  # fmt: skip
    rec.public_flag = r.boolean("metadata.jp.PublicFlg")
    return rec


PARSERS: dict[str, Callable[[Row], Record]] = {
    "orgs": parse_orgs,
    "academicSessions": parse_academic_sessions,
    "courses": parse_courses,
    "classes": parse_classes,
    "users": parse_users,
    "demographics": parse_demographics,
    "roles": parse_roles,
    "enrollments": parse_enrollments,
}
