"""Pages of the assessment engine: learners take drills; teachers keep the question bank and mark.

Every view: the gate (``access.py``) first, then one service or selector, then a template.
Missing and forbidden are the same 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from terakoya.assessment import access, services
from terakoya.assessment.interchange import ImportFailed
from terakoya.assessment.mastery import rule_describe
from terakoya.assessment.presentation import answer_display, present
from terakoya.assessment.qtypes import GAP_RE, answer_from_form, correct_answer_text, mark
from terakoya.assessment.richtext import safe_html
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.privacy.gate import NotFound
from terakoya.web.auth import actor_required, request_actor

LEARNER = "learner"
TEACHER = "teacher"

#: ``actor_required`` with a role, typed for mypy (the decorator itself returns Any).
learner_view = actor_required(roles=[LEARNER])
teacher_view = actor_required(roles=[TEACHER])


def _error_text(error: UserError) -> str:
    return error.message(get_language())


# ---------------------------------------------------------------- learners


@learner_view
def learner_drills(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows = []
    for drill in access.scope_learner_drills(actor):
        attempts = access.own_attempts(actor, drill)
        rows.append(
            {
                "drill": drill,
                "in_progress": any(a.state == "in_progress" for a in attempts),
                "mastered": any(a.mastered for a in attempts),
                "count": len(attempts),
            }
        )
    return render(request, "assessment/learner_drills.html", {"rows": rows})


@learner_view
def drill_detail(request: HttpRequest, drill_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    drill = access.access_drill_for_learner(actor, drill_uuid)
    attempts = access.own_attempts(actor, drill)
    left = None if drill.max_attempts is None else max(0, drill.max_attempts - len(attempts))
    return render(
        request,
        "assessment/drill_detail.html",
        {
            "drill": drill,
            "attempts": attempts,
            "rule": _rule_text(drill.mastery_rule),
            "question_count": access.drill_questions_count(drill),
            "in_progress": next((a for a in attempts if a.state == "in_progress"), None),
            "attempts_left": left,
        },
    )


def _answers_visible(actor: Any, attempt: Any) -> bool:
    """Correct answers after a drill always; after a test only when no attempt is left."""
    drill = attempt.drill
    if drill.kind != "test":
        return True
    return drill.max_attempts is not None and len(access.own_attempts(actor, drill)) >= int(
        drill.max_attempts
    )


def _feedback_during(drill: Any) -> bool:
    """Drills tell right or wrong after each answer; tests do not, until they are finished."""
    return bool(drill.show_feedback) and drill.kind != "test"


def _rule_text(rule: dict[str, Any]) -> str:
    rule_ja, rule_en = rule_describe(rule)
    return rule_en if (get_language() or "ja").startswith("en") else rule_ja


def _first_open_slot(attempt: Any) -> int:
    responses = access.attempt_responses(attempt)
    for response in responses:
        if response.answered_at is None:
            return int(response.slot)
    return int(responses[-1].slot) if responses else 1


@require_POST
@learner_view
def drill_start(request: HttpRequest, drill_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    drill = access.access_drill_for_learner(actor, drill_uuid)
    assert actor.person is not None  # noqa: S101  actor_required guarantees a person
    try:
        attempt = services.attempt_start(
            drill=drill, learner=actor.person, actor=actor.audit_actor("self")
        )
    except UserError as error:
        messages.error(request, _error_text(error))
        return redirect("assessment:drill", drill_uuid=drill.uuid)
    return redirect(
        "assessment:question", attempt_uuid=attempt.uuid, slot=_first_open_slot(attempt)
    )


@learner_view
def attempt_question(request: HttpRequest, attempt_uuid: uuid.UUID, slot: int) -> HttpResponse:
    actor = request_actor(request)
    attempt = access.access_own_attempt(actor, attempt_uuid)
    attempt = services.attempt_close_if_expired(attempt=attempt, actor=actor.audit_actor("self"))
    if attempt.state != "in_progress":
        return redirect("assessment:attempt", attempt_uuid=attempt.uuid)
    responses = access.attempt_responses(attempt)
    response = next((r for r in responses if r.slot == slot), None)
    if response is None:
        raise NotFound()
    question = response.question
    error = ""
    feedback: dict[str, Any] | None = None
    if request.method == "POST":
        answer = answer_from_form(question.qtype, question.spec, request.POST)
        try:
            response, marked = services.response_save(
                attempt=attempt, slot=slot, answer=answer, actor=actor.audit_actor("self")
            )
        except UserError as exc:
            if exc.code == "time_up":
                messages.info(request, _error_text(exc))
                return redirect("assessment:attempt", attempt_uuid=attempt.uuid)
            error = _error_text(exc)
        else:
            nxt = slot + 1 if slot < len(responses) else None
            if not _feedback_during(attempt.drill):
                if nxt is None:
                    return redirect("assessment:question_done", attempt_uuid=attempt.uuid)
                return redirect("assessment:question", attempt_uuid=attempt.uuid, slot=nxt)
            return redirect(reverse("assessment:question", args=[attempt.uuid, slot]) + "?saved=1")
    if (
        request.GET.get("saved")
        and response.answered_at is not None
        and _feedback_during(attempt.drill)
    ):
        marked = mark(question.qtype, question.spec, response.answer)
        feedback = {
            "correct": marked.correct,
            "partial": marked.fraction is not None and 0 < marked.fraction < 1,
            "pending": marked.fraction is None,
            "messages": [safe_html(m) for m in marked.feedback],
            "general": safe_html(question.general_feedback),
            "answer": correct_answer_text(question.qtype, question.spec)
            if not marked.correct
            else "",
        }
    shown = present(
        qtype=question.qtype,
        text=question.text,
        spec=question.spec,
        hints=question.hints,
        seed=attempt.seed,
        slot=slot,
        answer=response.answer,
    )
    return render(
        request,
        "assessment/question.html",
        {
            "attempt": attempt,
            "drill": attempt.drill,
            "responses": responses,
            "slot": slot,
            "total": len(responses),
            "shown": shown,
            "feedback": feedback,
            "error": error,
            "next_slot": slot + 1 if slot < len(responses) else None,
            "deadline": attempt.deadline_at,
            "seconds_left": (
                max(0, int((attempt.deadline_at - clock.now()).total_seconds()))
                if attempt.deadline_at
                else None
            ),
        },
    )


@learner_view
def question_done(request: HttpRequest, attempt_uuid: uuid.UUID) -> HttpResponse:
    """The page after the last answer: check, then finish."""
    actor = request_actor(request)
    attempt = access.access_own_attempt(actor, attempt_uuid)
    responses = access.attempt_responses(attempt)
    return render(
        request,
        "assessment/question_done.html",
        {"attempt": attempt, "drill": attempt.drill, "responses": responses},
    )


@require_POST
@learner_view
def attempt_finish(request: HttpRequest, attempt_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    attempt = access.access_own_attempt(actor, attempt_uuid)
    services.attempt_finish(attempt=attempt, actor=actor.audit_actor("self"))
    return redirect("assessment:attempt", attempt_uuid=attempt.uuid)


def _review_rows(attempt: Any) -> list[dict[str, Any]]:
    rows = []
    for response in access.attempt_responses(attempt):
        q = response.question
        rows.append(
            {
                "response": response,
                "question": q,
                "text": safe_html(GAP_RE.sub("（　）", q.text)),
                "answer": answer_display(q.qtype, q.spec, response.answer),
                "correct_answer": correct_answer_text(q.qtype, q.spec),
                "points": None
                if response.fraction is None
                else response.fraction * response.max_mark,
                "unanswered": response.answer is None,
                "correct": None if response.fraction is None else response.fraction >= 1 - 1e-6,
                "grader_info": q.spec.get("grader_info", "") if q.qtype == "essay" else "",
            }
        )
    return rows


@learner_view
def attempt_result(request: HttpRequest, attempt_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    attempt = access.access_own_attempt(actor, attempt_uuid)
    attempt = services.attempt_close_if_expired(attempt=attempt, actor=actor.audit_actor("self"))
    if attempt.state == "in_progress":
        return redirect(
            "assessment:question", attempt_uuid=attempt.uuid, slot=_first_open_slot(attempt)
        )
    return render(
        request,
        "assessment/attempt_result.html",
        {
            "attempt": attempt,
            "drill": attempt.drill,
            "rows": _review_rows(attempt),
            "show_answers": _answers_visible(actor, attempt),
        },
    )


# ---------------------------------------------------------------- teachers: the bank


@teacher_view
def question_bank(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    school = access.access_bank_school(actor)
    problems: list[str] = []
    typed = request.POST.get("gift_text", "")
    if request.method == "POST":
        upload = request.FILES.get("file")
        fmt = request.POST.get("format", "")
        source: bytes | None = upload.read() if upload is not None else None
        if typed.strip():
            # Questions typed on the page are GIFT text; same parser, same errors by line.
            source, fmt = typed.encode("utf-8"), "gift"
        if source is None:
            problems = [_("ファイルを選んでください。")]
        else:
            try:
                imported = services.questions_import(
                    school=school,
                    source=source,
                    fmt=fmt,
                    actor=actor.audit_actor("teacher"),
                )
            except ImportFailed as exc:
                en = (get_language() or "ja").startswith("en")
                problems = [
                    f"{p.location}: {p.message_en if en else p.message_ja}" for p in exc.problems
                ]
            except UserError as exc:
                problems = [
                    f"{exc.location}: {_error_text(exc)}" if exc.location else _error_text(exc)
                ]
            else:
                messages.success(
                    request, _("%(count)d 問を取り込みました。") % {"count": len(imported)}
                )
                return redirect("assessment:bank")
    questions = list(access.scope_questions(actor))
    return render(
        request,
        "assessment/bank.html",
        {"school": school, "questions": questions, "problems": problems, "typed": typed},
        status=400 if problems else 200,
    )


@teacher_view
def question_export(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    fmt = request.GET.get("format", "gift")
    questions = list(access.scope_questions(actor))
    try:
        data = services.questions_export(questions=questions, fmt=fmt)
    except ImportFailed as exc:
        messages.error(request, _error_text(exc))
        return redirect("assessment:bank")
    except UserError as exc:
        messages.error(request, _error_text(exc))
        return redirect("assessment:bank")
    name, content_type = {
        "gift": ("questions.gift.txt", "text/plain; charset=utf-8"),
        "moodlexml": ("questions.xml", "application/xml"),
        "qti": ("questions-qti.zip", "application/zip"),
    }[fmt]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@teacher_view
def question_detail(request: HttpRequest, question_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    question = access.access_question_by_uuid(actor, question_uuid)
    fmt, source = services.question_source(question)
    problems: list[str] = []
    if request.method == "POST":
        source = request.POST.get("source", "")
        try:
            services.question_update_from_source(
                question=question,
                source=source.encode("utf-8"),
                fmt=fmt,
                actor=actor.audit_actor("teacher"),
            )
        except ImportFailed as exc:
            en = (get_language() or "ja").startswith("en")
            problems = [
                f"{p.location}: {p.message_en if en else p.message_ja}" for p in exc.problems
            ]
        except UserError as exc:
            problems = [_error_text(exc)]
        else:
            messages.success(request, _("問題を変更しました。"))
            return redirect("assessment:question_detail", question_uuid=question.uuid)
    shown = present(
        qtype=question.qtype,
        text=question.text,
        spec=question.spec,
        hints=question.hints,
        seed=0,
        slot=0,
        answer=None,
    )
    return render(
        request,
        "assessment/question_detail.html",
        {
            "question": question,
            "shown": shown,
            "correct_answer": correct_answer_text(question.qtype, question.spec),
            "general": safe_html(question.general_feedback),
            "source": source,
            "source_format": "GIFT" if fmt == "gift" else "Moodle XML",
            "problems": problems,
        },
        status=400 if problems else 200,
    )


# ---------------------------------------------------------------- teachers: marking


@teacher_view
def marking_home(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    drills = list(access.scope_teacher_drills(actor))
    return render(request, "assessment/marking_home.html", {"drills": drills})


@teacher_view
def marking_drill(request: HttpRequest, drill_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    drill = access.access_drill_for_teacher(actor, drill_uuid)
    rows = access.scope_drill_attempts(actor, drill)
    stats = access.drill_question_stats(drill)
    return render(
        request, "assessment/marking_drill.html", {"drill": drill, "rows": rows, "stats": stats}
    )


@teacher_view
def marking_attempt(request: HttpRequest, attempt_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    attempt = access.access_attempt_by_uuid(actor, attempt_uuid, purpose=services.GRADING_PURPOSE)
    assert actor.person is not None  # noqa: S101  actor_required guarantees a person
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "mark":
                response = access.access_response_by_uuid(actor, request.POST.get("response", ""))
                if response.attempt_id != attempt.pk:
                    raise NotFound()
                services.response_mark(
                    response=response,
                    points=_points(request.POST.get("points", "")),
                    comment=request.POST.get("comment", ""),
                    teacher=actor.person,
                    actor=actor.audit_actor("teacher"),
                )
                messages.success(request, _("採点しました。"))
            else:
                levels = {
                    c["name"]: request.POST.get(f"rubric_{i}", "")
                    for i, c in enumerate(attempt.drill.rubric)
                }
                services.attempt_feedback_give(
                    attempt=attempt,
                    comment=request.POST.get("comment", ""),
                    rubric_levels={k: v for k, v in levels.items() if v},
                    teacher=actor.person,
                    actor=actor.audit_actor("teacher"),
                )
                messages.success(request, _("フィードバックを送りました。"))
        except UserError as exc:
            error = _error_text(exc)
        else:
            return HttpResponseRedirect(reverse("assessment:marking_attempt", args=[attempt.uuid]))
    attempt = access.access_attempt_by_uuid(actor, attempt.uuid, purpose=services.GRADING_PURPOSE)
    rubric = [
        {
            "index": i,
            "name": c["name"],
            "levels": c["levels"],
            "value": attempt.rubric_levels.get(c["name"], ""),
        }
        for i, c in enumerate(attempt.drill.rubric)
    ]
    return render(
        request,
        "assessment/marking_attempt.html",
        {
            "attempt": attempt,
            "drill": attempt.drill,
            "learner_name": access.attempt_learner_name(attempt),
            "rows": _review_rows(attempt),
            "rubric": rubric,
            "rule": _rule_text(attempt.mastery_rule),
            "error": error,
        },
        status=400 if error else 200,
    )


def _points(value: str) -> float:
    try:
        return float(value)
    except ValueError as exc:
        raise UserError(
            "点数は数で入力してください。", "Enter the points as a number.", location="points"
        ) from exc
