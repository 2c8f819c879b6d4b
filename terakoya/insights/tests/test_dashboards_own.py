"""Learner and guardian dashboards; suggestions shown only after a teacher approves them."""

from __future__ import annotations

import uuid

from django.urls import reverse

from terakoya.insights.models_suggestions import Suggestion, SuggestionStatus
from terakoya.insights.tests.dashboards_support import fill_class
from terakoya.testing import assert_same_not_found

CODE = "8260263111100000"


def _decide(world, decision, code=CODE):
    url = reverse(
        "insights:dashboard_suggestion_decide", args=[world.homeroom.uuid, world.learner.uuid]
    )
    return world.client_for(world.homeroom_teacher).post(url, {"code": code, "decision": decision})


def test_the_teacher_sees_a_candidate_with_its_reason_and_the_learner_does_not(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    teacher = world.client_for(world.homeroom_teacher)
    detail = teacher.get(
        reverse("insights:dashboard_learner", args=[world.homeroom.uuid, world.learner.uuid])
    ).content.decode()
    assert "習得の見込みが" in detail
    assert "回の解答のうち" in detail
    own = world.client_for(world.learner).get(reverse("insights:dashboard_me")).content.decode()
    assert "習得の見込みが" not in own


def test_an_approved_suggestion_shows_to_the_learner_and_guardian_with_its_reason(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    assert _decide(world, "approve").status_code == 302
    suggestion = Suggestion.objects.get(learner=world.learner, code=CODE)
    assert suggestion.status == SuggestionStatus.APPROVED
    assert suggestion.decided_by == world.homeroom_teacher
    assert suggestion.evidence["attempt_ids"], "the evidence lists the answers it rests on"
    own = world.client_for(world.learner).get(reverse("insights:dashboard_me")).content.decode()
    assert suggestion.reason_ja in own
    family = world.client_for(world.guardian).get(reverse("insights:dashboard_family"))
    assert suggestion.reason_ja in family.content.decode()


def test_a_dismissed_suggestion_is_never_shown_to_the_learner(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    _decide(world, "dismiss")
    assert Suggestion.objects.get(code=CODE).status == SuggestionStatus.DISMISSED
    own = world.client_for(world.learner).get(reverse("insights:dashboard_me")).content.decode()
    assert "習得の見込みが" not in own


def test_no_suggestion_is_stored_for_a_learner_whose_estimate_is_not_low(world):
    fill_class(world, weak=world.classmate, strong=world.learner)
    _decide(world, "approve")
    assert not Suggestion.objects.exists()


def test_the_guardian_sees_the_child_with_links_to_consents_and_the_access_log(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    page = world.client_for(world.guardian).get(reverse("insights:dashboard_family"))
    html = page.content.decode()
    assert page.status_code == 200
    assert world.learner.full_name in html
    assert reverse("privacy:consent") in html
    assert f"{reverse('privacy:access_log')}?subject={world.learner.uuid}" in html
    assert world.classmate.full_name not in html


def test_a_young_learner_gets_furigana_stars_and_no_percentages(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    html = world.client_for(world.learner).get(reverse("insights:dashboard_me")).content.decode()
    main = html[html.index("<main") :]
    assert "<ruby>提出した課題<rp>(</rp><rt>ていしゅつしたかだい</rt>" in main
    assert 'class="stars" role="img"' in main
    assert "%" not in main.split("</style>")[-1]


def test_nobody_else_opens_a_learners_own_dashboard(world):
    url = reverse("insights:dashboard_own", args=[world.learner.uuid])
    missing = reverse("insights:dashboard_own", args=[uuid.uuid4()])
    assert world.client_for(world.guardian).get(url).status_code == 200
    for persona in ("classmate", "stranger", "homeroom_teacher", "board_analyst"):
        person = getattr(world, persona)
        client = world.client_for(person)
        if persona in ("stranger", "homeroom_teacher", "board_analyst"):
            # Not a learner or guardian: the role check gives the plain 404 too.
            assert client.get(url).status_code == 404
            continue
        assert_same_not_found(client.get(url), client.get(missing))


def test_the_guardian_reads_the_childs_page_as_an_adult(world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    html = world.client_for(world.guardian).get(reverse("insights:dashboard_family")).content
    main = html.decode().split("<main", 1)[1]
    assert "<ruby>" not in main
    assert "授業日数" in main  # attendance figures, not the young learner's wording
