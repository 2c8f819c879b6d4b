"""Pairwise pseudonyms: stable per recipient, different across recipients, keyed."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terakoya.privacy.pseudonyms import learner_for_pseudonym, pseudonym_for, pseudonym_index

LEARNER = uuid.UUID("5b0c8f1e-8d2a-4c1e-9b7a-2f3d4e5a6b7c")


def test_the_same_learner_and_recipient_always_get_the_same_pseudonym():
    first = pseudonym_for(learner_uuid=LEARNER, recipient="drill-app")
    again = pseudonym_for(learner_uuid=str(LEARNER), recipient="drill-app")
    assert first == again
    assert len(first) == 64
    assert int(first, 16) >= 0


@given(a=st.text(min_size=1, max_size=40), b=st.text(min_size=1, max_size=40), u=st.uuids())
def test_two_recipients_get_different_pseudonyms(a, b, u):
    if a != b:
        assert pseudonym_for(learner_uuid=u, recipient=a) != pseudonym_for(
            learner_uuid=u, recipient=b
        )


def test_the_pseudonym_is_not_a_plain_hash_of_the_uuid_and_changes_with_the_key(settings):
    value = pseudonym_for(learner_uuid=LEARNER, recipient="drill-app")
    assert value != hashlib.sha256(LEARNER.bytes + b"drill-app").hexdigest()
    assert str(LEARNER).replace("-", "") not in value
    settings.PSEUDONYM_KEY = "another-installation"
    assert pseudonym_for(learner_uuid=LEARNER, recipient="drill-app") != value


def test_a_recipient_is_required():
    with pytest.raises(ValueError, match="recipient"):
        pseudonym_for(learner_uuid=LEARNER, recipient="")


@pytest.mark.django_db
def test_terakoya_finds_the_learner_behind_a_pseudonym_only_within_the_school(world):
    pseudonym = pseudonym_for(learner_uuid=world.learner.uuid, recipient="drill-app")
    found = learner_for_pseudonym(
        pseudonym=pseudonym, recipient="drill-app", school_id=world.school.pk
    )
    assert found is not None
    assert found.pk == world.learner.pk
    assert (
        learner_for_pseudonym(pseudonym=pseudonym, recipient="other", school_id=world.school.pk)
        is None
    )
    assert (
        learner_for_pseudonym(
            pseudonym=pseudonym, recipient="drill-app", school_id=world.other_school.pk
        )
        is None
    )
    index = pseudonym_index(school_id=world.school.pk, recipient="drill-app")
    assert set(index.values()) == {world.learner.uuid, world.classmate.uuid}
