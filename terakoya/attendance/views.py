"""Pages for school-affairs records: morning view, register, summaries, notices, health.

Each view: obtain authorised objects from ``terakoya.attendance.access``, call one service or
selector, render. Missing and forbidden are the same 404. Sensitive pages are ``no-store``.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from terakoya.attendance import access, selectors, services
from terakoya.attendance.forms import (
    HEALTH_LABELS,
    REASON_CHOICES,
    STATUS_CHOICES,
    SYMPTOM_CHOICES,
    parse_date,
)
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.privacy.gate import NotFound
from terakoya.roster.services import school_year_get_or_create
from terakoya.web.auth import actor_required, request_actor

STAFF = ("teacher", "school_admin", "principal", "nurse")


F = TypeVar("F", bound=Callable[..., HttpResponse])


def _no_store(view: F) -> F:
    """Sensitive pages are never cached (ASVS 14.2/14.3)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, private"
        return response

    return cast(F, wrapper)


def _roles(*roles: str) -> Callable[[F], F]:
    """``actor_required`` with roles, typed for mypy."""
    return actor_required(roles=roles)


def _signed_in(view: F) -> F:
    return actor_required(view)


def _error(request: HttpRequest, error: UserError) -> None:
    where = f"({error.location})" if error.location else ""
    messages.error(request, f"{error.message(get_language())} {where}".strip())


# --------------------------------------------------------------------------- teacher


@_no_store
@_roles("teacher")
def morning(request: HttpRequest) -> HttpResponse:
    """朝の確認: today's notices, 健康観察 and open alerts for each homeroom class."""
    actor = request_actor(request)
    today = clock.today()
    classes = []
    for school_class in access.homeroom_classes(actor):
        learners = [p for _e, p in access.register_learners(actor, school_class, on=today)]
        notices = access.scope_class_notices(actor, school_class, learners, day=today)
        observations = access.scope_class_observations(actor, school_class, learners, day=today)
        classes.append(
            {
                "school_class": school_class,
                "notices": notices,
                "unwell": [o for o in observations.values() if o.condition == "unwell"],
                "alerts": access.scope_class_alerts(actor, school_class, learners),
                "taken": selectors.register_taken(school_class=school_class, day=today),
                "school_day": selectors.is_school_day(school=school_class.school, day=today),
                "learner_count": len(learners),
            }
        )
    return render(
        request,
        "attendance/morning.html",
        {"classes": classes, "today": today, "symptom_labels": dict(SYMPTOM_CHOICES)},
    )


