"""Writes for the question bank, drills and attempts; every learning event becomes a statement.

Keyword-only, one write path per operation (web UI, command and demo call the same function),
audited in the same transaction, with the learning event's xAPI statement handed to the LRS
adapter (:func:`terakoya.assessment.events.learning_event_record`) in that transaction too.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction

from terakoya.assessment import xapi
from terakoya.assessment.events import learning_event_record
from terakoya.assessment.gift import export_gift, parse_gift
from terakoya.assessment.interchange import FORMATS, MAX_IMPORT_BYTES, QuestionDraft
from terakoya.assessment.mastery import mastery_reached, rule_validate
from terakoya.assessment.models import (
    Attempt,
    AttemptState,
    Drill,
    DrillItem,
    DrillKind,
    Question,
    Response,
    Selection,
)
from terakoya.assessment.moodlexml import export_moodlexml, parse_moodlexml
from terakoya.assessment.qtypes import Marked, mark, xapi_interaction_type
from terakoya.assessment.richtext import plain_text
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.courses.codes import code_validate
from terakoya.courses.models import Course
from terakoya.courses.selectors import codes_check_table
from terakoya.privacy.audit import SYSTEM, AuditActor, audit_record
from terakoya.privacy.guards import check_text, scan
from terakoya.privacy.models import AuditOutcome
from terakoya.privacy.purposes import Purpose
from terakoya.roster.models import Person, School

#: Answers sent up to this long after the time limit still count (a tablet on a slow school
#: network must not lose the last answer to latency).
GRADING_PURPOSE = Purpose.GRADING

DEADLINE_GRACE = dt.timedelta(seconds=60)


# ---------------------------------------------------------------- xAPI context


def public_url() -> str:
    return str(settings.TERAKOYA.get("PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")


def school_home_page(school: School) -> str:
    """The account homePage of a school's learners: the school's Terakoya URL."""
    return f"{public_url()}/schools/{school.uuid}"


def learning_context(course: Course, *, codes: Sequence[str] = ()) -> xapi.LearningContext:
    grades = course.school_class.grades or []
    return xapi.LearningContext(
        base_url=public_url(),
        home_page=school_home_page(course.school),
        course_uuid=course.uuid,
        course_title=course.title,
        subject=course.subject_code or course.subject,
        grade=grades[0] if grades else "",
        codes=tuple(codes),
    )


def drill_activity(drill: Drill) -> xapi.Activity:
    return xapi.Activity(
        kind=drill.kind,
        key=drill.uuid,
        title=drill.title,
        codes=tuple(drill.pool_codes),
        extra={
            xapi.EXT + "assessment-type": "summative"
            if drill.kind == DrillKind.TEST
            else "formative"
        },
    )


def question_activity(question: Question) -> xapi.Activity:
    return xapi.Activity(
        kind="question",
        key=question.uuid,
        title=plain_text(question.name)[:200],
        activity_type=xapi.TYPE_INTERACTION,
        interaction_type=xapi_interaction_type(question.qtype),
        codes=tuple(question.codes),
    )


def _drill_codes(drill: Drill, questions: Iterable[Question] = ()) -> list[str]:
    codes = list(drill.pool_codes)
    for question in questions:
        codes.extend(c for c in question.codes if c not in codes)
    return codes


def _record(
    *,
    event: str,
    drill: Drill,
    learner: Person,
    at: dt.datetime,
    activity: xapi.Activity | None = None,
    attempt: Attempt | None = None,
    result: dict[str, Any] | None = None,
    instructor: Person | None = None,
    context_extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    codes = activity.codes if activity is not None and activity.codes else drill.pool_codes
    statement = xapi.statement_build(
        event=event,
        ctx=learning_context(drill.course, codes=codes),
        learner_uuid=learner.uuid,
        activity=activity or drill_activity(drill),
        parent=drill_activity(drill) if activity is not None else None,
        at=at,
        statement_id=uuid.uuid4(),
        registration=attempt.uuid if attempt is not None else None,
        result=result,
        instructor_uuid=instructor.uuid if instructor is not None else None,
        context_extensions=context_extensions,
    )
    learning_event_record(statement=statement, school=drill.school)
    return statement


def _audit(
    actor: AuditActor,
    action: str,
    obj: Any,
    *,
    school: School,
    subject: Person | None = None,
    purpose: str = "instruction",
    count: int = 1,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        outcome=AuditOutcome.CHANGED,
        purpose=purpose,
        school_uuid=school.uuid,
        target_type=obj._meta.label_lower,
        target_uuid=obj.uuid,
        subject_uuid=subject.uuid if subject is not None else None,
        count=count,
    )


# ---------------------------------------------------------------- question bank


def questions_parse(*, source: bytes, fmt: str) -> list[QuestionDraft]:
    """Parse an interchange file; raises ImportFailed (with every location) or UserError."""
    if fmt not in FORMATS:
        raise UserError(
            f"形式「{fmt}」には対応していません(gift・moodlexml・qti)。",
            f"Unknown format {fmt!r} (gift, moodlexml, qti).",
            location="format",
        )
    if len(source) > MAX_IMPORT_BYTES:
        raise UserError(
            "ファイルが大きすぎます(上限 5 MB)。",
            "The file is too large (limit 5 MB).",
            location="file",
        )
    if fmt == "gift":
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UserError(
                "GIFTファイルはUTF-8で保存してください。",
                "Save the GIFT file as UTF-8.",
                location="file",
            ) from exc
        return parse_gift(text)
    if fmt == "qti":
        from terakoya.assessment.qti import parse_qti

        return parse_qti(source)
    return parse_moodlexml(source)


def _draft_guard(draft: QuestionDraft) -> None:
    where = draft.location
    for name in ("name", "text", "general_feedback", "category"):
        check_text(getattr(draft, name), location=f"{where} {name}")
    scan(draft.spec, location=f"{where} spec")
    scan(draft.hints, location=f"{where} hints")
    scan(draft.tags, location=f"{where} tags")


def _question_from_draft(school: School, draft: QuestionDraft, fmt: str) -> Question:
    return Question(
        school=school,
        qtype=draft.qtype,
        name=plain_text(draft.name)[:255] or "—",
        category=draft.category[:255],
        text=draft.text,
        spec=draft.spec,
        general_feedback=draft.general_feedback,
        hints=draft.hints,
        tags=draft.tags,
        codes=[code_validate(c, location=draft.location) for c in draft.codes],
        default_mark=draft.default_mark if draft.default_mark > 0 else 1.0,
        source_format=fmt,
    )


@transaction.atomic
def questions_import(
    *, school: School, source: bytes, fmt: str, actor: AuditActor = SYSTEM
) -> list[Question]:
    """Import every question of a GIFT / Moodle XML / QTI file into the school's bank.

    All or nothing: any parse, validation or guard problem raises before anything is stored.
    """
    drafts = questions_parse(source=source, fmt=fmt)
    for draft in drafts:
        _draft_guard(draft)
    questions = [_question_from_draft(school, d, fmt) for d in drafts]
    for question, draft in zip(questions, drafts, strict=True):
        codes_check_table(question.codes, location=draft.location)
    for question in questions:
        question.save()
    audit_record(
        actor=actor,
        action="assessment.questions.import",
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        school_uuid=school.uuid,
        target_type="assessment.question",
        count=len(questions),
    )
    return questions


@transaction.atomic
def question_create(
    *, school: School, draft: QuestionDraft, actor: AuditActor = SYSTEM
) -> Question:
    """Create one question from a draft (validated like an import)."""
    from terakoya.assessment.interchange import drafts_check

    drafts_check([draft], [])
    _draft_guard(draft)
    question = _question_from_draft(school, draft, "")
    question.save()
    _audit(actor, "assessment.question.create", question, school=school)
    return question


@transaction.atomic
def question_update_from_source(
    *, question: Question, source: bytes, fmt: str, actor: AuditActor = SYSTEM
) -> Question:
    """Replace a question's content with one question written in GIFT or Moodle XML.

    A question already answered in an attempt is not changed (its answers were marked against
    this content): add the new version as a new question instead.
    """
    if Response.objects.filter(question=question).exists():
        raise UserError(
            "この問題はもう解答に使われているため変更できません。新しい問題として追加してください。",
            "This question has been answered in attempts and cannot be changed; add the new "
            "version as a new question.",
            code="question_in_use",
        )
    drafts = questions_parse(source=source, fmt=fmt)
    if len(drafts) != 1:
        raise UserError(
            "1問だけを書いてください。", "Write exactly one question.", location="source"
        )
    _draft_guard(drafts[0])
    fresh = _question_from_draft(question.school, drafts[0], fmt)
    codes_check_table(fresh.codes, location=drafts[0].location)
    for name in (
        "qtype",
        "name",
        "category",
        "text",
        "spec",
        "general_feedback",
        "hints",
        "tags",
        "codes",
        "default_mark",
        "source_format",
    ):
        setattr(question, name, getattr(fresh, name))
    question.save()
    _audit(actor, "assessment.question.update", question, school=question.school)
    return question


def question_source(question: Question) -> tuple[str, str]:
    """The question written out for editing: GIFT where GIFT can say it, else Moodle XML."""
    row = question_as_dict(question)
    try:
        return "gift", export_gift([row])
    except UserError:
        return "moodlexml", export_moodlexml([row]).decode("utf-8")


def question_as_dict(question: Question) -> dict[str, Any]:
    return {
        "qtype": question.qtype,
        "name": question.name,
        "text": question.text,
        "spec": question.spec,
        "general_feedback": question.general_feedback,
        "hints": question.hints,
        "tags": question.tags,
        "codes": question.codes,
        "default_mark": question.default_mark,
        "category": question.category,
    }


def questions_export(*, questions: Iterable[Question], fmt: str) -> bytes:
    """Write questions back to GIFT, Moodle XML or QTI 2.1 (a UserError for what cannot go)."""
    rows = [question_as_dict(q) for q in questions]
    if fmt == "gift":
        return export_gift(rows).encode("utf-8")
    if fmt == "moodlexml":
        return export_moodlexml(rows)
    if fmt == "qti":
        from terakoya.assessment.qti import export_qti

        return export_qti(rows)
    raise UserError(
        f"形式「{fmt}」には対応していません。", f"Unknown format {fmt!r}.", location="format"
    )


# ---------------------------------------------------------------- drills


@transaction.atomic
def drill_create(
    *,
    course: Course,
    title: str,
    questions: Sequence[Question] = (),
    kind: str = DrillKind.DRILL,
    selection: str = Selection.FIXED,
    pool_codes: Sequence[str] = (),
    pool_size: int = 0,
    time_limit_seconds: int | None = None,
    max_attempts: int | None = None,
    mastery_rule: dict[str, Any] | None = None,
    rubric: list[dict[str, Any]] | None = None,
    actor: AuditActor = SYSTEM,
) -> Drill:
    check_text(title, location="title")
    rule = rule_validate(mastery_rule or {"kind": "all"})
    codes = [code_validate(c, location="pool_codes") for c in pool_codes]
    criteria = []
    for index, criterion in enumerate(rubric or []):
        name = str(criterion.get("name", "")).strip()
        levels = [str(level).strip() for level in criterion.get("levels", []) if str(level).strip()]
        check_text(name, location=f"rubric[{index}]")
        if not name or len(levels) < 2:
            raise UserError(
                "ルーブリックの観点には名前と2つ以上の段階が必要です。",
                "Each rubric criterion needs a name and at least two levels.",
                location=f"rubric[{index}]",
            )
        criteria.append({"name": name, "levels": levels})
    if any(q.school_id != course.school_id for q in questions):
        raise UserError("ほかの学校の問題は使えません。", "Questions must be from this school.")
    if selection == Selection.FIXED and not questions:
        raise UserError(
            "問題を1つ以上選んでください。", "Choose at least one question.", location="questions"
        )
    if selection == Selection.RANDOM and (not codes or pool_size < 1):
        raise UserError(
            "ランダム出題には学習指導要領コードと出題数が必要です。",
            "Random selection needs course-of-study codes and a number of questions.",
            location="pool_codes",
        )
    drill = Drill.objects.create(
        school=course.school,
        course=course,
        kind=kind,
        title=title,
        selection=selection,
        pool_codes=codes,
        pool_size=pool_size,
        time_limit_seconds=time_limit_seconds,
        max_attempts=max_attempts,
        mastery_rule=rule,
        rubric=criteria,
    )
    DrillItem.objects.bulk_create(
        [DrillItem(drill=drill, question=q, position=i) for i, q in enumerate(questions, start=1)]
    )
    _audit(actor, "assessment.drill.create", drill, school=course.school)
    return drill


def drill_pool(drill: Drill) -> list[Question]:
    """Questions of the drill's school tagged with any of its pool codes (stable order)."""
    wanted = set(drill.pool_codes)
    return [
        q
        for q in Question.objects.filter(school_id=drill.school_id).order_by("id")
        if wanted.intersection(q.codes)
    ]


