"""Malformed input answers 4xx, never 500, and stores nothing (reference checklist §16)."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terakoya.records.models import Document, Statement
from terakoya.records.tests.conftest import statement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body",
    [b"{", b"", b"null", b"[]", b"42", b'"text"', b"[1, 2]", b"\xff\xfe", b'{"actor": }', b"[{}]"],
)
def test_malformed_json_is_400_and_stores_nothing(lrs, body):
    response = lrs.post("statements", body)
    assert response.status_code == 400
    assert response.json()["message_en"]
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"no delimiters at all", "multipart/mixed; boundary=abc"),
        (b"--abc\r\nContent-Type: application/json\r\n\r\n{}\r\n", "multipart/mixed; boundary=abc"),
        (b"--abc\r\n\r\n--abc--", "multipart/mixed; boundary=abc"),
        (
            b"--abc\r\nContent-Type: application/json\r\n\r\n{\r\n--abc--",
            "multipart/mixed; boundary=abc",
        ),
        (b"--abc--", "multipart/mixed"),
        (b"--abcContent-Type: x\r\n\r\n{}\r\n--abc--", "multipart/mixed; boundary=abc"),
    ],
)
def test_broken_multipart_is_400_and_stores_nothing(lrs, body, content_type):
    assert lrs.post("statements", body, content_type=content_type).status_code == 400
    assert Statement.objects.count() == 0


def test_a_multipart_part_without_a_hash_header_is_refused(lrs):
    body = (
        b"--abc\r\nContent-Type: application/json\r\n\r\n"
        + orjson.dumps(statement())
        + b"\r\n--abc\r\nContent-Type: text/plain\r\n\r\nstray\r\n--abc--\r\n"
    )
    assert (
        lrs.post("statements", body, content_type="multipart/mixed; boundary=abc").status_code
        == 400
    )
    assert Statement.objects.count() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_oversized_body_is_413_and_stores_nothing(lrs):
    huge = statement(result={"response": "あ" * 20_000})
    assert lrs.post("statements", huge).status_code == 413
    assert (
        lrs.put(
            "activities/profile?activityId=https://example.org/a&profileId=p",
            b"x" * 20_000,
            content_type="application/octet-stream",
            HTTP_IF_NONE_MATCH="*",
        ).status_code
        == 413
    )
    assert Statement.objects.count() == 0
    assert Document.objects.count() == 0


def test_a_wrong_content_type_is_400(lrs):
    assert lrs.post("statements", b"actor=x", content_type="text/plain").status_code == 400


def test_unknown_parameters_are_400(lrs):
    assert lrs.get("statements", {"colour": "blue"}).status_code == 400
    assert lrs.get("statements", {"since": "yesterday"}).status_code == 400
    assert lrs.get("statements", {"limit": "-1"}).status_code == 400
    assert lrs.get("statements", {"agent": '{"name": "no ifi"}'}).status_code == 400


# --- property test: mutate a valid statement anywhere; the answer is never a 5xx ----------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(
        [
            "mailto:a@b.c",
            "http://x.y/z",
            "2026-01-01T00:00:00Z",
            "PT1S",
            "Group",
            "Agent",
            "SubStatement",
            "StatementRef",
            "choice",
            "9b1c1a9e-0000-4000-8000-000000000000",
        ]
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


_BASE = statement(
    id="9b1c1a9e-1111-4000-8000-000000000000",
    result={"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "duration": "PT3S"},
    context={
        "registration": "9b1c1a9e-2222-4000-8000-000000000000",
        "contextActivities": {"parent": [{"id": "https://example.org/p"}]},
        "instructor": {"mbox": "mailto:t@example.org"},
    },
    attachments=[
        {
            "usageType": "https://example.org/u",
            "display": {"en": "a"},
            "contentType": "text/plain",
            "length": 1,
            "sha2": "a" * 64,
            "fileUrl": "https://example.org/f",
        }
    ],
)
_BASE_PATHS = _paths(_BASE)


@given(
    path=st.sampled_from(_BASE_PATHS),
    value=_VALUES,
    delete=st.booleans(),
    version=st.sampled_from(["1.0.3", "2.0.0"]),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_mutated_statements_never_cause_a_server_error(lrs, path, value, delete, version):
    mutated = copy.deepcopy(_BASE)
    if not path:
        mutated = value
    else:
        parent: Any = mutated
        for step in path[:-1]:
            parent = parent[step]
        if delete and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = value
    lrs.version = version
    try:
        body = orjson.dumps(mutated)
    except TypeError:
        return
    response = lrs.post("statements", body)
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.json()["message_en"]
    get = lrs.get(
        "statements", {"statementId": "9b1c1a9e-1111-4000-8000-000000000000", "format": "ids"}
    )
    assert get.status_code < 500


def test_deeply_nested_extensions_are_refused_not_crashed(lrs):
    for depth in (200, 900):
        marker = '"DEEP"'
        body = orjson.dumps(
            statement(result={"extensions": {"https://example.org/ext/deep": "DEEP"}})
        ).replace(marker.encode(), b"[" * depth + b'"x"' + b"]" * depth)
        response = lrs.post("statements", body)
        assert response.status_code in {200, 400}
    deeper = b'{"a":' * 2000 + b"1" + b"}" * 2000
    assert lrs.post("statements", deeper).status_code == 400