@_no_store
@_roles("teacher", "school_admin")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, class_uuid: uuid.UUID, day: str = "") -> HttpResponse:
    """出席簿 for one day: everyone 出席 by default; tap the exceptions; save once."""
    actor = request_actor(request)
    school_class = access.access_register_class(actor, class_uuid, write=True)
    try:
        date = parse_date(day, location="date") or clock.today()
    except UserError as exc:
        raise NotFound() from exc
    periods = selectors.policy_for(school_class.school).periods_per_day
    try:
        period = int(request.GET.get("period", "0"))
    except ValueError as exc:
        raise NotFound() from exc
    if not 0 <= period <= periods:
        raise NotFound()
    enrolments = access.register_learners(actor, school_class, on=date)
    learners = [p for _e, p in enrolments]
    notices = access.scope_class_notices(actor, school_class, learners, day=date)
    if request.method == "POST":
        marks = {}
        for learner in learners:
            key = str(learner.uuid)
            status = request.POST.get(f"status-{key}", "present")
            marks[learner.uuid] = services.Mark(
                status=status,
                reason=request.POST.get(f"reason-{key}", "") if status == "absent" else "",
                note=request.POST.get(f"note-{key}", "").strip(),
            )
        try:
            result = services.register_save(
                actor=actor,
                school_class=school_class,
                day=date,
                learners=learners,
                marks=marks,
                notices=notices,
                period=period,
            )
            if period == 0:
                services.notice_mark_seen(actor=actor, notices=notices)
        except UserError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("出席簿を保存しました。"))
            for alert in result.alerts:
                messages.warning(
                    request,
                    _("確認アラート: %(name)s さん(%(days)s)")
                    % {"name": alert.learner.full_name, "days": "、".join(alert.evidence)},
                )
            url = reverse("attendance:register_day", args=[school_class.uuid, date.isoformat()])
            return HttpResponseRedirect(f"{url}?period={period}" if period else url)
    entries = selectors.register_entries(school_class=school_class, day=date, period=period)
    taken = selectors.register_taken(school_class=school_class, day=date, period=period)
    # Notices fill the day's register; period registers start from everyone present.
    prefill = {} if taken or period else services.marks_from_notices(notices, date)
    rows = []
    for enrolment, learner in enrolments:
        entry = entries.get(learner.pk)
        if entry is not None:
            mark = services.Mark(status=entry.status, reason=entry.reason, note=entry.note)
        else:
            mark = prefill.get(learner.uuid, services.Mark())
        rows.append(
            {
                "learner": learner,
                "number": enrolment.shusseki_no,
                "mark": mark,
                "notice": next((n for n in notices if n.learner_id == learner.pk), None),
            }
        )
    return render(
        request,
        "attendance/register.html",
        {
            "school_class": school_class,
            "date": date,
            "previous": next(
                iter(
                    selectors.previous_school_days(school=school_class.school, before=date, count=1)
                ),
                date - dt.timedelta(days=1),
            ),
            "next": date + dt.timedelta(days=1) if date < clock.today() else None,
            "period": period,
            "periods": range(1, periods + 1),
            "rows": rows,
            "taken": taken,
            "school_day": selectors.is_school_day(school=school_class.school, day=date),
            "statuses": STATUS_CHOICES,
            "reasons": REASON_CHOICES,
        },
    )


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = clock.today()
    year_start, year_end = clock.school_year_bounds(clock.school_year_of(today))
    try:
        start = parse_date(request.GET.get("from", ""), location="from") or year_start
        end = parse_date(request.GET.get("to", ""), location="to") or year_end
    except UserError as exc:
        raise NotFound() from exc
    if end < start or (end - start).days > 366:
        raise NotFound()
    return start, end


def _summary(request: HttpRequest, class_uuid: uuid.UUID) -> tuple[Any, Any, dt.date, dt.date]:
    actor = request_actor(request)
    school_class = access.access_register_class(actor, class_uuid)
    start, end = _period(request)
    learners = [
        (e.shusseki_no, p)
        for e, p in access.register_learners_between(actor, school_class, start=start, end=end)
    ]
    table = selectors.summary_table(
        school_class=school_class, learners=learners, start=start, end=end
    )
    return school_class, table, start, end


@_no_store
@_roles(*STAFF)
def summary(request: HttpRequest, class_uuid: uuid.UUID) -> HttpResponse:
    """Monthly or yearly figures per learner; the CSV has exactly these cells."""
    school_class, table, start, end = _summary(request, class_uuid)
    year = school_class.school_year
    months = []
    month = dt.date(year.start_date.year, year.start_date.month, 1)
    while month <= year.end_date:
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        months.append((month, following - dt.timedelta(days=1)))
        month = following
    return render(
        request,
        "attendance/summary.html",
        {
            "school_class": school_class,
            "table": table,
            "start": start,
            "end": end,
            "months": months,
            "year": year,
        },
    )


@_no_store
@_roles(*STAFF)
def summary_csv(request: HttpRequest, class_uuid: uuid.UUID) -> HttpResponse:
    _school_class, table, start, end = _summary(request, class_uuid)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # Excel in Japan opens UTF-8 only with a BOM.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(table.header)
    writer.writerows(table.rows)
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    return response


@_no_store
@_roles("teacher", "school_admin", "principal")
@require_POST
def alert_acknowledge(request: HttpRequest, alert_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    alert = access.access_alert_by_uuid(actor, alert_uuid)
    try:
        services.alert_acknowledge(
            actor=actor, alert=alert, follow_up=request.POST.get("follow_up", "")
        )
    except UserError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("対応を記録しました。"))
    return HttpResponseRedirect(reverse("attendance:morning"))


# --------------------------------------------------------------------------- guardian


@_no_store
@_signed_in
def records_index(request: HttpRequest) -> HttpResponse:
    """出欠の記録: a guardian's children, or the learner's own record."""
    actor = request_actor(request)
    people = list(access.guardian_children(actor))
    if actor.has_role("learner") and actor.person is not None:
        people.append(actor.person)
    if len(people) == 1:
        return HttpResponseRedirect(reverse("attendance:learner", args=[people[0].uuid]))
    if not people:
        raise NotFound()
    return render(request, "attendance/records_index.html", {"people": people})