def _choose_questions(drill: Drill, seed: int) -> list[Question]:
    if drill.selection == Selection.RANDOM:
        pool = drill_pool(drill)
        if not pool:
            raise UserError(
                "この ドリルには まだ もんだいが ないよ。先生に つたえてね。",
                "This drill has no questions to ask yet; please tell your teacher.",
            )
        return random.Random(seed).sample(pool, min(drill.pool_size, len(pool)))  # noqa: S311
    return [item.question for item in drill.items.select_related("question")]


def assignment_assigned_record(
    *,
    course: Course,
    learners: Iterable[Person],
    drill: Drill | None = None,
    material: Any = None,
    due_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Record the "assigned" learning event (verb shared) for each learner given the task."""
    when = at or clock.now()
    extensions = {xapi.EXT + "due-date": due_at.isoformat()} if due_at else None
    if drill is not None:
        activity = drill_activity(drill)
    else:
        activity = xapi.Activity(
            kind="material",
            key=material.uuid,
            title=material.title,
            activity_type=xapi.TYPE_MATERIAL,
        )
    count = 0
    for learner in learners:
        statement = xapi.statement_build(
            event="assigned",
            ctx=learning_context(course, codes=activity.codes),
            learner_uuid=learner.uuid,
            activity=activity,
            at=when,
            statement_id=uuid.uuid4(),
            context_extensions=extensions,
        )
        learning_event_record(statement=statement, school=course.school)
        count += 1
    return count


def material_launch_record(
    *, material: Any, learner: Person, at: dt.datetime | None = None
) -> None:
    """Record that a learner opened a material (the "launched" learning event)."""
    activity = xapi.Activity(
        kind="material", key=material.uuid, title=material.title, activity_type=xapi.TYPE_MATERIAL
    )
    statement = xapi.statement_build(
        event="launched",
        ctx=learning_context(material.course),
        learner_uuid=learner.uuid,
        activity=activity,
        at=at or clock.now(),
        statement_id=uuid.uuid4(),
    )
    learning_event_record(statement=statement, school=material.course.school)


# ---------------------------------------------------------------- attempts


def _deadline_passed(attempt: Attempt, at: dt.datetime) -> bool:
    return attempt.deadline_at is not None and at > attempt.deadline_at + DEADLINE_GRACE


@transaction.atomic
def attempt_start(
    *, drill: Drill, learner: Person, actor: AuditActor, at: dt.datetime | None = None
) -> Attempt:
    """Start an attempt, or resume the learner's unfinished one (nothing is ever lost).

    The questions asked and the mastery rule in force are frozen into the attempt.
    """
    when = at or clock.now()
    current = (
        Attempt.objects.select_for_update()
        .filter(drill=drill, learner=learner, state=AttemptState.IN_PROGRESS)
        .first()
    )
    if current is not None:
        if not _deadline_passed(current, when):
            return current
        attempt_finish(attempt=current, actor=actor, at=when)
    done = Attempt.objects.filter(drill=drill, learner=learner).count()
    if drill.max_attempts is not None and done >= drill.max_attempts:
        raise UserError(
            "このドリルは、もう できる かいすう を つかいきりました。",
            "You have used all the attempts for this drill.",
            code="no_attempts_left",
        )
    seed = random.SystemRandom().randrange(1, 2**62)
    questions = _choose_questions(drill, seed)
    attempt = Attempt.objects.create(
        drill=drill,
        learner=learner,
        number=done + 1,
        started_at=when,
        deadline_at=(
            when + dt.timedelta(seconds=drill.time_limit_seconds)
            if drill.time_limit_seconds
            else None
        ),
        seed=seed,
        question_ids=[q.pk for q in questions],
        mastery_rule=dict(drill.mastery_rule),
        max_score=sum(q.default_mark for q in questions),
    )
    Response.objects.bulk_create(
        [
            Response(attempt=attempt, question=q, slot=slot, max_mark=q.default_mark)
            for slot, q in enumerate(questions, start=1)
        ]
    )
    _record(event="launched", drill=drill, learner=learner, at=when, attempt=attempt)
    _audit(actor, "assessment.attempt.start", attempt, school=drill.school, subject=learner)
    return attempt


@transaction.atomic
def response_save(
    *,
    attempt: Attempt,
    slot: int,
    answer: Any,
    actor: AuditActor,
    at: dt.datetime | None = None,
) -> tuple[Response, Marked]:
    """Save (and auto-mark) one answer at once; the learner's progress is never held in a page."""
    when = at or clock.now()
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("drill__course", "learner")
        .get(pk=attempt.pk)
    )
    if attempt.state != AttemptState.IN_PROGRESS:
        raise UserError(
            "このドリルは もう おわっています。",
            "This attempt has already finished.",
            code="finished",
        )
    if _deadline_passed(attempt, when):
        raise UserError(
            "じかんが おわりました。それまでの こたえは のこっています。",
            "Time is up. Every answer saved before then is kept.",
            code="time_up",
        )
    response = (
        Response.objects.select_related("question").filter(attempt=attempt, slot=slot).first()
    )
    if response is None:
        raise UserError(
            "その もんだいは ないよ。", "No such question in this attempt.", location="slot"
        )
    scan(answer, location="answer")
    question = response.question
    marked = mark(question.qtype, question.spec, answer)
    response.answer = answer
    response.answered_at = when
    response.auto_fraction = marked.fraction
    response.fraction = marked.fraction
    response.save(
        update_fields=["answer", "answered_at", "auto_fraction", "fraction", "updated_at"]
    )
    if question.qtype == "essay":
        result = xapi.score_result(raw=0, maximum=0, completion=answer is not None)
    else:
        result = xapi.score_result(
            raw=(marked.fraction or 0.0) * response.max_mark,
            maximum=response.max_mark,
            success=marked.correct,
            response=xapi.response_text(question.qtype, answer),
        )
    _record(
        event="answered",
        drill=attempt.drill,
        learner=attempt.learner,
        at=when,
        activity=question_activity(question),
        attempt=attempt,
        result=result,
    )
    _audit(
        actor,
        "assessment.response.save",
        attempt,
        school=attempt.drill.school,
        subject=attempt.learner,
    )
    return response, marked


