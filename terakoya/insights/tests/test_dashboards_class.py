"""The teacher's class dashboard: table, cracks with evidence, CSV equal to the page, order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from terakoya.insights.tests.dashboards_support import csv_rows, fill_class, table_rows
from terakoya.privacy.models import AuditEntry
from terakoya.testing import assert_same_not_found


def _url(world, name="insights:dashboard_class", klass=None):
    return reverse(name, args=[(klass or world.homeroom).uuid])


def test_the_class_table_lists_learners_in_shusseki_order_with_their_figures(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    page = world.client_for(world.homeroom_teacher).get(_url(world))
    assert page.status_code == 200
    rows = table_rows(page.content.decode(), "class-table")
    header, body = rows[0], rows[1:]
    assert header[:4] == ["出席番号", "氏名", "提出", "得点率"]
    assert [r[0] for r in body] == ["1", "2"]
    assert [r[1] for r in body] == [world.learner.full_name, world.classmate.full_name]
    assert "欠席" in header  # the homeroom teacher sees attendance
    code_cells = body[0][4 : header.index("欠席")]
    assert code_cells
    assert all(cell.startswith(("学習中", "習得")) for cell in code_cells), code_cells
    # The roster read is audited per learner.
    assert AuditEntry.objects.filter(
        action="class.roster.read", subject_uuid=world.learner.uuid
    ).exists()


@pytest.mark.parametrize("weak_first", [True, False])
def test_order_is_shusseki_whatever_the_marks(world, weak_first):
    weak, strong = (
        (world.learner, world.classmate) if weak_first else (world.classmate, world.learner)
    )
    fill_class(world, weak=weak, strong=strong)
    client = world.client_for(world.homeroom_teacher)
    html = client.get(_url(world)).content.decode()
    names = [r[1] for r in table_rows(html, "class-table")[1:]]
    assert names == [world.learner.full_name, world.classmate.full_name]
    chart_order = html.index(f"1 {world.learner.full_name}") < html.index(
        f"2 {world.classmate.full_name}"
    )
    assert chart_order


def test_the_csv_export_equals_the_table_on_the_page(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    client = world.client_for(world.homeroom_teacher)
    page = table_rows(client.get(_url(world)).content.decode(), "class-table")
    exported = csv_rows(client.get(_url(world, "insights:dashboard_class_csv")).content)
    assert exported == page
    assert len(exported) == 3


def test_the_cracks_list_names_each_rule_with_its_evidence_and_matches_its_csv(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    client = world.client_for(world.homeroom_teacher)
    page = table_rows(client.get(_url(world)).content.decode(), "cracks")
    exported = csv_rows(client.get(_url(world, "insights:dashboard_cracks_csv")).content)
    assert exported == page
    body = page[1:]
    assert body, "the weak learner's low marks must be flagged"
    assert all(row[1] == world.learner.full_name for row in body)
    low = next(row for row in body if "満点の40%未満" in row[2])
    assert "ドリル1" in low[3]  # the evidence names the work


def test_a_subject_teacher_sees_no_attendance(world):
    fill_class(world, weak=world.learner, strong=world.classmate, school_class=world.subject_class)
    page = world.client_for(world.subject_teacher).get(_url(world, klass=world.subject_class))
    assert page.status_code == 200
    header = table_rows(page.content.decode(), "class-table")[0]
    assert "欠席" not in header


def test_the_drill_down_shows_the_attempts_an_estimate_rests_on(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    url = reverse("insights:dashboard_learner", args=[world.homeroom.uuid, world.learner.uuid])
    page = world.client_for(world.homeroom_teacher).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "8260263111100000" in html
    assert "解答後のP(習得)" in html
    assert html.count("<td>×</td>") >= 5


def _endpoints(world, klass, learner):
    return [
        ("get", reverse("insights:dashboard_class", args=[klass])),
        ("get", reverse("insights:dashboard_class_csv", args=[klass])),
        ("get", reverse("insights:dashboard_cracks_csv", args=[klass])),
        ("get", reverse("insights:dashboard_learner", args=[klass, learner])),
        ("post", reverse("insights:dashboard_suggestion_decide", args=[klass, learner])),
    ]


def test_a_teacher_of_another_school_gets_the_same_404_as_for_a_missing_class(world):
    import uuid

    client = world.client_for(world.stranger)
    real = _endpoints(world, world.homeroom.uuid, world.learner.uuid)
    missing = _endpoints(world, uuid.uuid4(), uuid.uuid4())
    for (method, forbidden_url), (_m, missing_url) in zip(real, missing, strict=True):
        forbidden = getattr(client, method)(forbidden_url)
        absent = getattr(client, method)(missing_url)
        assert_same_not_found(forbidden, absent)


def test_a_learner_of_another_class_is_the_same_404_as_a_missing_one(world):
    import uuid

    client = world.client_for(world.homeroom_teacher)
    other = client.get(
        reverse("insights:dashboard_learner", args=[world.homeroom.uuid, world.other_learner.uuid])
    )
    missing = client.get(
        reverse("insights:dashboard_learner", args=[world.homeroom.uuid, uuid.uuid4()])
    )
    assert_same_not_found(other, missing)


@pytest.mark.parametrize("persona", ["principal", "school_admin", "learner", "guardian"])
def test_only_the_class_teachers_open_a_class_dashboard(world, persona):
    page = world.client_for(world.persona(persona)).get(_url(world))
    assert page.status_code == 404


def test_the_stored_estimates_equal_the_full_model_and_follow_a_re_mark(world):
    from terakoya.assessment.models import Response
    from terakoya.insights.dashboards import selectors
    from terakoya.insights.models_suggestions import MasteryState

    fill_class(world, weak=world.learner, strong=world.classmate)
    client = world.client_for(world.homeroom_teacher)
    client.get(_url(world))
    ref = selectors.LearnerRef(pk=world.learner.pk, uuid=str(world.learner.uuid), name="", number=1)
    full = {
        d.code: d.estimate
        for d in selectors.learner_code_details(school_class=world.homeroom, learner=ref)
    }
    states = MasteryState.objects.filter(learner=world.learner, school_class=world.homeroom)
    assert states.exists()
    for state in states:
        if state.n_attempts:
            estimate = full[state.code]
            assert estimate is not None
            assert state.p_mastered == pytest.approx(estimate.p_mastered)
            assert state.n_attempts == estimate.n_attempts
    # A teacher re-marks the learner's latest wrong answer as right: the next view recomputes.
    changed = states.exclude(n_attempts=0).order_by("-n_attempts").first()
    assert changed is not None
    wrong = (
        Response.objects.filter(
            attempt__learner=world.learner, fraction=0.0, question__codes=[changed.code]
        )
        .order_by("-answered_at")
        .first()
    )
    assert wrong is not None
    before = changed.p_mastered
    wrong.fraction = 1.0
    wrong.save()
    wrong.attempt.save()  # response_mark saves the attempt too
    client.get(_url(world))
    changed.refresh_from_db()
    assert changed.p_mastered > before


def test_the_stored_year_figures_equal_the_attempts_and_follow_changes(world):
    from terakoya.assessment.models import Attempt
    from terakoya.core import clock
    from terakoya.insights.dashboards import selectors
    from terakoya.insights.models_suggestions import WorkState

    fill_class(world, weak=world.learner, strong=world.classmate)
    client = world.client_for(world.homeroom_teacher)
    client.get(_url(world))
    pks = [world.learner.pk, world.classmate.pk]
    live = selectors.class_work(school_class=world.homeroom, learner_pks=pks, now=clock.now())
    stored = {s.learner_id: s for s in WorkState.objects.filter(school_class=world.homeroom)}
    assert set(stored) == set(pks)
    for pk in pks:
        assert stored[pk].handed_in == live.handed[pk] > 0
        assert stored[pk].mean_mark == pytest.approx(live.means[pk])
    # A re-mark saves the attempt: the learner's row is recomputed on the next view.
    attempt = Attempt.objects.filter(learner=world.learner).order_by("-id").first()
    assert attempt is not None
    attempt.score, attempt.max_score = attempt.max_score, attempt.max_score
    attempt.save()
    client.get(_url(world))
    after = WorkState.objects.get(learner=world.learner, school_class=world.homeroom)
    before = stored[world.learner.pk].mean_mark
    assert after.mean_mark is not None
    assert before is not None
    assert after.mean_mark > before
    assert after.fingerprint != stored[world.learner.pk].fingerprint
    # Unchanged, the classmate's row is read, not rewritten.
    same = WorkState.objects.get(learner=world.classmate, school_class=world.homeroom)
    assert same.updated_at == stored[world.classmate.pk].updated_at


def test_work_given_to_a_group_or_one_learner_counts_only_for_them(world):
    """Older work given to one learner, and window work given to a group, count as due and
    handed in only for the learners given it."""
    import datetime as dt

    from terakoya.assessment.models import Attempt, AttemptState, Drill
    from terakoya.core import clock
    from terakoya.courses.models import Assignment
    from terakoya.insights.dashboards import selectors
    from terakoya.roster.models import LearnerGroup

    made = fill_class(world, weak=world.learner, strong=world.classmate)
    group = LearnerGroup.objects.create(school_class=world.homeroom, name="A")
    group.members.add(world.classmate)
    now = clock.now()
    for days_ago, target in ((60, {"target_learner": world.learner}), (3, {"target_group": group})):
        drill = Drill.objects.create(school=world.school, course=made.course, title="追加")
        Assignment.objects.create(
            course=made.course,
            drill=drill,
            title="追加",
            open_at=now - dt.timedelta(days=days_ago + 1),
            due_at=now - dt.timedelta(days=days_ago),
            **target,
        )
        Attempt.objects.create(
            drill=drill,
            learner=target.get("target_learner", world.classmate),
            number=1,
            state=AttemptState.COMPLETED,
            started_at=now - dt.timedelta(days=days_ago),
            score=1.0,
            max_score=1.0,
        )
    refs = [
        selectors.LearnerRef(pk=p.pk, uuid=str(p.uuid), name="", number=n)
        for n, p in ((1, world.learner), (2, world.classmate))
    ]
    board = selectors.class_dashboard(
        actor=None,  # type: ignore[arg-type]
        school_class=world.homeroom,
        learners=refs,
        sees_attendance=False,
        open_alerts={},
    )
    learner, classmate = board.rows
    class_wide = made.drills  # every generated drill is past due and handed in
    assert (learner.due, learner.handed_in) == (class_wide + 1, class_wide + 1)
    assert (classmate.due, classmate.handed_in) == (class_wide + 1, class_wide + 1)
