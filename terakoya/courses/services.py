"""Writes for courses, units, materials, assignments and the course-of-study code table.

Keyword-only, one write path per operation, audited in the same transaction; every text a
person typed passes the My Number guard first.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from terakoya.assessment import services as assessment
from terakoya.assessment.models import Drill
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.courses.codes import code_problem, code_validate
from terakoya.courses.models import (
    Assignment,
    Course,
    CurriculumCode,
    Material,
    MaterialKind,
    Unit,
)
from terakoya.courses.selectors import codes_check_table
from terakoya.privacy.audit import SYSTEM, AuditActor, audit_record
from terakoya.privacy.guards import check_text
from terakoya.privacy.models import AuditOutcome
from terakoya.roster.models import EnrolmentRole, LearnerGroup, Person, SchoolClass

#: Upload limits: size, and the types a school tablet can open safely. Checked on the bytes'
#: signature as well as the extension, so a renamed executable is refused.
MAX_MATERIAL_BYTES = 20 * 1024 * 1024
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    ".mp4": ("video/mp4", ()),  # ISO BMFF: "ftyp" at offset 4, checked below
    ".txt": ("text/plain", ()),
}


def material_dir() -> Path:
    """Where uploaded materials live: under the data directory, never under static or media."""
    path = Path(settings.DATA_DIR) / "materials"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _audit(actor: AuditActor, action: str, obj: object, *, school_uuid: uuid.UUID | None) -> None:
    audit_record(
        actor=actor,
        action=action,
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        school_uuid=school_uuid,
        target_type=obj._meta.label_lower,  # type: ignore[attr-defined]
        target_uuid=obj.uuid,  # type: ignore[attr-defined]
    )


def _guard(**texts: str) -> None:
    for name, value in texts.items():
        check_text(value or "", location=name)


@transaction.atomic
def course_create(
    *,
    school_class: SchoolClass,
    subject: str,
    title: str = "",
    subject_code: str = "",
    actor: AuditActor = SYSTEM,
) -> Course:
    _guard(subject=subject, title=title)
    course = Course.objects.create(
        school=school_class.school,
        school_year=school_class.school_year,
        school_class=school_class,
        subject=subject,
        subject_code=subject_code,
        title=title
        or (
            school_class.name if subject in school_class.name else f"{school_class.name} {subject}"
        ),
    )
    _audit(actor, "course.create", course, school_uuid=school_class.school.uuid)
    return course


@transaction.atomic
def unit_create(
    *,
    course: Course,
    title: str,
    codes: Iterable[str] = (),
    position: int | None = None,
    actor: AuditActor = SYSTEM,
) -> Unit:
    _guard(title=title)
    checked = [code_validate(c, location=f"codes[{i}]") for i, c in enumerate(codes)]
    codes_check_table(checked)
    if position is None:
        position = course.units.count() + 1
    unit = Unit.objects.create(course=course, title=title, codes=checked, position=position)
    _audit(actor, "course.unit.create", unit, school_uuid=course.school.uuid)
    return unit


def _sniff_ok(extension: str, head: bytes) -> bool:
    _, signatures = ALLOWED_TYPES[extension]
    if extension == ".mp4":
        return head[4:8] == b"ftyp"
    if extension == ".txt":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in head
    return any(head.startswith(s) for s in signatures)


@transaction.atomic
def material_create(
    *,
    course: Course,
    kind: str,
    title: str,
    unit: Unit | None = None,
    url: str = "",
    body: str = "",
    file_name: str = "",
    content: bytes | None = None,
    actor: AuditActor = SYSTEM,
) -> Material:
    """Create a link, a text page or an uploaded file (size- and type-checked)."""
    _guard(title=title, url=url, body=body, file_name=file_name)
    if unit is not None and unit.course_id != course.pk:
        raise UserError(
            "単元がこのコースのものではありません。", "The unit belongs to another course."
        )
    material = Material(course=course, unit=unit, kind=kind, title=title)
    if kind == MaterialKind.LINK:
        if not url.startswith(("https://", "http://")):
            raise UserError(
                "リンクは http:// か https:// で始まるURLにしてください。",
                "A link must be an http:// or https:// URL.",
                location="url",
            )
        material.url = url
    elif kind == MaterialKind.PAGE:
        material.body = body
    elif kind == MaterialKind.FILE:
        if content is None:
            raise UserError("ファイルがありません。", "No file was uploaded.", location="file")
        extension = Path(file_name).suffix.lower()
        if extension not in ALLOWED_TYPES:
            raise UserError(
                f"この種類のファイル({extension or '拡張子なし'})はアップロードできません。"
                "PDF・PNG・JPEG・MP3・MP4・テキストが使えます。",
                f"Files of type {extension or '(none)'} cannot be uploaded; use PDF, PNG, JPEG, "
                "MP3, MP4 or plain text.",
                location="file",
                code="file_type",
            )
        if len(content) > MAX_MATERIAL_BYTES:
            raise UserError(
                f"ファイルが大きすぎます(上限 {MAX_MATERIAL_BYTES // (1024 * 1024)} MB)。",
                f"The file is too large (limit {MAX_MATERIAL_BYTES // (1024 * 1024)} MB).",
                location="file",
                code="file_size",
            )
        if not _sniff_ok(extension, content[:64]):
            raise UserError(
                "ファイルの中身が拡張子と合いません。",
                "The file's content does not match its extension.",
                location="file",
                code="file_type",
            )
        storage_name = uuid.uuid4().hex
        # Written before the row; if saving the row fails the file is removed below.
        target = material_dir() / storage_name
        target.write_bytes(content)
        material.storage_name = storage_name
        material.file_name = Path(file_name).name[:200]
        material.content_type = ALLOWED_TYPES[extension][0]
        material.size = len(content)
        material.sha256 = hashlib.sha256(content).hexdigest()
    else:
        raise UserError("教材の種類が正しくありません。", "Unknown material kind.", location="kind")
    try:
        material.save()
    except Exception:
        if material.storage_name:
            (material_dir() / material.storage_name).unlink(missing_ok=True)
        raise
    _audit(actor, "course.material.create", material, school_uuid=course.school.uuid)
    return material


def material_path(material: Material) -> Path:
    """The stored file of a file material (name is ours, never the uploader's)."""
    return material_dir() / material.storage_name


@transaction.atomic
def assignment_create(
    *,
    course: Course,
    title: str,
    open_at: dt.datetime,
    due_at: dt.datetime | None = None,
    material: Material | None = None,
    drill: Drill | None = None,
    target_class: SchoolClass | None = None,
    target_group: LearnerGroup | None = None,
    target_learner: Person | None = None,
    instructions: str = "",
    actor: AuditActor = SYSTEM,
) -> Assignment:
    """Assign a material or a drill to the course's class, one of its groups or one learner."""
    _guard(title=title, instructions=instructions)
    if sum(x is not None for x in (target_class, target_group, target_learner)) != 1:
        raise UserError(
            "配る相手(クラス・グループ・児童生徒)を1つ選んでください。",
            "Choose exactly one target: the class, a group or a learner.",
            location="target",
        )
    if (material is None) == (drill is None):
        raise UserError(
            "教材かドリルのどちらか1つを選んでください。",
            "Choose either a material or a drill.",
            location="task",
        )
    task_course = material.course_id if material is not None else drill.course_id  # type: ignore[union-attr]
    if task_course != course.pk:
        raise UserError(
            "ほかのコースの教材・ドリルは配れません。",
            "The material or drill belongs to another course.",
            location="task",
        )
    if due_at is not None and due_at < open_at:
        raise UserError(
            "しめきりが開始より前です。", "The due date is before the open date.", location="due_at"
        )
    if target_class is not None and target_class.pk != course.school_class_id:
        raise UserError(
            "このコースのクラスではありません。", "Not this course's class.", location="target"
        )
    if target_group is not None and target_group.school_class_id != course.school_class_id:
        raise UserError(
            "このクラスのグループではありません。", "Not a group of this class.", location="target"
        )
    assignment = Assignment.objects.create(
        course=course,
        title=title,
        instructions=instructions,
        material=material,
        drill=drill,
        target_class=target_class,
        target_group=target_group,
        target_learner=target_learner,
        open_at=open_at,
        due_at=due_at,
    )
    assessment.assignment_assigned_record(
        course=course,
        learners=_assignees(assignment),
        drill=assignment.drill,
        material=assignment.material,
        due_at=due_at,
    )
    _audit(actor, "course.assignment.create", assignment, school_uuid=course.school.uuid)
    return assignment


def _assignees(assignment: Assignment) -> list[Person]:
    """The learners an assignment reaches today (for the "assigned" learning events)."""
    if assignment.target_learner is not None:
        return [assignment.target_learner]
    if assignment.target_group is not None:
        return list(assignment.target_group.members.all())
    day = clock.today()
    return list(
        Person.objects.filter(
            enrolments__school_class=assignment.target_class,
            enrolments__role=EnrolmentRole.STUDENT,
            enrolments__begin_date__lte=day,
        )
        .filter(Q(enrolments__end_date__isnull=True) | Q(enrolments__end_date__gte=day))
        .distinct()
    )


# ---------------------------------------------------------------- the official code table

CSV_COLUMNS = ("code", "parent", "school_type", "subject", "grade", "text")


@transaction.atomic
def curriculum_codes_import(*, source: bytes, actor: AuditActor = SYSTEM) -> int:
    """Import (insert or update) the official code table from CSV; all rows or none.

    Columns: code, parent, school_type, subject, grade, text (a header row is required).
    Errors name the row and column.
    """
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            "CSVはUTF-8で保存してください。", "Save the CSV as UTF-8.", location="file"
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UserError(
            f"見出し行に列がありません: {', '.join(missing)}",
            f"The header row lacks columns: {', '.join(missing)}",
            location="行 1",
        )
    rows: list[CurriculumCode] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip().upper()
        for column in CSV_COLUMNS:
            check_text(row.get(column) or "", location=f"行 {number} 列 {column}")
        problem = code_problem(code)
        if problem is not None:
            raise UserError(
                f"コード「{code}」: {problem}",
                f"code {code!r} is not a valid course-of-study code",
                location=f"行 {number} 列 code",
            )
        parent = (row.get("parent") or "").strip().upper()
        if parent and code_problem(parent) is not None:
            raise UserError(
                f"親コード「{parent}」: {code_problem(parent)}",
                f"parent {parent!r} is not a valid course-of-study code",
                location=f"行 {number} 列 parent",
            )
        if not (row.get("text") or "").strip():
            raise UserError(
                "内容(text)が空です。", "text is empty", location=f"行 {number} 列 text"
            )
        if code in seen:
            raise UserError(
                "コードが重複しています。", "duplicate code", location=f"行 {number} 列 code"
            )
        seen.add(code)
        rows.append(
            CurriculumCode(
                code=code,
                parent_code=parent,
                school_type=(row.get("school_type") or "").strip(),
                subject=(row.get("subject") or "").strip(),
                grade=(row.get("grade") or "").strip(),
                text=(row.get("text") or "").strip(),
            )
        )
    CurriculumCode.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["parent_code", "school_type", "subject", "grade", "text"],
    )
    audit_record(
        actor=actor,
        action="course.codes.import",
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        target_type="courses.curriculumcode",
        count=len(rows),
    )
    return len(rows)