def attempt_outcomes(attempt: Attempt) -> list[bool | None]:
    """Per question, in the order asked: True correct, False wrong, None awaiting a teacher."""
    outcomes: list[bool | None] = []
    for response in attempt.responses.all().order_by("slot"):
        if response.fraction is None:
            outcomes.append(None if response.answer is not None else False)
        else:
            outcomes.append(response.fraction >= 1 - 1e-6)
    return outcomes


def _recompute(attempt: Attempt) -> bool:
    """Recompute score and mastery; return True when every answer is marked."""
    responses = list(attempt.responses.all().order_by("slot"))
    pending = any(r.fraction is None and r.answer is not None for r in responses)
    attempt.score = sum((r.fraction or 0.0) * r.max_mark for r in responses)
    attempt.mastered = mastery_reached(attempt.mastery_rule, attempt_outcomes(attempt))
    return not pending


@transaction.atomic
def attempt_finish(
    *, attempt: Attempt, actor: AuditActor, at: dt.datetime | None = None
) -> Attempt:
    """Finish an attempt (the learner pressed "おわる", or the time ran out); marks what it can."""
    when = at or clock.now()
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("drill__course", "learner")
        .get(pk=attempt.pk)
    )
    if attempt.state != AttemptState.IN_PROGRESS:
        return attempt
    complete = _recompute(attempt)
    attempt.state = AttemptState.COMPLETED if complete else AttemptState.NEEDS_MARKING
    attempt.finished_at = when
    attempt.save()
    duration = (when - attempt.started_at).total_seconds()
    _record(
        event="completed",
        drill=attempt.drill,
        learner=attempt.learner,
        at=when,
        attempt=attempt,
        result=xapi.score_result(raw=0, maximum=0, completion=True, duration_seconds=duration),
    )
    if complete:
        _scored(attempt, when, instructor=None)
    _audit(
        actor,
        "assessment.attempt.finish",
        attempt,
        school=attempt.drill.school,
        subject=attempt.learner,
    )
    return attempt