@_no_store
@_signed_in
def learner_record(request: HttpRequest, learner_uuid: uuid.UUID) -> HttpResponse:
    """One learner's attendance this 年度: the figures and every day that was not plain 出席."""
    learner = access.access_learner_attendance(request_actor(request), learner_uuid)
    start, end = clock.school_year_bounds(clock.school_year_of(clock.today()))
    end = min(end, clock.today())
    classes = selectors.learner_homerooms(learner=learner, start=start, end=end)
    summaries = [
        (
            school_class,
            selectors.learner_summary(
                learner=learner, school_class=school_class, start=start, end=end
            ),
        )
        for school_class in classes
    ]
    return render(
        request,
        "attendance/learner.html",
        {
            "learner": learner,
            "summaries": summaries,
            "history": selectors.learner_history(learner=learner, start=start, end=end),
            "start": start,
            "end": end,
        },
    )


@_no_store
@_roles("guardian")
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    """欠席連絡: a guardian reports absence, lateness or early leave for one or more days."""
    actor = request_actor(request)
    children = access.guardian_children(actor)
    today = clock.today()
    values: dict[str, Any] = {
        "learner": str(children[0].uuid) if len(children) == 1 else "",
        "kind": "absent",
        "first_date": today.isoformat(),
        "last_date": today.isoformat(),
        "reason": "illness",
        "symptoms": [],
        "message": "",
    }
    error = None
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in values if k != "symptoms"})
        values["symptoms"] = request.POST.getlist("symptoms")
        if not values["last_date"]:
            values["last_date"] = values["first_date"]
        try:
            learner, school = access.access_notice_learner(actor, values["learner"])
            first = parse_date(values["first_date"], location="first_date") or today
            last = parse_date(values["last_date"], location="last_date") or first
            notice = services.notice_send(
                actor=actor,
                learner=learner,
                school=school,
                kind=values["kind"],
                first_date=first,
                last_date=last,
                reason=values["reason"],
                message=values["message"],
                symptoms=values["symptoms"],
            )
        except UserError as exc:
            error = exc
        else:
            return HttpResponseRedirect(reverse("attendance:notice_detail", args=[notice.uuid]))
    return render(
        request,
        "attendance/notice_form.html",
        {
            "children": children,
            "values": values,
            "error": error,
            "error_message": error.message(get_language()) if error else "",
            "symptoms": SYMPTOM_CHOICES,
            "reasons": REASON_CHOICES,
        },
        status=400 if error else 200,
    )


@_no_store
@_signed_in
def notice_detail(request: HttpRequest, notice_uuid: uuid.UUID) -> HttpResponse:
    """The confirmation: what was sent, when, and whether the homeroom teacher has seen it."""
    view = access.access_notice_by_uuid(request_actor(request), notice_uuid)
    return render(
        request,
        "attendance/notice_detail.html",
        {"view": view, "notice": view.notice, "symptom_labels": dict(SYMPTOM_CHOICES)},
    )


@_no_store
@_roles("guardian")
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = access.scope_guardian_notices(request_actor(request))
    return render(request, "attendance/notice_list.html", {"notices": notices})


@_no_store
@_roles("guardian", "teacher", "nurse")
@require_http_methods(["GET", "POST"])
def observation(request: HttpRequest) -> HttpResponse:
    """健康観察: well or unwell, symptoms and temperature if given. No mood scale exists."""
    actor = request_actor(request)
    children = access.guardian_children(actor)
    error = None
    if request.method == "POST":
        # Every posted field goes to the service, so an extra field (a "mood" scale a
        # modified form might add) meets the prohibited-category filter, not silence.
        values: dict[str, Any] = {
            key: request.POST.get(key, "")
            for key in request.POST
            if key not in {"csrfmiddlewaretoken", "learner", "symptoms"}
        }
        values["symptoms"] = request.POST.getlist("symptoms")
        try:
            learner, relation, school = access.access_learner_for_observation(
                actor, request.POST.get("learner", "")
            )
            services.observation_save(
                actor=actor,
                learner=learner,
                school=school,
                day=clock.today(),
                values=values,
                role=str(relation),
            )
        except UserError as exc:
            error = exc
        else:
            messages.success(request, _("健康観察を送信しました。"))
            return HttpResponseRedirect(reverse("attendance:observation"))
    return render(
        request,
        "attendance/observation.html",
        {
            "children": children,
            "symptoms": SYMPTOM_CHOICES,
            "error_message": error.message(get_language()) if error else "",
            "today": clock.today(),
        },
        status=400 if error else 200,
    )


