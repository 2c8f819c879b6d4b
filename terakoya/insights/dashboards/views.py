"""Dashboard pages: a teacher's class, a learner's own, a guardian's, the school's, the board's.

Each view: the gate (``dashboards.access``) → one selector → render. Learners are listed in
出席番号 order only; nothing ranks learners or compares teachers. Charts are server-side SVG
with text alternatives; every CSV export is the same grid the page shows.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from terakoya.attendance.access import scope_class_alerts
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.insights import selectors as insights
from terakoya.insights.charts import Chart, bar_chart, progress_bar
from terakoya.insights.dashboards import access, selectors, services
from terakoya.insights.dashboards.furigana import ruby
from terakoya.insights.suppression import ShownTable
from terakoya.privacy.gate import Relation
from terakoya.web.auth import actor_required, request_actor

TEACHER = ("teacher",)
LEADERS = ("principal", "school_admin")


def _en() -> bool:
    return (get_language() or "ja").startswith("en")


def _csv(grid: selectors.Grid, filename: str) -> HttpResponse:
    """A grid as CSV (UTF-8 with BOM, so spreadsheet software reads the Japanese)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(grid.header)
    writer.writerows(grid.rows)
    return response


# --------------------------------------------------------------------------- teacher


@require_GET
@actor_required(roles=TEACHER)
def classes(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request,
        "insights/dashboards/classes.html",
        {"classes": access.dashboard_classes(actor)},
    )


def _class_board(request: HttpRequest, class_uuid: str) -> selectors.ClassDashboard:
    actor = request_actor(request)
    found = access.access_dashboard_class(actor, class_uuid)
    people = access.scope_dashboard_learners(actor, found)
    alerts: dict[int, int] = {}
    if found.sees_attendance:
        for alert in scope_class_alerts(actor, found.school_class, [p for _n, p in people]):
            alerts[alert.learner_id] = alerts.get(alert.learner_id, 0) + 1
    learners = selectors.learner_refs(people)
    codes = selectors.recent_codes(
        school_class=found.school_class, since=selectors.window_since(clock.today())
    )
    fingerprints = selectors.learner_fingerprints(
        school_class=found.school_class, learners=learners
    )
    services.mastery_states_refresh(
        school_class=found.school_class,
        learners=learners,
        codes=codes,
        actor=actor.audit_actor(found.relation),
        fingerprints=fingerprints,
    )
    work = services.work_states_refresh(
        school_class=found.school_class,
        learners=learners,
        fingerprints=fingerprints,
        actor=actor.audit_actor(found.relation),
    )
    return selectors.class_dashboard(
        actor=actor,
        school_class=found.school_class,
        learners=learners,
        sees_attendance=found.sees_attendance,
        open_alerts=alerts,
        codes=codes,
        work=work,
    )


def _class_charts(board: selectors.ClassDashboard) -> list[Chart]:
    charts = [
        bar_chart(
            title=_("課題の提出(出席番号順)"),
            description=_("期限を過ぎた課題のうち提出した割合。下の表と同じ値です。"),
            bars=[
                (
                    row.learner.label,
                    round(100 * row.handed_in / row.due) if row.due else None,
                )
                for row in board.rows
            ],
            max_value=100,
            unit="%",
        )
    ]
    if board.code_mastery:
        charts.append(
            bar_chart(
                title=_("コードごとの習得者数"),
                description=_(
                    "P(習得)が0.95以上の児童生徒の人数(学級の人数中)。順位ではありません。"
                ),
                bars=[
                    (cm.code, float(cm.counts[insights.MasteryBand.MASTERED]))
                    for cm in board.code_mastery
                ],
                max_value=float(len(board.rows)) or 1.0,
                unit=_("人"),
            )
        )
    return charts


@require_GET
@actor_required(roles=TEACHER)
def class_dashboard(request: HttpRequest, class_uuid: str) -> HttpResponse:
    board = _class_board(request, str(class_uuid))
    en = _en()
    return render(
        request,
        "insights/dashboards/class.html",
        {
            "board": board,
            "klass": board.school_class,
            "grid": selectors.class_grid(board, en=en),
            "cracks": selectors.cracks_grid(board, en=en),
            "charts": _class_charts(board),
            "candidates": board.candidates,
            "window_days": selectors.WINDOW_DAYS,
            "en": en,
        },
    )


@require_GET
@actor_required(roles=TEACHER)
def class_csv(request: HttpRequest, class_uuid: str) -> HttpResponse:
    board = _class_board(request, str(class_uuid))
    return _csv(selectors.class_grid(board, en=_en()), "class-dashboard.csv")


@require_GET
@actor_required(roles=TEACHER)
def cracks_csv(request: HttpRequest, class_uuid: str) -> HttpResponse:
    board = _class_board(request, str(class_uuid))
    return _csv(selectors.cracks_grid(board, en=_en()), "falling-through-the-cracks.csv")