def _scored(attempt: Attempt, when: dt.datetime, *, instructor: Person | None) -> None:
    _record(
        event="scored",
        drill=attempt.drill,
        learner=attempt.learner,
        at=when,
        attempt=attempt,
        instructor=instructor,
        result=xapi.score_result(
            raw=attempt.score or 0.0,
            maximum=attempt.max_score,
            success=attempt.mastered,
            completion=True,
        ),
    )


def attempt_close_if_expired(
    *, attempt: Attempt, actor: AuditActor, at: dt.datetime | None = None
) -> Attempt:
    """Finish an in-progress attempt whose time is up (with everything saved so far)."""
    when = at or clock.now()
    if attempt.state == AttemptState.IN_PROGRESS and _deadline_passed(attempt, when):
        return attempt_finish(attempt=attempt, actor=actor, at=when)
    return attempt


@transaction.atomic
def response_mark(
    *,
    response: Response,
    points: float,
    comment: str = "",
    teacher: Person,
    actor: AuditActor,
    at: dt.datetime | None = None,
) -> Attempt:
    """A teacher marks (or re-marks) one answer; the attempt's score and mastery follow."""
    when = at or clock.now()
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("drill__course", "learner")
        .get(pk=response.attempt_id)
    )
    if attempt.state == AttemptState.IN_PROGRESS:
        raise UserError(
            "解答中のドリルは採点できません。",
            "The attempt is still in progress.",
            code="in_progress",
        )
    if not 0 <= points <= response.max_mark:
        raise UserError(
            f"点数は0〜{response.max_mark:g}点で入力してください。",
            f"Points must be between 0 and {response.max_mark:g}.",
            location="points",
        )
    check_text(comment, location="comment")
    response = Response.objects.get(pk=response.pk)
    response.fraction = points / response.max_mark if response.max_mark else 0.0
    response.marked_by_teacher = True
    response.comment = comment
    response.save(update_fields=["fraction", "marked_by_teacher", "comment", "updated_at"])
    complete = _recompute(attempt)
    if complete:
        attempt.state = AttemptState.COMPLETED
    attempt.save()
    if complete:
        _scored(attempt, when, instructor=teacher)
    _audit(
        actor,
        "assessment.response.mark",
        attempt,
        school=attempt.drill.school,
        subject=attempt.learner,
        purpose="grading",
    )
    return attempt


