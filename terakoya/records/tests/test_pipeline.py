"""The privacy pipeline on every statement (DESIGN §3), over HTTP and through statement_store."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from terakoya.privacy.audit import AuditActor
from terakoya.privacy.consent import consent_grant, consent_withdraw
from terakoya.privacy.models import AuditEntry
from terakoya.privacy.pseudonyms import pseudonym_for
from terakoya.privacy.purposes import Purpose
from terakoya.records import services
from terakoya.records.models import Document, Statement
from terakoya.records.tests.conftest import make_client, new_id, statement
from terakoya.records.xapi.errors import XapiError

pytestmark = pytest.mark.django_db


def _learner_actor(learner) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "account": {"homePage": "https://tool.example", "name": str(learner.uuid)},
    }


def test_a_my_number_anywhere_is_refused_with_a_bilingual_message_and_nothing_stored(lrs):
    body = statement(result={"response": "私の番号は 6214 9832 0257 です"})
    response = lrs.post("statements", body)
    assert response.status_code == 400
    error = response.json()
    assert "マイナンバー" in error["message"]
    assert "My Number" in error["message_en"]
    assert error["location"] == "$[0].result.response"
    assert "6214" not in response.content.decode()
    assert Statement.objects.count() == 0


def test_a_my_number_in_an_extension_value_is_refused(lrs):
    body = statement(context={"extensions": {"https://example.org/ext/id": "621498320257"}})
    assert lrs.post("statements", body).status_code == 400


def test_a_uuid_that_looks_like_digits_is_not_taken_for_a_my_number(lrs):
    # "14086050-8628-…" reads as 1408 6050 8628, a valid check digit: it is still a UUID.
    sid = "14086050-8628-4097-98c7-dcea6c411f24"
    assert lrs.put(f"statements?statementId={sid}", statement()).status_code == 204


@pytest.mark.parametrize(
    "where",
    [
        {"result": {"extensions": {"https://example.org/ext/heart-rate": 92}}},
        {"verb": {"id": "https://example.org/verbs/felt-frustration"}},
        {
            "object": {
                "id": "https://example.org/a",
                "definition": {"type": "https://example.org/types/eye-tracking"},
            }
        },
        {"context": {"extensions": {"https://example.org/ext/emotion": "happy"}}},
        {"result": {"extensions": {"https://example.org/ext/表情": "smile"}}},
    ],
)
def test_prohibited_categories_are_refused_in_keys_verbs_and_types(lrs, where):
    response = lrs.post("statements", statement(**where))
    assert response.status_code == 400
    assert response.json()["code"] == "prohibited_category"
    assert Statement.objects.count() == 0


def test_a_refusal_leaves_only_a_count_in_the_audit_log(lrs):
    lrs.post("statements", statement(result={"response": "621498320257"}))
    refused = AuditEntry.objects.get(action="statement.refused")
    assert refused.count == 1
    assert refused.subject_uuid is None


def test_an_account_name_that_is_a_learner_id_links_the_statement_to_the_learner(lrs, world):
    lrs.post("statements", statement(actor=_learner_actor(world.learner)))
    stored = Statement.objects.get()
    assert stored.learner_id == world.learner.pk
    entry = AuditEntry.objects.get(action="statement.store")
    assert entry.subject_uuid == world.learner.uuid


def test_a_learner_of_another_school_is_refused_403(lrs, world):
    response = lrs.post("statements", statement(actor=_learner_actor(world.other_learner)))
    assert response.status_code == 403
    assert Statement.objects.count() == 0


def test_an_external_client_names_learners_by_pairwise_pseudonym(world):
    tool = make_client(world.school, pseudonymous=True)
    pseudonym = pseudonym_for(learner_uuid=world.learner.uuid, recipient=tool.key)
    actor = {
        "objectType": "Agent",
        "account": {"homePage": "https://tool.example", "name": pseudonym},
    }
    assert tool.post("statements", statement(actor=actor)).status_code == 200
    assert Statement.objects.get().learner_id == world.learner.pk
    other = make_client(world.school, pseudonymous=True)
    assert pseudonym_for(learner_uuid=world.learner.uuid, recipient=other.key) != pseudonym


def test_a_consent_purpose_needs_the_guardians_consent(world):
    tool = make_client(world.school, purpose=Purpose.EXTERNAL_TOOL_SHARING, pseudonymous=True)
    actor = {
        "objectType": "Agent",
        "account": {
            "homePage": "https://tool.example",
            "name": pseudonym_for(learner_uuid=world.learner.uuid, recipient=tool.key),
        },
    }
    response = tool.post("statements", statement(actor=actor))
    assert response.status_code == 403
    assert response.json()["code"] == "consent_missing"
    assert "同意" in response.json()["message"]
    assert Statement.objects.count() == 0
    consent_grant(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.EXTERNAL_TOOL_SHARING,
    )
    assert tool.post("statements", statement(actor=actor)).status_code == 200
    consent_withdraw(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.EXTERNAL_TOOL_SHARING,
    )
    assert tool.post("statements", statement(actor=actor)).status_code == 403


def test_reads_are_audited_once_per_learner_per_request(lrs, world):
    lrs.post("statements", [statement(actor=_learner_actor(world.learner)) for _ in range(3)])
    lrs.get("statements")
    reads = AuditEntry.objects.filter(action="statement.read")
    assert [r.subject_uuid for r in reads] == [world.learner.uuid]


def test_writes_are_audited_once_per_learner_per_request(lrs, world):
    lrs.post(
        "statements",
        [statement(actor=_learner_actor(world.learner)) for _ in range(3)]
        + [statement(actor=_learner_actor(world.classmate))],
    )
    entries = {e.subject_uuid: e.count for e in AuditEntry.objects.filter(action="statement.store")}
    assert entries == {world.learner.uuid: 3, world.classmate.uuid: 1}


def test_terakoyas_own_features_record_through_statement_store(world):
    ids = services.statement_store(
        school=world.school,
        statements=[
            {
                "actor": services.learner_agent(world.learner.uuid),
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"id": "https://terakoya.invalid/items/1"},
                "result": {"success": True},
            }
        ],
        purpose=Purpose.INSTRUCTION,
        actor=AuditActor(uuid=world.learner.uuid, role="learner"),
    )
    stored = Statement.objects.get(statement_id=ids[0])
    assert stored.learner_id == world.learner.pk
    assert stored.client_id is None
    with pytest.raises(XapiError) as refused:
        services.statement_store(
            school=world.school,
            statements=[statement(result={"response": "621498320257"})],
        )
    assert refused.value.status == 400


def test_documents_about_a_learner_are_linked_and_screened(lrs, world):
    params = {
        "activityId": "https://example.org/act",
        "agent": orjson.dumps(_learner_actor(world.learner)).decode(),
        "stateId": "progress",
    }
    query = "&".join(f"{k}={v}" for k, v in params.items())
    assert lrs.put(f"activities/state?{query}", {"page": 3}).status_code == 204
    assert Document.objects.get().learner_id == world.learner.pk
    response = lrs.put(f"activities/state?{query}", {"note": "6214-9832-0257"}, HTTP_IF_MATCH="*")
    assert response.status_code == 400
    assert (
        lrs.put(
            "activities/state?activityId=https://example.org/act&agent="
            '{"mbox":"mailto:a@example.org"}&stateId=pulse-log',
            {"x": 1},
        ).status_code
        == 400
    )


def test_admin_erasure_by_learner_and_by_range_is_audited(lrs, world):
    lrs.post("statements", [statement(actor=_learner_actor(world.learner)), statement()])
    actor = AuditActor(uuid=world.school_admin.uuid, role="school_admin")
    assert (
        services.statement_delete_for_learner(
            school=world.school, learner=world.learner, actor=actor
        )
        == 1
    )
    assert Statement.objects.count() == 1
    erased = AuditEntry.objects.get(action="statement.erase_learner")
    assert erased.subject_uuid == world.learner.uuid
    import datetime as dt

    from terakoya.core import clock

    now = clock.now()
    count = services.statement_delete_range(
        school=world.school,
        stored_from=now - dt.timedelta(hours=1),
        stored_to=now + dt.timedelta(hours=1),
        actor=actor,
    )
    assert count == 1
    assert Statement.objects.count() == 0
    assert AuditEntry.objects.get(action="statement.erase_range").count == 1


def test_the_management_command_prints_key_and_secret_that_work(world, client):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("lrs_client_create", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    from terakoya.records.tests.conftest import Lrs

    lrs = Lrs(http=client, key=lines["key"], secret=lines["secret"])
    assert lrs.post("statements", statement()).status_code == 200
    assert Statement.objects.get().school_id == world.school.pk


def test_a_revoked_client_is_refused(world):
    issued = services.lrs_client_create(school=world.school, name="t", purpose=Purpose.INSTRUCTION)
    from django.test import Client

    from terakoya.records.tests.conftest import Lrs

    lrs = Lrs(http=Client(), key=issued.client.key, secret=issued.secret)
    assert lrs.get("statements").status_code == 200
    services.lrs_client_revoke(client=issued.client, actor=AuditActor(uuid=None, role="system"))
    assert lrs.get("statements").status_code == 401


def test_the_secret_is_stored_only_as_a_digest(world):
    issued = services.lrs_client_create(school=world.school, name="t", purpose=Purpose.INSTRUCTION)
    issued.client.refresh_from_db()
    assert issued.secret not in issued.client.secret_hash
    assert len(issued.client.secret_hash) == 64


def test_new_id_helper_is_unique():
    assert new_id() != new_id()


def test_the_delete_command_erases_a_learners_statements_outside_xapi(lrs, world):
    from io import StringIO

    from django.core.management import call_command

    lrs.post("statements", [statement(actor=_learner_actor(world.learner)), statement()])
    out = StringIO()
    call_command(
        "lrs_statements_delete",
        "--school",
        world.school.code,
        "--learner",
        str(world.learner.uuid),
        stdout=out,
    )
    assert out.getvalue().strip() == "deleted=1"
    assert Statement.objects.count() == 1
    assert not Statement.objects.filter(learner=world.learner).exists()
    entry = AuditEntry.objects.get(action="statement.erase_learner")
    assert entry.actor_role == "operator"
