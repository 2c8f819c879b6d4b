"""Synthetic Japan Profile packages for tests, benchmarks and demos (never real people).

Rows are generated lazily, so a 30,000-user board file is written without holding it in
memory. Identifiers are derived from a seed: the same shape gives the same file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from terakoya.roster.oneroster import spec

FAMILY = [
    ("山田", "やまだ"), ("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"),
    ("田中", "たなか"), ("伊藤", "いとう"), ("渡辺", "わたなべ"), ("中村", "なかむら"),
    ("小林", "こばやし"), ("加藤", "かとう"), ("吉田", "よしだ"), ("松本", "まつもと"),
]  # fmt: skip
GIVEN = [
    ("花子", "はなこ"), ("太郎", "たろう"), ("陽菜", "ひな"), ("蓮", "れん"),
    ("結衣", "ゆい"), ("湊", "みなと"), ("葵", "あおい"), ("悠真", "ゆうま"),
    ("凛", "りん"), ("大和", "やまと"), ("芽依", "めい"), ("颯太", "そうた"),
]  # fmt: skip
GRADE_LABEL = {
    "P1": "1年", "P2": "2年", "P3": "3年", "P4": "4年", "P5": "5年", "P6": "6年",
    "J1": "1年", "J2": "2年", "J3": "3年",
}  # fmt: skip


def stable_id(*parts: object) -> str:
    """A version-4-shaped UUID derived from ``parts`` (deterministic test identifiers)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


@dataclass(frozen=True)
class Shape:
    year: int = 2026
    schools: int = 1
    grades: tuple[str, ...] = ("P3",)
    classes_per_grade: int = 1
    learners_per_class: int = 3
    guardians: bool = True
    seed: str = "terakoya"
    board_code: str = "139998"

    @classmethod
    def for_users(cls, users: int, **kwargs: object) -> Shape:
        """A board shape of about ``users`` users (learners, a guardian each, staff)."""
        grades = ("P1", "P2", "P3", "P4", "P5", "P6")
        per_school = len(grades) * 4 * (35 * 2 + 1) + 1
        schools = max(1, round(users / per_school))
        return cls(
            schools=schools,
            grades=grades,
            classes_per_grade=4,
            learners_per_class=35,
            **kwargs,  # type: ignore[arg-type]
        )

    @property
    def user_count(self) -> int:
        classes = self.schools * len(self.grades) * self.classes_per_grade
        learners = classes * self.learners_per_class
        return learners * (2 if self.guardians else 1) + classes + self.schools + 1