@require_GET
@actor_required(roles=TEACHER)
def learner_detail(request: HttpRequest, class_uuid: str, learner_uuid: str) -> HttpResponse:
    actor = request_actor(request)
    found = access.access_dashboard_class(actor, str(class_uuid))
    number, person = access.access_class_learner(actor, found, str(learner_uuid))
    ref = selectors.learner_refs([(number, person)])[0]
    detail = selectors.learner_detail(
        school_class=found.school_class, learner=ref, sees_attendance=found.sees_attendance
    )
    en = _en()
    due = [w for w in detail.works if w.due is not None]
    return render(
        request,
        "insights/dashboards/learner.html",
        {
            "klass": found.school_class,
            "detail": detail,
            "en": en,
            "progress": progress_bar(
                title=_("提出した課題"),
                done=sum(1 for w in due if w.handed_in),
                total=len(due),
            ),
            "cracks": [
                (alert, selectors.evidence_text(alert, detail.work_titles))
                for alert in detail.cracks
            ],
        },
    )


@require_POST
@actor_required(roles=TEACHER)
def suggestion_decide(request: HttpRequest, class_uuid: str, learner_uuid: str) -> HttpResponse:
    """Approve or dismiss a "next practice" candidate. The candidate is recomputed here from
    the data (never taken from the form), stored as a proposal with its evidence, then
    decided by this teacher — one service call each."""
    actor = request_actor(request)
    found = access.access_dashboard_class(actor, str(class_uuid))
    number, person = access.access_class_learner(actor, found, str(learner_uuid))
    ref = selectors.learner_refs([(number, person)])[0]
    code = request.POST.get("code", "")
    approve = request.POST.get("decision") == "approve"
    target = redirect(
        "insights:dashboard_learner", class_uuid=class_uuid, learner_uuid=learner_uuid
    )
    details = selectors.learner_code_details(
        school_class=found.school_class, learner=ref, codes=[code]
    )
    candidate = None
    for detail in details:
        if detail.estimate is not None:
            item = insights.LearnerMastery(
                learner=insights.RosterEntry(ref.uuid, ref.name, ref.number),
                estimate=detail.estimate,
                band=detail.band,
            )
            candidate = selectors.candidate_for(ref, detail.code, item)
    if candidate is None:
        messages.error(
            request,
            _("この内容の提案は今はありません(データが変わった可能性があります)。"),
        )
        return target
    assert actor.person is not None  # noqa: S101 - actor_required guarantees a person
    try:
        suggestion = services.suggestion_propose(
            learner=person,
            school_class=found.school_class,
            code=candidate.code,
            reason_ja=candidate.reason_ja,
            reason_en=candidate.reason_en,
            evidence=candidate.evidence(),
            actor=actor.audit_actor(found.relation),
        )
        services.suggestion_decide(
            suggestion=suggestion,
            approve=approve,
            teacher=actor.person,
            actor=actor.audit_actor(found.relation),
        )
    except UserError as exc:
        messages.error(request, exc.message(get_language()))
        return target
    messages.success(
        request,
        _("承認しました。本人と保護者に理由とともに表示されます。")
        if approve
        else _("見送りました。"),
    )
    return target


# --------------------------------------------------------------------------- learner / guardian


def _labels(grade: int) -> dict[str, Any]:
    """Headings for the learner's page, with furigana for kanji above the learner's grade."""
    words = {
        "todo": ("やること", "やること", "To do"),
        "done": ("できたこと", "できたこと", "What you can do"),
        "feedback": ("先生からのことば", "せんせいからのことば", "From your teacher"),
        "suggest": ("おすすめの練習", "おすすめのれんしゅう", "Practice to try next"),
        "why": ("理由", "りゆう", "Why"),
        "attendance": ("出席", "しゅっせき", "Attendance"),
        "handed": ("提出した課題", "ていしゅつしたかだい", "Work handed in"),
        "progress": ("学習の様子", "がくしゅうのようす", "How learning is going"),
        "marks": ("得点", "とくてん", "Marks"),
    }
    en = _en()
    return {
        key: (english if en else ruby(text, reading, grade))
        for key, (text, reading, english) in words.items()
    }


