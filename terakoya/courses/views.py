"""Pages of the courses app: a teacher's courses (units, materials, drills, assignments), a
material for its class, and a learner's "today" list."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from terakoya.assessment import access as assessment_access
from terakoya.assessment import services as assessment
from terakoya.assessment.richtext import safe_html
from terakoya.core.errors import UserError
from terakoya.courses import access, services
from terakoya.privacy.gate import scope_class_learners, teaching_classes
from terakoya.privacy.purposes import Purpose
from terakoya.web.auth import actor_required, request_actor

teacher_view = actor_required(roles=["teacher"])
learner_view = actor_required(roles=["learner"])
member_view = actor_required()


def _err(error: UserError) -> str:
    return error.message(get_language())


def _when(value: str) -> dt.datetime | None:
    """A datetime-local form value (Japan time) as an aware datetime, or None when empty."""
    if not value:
        return None
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise UserError("日時の形式が正しくありません。", "Invalid date and time.") from exc
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


@teacher_view
def course_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if request.method == "POST":
        classes = {str(c.uuid): c for c in teaching_classes(actor)}
        school_class = classes.get(request.POST.get("school_class", ""))
        try:
            if school_class is None:
                raise UserError(
                    "クラスを選んでください。", "Choose a class.", location="school_class"
                )
            course = services.course_create(
                school_class=school_class,
                subject=request.POST.get("subject", "").strip(),
                title=request.POST.get("title", "").strip(),
                actor=actor.audit_actor("teacher"),
            )
        except UserError as exc:
            messages.error(request, _err(exc))
        else:
            return redirect("courses:course", course_uuid=course.uuid)
    return render(
        request,
        "courses/course_list.html",
        {"courses": access.scope_teacher_courses(actor), "classes": teaching_classes(actor)},
    )


@teacher_view
def course_detail(request: HttpRequest, course_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    course = access.access_course_for_teacher(actor, course_uuid)
    learners = scope_class_learners(actor, course.school_class, purpose=Purpose.INSTRUCTION)
    units = access.course_units(course)
    codes = sorted({c for u in units for c in u.codes})
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "units": units,
            "code_texts": access.code_texts(codes),
            "materials": access.course_materials(course),
            "assignments": access.course_assignments(course),
            "drills": [
                d for d in assessment_access.scope_teacher_drills(actor) if d.course_id == course.pk
            ],
            "questions": list(assessment_access.scope_questions(actor)),
            "groups": list(course.school_class.groups.all()),
            "learners": [p for _, p in learners],
        },
    )


@require_POST
@teacher_view
def unit_add(request: HttpRequest, course_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    course = access.access_course_for_teacher(actor, course_uuid)
    codes = [c for c in request.POST.get("codes", "").replace(",", " ").split() if c]
    try:
        services.unit_create(
            course=course,
            title=request.POST.get("title", "").strip(),
            codes=codes,
            actor=actor.audit_actor("teacher"),
        )
    except UserError as exc:
        messages.error(request, _err(exc))
    return redirect("courses:course", course_uuid=course.uuid)


@require_POST
@teacher_view
def material_add(request: HttpRequest, course_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    course = access.access_course_for_teacher(actor, course_uuid)
    upload = request.FILES.get("file")
    units = {str(u.uuid): u for u in access.course_units(course)}
    try:
        services.material_create(
            course=course,
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", "").strip(),
            unit=units.get(request.POST.get("unit", "")),
            url=request.POST.get("url", "").strip(),
            body=request.POST.get("body", ""),
            file_name=upload.name or "" if upload is not None else "",
            content=upload.read() if upload is not None else None,
            actor=actor.audit_actor("teacher"),
        )
    except UserError as exc:
        messages.error(request, _err(exc))
    else:
        messages.success(request, _("教材を追加しました。"))
    return redirect("courses:course", course_uuid=course.uuid)


@require_POST
@teacher_view
def drill_add(request: HttpRequest, course_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    course = access.access_course_for_teacher(actor, course_uuid)
    bank = {str(q.uuid): q for q in assessment_access.scope_questions(actor)}
    chosen = [bank[k] for k in request.POST.getlist("questions") if k in bank]
    kind = request.POST.get("rule", "all")
    rule: dict[str, Any] = {"kind": kind}
    if kind in {"m_of_n", "streak"}:
        rule["n"] = request.POST.get("n", "")
        rule["m"] = request.POST.get("m", "") or request.POST.get("n", "")
    rubric = [
        {"name": line.split(":", 1)[0].strip(), "levels": line.split(":", 1)[1].split("/")}
        for line in request.POST.get("rubric", "").splitlines()
        if ":" in line
    ]

    def number(name: str) -> int | None:
        value = request.POST.get(name, "").strip()
        return int(value) if value.isdigit() and int(value) > 0 else None

    try:
        assessment.drill_create(
            course=course,
            title=request.POST.get("title", "").strip(),
            kind=request.POST.get("kind", "drill"),
            questions=chosen,
            selection=request.POST.get("selection", "fixed"),
            pool_codes=request.POST.get("pool_codes", "").replace(",", " ").split(),
            pool_size=number("pool_size") or 0,
            time_limit_seconds=(number("time_limit_minutes") or 0) * 60 or None,
            max_attempts=number("max_attempts"),
            mastery_rule=rule,
            rubric=rubric,
            actor=actor.audit_actor("teacher"),
        )
    except UserError as exc:
        messages.error(request, _err(exc))
    else:
        messages.success(request, _("ドリルを作りました。"))
    return redirect("courses:course", course_uuid=course.uuid)


@require_POST
@teacher_view
def assignment_add(request: HttpRequest, course_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    course = access.access_course_for_teacher(actor, course_uuid)
    task = request.POST.get("task", "")
    materials = {f"m:{m.uuid}": m for m in access.course_materials(course)}
    drills = {
        f"d:{d.uuid}": d
        for d in assessment_access.scope_teacher_drills(actor)
        if d.course_id == course.pk
    }
    target = request.POST.get("target", "class")
    groups = {str(g.uuid): g for g in course.school_class.groups.all()}
    learners = {
        str(p.uuid): p
        for _, p in scope_class_learners(actor, course.school_class, purpose=Purpose.INSTRUCTION)
    }
    try:
        drill = drills.get(task)
        services.assignment_create(
            course=course,
            title=request.POST.get("title", "").strip()
            or (drill.title if drill else materials[task].title if task in materials else ""),
            instructions=request.POST.get("instructions", ""),
            material=materials.get(task),
            drill=drill,
            target_class=course.school_class if target == "class" else None,
            target_group=groups.get(request.POST.get("group", "")) if target == "group" else None,
            target_learner=learners.get(request.POST.get("learner", ""))
            if target == "learner"
            else None,
            open_at=_when(request.POST.get("open_at", "")) or timezone.now(),
            due_at=_when(request.POST.get("due_at", "")),
            actor=actor.audit_actor("teacher"),
        )
    except UserError as exc:
        messages.error(request, _err(exc))
    else:
        messages.success(request, _("課題を配りました。"))
    return redirect("courses:course", course_uuid=course.uuid)


@member_view
def material_detail(request: HttpRequest, material_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    material = access.access_material_by_uuid(actor, material_uuid)
    if actor.person is not None and actor.has_role("learner"):
        assessment.material_launch_record(material=material, learner=actor.person)
    return render(
        request,
        "courses/material_detail.html",
        {"material": material, "body": safe_html(material.body)},
    )


@member_view
def material_download(request: HttpRequest, material_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    material = access.access_material_by_uuid(actor, material_uuid)
    if material.kind != "file":
        return redirect("courses:material", material_uuid=material.uuid)
    # At most 20 MB (services.MAX_MATERIAL_BYTES): read whole, sent as an attachment.
    response = HttpResponse(
        services.material_path(material).read_bytes(), content_type=material.content_type
    )
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=material.file_name or "material")
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@learner_view
def today(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(request, "courses/today.html", {"items": access.learner_today(actor)})
