"""The permission matrix: role × purpose × consent over the gate, with the STYLE.md personas
and an external client bound to the learner's school.

Each purpose is tried with the data category it is mainly about. ``Y``: allowed with or
without consent; ``C``: allowed only while consent is given; ``N``: never.
"""

from __future__ import annotations

import uuid

import pytest

from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.consent import consent_grant, consent_withdraw
from terakoya.privacy.gate import Actor, NotFound, authorize_learner, permitted_relation
from terakoya.privacy.models import AuditEntry
from terakoya.privacy.purposes import OPTIONAL_PURPOSES, Purpose

pytestmark = pytest.mark.django_db

P = Purpose
COLUMNS = [
    (P.INSTRUCTION, C.STUDY_LOG),
    (P.GRADING, C.GRADE),
    (P.ATTENDANCE, C.ATTENDANCE),
    (P.HEALTH_MANAGEMENT, C.HEALTH),
    (P.SCHOOL_RECORDS, C.GRADE),
    (P.STATUTORY_TRANSFER, C.GRADE),
    (P.SCHOOL_ADMINISTRATION, C.ROSTER),
    (P.GUARDIAN_COMMUNICATION, C.COMMUNICATION),
    (P.AGGREGATE_STATISTICS, C.STUDY_LOG),
    (P.SUBJECT_ACCESS, C.STUDY_LOG),
    (P.SECURITY_AUDIT, C.AUDIT),
    (P.STUDY_LOG_TRANSFER, C.STUDY_LOG),
    (P.EXTERNAL_TOOL_SHARING, C.STUDY_LOG),
    (P.INDIVIDUAL_RESEARCH, C.STUDY_LOG),
]
# fmt: off
#                   ins gra att hea rec trn adm com agg sar aud slt ext res
MATRIX = {
    "learner":          "Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   N   N   N",
    "guardian":         "Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   N   N   N",
    "homeroom_teacher": "Y   Y   Y   Y   Y   Y   Y   Y   Y   N   N   C   N   N",
    "subject_teacher":  "Y   Y   N   N   Y   Y   Y   N   Y   N   N   N   N   N",
    "nurse":            "N   N   Y   Y   N   N   Y   N   N   N   N   N   N   N",
    "school_admin":     "N   N   Y   N   N   N   Y   Y   N   N   N   N   N   N",
    "principal":        "N   Y   Y   N   Y   Y   Y   N   N   N   N   N   N   N",
    "board_analyst":    "N   N   N   N   N   N   N   N   N   N   N   N   N   N",
    "stranger":         "N   N   N   N   N   N   N   N   N   N   N   N   N   N",
    "client":           "Y   N   N   N   N   N   N   N   N   N   N   C   C   C",
}
# fmt: on


def _actors(world):
    actors = {name: Actor.for_person(world.persona(name)) for name in MATRIX if name != "client"}
    actors["client"] = Actor.for_client(
        label="ドリルアプリ", school_id=world.school.pk, client_uuid=uuid.uuid4()
    )
    return actors


def _decisions(world, actors) -> dict[str, str]:
    found = {}
    for name, actor in actors.items():
        actor._cache.clear()
        cells = []
        for purpose, category in COLUMNS:
            relation = permitted_relation(actor, world.learner, category=category, purpose=purpose)
            cells.append("1" if relation is not None else "0")
        found[name] = "".join(cells)
    return found


def _expected(consent: bool) -> dict[str, str]:
    allowed = {"Y": "1", "N": "0", "C": "1" if consent else "0"}
    return {name: "".join(allowed[c] for c in row.split()) for name, row in MATRIX.items()}


def test_the_matrix_is_complete():
    assert all(len(row.split()) == len(COLUMNS) for row in MATRIX.values())
    assert {p for p, _ in COLUMNS} == set(Purpose)


def test_without_consent_the_gate_allows_exactly_the_matrix(world):
    assert _decisions(world, _actors(world)) == _expected(consent=False)


def test_with_consent_the_gate_allows_exactly_the_matrix(world):
    for purpose in OPTIONAL_PURPOSES:
        consent_grant(
            learner=world.learner,
            given_by=world.guardian,
            given_by_role="guardian",
            purpose=purpose,
        )
    assert _decisions(world, _actors(world)) == _expected(consent=True)


def test_consent_for_another_learner_or_another_recipient_does_not_count(world):
    client = _actors(world)["client"]
    consent_grant(
        learner=world.classmate,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.EXTERNAL_TOOL_SHARING,
    )
    consent_grant(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.EXTERNAL_TOOL_SHARING,
        recipient=str(uuid.uuid4()),
    )
    assert (
        permitted_relation(
            client, world.learner, category=C.STUDY_LOG, purpose=Purpose.EXTERNAL_TOOL_SHARING
        )
        is None
    )
    consent_grant(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.EXTERNAL_TOOL_SHARING,
        recipient=str(client.client_uuid),
    )
    assert permitted_relation(
        client, world.learner, category=C.STUDY_LOG, purpose=Purpose.EXTERNAL_TOOL_SHARING
    )


def test_a_client_is_refused_on_the_first_request_after_the_guardian_withdraws(world):
    client = _actors(world)["client"]

    def request() -> None:
        authorize_learner(
            client,
            world.learner,
            category=C.STUDY_LOG,
            purpose=Purpose.EXTERNAL_TOOL_SHARING,
            action="statement.share",
            target_type="roster.person",
            target_uuid=world.learner.uuid,
        )

    consent_grant(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.EXTERNAL_TOOL_SHARING,
    )
    request()
    request()
    consent_withdraw(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.EXTERNAL_TOOL_SHARING,
    )
    with pytest.raises(NotFound):
        request()
    denied = AuditEntry.objects.latest("id")
    assert denied.outcome == "denied"
    assert denied.actor_role == "client"
    assert denied.purpose == "external_tool_sharing"


def test_a_client_of_another_school_is_refused_even_with_consent(world):
    other = Actor.for_client(label="x", school_id=world.other_school.pk, client_uuid=uuid.uuid4())
    consent_grant(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.EXTERNAL_TOOL_SHARING,
    )
    assert (
        permitted_relation(
            other, world.learner, category=C.STUDY_LOG, purpose=Purpose.EXTERNAL_TOOL_SHARING
        )
        is None
    )