# --------------------------------------------------------------------------- health


@_no_store
@_signed_in
def health_index(request: HttpRequest) -> HttpResponse:
    """健康診断票: the nurse's class lists, a guardian's children, a learner's own record."""
    actor = request_actor(request)
    groups = []
    if actor.has_role("nurse"):
        for school_class in access.nurse_classes(actor):
            groups.append((school_class.name, access.health_class_learners(actor, school_class)))
    children = access.guardian_children(actor)
    if children:
        groups.append((_("お子さま"), children))
    if actor.has_role("learner") and actor.person is not None:
        groups.append((_("自分"), [actor.person]))
    if not groups:
        raise NotFound()
    return render(request, "attendance/health_index.html", {"groups": groups})


@_no_store
@_signed_in
def health_learner(request: HttpRequest, learner_uuid: uuid.UUID) -> HttpResponse:
    """One learner's 健康診断票, showing only the fields this reader may see."""
    view = access.access_health_records(request_actor(request), learner_uuid)
    rows = [
        {
            "record": record,
            "cells": [(HEALTH_LABELS[f], _display(record, f)) for f in view.fields],
        }
        for record in view.records
    ]
    return render(
        request,
        "attendance/health_learner.html",
        {
            "view": view,
            "rows": rows,
            "can_edit": str(view.relation) == "nurse",
            "limited": str(view.relation) == "homeroom_teacher",
        },
    )


def _display(record: Any, name: str) -> str:
    value = getattr(record, name)
    if value is None or value == "":
        return "—"
    display = getattr(record, f"get_{name}_display", None)
    return str(display()) if display is not None else str(value)


@_no_store
@_roles("nurse")
@require_http_methods(["GET", "POST"])
def health_edit(request: HttpRequest, learner_uuid: uuid.UUID) -> HttpResponse:
    """The nurse enters this year's checkup results."""
    actor = request_actor(request)
    learner, school = access.access_health_for_entry(actor, learner_uuid)
    year = school_year_get_or_create(board=school.board, year=clock.school_year_of(clock.today()))
    error = None
    values: dict[str, Any] = {"checked_on": clock.today().isoformat()}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("checked_on", *HEALTH_LABELS)}
        try:
            data: dict[str, Any] = dict(values)
            data["checked_on"] = parse_date(values["checked_on"], location="checked_on")
            services.health_record_save(
                actor=actor, learner=learner, school=school, school_year=year, values=data
            )
        except UserError as exc:
            error = exc
        else:
            messages.success(request, _("健康診断票を保存しました。"))
            return HttpResponseRedirect(reverse("attendance:health_learner", args=[learner.uuid]))
    return render(
        request,
        "attendance/health_edit.html",
        {
            "learner": learner,
            "year": year,
            "values": values,
            "labels": HEALTH_LABELS,
            "error_message": error.message(get_language()) if error else "",
            "error_location": error.location if error else "",
        },
        status=400 if error else 200,
    )


# --------------------------------------------------------------------------- school settings