class SyntheticRoster:
    """A board with schools, one 年度, homeroom and science classes, and their people."""

    def __init__(self, shape: Shape | None = None) -> None:
        self.shape = shape or Shape()

    def id(self, *parts: object) -> str:
        return stable_id(self.shape.seed, *parts)

    @property
    def district(self) -> str:
        return self.id("district")

    @property
    def year_id(self) -> str:
        return self.id("year", self.shape.year)

    def school(self, s: int) -> str:
        return self.id("school", s)

    def school_code(self, s: int) -> str:
        # Pattern of reference/codes.md: B1 + prefecture 13 + founder 2 + number + check digit.
        return f"B113{2}{(9000000 + s):07d}{s % 10}"

    def homeroom(self, s: int, grade: str, c: int) -> str:
        return self.id("homeroom", s, grade, c)

    def science(self, s: int, grade: str, c: int) -> str:
        return self.id("science", s, grade, c)

    def learner(self, s: int, grade: str, c: int, n: int) -> str:
        return self.id("learner", s, grade, c, n)

    def guardian(self, s: int, grade: str, c: int, n: int) -> str:
        return self.id("guardian", s, grade, c, n)

    def teacher(self, s: int, grade: str, c: int) -> str:
        return self.id("teacher", s, grade, c)

    def _classes(self) -> Iterator[tuple[int, str, int]]:
        for s in range(self.shape.schools):
            for grade in self.shape.grades:
                for c in range(1, self.shape.classes_per_grade + 1):
                    yield s, grade, c

    def manifest(self) -> dict[str, str]:
        files = {"orgs", "academicSessions", "courses", "classes", "users", "demographics",
                 "roles", "enrollments"}  # fmt: skip
        values = {"manifest.version": "1.0", "oneroster.version": "1.2"}
        for name in spec.ALL_FILES:
            values[f"file.{name}"] = "bulk" if name in files else "absent"
        values["source.systemName"] = "寺子屋テスト用校務システム"
        values["source.systemCode"] = "terakoya-test"
        return values

    def rows(self, name: str) -> Iterator[dict[str, str]]:
        generators = {
            "orgs": self._orgs,
            "academicSessions": self._sessions,
            "courses": self._courses,
            "classes": self._classes_rows,
            "users": self._users,
            "demographics": self._demographics,
            "roles": self._roles,
            "enrollments": self._enrollments,
        }
        return generators[name]()

    @staticmethod
    def _row(file: str, /, **values: str) -> dict[str, str]:
        row = dict.fromkeys(spec.HEADERS[file], "")
        for key, value in values.items():
            row[key.replace("__", ".")] = value
        return row

    def _orgs(self) -> Iterator[dict[str, str]]:
        yield self._row(
            "orgs", sourcedId=self.district, name="寺子屋市教育委員会", type="district",
            identifier=self.shape.board_code,
        )  # fmt: skip
        for s in range(self.shape.schools):
            yield self._row(
                "orgs", sourcedId=self.school(s), name=f"寺子屋市立第{s + 1}小学校",
                type="school", identifier=self.school_code(s), parentSourcedId=self.district,
            )  # fmt: skip

    def _sessions(self) -> Iterator[dict[str, str]]:
        y = self.shape.year
        yield self._row(
            "academicSessions", sourcedId=self.year_id, title=f"{y}年度", type="schoolYear",
            startDate=f"{y}-04-01", endDate=f"{y + 1}-03-31", schoolYear=str(y),
        )  # fmt: skip

    def _courses(self) -> Iterator[dict[str, str]]:
        y = self.shape.year
        for s in range(self.shape.schools):
            for grade in self.shape.grades:
                label = GRADE_LABEL[grade]
                yield self._row(
                    "courses", sourcedId=self.id("course-hr", s, grade),
                    title=f"{y}年度 {label} 学級", grades=grade, orgSourcedId=self.school(s),
                )  # fmt: skip
                yield self._row(
                    "courses", sourcedId=self.id("course-sci", s, grade),
                    schoolYearSourcedId="", title=f"{y}年度 {label} 理科", grades=grade,
                    orgSourcedId=self.school(s), subjects="理科", subjectCodes="P040",
                )  # fmt: skip

    def _classes_rows(self) -> Iterator[dict[str, str]]:
        for s, grade, c in self._classes():
            label = GRADE_LABEL[grade]
            yield self._row(
                "classes", sourcedId=self.homeroom(s, grade, c), title=f"{label}{c}組",
                grades=grade, courseSourcedId=self.id("course-hr", s, grade),
                classType="homeroom", location=f"{label}{c}組 教室",
                schoolSourcedId=self.school(s), termSourcedIds=self.year_id,
                metadata__jp__specialNeeds="false",
            )  # fmt: skip
            yield self._row(
                "classes", sourcedId=self.science(s, grade, c), title=f"{label}{c}組 理科",
                grades=grade, courseSourcedId=self.id("course-sci", s, grade),
                classType="scheduled", schoolSourcedId=self.school(s),
                termSourcedIds=self.year_id, subjects="理科", subjectCodes="P040",
                periods="2,5",
            )  # fmt: skip

    def _person(self, sid: str, index: int, **extra: str) -> dict[str, str]:
        family, family_kana = FAMILY[index % len(FAMILY)]
        given, given_kana = GIVEN[(index // len(FAMILY)) % len(GIVEN)]
        return self._row(
            "users", sourcedId=sid, enabledUser="true", givenName=given, familyName=family,
            preferredGivenName=given, preferredFamilyName=family,
            userMasterIdentifier=self.id("umi", sid), metadata__jp__kanaGivenName=given_kana,
            metadata__jp__kanaFamilyName=family_kana, **extra,
        )  # fmt: skip

    def _users(self) -> Iterator[dict[str, str]]:
        index = 0
        yield self._person(
            self.id("board-admin"), index, username="board.admin",
            primaryOrgSourcedId=self.district,
        )  # fmt: skip
        for s in range(self.shape.schools):
            index += 1
            yield self._person(
                self.id("site-admin", s), index, primaryOrgSourcedId=self.school(s),
                userIds=f"{{校務ID:A{s:04d}}}",
            )  # fmt: skip
        for s, grade, c in self._classes():
            index += 1
            yield self._person(
                self.teacher(s, grade, c), index, primaryOrgSourcedId=self.school(s),
                metadata__jp__homeClass=self.homeroom(s, grade, c),
            )  # fmt: skip
            for n in range(1, self.shape.learners_per_class + 1):
                index += 1
                learner = self.learner(s, grade, c, n)
                guardian = self.guardian(s, grade, c, n)
                yield self._person(
                    learner, index, grades=grade, primaryOrgSourcedId=self.school(s),
                    agentSourcedIds=guardian if self.shape.guardians else "",
                    metadata__jp__homeClass=self.homeroom(s, grade, c),
                    userIds=f"{{出席簿ID:{s}-{grade}-{c}-{n}}}",
                )  # fmt: skip
                if self.shape.guardians:
                    yield self._person(
                        guardian, index + 5, primaryOrgSourcedId=self.school(s),
                        agentSourcedIds=learner,
                    )  # fmt: skip

    def _demographics(self) -> Iterator[dict[str, str]]:
        birth_year = self.shape.year - 9
        for s, grade, c in self._classes():
            for n in range(1, self.shape.learners_per_class + 1):
                yield self._row(
                    "demographics", sourcedId=self.learner(s, grade, c, n),
                    birthDate=f"{birth_year}-{(n % 12) + 1:02d}-{(n % 28) + 1:02d}",
                    sex=("female", "male", "unspecified")[n % 3],
                )  # fmt: skip

    def _roles(self) -> Iterator[dict[str, str]]:
        begin = f"{self.shape.year}-04-01"
        yield self._row(
            "roles", sourcedId=self.id("role", "board-admin"), userSourcedId=self.id("board-admin"),
            roleType="primary", role="districtAdministrator", beginDate=begin,
            orgSourcedId=self.district,
        )  # fmt: skip
        for s in range(self.shape.schools):
            yield self._row(
                "roles", sourcedId=self.id("role", "site-admin", s),
                userSourcedId=self.id("site-admin", s), roleType="primary",
                role="siteAdministrator", beginDate=begin, orgSourcedId=self.school(s),
            )  # fmt: skip
        for s, grade, c in self._classes():
            teacher = self.teacher(s, grade, c)
            yield self._row(
                "roles", sourcedId=self.id("role", teacher), userSourcedId=teacher,
                roleType="primary", role="teacher", beginDate=begin, orgSourcedId=self.school(s),
            )  # fmt: skip
            for n in range(1, self.shape.learners_per_class + 1):
                learner = self.learner(s, grade, c, n)
                yield self._row(
                    "roles", sourcedId=self.id("role", learner), userSourcedId=learner,
                    roleType="primary", role="student", beginDate=begin,
                    orgSourcedId=self.school(s),
                )  # fmt: skip
                if self.shape.guardians:
                    guardian = self.guardian(s, grade, c, n)
                    yield self._row(
                        "roles", sourcedId=self.id("role", guardian), userSourcedId=guardian,
                        roleType="primary", role="guardian", beginDate=begin,
                        orgSourcedId=self.school(s),
                    )  # fmt: skip

    def _enrollments(self) -> Iterator[dict[str, str]]:
        begin = f"{self.shape.year}-04-01"
        for s, grade, c in self._classes():
            school = self.school(s)
            teacher = self.teacher(s, grade, c)
            for klass in (self.homeroom(s, grade, c), self.science(s, grade, c)):
                yield self._row(
                    "enrollments", sourcedId=self.id("enr", klass, teacher), classSourcedId=klass,
                    schoolSourcedId=school, userSourcedId=teacher, role="teacher",
                    primary="true", beginDate=begin,
                )  # fmt: skip
            for n in range(1, self.shape.learners_per_class + 1):
                learner = self.learner(s, grade, c, n)
                yield self._row(
                    "enrollments", sourcedId=self.id("enr", self.homeroom(s, grade, c), learner),
                    classSourcedId=self.homeroom(s, grade, c), schoolSourcedId=school,
                    userSourcedId=learner, role="student", primary="false", beginDate=begin,
                    metadata__jp__ShussekiNo=str(n), metadata__jp__PublicFlg="true",
                )  # fmt: skip
                yield self._row(
                    "enrollments", sourcedId=self.id("enr", self.science(s, grade, c), learner),
                    classSourcedId=self.science(s, grade, c), schoolSourcedId=school,
                    userSourcedId=learner, role="student", primary="false", beginDate=begin,
                )  # fmt: skip

    def files(self) -> dict[str, list[dict[str, str]]]:
        """Every file materialised as lists of rows (small shapes: tests mutate these)."""
        return {name: list(self.rows(name)) for name in spec.IMPORTED}


def write_zip(
    target: str | Path | IO[bytes],
    files: Mapping[str, Iterable[Mapping[str, str]]],
    manifest: Mapping[str, str],
    *,
    headers: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Write a OneRoster ZIP; ``headers`` overrides a file's header (to build broken ones)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("manifest.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(["propertyName", "value"])
            writer.writerows(manifest.items())
            text.close()
        for name, rows in files.items():
            header = list((headers or {}).get(name, spec.HEADERS[name]))
            with archive.open(f"{name}.csv", "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow(header)
                for row in rows:
                    writer.writerow([row.get(column, "") for column in header])
                text.close()


def zip_bytes(
    files: Mapping[str, Iterable[Mapping[str, str]]],
    manifest: Mapping[str, str],
    *,
    headers: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    write_zip(buffer, files, manifest, headers=headers)
    return buffer.getvalue()
