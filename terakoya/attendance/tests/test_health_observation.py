"""健康観察: well or unwell, symptoms and temperature if given — and no mood scale."""

from __future__ import annotations

import pytest

from terakoya.attendance import access, services
from terakoya.attendance.models import HealthObservation
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.privacy.categories import DataCategory
from terakoya.privacy.gate import Actor, NotFound
from terakoya.privacy.guards import ProhibitedCategoryRefused

pytestmark = pytest.mark.django_db


def _save(world, persona, values):
    actor = Actor.for_person(world.persona(persona))
    learner, relation, school = access.access_learner_for_observation(actor, world.learner.uuid)
    return services.observation_save(
        actor=actor,
        learner=learner,
        school=school,
        day=clock.today(),
        values=values,
        role=str(relation),
    )


def test_a_guardian_records_unwell_with_symptoms_and_temperature(world):
    observation = _save(
        world, "guardian", {"condition": "unwell", "symptoms": ["fever"], "temperature": "37.8"}
    )
    assert (observation.condition, observation.symptoms, str(observation.temperature)) == (
        "unwell",
        ["fever"],
        "37.8",
    )


def test_the_homeroom_teacher_records_it_too_and_the_later_entry_wins(world):
    _save(world, "guardian", {"condition": "unwell", "symptoms": ["cough"]})
    _save(world, "homeroom_teacher", {"condition": "well"})
    observation = HealthObservation.objects.get()
    assert (observation.condition, observation.symptoms) == ("well", [])


@pytest.mark.parametrize(
    ("field", "category"),
    [
        ("mood", DataCategory.AFFECT_INFERENCE),
        ("気分", DataCategory.AFFECT_INFERENCE),
        ("emotion_score", DataCategory.AFFECT_INFERENCE),
        ("heart_rate", DataCategory.PHYSIOLOGICAL_SIGNAL),
    ],
)
def test_a_mood_or_emotion_field_is_refused_and_nothing_is_stored(world, field, category):
    with pytest.raises(ProhibitedCategoryRefused) as refused:
        _save(world, "guardian", {"condition": "well", field: 3})
    assert refused.value.category is category
    assert not HealthObservation.objects.exists()


def test_the_page_refuses_a_mood_field_sent_anyway(world):
    response = world.client_for(world.guardian).post(
        "/attendance/observation/",
        {"learner": str(world.learner.uuid), "condition": "well", "mood": "5"},
    )
    assert response.status_code == 400
    assert "感情の推定" in response.content.decode()
    assert not HealthObservation.objects.exists()


def test_an_unknown_field_or_a_wild_temperature_is_refused(world):
    with pytest.raises(UserError):
        _save(world, "guardian", {"condition": "well", "sleep_hours": 3})
    with pytest.raises(UserError) as refused:
        _save(world, "guardian", {"condition": "unwell", "temperature": "45"})
    assert refused.value.location == "temperature"


@pytest.mark.parametrize("persona", ["subject_teacher", "school_admin", "stranger"])
def test_others_cannot_record_an_observation(world, persona):
    with pytest.raises(NotFound):
        access.access_learner_for_observation(
            Actor.for_person(world.persona(persona)), world.learner.uuid
        )