@transaction.atomic
def attempt_feedback_give(
    *,
    attempt: Attempt,
    comment: str,
    rubric_levels: dict[str, str],
    teacher: Person,
    actor: AuditActor,
    at: dt.datetime | None = None,
) -> Attempt:
    """A teacher's comment and rubric levels on a finished attempt; the learner sees them."""
    when = at or clock.now()
    attempt = (
        Attempt.objects.select_for_update()
        .select_related("drill__course", "learner")
        .get(pk=attempt.pk)
    )
    if attempt.state == AttemptState.IN_PROGRESS:
        raise UserError(
            "解答中のドリルにはコメントできません。",
            "The attempt is still in progress.",
            code="in_progress",
        )
    check_text(comment, location="comment")
    levels: dict[str, str] = {}
    for criterion in attempt.drill.rubric:
        value = rubric_levels.get(criterion["name"], "")
        if value and value not in criterion["levels"]:
            raise UserError(
                f"「{criterion['name']}」の段階が正しくありません。",
                f"Invalid level for {criterion['name']!r}.",
                location=f"rubric:{criterion['name']}",
            )
        if value:
            levels[criterion["name"]] = value
    unknown = set(rubric_levels) - {c["name"] for c in attempt.drill.rubric}
    if unknown:
        raise UserError(
            "ルーブリックにない観点です。", "Unknown rubric criterion.", location="rubric"
        )
    attempt.teacher_comment = comment.strip()
    attempt.rubric_levels = levels
    attempt.feedback_at = when
    attempt.save(update_fields=["teacher_comment", "rubric_levels", "feedback_at", "updated_at"])
    # The comment itself stays in Terakoya (it may name people); the statement records that
    # feedback was given, with the rubric levels.
    result: dict[str, Any] = {
        "completion": True,
        "extensions": {f"{public_url()}/xapi/extensions/rubric": levels},
    }
    _record(
        event="feedback",
        drill=attempt.drill,
        learner=attempt.learner,
        at=when,
        attempt=attempt,
        instructor=teacher,
        result=result,
        context_extensions={xapi.EXT + "content-type": "result"},
    )
    _audit(
        actor,
        "assessment.attempt.feedback",
        attempt,
        school=attempt.drill.school,
        subject=attempt.learner,
        purpose="grading",
    )
    return attempt