def _own_context(learner_uuid: str, request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    person, relation = access.access_own_learner(actor, learner_uuid)
    ref = selectors.learner_refs([(None, person)])[0]
    homeroom = access.learner_homeroom(person)
    overview = selectors.own_overview(
        learner=ref, homeroom=homeroom, classes=access.learner_classes(person)
    )
    # Big tiles, furigana and no figures are for the young learner themself; a guardian
    # reads the same page as an adult (marks and attendance figures, no furigana).
    young = 0 < overview.grade <= 3 and relation == Relation.SELF
    codes = [
        (detail, selectors.stars(detail), overview.code_titles.get(detail.code, ""))
        for detail in overview.codes
    ]
    return {
        "overview": overview,
        "relation": str(relation),
        "is_guardian": relation == Relation.GUARDIAN,
        "young": young,
        "labels": _labels(overview.grade if young else 0),
        "codes": codes,
        "en": _en(),
        "progress": progress_bar(
            title=_("提出した課題"),
            done=overview.handed_in,
            total=overview.due,
            description=_("期限が来た課題のうち、提出したもの"),
        ),
    }


@require_GET
@actor_required(roles=("learner",))
def me(request: HttpRequest) -> HttpResponse:
    """The signed-in learner's own dashboard."""
    actor = request_actor(request)
    assert actor.person is not None  # noqa: S101 - actor_required guarantees a person
    context = _own_context(str(actor.person.uuid), request)
    return render(request, "insights/dashboards/own.html", context)


@require_GET
@actor_required(roles=("guardian",))
def family(request: HttpRequest) -> HttpResponse:
    """A guardian's page: every child's overview, consents and the access log."""
    actor = request_actor(request)
    assert actor.person is not None  # noqa: S101 - actor_required guarantees a person
    children = [p for p in access.own_learners(actor) if p.pk != actor.person.pk]
    cards = [_own_context(str(child.uuid), request) for child in children]
    return render(request, "insights/dashboards/family.html", {"cards": cards, "en": _en()})


@require_GET
@actor_required(roles=("learner", "guardian"))
def own_learner(request: HttpRequest, learner_uuid: str) -> HttpResponse:
    """One learner's own dashboard, opened by the learner or a guardian."""
    context = _own_context(str(learner_uuid), request)
    return render(request, "insights/dashboards/own.html", context)


# --------------------------------------------------------------------------- school / board


def _aggregates(actor: Any, school: Any) -> list[tuple[str, Any]]:
    pks = selectors.school_learner_pks(school=school)
    work, attendance = selectors.school_learner_categories(school=school, learner_pks_by_uuid=pks)
    return [
        (
            _("課題の提出"),
            insights.school_aggregate(
                actor=actor,
                school=school,
                categories=[selectors.HANDED_IN_MOST, selectors.HANDED_IN_LESS],
                category_of=work,
            ),
        ),
        (
            _("欠席日数(今年度)"),
            insights.school_aggregate(
                actor=actor,
                school=school,
                categories=[selectors.ABSENT_UNDER_30, selectors.ABSENT_30],
                category_of=attendance,
            ),
        ),
    ]


def _shown(value: int | None) -> str:
    return "秘匿" if value is None else str(value)


def shown_grid(table: ShownTable, *, row_label: str) -> selectors.Grid:
    """A suppressed table with its margins as the page and CSV show it."""
    header = (row_label, *table.columns, _("計"))
    rows = [
        (name, *(_shown(v) for v in cells), _shown(total))
        for name, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True)
    ]
    rows.append((_("計"), *(_shown(v) for v in table.column_totals), _shown(table.grand_total)))
    return selectors.Grid(header=header, rows=tuple(rows))


def _school_sections(actor: Any, school: Any, *, classes: bool) -> list[dict[str, Any]]:
    sections = []
    try:
        aggregates = _aggregates(actor, school)
    except UserError:
        return []
    for title, shown in aggregates:
        grids = [(_("学年別"), shown_grid(shown.school, row_label=_("学年")))]
        if classes:
            grids += [
                (f"{grade}", shown_grid(table, row_label=_("学級")))
                for grade, table in shown.grades.items()
            ]
        sections.append({"title": title, "grids": grids})
    return sections


@require_GET
@actor_required(roles=LEADERS)
def school(request: HttpRequest) -> HttpResponse:
    """The principal's and administrator's view: counts per grade and class, suppressed."""
    actor = request_actor(request)
    found = access.access_school_for_leader(actor)
    return render(
        request,
        "insights/dashboards/school.html",
        {"school": found, "sections": _school_sections(actor, found, classes=True)},
    )


@require_GET
@actor_required(roles=LEADERS)
def school_csv(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    found = access.access_school_for_leader(actor)
    rows: list[tuple[str, ...]] = []
    for section in _school_sections(actor, found, classes=True):
        for name, grid in section["grids"]:
            rows.append((section["title"], name))
            rows.append(grid.header)
            rows.extend(grid.rows)
    return _csv(selectors.Grid(header=(_("集計"), _("区分")), rows=tuple(rows)), "school.csv")


@require_GET
@actor_required(roles=("board_analyst",))
def board(request: HttpRequest) -> HttpResponse:
    """The board analyst's view: each school's per-grade counts, suppressed; no class rows,
    never an individual."""
    actor = request_actor(request)
    found = access.access_board_for_analyst(actor)
    schools = [
        {"school": s, "sections": _school_sections(actor, s, classes=False)}
        for s in access.board_schools(found)
    ]
    return render(request, "insights/dashboards/board.html", {"board": found, "schools": schools})
