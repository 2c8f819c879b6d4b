"""Insights pages: the mastery parameters in use, and a board's privacy-budget ledger.

Neither page shows personal data: fitted parameters are aggregates over at least ten learners
and the ledger holds noisy releases only. They still require a signed-in staff role.
"""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from terakoya.insights import selectors
from terakoya.insights.charts import bar_chart
from terakoya.web.auth import actor_required, request_actor

INSPECT_ROLES = ("teacher", "school_admin", "principal", "board_analyst")


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
