"""Insights pages: mastery parameters, a board's privacy-budget ledger, the school dashboard.

None shows personal data: fitted parameters are aggregates over at least ten learners, the
ledger holds noisy releases only, and the school dashboard's counts are suppressed (no figure
under 10, none recoverable). They still require a signed-in staff role.
"""

from __future__ import annotations

import csv
import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from terakoya.insights import selectors
from terakoya.insights.charts import bar_chart, progress_bar
from terakoya.insights.suppression import ShownSchool
from terakoya.privacy.gate import access_class_by_uuid
from terakoya.privacy.purposes import OPTIONAL_PURPOSES, PURPOSES, Purpose
from terakoya.roster.access import access_admin_school
from terakoya.roster.choices import Grade
from terakoya.web.auth import actor_required, request_actor

INSPECT_ROLES = ("teacher", "school_admin", "principal", "board_analyst")
SCHOOL_ROLES = ("school_admin", "principal")


@actor_required(roles=INSPECT_ROLES)
def skill_parameters(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows = selectors.skill_fit_rows(board_ids=actor.board_ids())
    chart = (
        bar_chart(
            title=_("1回の練習で習得する確率(T)"),
            description=_("コードごとの学習確率 T。表と同じ値です。"),
            bars=[(row.code, round(row.parameters[1].value, 3)) for row in rows],
            max_value=1.0,
        )
        if rows
        else None
    )
    return render(request, "insights/skill_parameters.html", {"rows": rows, "chart": chart})


@actor_required(roles=INSPECT_ROLES)
def skill_parameters_csv(request: HttpRequest) -> HttpResponse:
    """The same rows as the page, as CSV (UTF-8 with BOM so spreadsheet software reads it)."""
    actor = request_actor(request)
    rows = selectors.skill_fit_rows(board_ids=actor.board_ids())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="skill-parameters.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header = ["code", "board"]
    for name in ("p_init", "p_transit", "p_slip", "p_guess"):
        header += [name, f"{name}_low90", f"{name}_high90"]
    header += ["fitted_at", "n_responses", "n_learners", "log_likelihood", "iterations"]
    writer.writerow(header)
    for row in rows:
        line: list[object] = [row.code, row.board_name]
        for p in row.parameters:
            line += [
                f"{p.value:.3f}",
                "" if p.low is None else f"{p.low:.3f}",
                "" if p.high is None else f"{p.high:.3f}",
            ]
        line += [
            row.fitted_at.isoformat(),
            row.n_responses,
            row.n_learners,
            f"{row.log_likelihood:.1f}",
            row.iterations,
        ]
        writer.writerow(line)
    return response


@actor_required(roles=("board_analyst",))
def privacy_ledger(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    ledgers = selectors.privacy_ledgers_for_boards(board_ids=actor.board_ids("board_analyst"))
    return render(request, "insights/privacy_ledger.html", {"ledgers": ledgers})


def _consent_purpose(request: HttpRequest) -> Purpose:
    wanted = request.GET.get("purpose", "")
    for purpose in OPTIONAL_PURPOSES:
        if purpose.value == wanted:
            return purpose
    return Purpose.INDIVIDUAL_RESEARCH


def _column_labels() -> dict[str, str]:
    return {"granted": _("同意あり"), "withdrawn": _("取り消し"), "no_answer": _("未回答")}


def _grade_label(code: str) -> str:
    return str(Grade(code).label) if code in Grade.values else code


def _school_view_data(request: HttpRequest) -> tuple[str, Purpose, ShownSchool]:
    """The administrator's school (its name), the purpose asked for, and the suppressed counts."""
    actor = request_actor(request)
    school = access_admin_school(actor, request.GET.get("school") or None)
    purpose = _consent_purpose(request)
    shown = selectors.school_consent_aggregate(actor=actor, school=school, purpose=purpose)
    return school.name, purpose, shown


@actor_required(roles=SCHOOL_ROLES)
def school_dashboard(request: HttpRequest) -> HttpResponse:
    school_name, purpose, shown = _school_view_data(request)
    english = (get_language() or "ja").startswith("en")
    labels = _column_labels()
    purposes = [
        (p.value, PURPOSES[p].title_en if english else PURPOSES[p].title_ja)
        for p in OPTIONAL_PURPOSES
    ]
    grades = [(_grade_label(code), table) for code, table in shown.grades.items()]
    return render(
        request,
        "insights/school_dashboard.html",
        {
            "school_name": school_name,
            "purpose": purpose.value,
            "purposes": purposes,
            "school_table": shown.school,
            "school_rows": [_grade_label(code) for code in shown.school.rows],
            "grades": grades,
            "columns": [labels[c] for c in shown.school.columns],
        },
    )


@actor_required(roles=SCHOOL_ROLES)
def school_dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The figures of the school dashboard, exactly as shown (「秘匿」 where suppressed)."""
    _name, purpose, shown = _school_view_data(request)
    labels = _column_labels()
    hidden = _("秘匿")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="school-{purpose.value}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        ["level", "grade", "class", *[labels[c] for c in shown.school.columns], "total"]
    )

    def fmt(value: int | None) -> str:
        return hidden if value is None else str(value)

    for code, table in shown.grades.items():
        for r, name in enumerate(table.rows):
            writer.writerow(
                [
                    "class",
                    _grade_label(code),
                    name,
                    *map(fmt, table.cells[r]),
                    fmt(table.row_totals[r]),
                ]
            )
    for r, code in enumerate(shown.school.rows):
        writer.writerow(
            [
                "grade",
                _grade_label(code),
                "",
                *map(fmt, shown.school.cells[r]),
                fmt(shown.school.row_totals[r]),
            ]
        )
    writer.writerow(
        ["school", "", "", *map(fmt, shown.school.column_totals), fmt(shown.school.grand_total)]
    )
    return response


CLASS_ROLES = ("teacher", "school_admin", "principal")


@actor_required(roles=CLASS_ROLES)
def mastery_classes(request: HttpRequest) -> HttpResponse:
    """The classes whose mastery the actor may see: those they teach (and, for administrators,
    every class of their school)."""
    actor = request_actor(request)
    classes = selectors.classes_for_mastery(actor=actor)
    return render(request, "insights/mastery_classes.html", {"classes": classes})


@actor_required(roles=CLASS_ROLES)
def class_mastery(request: HttpRequest, class_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    school_class = access_class_by_uuid(actor, class_uuid, purpose=Purpose.INSTRUCTION)
    codes = selectors.class_mastery_from_assessment(actor=actor, school_class=school_class)
    sections = []
    for item in codes:
        rows = []
        for row in item.learners:
            estimate = row.estimate
            chart = (
                progress_bar(
                    title=f"{row.learner.name} {item.code}",
                    done=round(estimate.p_mastered * 100),
                    total=100,
                    description=_("習得の確率 %(p)s%%(%(lo)s–%(hi)s%%)、解答%(n)s件にもとづく")
                    % {
                        "p": round(estimate.p_mastered * 100),
                        "lo": round(estimate.low * 100),
                        "hi": round(estimate.high * 100),
                        "n": estimate.n_attempts,
                    },
                )
                if estimate is not None
                else None
            )
            rows.append({"row": row, "estimate": estimate, "chart": chart})
        sections.append({"item": item, "rows": rows})
    return render(
        request,
        "insights/class_mastery.html",
        {"school_class": school_class, "sections": sections, "threshold": selectors.MASTERED_AT},
    )
