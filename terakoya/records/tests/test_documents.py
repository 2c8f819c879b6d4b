"""State, activity-profile and agent-profile documents: ETags, preconditions, merge, HEAD."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import orjson
import pytest

from terakoya.records.models import Document

pytestmark = pytest.mark.django_db

AGENT = '{"objectType": "Agent", "mbox": "mailto:learner@example.org"}'
ACTIVITY = "https://example.org/activities/drill"


def _state(**extra: str) -> str:
    return "activities/state?" + urlencode({"activityId": ACTIVITY, "agent": AGENT, **extra})


def _profile(**extra: str) -> str:
    return "activities/profile?" + urlencode({"activityId": ACTIVITY, **extra})


def _agent_profile(**extra: str) -> str:
    return "agents/profile?" + urlencode({"agent": AGENT, **extra})


def test_get_returns_a_quoted_sha1_etag_and_last_modified(lrs):
    body = orjson.dumps({"page": 1})
    assert lrs.put(_state(stateId="s1"), body).status_code == 204
    response = lrs.get(_state(stateId="s1"))
    assert response.content == body
    assert response["ETag"] == f'"{hashlib.sha1(body, usedforsecurity=False).hexdigest()}"'
    assert response["Last-Modified"]
    head = lrs.head(_state(stateId="s1"))
    assert head.content == b""
    assert head["ETag"] == response["ETag"]


def test_if_match_mismatch_is_412_and_changes_nothing(lrs):
    lrs.put(_profile(profileId="p"), {"a": 1}, HTTP_IF_NONE_MATCH="*")
    response = lrs.put(_profile(profileId="p"), {"a": 2}, HTTP_IF_MATCH='"0000"')
    assert response.status_code == 412
    assert orjson.loads(lrs.get(_profile(profileId="p")).content) == {"a": 1}


def test_if_none_match_star_on_an_existing_document_is_412(lrs):
    lrs.put(_profile(profileId="p"), {"a": 1}, HTTP_IF_NONE_MATCH="*")
    assert lrs.put(_profile(profileId="p"), {"a": 2}, HTTP_IF_NONE_MATCH="*").status_code == 412


def test_a_profile_put_without_preconditions_on_an_existing_document_is_409(lrs):
    lrs.put(_agent_profile(profileId="p"), {"a": 1}, HTTP_IF_NONE_MATCH="*")
    response = lrs.put(_agent_profile(profileId="p"), {"a": 2})
    assert response.status_code == 409
    assert "If-Match" in response.json()["message_en"]
    etag = lrs.get(_agent_profile(profileId="p"))["ETag"]
    assert lrs.put(_agent_profile(profileId="p"), {"a": 2}, HTTP_IF_MATCH=etag).status_code == 204


def test_state_put_without_preconditions_is_409_in_2_0_and_overwrites_in_1_0_3(lrs):
    lrs.put(_state(stateId="s"), {"a": 1})
    assert lrs.put(_state(stateId="s"), {"a": 2}).status_code == 409
    lrs.version = "1.0.3"
    assert lrs.put(_state(stateId="s"), {"a": 2}).status_code == 204
    assert orjson.loads(lrs.get(_state(stateId="s")).content) == {"a": 2}


def test_post_merges_json_objects_top_level_keys_overwrite(lrs):
    lrs.post(_state(stateId="s"), {"a": 1, "b": {"x": 1}})
    assert lrs.post(_state(stateId="s"), {"b": {"y": 2}, "c": 3}).status_code == 204
    assert orjson.loads(lrs.get(_state(stateId="s")).content) == {"a": 1, "b": {"y": 2}, "c": 3}


def test_post_refuses_non_json_on_either_side(lrs):
    lrs.put(_state(stateId="text"), b"plain", content_type="text/plain")
    assert lrs.post(_state(stateId="text"), {"a": 1}).status_code == 400
    assert lrs.post(_state(stateId="new"), b"[1, 2]").status_code == 400
    assert lrs.post(_state(stateId="new"), b"plain", content_type="text/plain").status_code == 400


def test_multi_document_get_returns_ids_and_filters_by_since(lrs):
    lrs.put(_state(stateId="a"), {"a": 1})
    stamp = Document.objects.get(doc_id="a").updated.isoformat()
    lrs.put(_state(stateId="b"), {"b": 1})
    assert lrs.get(_state()).json() == ["a", "b"]
    assert lrs.get(_state(since=stamp)).json() == ["b"]


def test_state_is_keyed_on_registration_and_delete_can_scope_by_it(lrs):
    registration = "2b4d2dbd-1c6a-4a55-9a4b-7b4b7b7b7b7b"
    lrs.put(_state(stateId="s", registration=registration), {"r": 1})
    lrs.put(_state(stateId="s"), {"r": 0})
    assert orjson.loads(lrs.get(_state(stateId="s", registration=registration)).content) == {"r": 1}
    assert (
        lrs.delete(
            _state(registration=registration).split("?", 1)[0],
            _state(registration=registration).split("?", 1)[1],
        ).status_code
        == 204
    )
    assert lrs.get(_state(stateId="s", registration=registration)).status_code == 404
    assert lrs.get(_state(stateId="s")).status_code == 200


def test_missing_document_is_404_and_bad_agent_is_400(lrs):
    assert lrs.get(_state(stateId="none")).status_code == 404
    bad = "activities/state?" + urlencode({"activityId": ACTIVITY, "agent": "{", "stateId": "x"})
    assert lrs.get(bad).status_code == 400


def test_documents_are_per_school(lrs, world):
    from terakoya.records.tests.conftest import make_client

    lrs.put(_state(stateId="s"), {"a": 1})
    stranger = make_client(world.other_school)
    assert stranger.get(_state(stateId="s")).status_code == 404


def test_a_deeply_nested_json_document_is_refused(lrs):
    body = b'{"a": ' + b"[" * 300 + b"1" + b"]" * 300 + b"}"
    assert lrs.post(_state(stateId="deep"), body).status_code == 400
    assert lrs.put(_state(stateId="deep"), body).status_code == 400
    assert not Document.objects.exists()
