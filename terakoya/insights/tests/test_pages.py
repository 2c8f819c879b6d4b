"""The insights pages: parameters a teacher can inspect, and the board's privacy ledger."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pytest

from terakoya.insights import bkt, services
from terakoya.privacy.audit import SYSTEM

pytestmark = pytest.mark.django_db

CODE = "8260263111100000"


@pytest.fixture
def fitted(world):
    sim = bkt.simulate(
        n_skills=1,
        n_learners=50,
        min_length=5,
        max_length=8,
        rng=np.random.default_rng(9),
        truth=np.array([[0.3, 0.2, 0.1, 0.2]]),
    )
    responses = [
        services.Response(code=CODE, learner=f"sim-{le}", correct=bool(c))
        for le, c in zip(sim.learner, sim.correct, strict=True)
    ]
    return services.skill_fit_run(
        actor=SYSTEM, responses=responses, board=world.board, replicates=6, seed=3
    )[0]


def test_a_teacher_inspects_each_codes_parameters_with_intervals_and_counts(world, fitted):
    response = world.client_for(world.homeroom_teacher).get("/insights/skills/")
    assert response.status_code == 200
    page = response.content.decode()
    assert CODE in page
    assert f"{fitted.p_transit:.3f}" in page
    assert str(fitted.n_responses) in page
    assert "(0." in page  # a bootstrap interval is shown


def test_the_csv_equals_the_page(world, fitted):
    client = world.client_for(world.homeroom_teacher)
    page = client.get("/insights/skills/").content.decode()
    response = client.get("/insights/skills.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["code"] == CODE
    for name in ("p_init", "p_transit", "p_slip", "p_guess"):
        assert row[name] in page
    assert row["n_responses"] == str(fitted.n_responses)


def test_a_learner_or_guardian_cannot_open_the_insights_pages(world):
    for person in (world.learner, world.guardian):
        client = world.client_for(person)
        assert client.get("/insights/skills/").status_code == 404
        assert client.get("/insights/privacy-budget/").status_code == 404


def test_an_analyst_of_another_board_does_not_see_this_boards_fits(world, fitted):
    from terakoya.roster import services as roster
    from terakoya.roster.models import Role

    other_board = roster.board_create(name="別市教育委員会", code="139997")
    analyst = roster.person_create(
        family_name="木村", given_name="恵", family_name_kana="きむら", given_name_kana="めぐみ"
    )
    roster.user_for_person(person=analyst, username="other_analyst", password="x-Very-long-9")
    roster.membership_create(person=analyst, role=Role.BOARD_ANALYST, board=other_board)
    assert CODE in world.client_for(world.board_analyst).get("/insights/skills/").content.decode()
    assert CODE not in world.client_for(analyst).get("/insights/skills/").content.decode()


def test_the_board_analyst_sees_the_ledger_with_what_was_spent(world):
    services.privacy_budget_create(
        actor=SYSTEM,
        board=world.board,
        epsilon_total=2.0,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
    )
    services.dp_count_release(
        actor=SYSTEM,
        board=world.board,
        label="長期欠席者数",
        true_count=80,
        epsilon=0.5,
        on=dt.date(2026, 11, 27),
    )
    page = world.client_for(world.board_analyst).get("/insights/privacy-budget/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "長期欠席者数" in text
    assert "0.500" in text
    assert "1.500" in text  # remaining
    assert (
        world.client_for(world.homeroom_teacher).get("/insights/privacy-budget/").status_code == 404
    )


def test_the_parameters_page_speaks_english_when_asked(world, fitted):
    from django.conf import settings

    client = world.client_for(world.homeroom_teacher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/insights/skills/").content.decode()
    assert "Mastery model parameters" in page
    assert "Download as CSV" in page