@_no_store
@_roles("school_admin")
@require_http_methods(["GET", "POST"])
def school_settings(request: HttpRequest) -> HttpResponse:
    """The school's calendar, alert rules, health fields for teachers and periods per day."""
    actor = request_actor(request)
    school = access.access_admin_school(actor)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "closed":
                first = parse_date(request.POST.get("first", ""), location="first")
                last = parse_date(request.POST.get("last", ""), location="last") or first
                if first is None or last is None:
                    raise UserError("日付を入力してください。", "Enter a date.", location="first")
                services.calendar_set_closed(
                    actor=actor,
                    school=school,
                    first=first,
                    last=last,
                    label=request.POST.get("label", ""),
                )
            elif action == "open":
                day = parse_date(request.POST.get("day", ""), location="day")
                if day is None:
                    raise UserError("日付を入力してください。", "Enter a date.", location="day")
                services.calendar_set_open(
                    actor=actor, school=school, day=day, label=request.POST.get("label", "")
                )
            elif action == "clear":
                day = parse_date(request.POST.get("day", ""), location="day")
                if day is not None:
                    services.calendar_clear(actor=actor, school=school, day=day)
            elif action == "rule":
                services.alert_rule_create(
                    actor=actor,
                    school=school,
                    kind=request.POST.get("kind", ""),
                    threshold=_int(request.POST.get("threshold", ""), location="threshold"),
                    window_days=_int(
                        request.POST.get("window_days", "0") or "0", location="window_days"
                    ),
                )
            elif action in ("rule_off", "rule_on"):
                rule = access.access_school_rule(actor, school, request.POST.get("rule", ""))
                services.alert_rule_set_active(actor=actor, rule=rule, active=action == "rule_on")
            elif action == "policy":
                services.policy_set(
                    actor=actor,
                    school=school,
                    periods_per_day=_int(
                        request.POST.get("periods_per_day", "0"), location="periods_per_day"
                    ),
                    health_teaching_fields=request.POST.getlist("health_teaching_fields"),
                )
            else:
                raise NotFound()
        except UserError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("保存しました。"))
        return HttpResponseRedirect(reverse("attendance:school_settings"))
    year_start, year_end = clock.school_year_bounds(clock.school_year_of(clock.today()))
    policy = selectors.policy_for(school)
    return render(
        request,
        "attendance/school_settings.html",
        {
            "school": school,
            "exceptions": selectors.calendar_exceptions(
                school=school, start=year_start, end=year_end
            ),
            "school_days": len(
                selectors.school_days(school=school, start=year_start, end=year_end)
            ),
            "rules": selectors.alert_rules(school=school),
            "policy": policy,
            "health_labels": HEALTH_LABELS,
        },
    )


def _int(text: str, *, location: str) -> int:
    try:
        return int(text.strip())
    except ValueError as exc:
        raise UserError("数字を入力してください。", "Enter a number.", location=location) from exc


@_no_store
@_roles("board_admin")
@require_http_methods(["GET", "POST"])
def board_settings(request: HttpRequest) -> HttpResponse:
    """The board's switch for attendance as xAPI statements (off by default)."""
    actor = request_actor(request)
    board = access.access_admin_board(actor)
    if request.method == "POST":
        services.board_set_xapi_statements(
            actor=actor, board=board, enabled=request.POST.get("xapi") == "on"
        )
        messages.success(request, _("保存しました。"))
        return HttpResponseRedirect(reverse("attendance:board_settings"))
    return render(
        request,
        "attendance/board_settings.html",
        {"board": board, "enabled": services.xapi_statements_enabled(board)},
    )


@_no_store
@_roles("teacher")
@require_http_methods(["GET", "POST"])
def class_observation(request: HttpRequest, class_uuid: uuid.UUID) -> HttpResponse:
    """The homeroom teacher's 健康観察 for the class: everyone 元気 unless tapped."""
    actor = request_actor(request)
    school_class = access.access_register_class(actor, class_uuid, write=True)
    today = clock.today()
    learners = [p for _e, p in access.register_learners(actor, school_class, on=today)]
    if request.method == "POST":
        saved = 0
        try:
            for learner in learners:
                condition = request.POST.get(f"condition-{learner.uuid}", "well")
                temperature = request.POST.get(f"temperature-{learner.uuid}", "")
                if condition == "well" and not temperature:
                    continue
                person, relation, school = access.access_learner_for_observation(
                    actor, learner.uuid
                )
                services.observation_save(
                    actor=actor,
                    learner=person,
                    school=school,
                    day=today,
                    values={"condition": condition, "temperature": temperature},
                    role=str(relation),
                )
                saved += 1
        except UserError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("健康観察を保存しました。"))
        return HttpResponseRedirect(reverse("attendance:class_observation", args=[class_uuid]))
    observations = access.scope_class_observations(actor, school_class, learners, day=today)
    rows = [(learner, observations.get(learner.pk)) for learner in learners]
    return render(
        request,
        "attendance/class_observation.html",
        {"school_class": school_class, "rows": rows, "today": today},
    )
