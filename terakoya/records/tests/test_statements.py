"""The statements resource over HTTP, point by point against the reference checklist."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from terakoya.records.models import Statement
from terakoya.records.tests.conftest import make_client, new_id, statement

pytestmark = pytest.mark.django_db


def _ids(response) -> list[str]:
    return [s["id"] for s in response.json()["statements"]]


def test_every_response_carries_the_version_of_the_request(lrs):
    assert lrs.get("about")["X-Experience-API-Version"] == "2.0.0"
    lrs.version = "1.0.3"
    response = lrs.get("statements")
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_a_request_without_the_version_header_is_refused_except_about(lrs):
    lrs.version = ""
    assert lrs.get("statements").status_code == 400
    assert lrs.http.get("/xapi/about").status_code == 200


@pytest.mark.parametrize("version", ["1.1.0", "0.9", "3.0.0", "two", "2.1.0"])
def test_an_unsupported_version_is_refused_and_nothing_is_stored(lrs, version):
    lrs.version = version
    assert lrs.post("statements", statement()).status_code == 400
    assert Statement.objects.count() == 0


def test_about_lists_both_versions_and_needs_no_credentials(client):
    response = client.get("/xapi/about")
    assert response.json()["version"] == ["1.0.3", "2.0.0"]


def test_missing_or_wrong_credentials_get_401(lrs):
    lrs.secret = "wrong"
    response = lrs.post("statements", statement())
    assert response.status_code == 401
    assert "Basic" in response["WWW-Authenticate"]
    assert Statement.objects.count() == 0


def test_put_stores_a_statement_under_the_given_id_and_get_returns_it(lrs):
    sid = new_id()
    assert lrs.put(f"statements?statementId={sid}", statement()).status_code == 204
    response = lrs.get("statements", {"statementId": sid})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == sid
    assert body["authority"]["account"]["name"] == lrs.key
    assert body["version"] == "2.0.0"
    assert body["timestamp"] == body["stored"]
    assert response["Last-Modified"]
    assert response["X-Experience-API-Consistent-Through"]


def test_post_returns_ids_in_order_and_assigns_missing_ones(lrs):
    given = new_id()
    response = lrs.post("statements", [statement(id=given), statement()])
    assert response.status_code == 200
    ids = response.json()
    assert ids[0] == given
    assert len(ids) == 2
    assert Statement.objects.count() == 2


def test_the_lrs_overwrites_a_supplied_stored_and_authority(lrs):
    sid = new_id()
    bogus = {"objectType": "Agent", "mbox": "mailto:imposter@example.org"}
    lrs.post("statements", statement(id=sid, stored="2001-01-01T00:00:00Z", authority=bogus))
    body = lrs.get("statements", {"statementId": sid}).json()
    assert body["stored"] != "2001-01-01T00:00:00Z"
    assert body["authority"]["account"]["name"] == lrs.key


def test_a_repeated_identical_statement_is_accepted_and_a_different_one_conflicts(lrs):
    sid = new_id()
    first = statement(id=sid, timestamp="2026-05-01T09:00:00+09:00")
    assert lrs.post("statements", first).status_code == 200
    # The same instant written in UTC, and a different verb display, are the same statement.
    same = statement(id=sid, timestamp="2026-05-01T00:00:00Z")
    same["verb"]["display"] = {"ja": "回答した"}
    assert lrs.post("statements", same).status_code == 200
    assert lrs.put(f"statements?statementId={sid}", same).status_code == 204
    different = statement(id=sid, result={"duration": "PT1M"})
    assert lrs.post("statements", different).status_code == 409
    assert Statement.objects.count() == 1


def test_a_duration_is_compared_as_written(lrs):
    sid = new_id()
    lrs.post("statements", statement(id=sid, result={"duration": "PT60S"}))
    assert lrs.post("statements", statement(id=sid, result={"duration": "PT1M"})).status_code == 409


def test_a_batch_repeating_an_id_is_refused_whole(lrs):
    sid = new_id()
    assert lrs.post("statements", [statement(id=sid), statement(id=sid)]).status_code == 400
    assert Statement.objects.count() == 0


def test_a_batch_with_one_invalid_statement_stores_nothing(lrs):
    broken = statement()
    broken["verb"] = {"id": "not an iri"}
    assert lrs.post("statements", [statement(), broken]).status_code == 400
    assert Statement.objects.count() == 0


def _void(target: str) -> dict[str, Any]:
    return statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": target},
    )


def test_voided_statements_are_hidden_except_by_voided_statement_id(lrs):
    sid = new_id()
    lrs.post("statements", statement(id=sid))
    void_id = new_id()
    assert lrs.post("statements", {**_void(sid), "id": void_id}).status_code == 200
    assert lrs.get("statements", {"statementId": sid}).status_code == 404
    assert lrs.get("statements", {"voidedStatementId": sid}).json()["id"] == sid
    listed = _ids(lrs.get("statements"))
    assert sid not in listed
    assert void_id in listed


def test_a_voiding_statement_cannot_itself_be_voided(lrs):
    sid, void_id = new_id(), new_id()
    lrs.post("statements", [statement(id=sid), {**_void(sid), "id": void_id}])
    lrs.post("statements", _void(void_id))
    assert lrs.get("statements", {"statementId": void_id}).status_code == 200


def test_voiding_an_unknown_statement_is_allowed(lrs):
    assert lrs.post("statements", _void(new_id())).status_code == 200


def test_voiding_needs_a_statement_ref(lrs):
    bad = statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"})
    assert lrs.post("statements", bad).status_code == 400


def test_statement_id_with_other_parameters_is_refused(lrs):
    sid = new_id()
    lrs.post("statements", statement(id=sid))
    assert lrs.get("statements", {"statementId": sid, "voidedStatementId": sid}).status_code == 400
    assert lrs.get("statements", {"statementId": sid, "limit": "1"}).status_code == 400
    assert lrs.get("statements", {"statementId": sid, "format": "ids"}).status_code == 200


def test_no_match_is_an_empty_result(lrs):
    response = lrs.get("statements", {"verb": "https://example.org/never"})
    assert response.json() == {"statements": [], "more": ""}


def test_filters_by_agent_verb_activity_and_registration(lrs):
    registration = new_id()
    alice = {"objectType": "Agent", "mbox": "mailto:alice@example.org"}
    target = statement(
        actor=alice,
        verb={"id": "https://example.org/verbs/solved"},
        object={"id": "https://example.org/act/1"},
        context={"registration": registration},
    )
    lrs.post("statements", [target, statement()])
    sid = lrs.get("statements", {"agent": orjson.dumps(alice).decode()}).json()["statements"]
    assert len(sid) == 1
    assert len(_ids(lrs.get("statements", {"verb": "https://example.org/verbs/solved"}))) == 1
    assert len(_ids(lrs.get("statements", {"activity": "https://example.org/act/1"}))) == 1
    assert len(_ids(lrs.get("statements", {"registration": registration}))) == 1


def test_related_agents_and_activities_look_into_context_and_substatements(lrs):
    teacher = {"objectType": "Agent", "mbox": "mailto:teacher@example.org"}
    parent = "https://example.org/course/science"
    inner = "https://example.org/act/inner"
    sid = new_id()
    lrs.post(
        "statements",
        statement(
            id=sid,
            object={
                "objectType": "SubStatement",
                "actor": {"mbox": "mailto:sub@example.org"},
                "verb": {"id": "https://example.org/verbs/planned"},
                "object": {"id": inner},
            },
            context={"instructor": teacher, "contextActivities": {"parent": [{"id": parent}]}},
        ),
    )
    agent = orjson.dumps(teacher).decode()
    assert _ids(lrs.get("statements", {"agent": agent})) == []
    assert _ids(lrs.get("statements", {"agent": agent, "related_agents": "true"})) == [sid]
    assert _ids(lrs.get("statements", {"activity": parent})) == []
    assert _ids(lrs.get("statements", {"activity": parent, "related_activities": "true"})) == [sid]
    assert _ids(lrs.get("statements", {"activity": inner, "related_activities": "true"})) == [sid]


def test_filters_also_return_statements_referring_to_matches(lrs):
    sid = new_id()
    lrs.post("statements", statement(id=sid, verb={"id": "https://example.org/verbs/rare"}))
    ref = new_id()
    lrs.post(
        "statements",
        statement(
            id=ref,
            verb={"id": "https://example.org/verbs/commented"},
            object={"objectType": "StatementRef", "id": sid},
        ),
    )
    assert set(_ids(lrs.get("statements", {"verb": "https://example.org/verbs/rare"}))) == {
        sid,
        ref,
    }


def test_since_is_exclusive_and_until_inclusive_on_stored(lrs):
    first, second = new_id(), new_id()
    lrs.post("statements", statement(id=first))
    lrs.post("statements", statement(id=second))
    stored = lrs.get("statements", {"statementId": first}).json()["stored"]
    assert first not in _ids(lrs.get("statements", {"since": stored}))
    assert second in _ids(lrs.get("statements", {"since": stored}))
    assert _ids(lrs.get("statements", {"until": stored})) == [first]


def test_ascending_and_limit(lrs):
    ids = [new_id() for _ in range(3)]
    for sid in ids:
        lrs.post("statements", statement(id=sid))
    assert _ids(lrs.get("statements", {"ascending": "true"})) == ids
    assert _ids(lrs.get("statements", {"limit": "2"})) == ids[::-1][:2]
    assert _ids(lrs.get("statements", {"limit": "0"})) == ids[::-1]


def test_more_is_relative_stable_under_inserts_and_empty_at_the_end(lrs):
    ids = [new_id() for _ in range(5)]
    for sid in ids:
        lrs.post("statements", statement(id=sid))
    page = lrs.get("statements", {"limit": "2"}).json()
    assert page["more"].startswith("/xapi/statements/more/")
    seen = [s["id"] for s in page["statements"]]
    lrs.post("statements", statement())  # an insert between pages must not shift them
    while page["more"]:
        page = lrs.http.get(page["more"], **lrs.headers()).json()
        seen.extend(s["id"] for s in page["statements"])
    assert seen == ids[::-1]
    assert page["more"] == ""


def test_more_of_another_client_is_not_found(lrs, world):
    for _ in range(3):
        lrs.post("statements", statement())
    more = lrs.get("statements", {"limit": "1"}).json()["more"]
    other = make_client(world.school)
    assert other.http.get(more, **other.headers()).status_code == 404


def test_formats_ids_and_canonical(lrs):
    sid = new_id()
    body = statement(id=sid)
    body["object"]["definition"]["name"] = {"ja": "分数", "en-US": "Fractions"}
    lrs.post("statements", body)
    ids = lrs.get("statements", {"statementId": sid, "format": "ids"}).json()
    assert ids["object"] == {"id": body["object"]["id"]}
    assert ids["verb"] == {"id": body["verb"]["id"]}
    canonical = lrs.get(
        "statements", {"statementId": sid, "format": "canonical"}, HTTP_ACCEPT_LANGUAGE="en-US"
    ).json()
    assert canonical["object"]["definition"]["name"] == {"en-US": "Fractions"}
    assert lrs.get("statements", {"format": "everything"}).status_code == 400


def test_head_is_get_without_a_body(lrs):
    lrs.post("statements", statement())
    get = lrs.get("statements")
    head = lrs.head("statements")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["X-Experience-API-Version"] == "2.0.0"


def _multipart(parts: list[tuple[dict[str, str], bytes]], boundary: str = "xyzzy") -> bytes:
    out = b""
    for headers, body in parts:
        out += f"--{boundary}\r\n".encode()
        out += "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode() + b"\r\n"
        out += body + b"\r\n"
    return out + f"--{boundary}--\r\nan epilogue is tolerated\r\n".encode()


def _attachment(data: bytes, **extra: str) -> dict[str, Any]:
    return {
        "usageType": "https://example.org/attachments/worksheet",
        "display": {"ja": "ワークシート"},
        "contentType": "text/plain",
        "length": len(data),
        "sha2": hashlib.sha256(data).hexdigest(),
        **extra,
    }


def test_attachments_in_multipart_are_stored_and_returned(lrs):
    data = "答え: 3/4".encode()
    sid = new_id()
    body = _multipart(
        [
            (
                {"Content-Type": "application/json"},
                orjson.dumps(statement(id=sid, attachments=[_attachment(data)])),
            ),
            (
                {
                    "Content-Type": "text/plain",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": hashlib.sha256(data).hexdigest(),
                },
                data,
            ),
        ]
    )
    response = lrs.post("statements", body, content_type='multipart/mixed; boundary="xyzzy"')
    assert response.status_code == 200, response.content
    fetched = lrs.get("statements", {"statementId": sid, "attachments": "true"})
    assert fetched["Content-Type"].startswith("multipart/mixed")
    assert data in fetched.content
    assert lrs.get("statements", {"statementId": sid})["Content-Type"] == "application/json"


def test_an_attachment_without_its_part_or_file_url_is_refused(lrs):
    data = b"missing"
    body = _multipart(
        [
            (
                {"Content-Type": "application/json"},
                orjson.dumps(statement(attachments=[_attachment(data)])),
            )
        ]
    )
    response = lrs.post("statements", body, content_type="multipart/mixed; boundary=xyzzy")
    assert response.status_code == 400
    assert lrs.post("statements", statement(attachments=[_attachment(data)])).status_code == 400
    with_url = _attachment(data, fileUrl="https://example.org/files/1")
    assert lrs.post("statements", statement(attachments=[with_url])).status_code == 200


def _signed(body: dict[str, Any], *, alg: str = "RS256") -> tuple[bytes, dict[str, Any]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tool")])
    import datetime as dt

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2040, 1, 1, tzinfo=dt.UTC))
        .sign(key, hashes.SHA256())
    )
    header = {
        "alg": alg,
        "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()],
    }

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(orjson.dumps(header))}.{b64(orjson.dumps(body))}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    token = f"{signing_input}.{b64(signature)}".encode()
    attachment = {
        "usageType": "http://adlnet.gov/expapi/attachments/signature",
        "display": {"en-US": "signature"},
        "contentType": "application/octet-stream",
        "length": len(token),
        "sha2": hashlib.sha256(token).hexdigest(),
    }
    return token, attachment


def _post_signed(lrs, body: dict[str, Any], token: bytes, attachment: dict[str, Any]):
    payload = _multipart(
        [
            (
                {"Content-Type": "application/json"},
                orjson.dumps({**body, "attachments": [attachment]}),
            ),
            (
                {
                    "Content-Type": "application/octet-stream",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": attachment["sha2"],
                },
                token,
            ),
        ]
    )
    return lrs.post("statements", payload, content_type="multipart/mixed; boundary=xyzzy")


def test_a_signed_statement_is_accepted_and_a_tampered_one_refused(lrs):
    body = statement(id=new_id())
    token, attachment = _signed(body)
    assert _post_signed(lrs, body, token, attachment).status_code == 200
    other = statement(id=new_id())
    token, attachment = _signed({**other, "verb": {"id": "https://example.org/verbs/forged"}})
    assert _post_signed(lrs, other, token, attachment).status_code == 400


def test_a_signature_with_a_non_rsa_algorithm_is_refused(lrs):
    body = statement(id=new_id())
    token, attachment = _signed(body)
    _head, payload, signature = token.split(b".")
    forged_head = base64.urlsafe_b64encode(b'{"alg":"HS256"}').rstrip(b"=")
    token = b".".join([forged_head, payload, signature])
    attachment = {**attachment, "sha2": hashlib.sha256(token).hexdigest(), "length": len(token)}
    assert _post_signed(lrs, body, token, attachment).status_code == 400


def test_alternate_request_syntax_works_in_1_0_3_only(lrs):
    from urllib.parse import urlencode

    auth = lrs.headers()["HTTP_AUTHORIZATION"]
    sid = new_id()
    form = urlencode(
        {
            "X-Experience-API-Version": "1.0.3",
            "Authorization": auth,
            "Content-Type": "application/json",
            "statementId": sid,
            "content": orjson.dumps(statement()).decode(),
        }
    )
    response = lrs.http.post(
        "/xapi/statements?method=PUT", form, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 204
    assert Statement.objects.filter(statement_id=sid).exists()
    form2 = form.replace("1.0.3", "2.0.0")
    response = lrs.http.post(
        "/xapi/statements?method=PUT", form2, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_timestamps_with_an_unknown_offset_are_refused(lrs, version):
    lrs.version = version
    for offset in ("-00", "-0000", "-00:00"):
        body = statement(timestamp=f"2026-01-01T00:00:00{offset}")
        assert lrs.post("statements", body).status_code == 400
    assert Statement.objects.count() == 0


def test_2_0_stores_timestamps_in_utc_and_1_0_3_as_written(lrs):
    sid = new_id()
    lrs.post("statements", statement(id=sid, timestamp="2026-05-01T09:00:00.123+09:00"))
    assert (
        lrs.get("statements", {"statementId": sid}).json()["timestamp"]
        == "2026-05-01T00:00:00.123000Z"
    )
    lrs.version = "1.0.3"
    sid = new_id()
    lrs.post("statements", statement(id=sid, timestamp="2026-05-01T09:00:00.123+09:00"))
    assert (
        lrs.get("statements", {"statementId": sid}).json()["timestamp"]
        == "2026-05-01T09:00:00.123+09:00"
    )


def test_context_agents_are_a_2_0_feature(lrs):
    context = {
        "contextAgents": [
            {"objectType": "contextAgent", "agent": {"mbox": "mailto:peer@example.org"}}
        ]
    }
    assert lrs.post("statements", statement(context=context)).status_code == 200
    lrs.version = "1.0.3"
    assert lrs.post("statements", statement(context=context)).status_code == 400


def test_a_client_without_the_write_scope_gets_403(world):
    reader = make_client(world.school, can_write=False)
    assert reader.post("statements", statement()).status_code == 403
    assert reader.get("statements").status_code == 200
    writer = make_client(world.school, can_read=False)
    assert writer.get("statements").status_code == 403


def test_a_client_sees_only_its_own_schools_statements(lrs, world):
    sid = new_id()
    lrs.post("statements", statement(id=sid))
    stranger = make_client(world.other_school)
    assert stranger.get("statements", {"statementId": sid}).status_code == 404
    assert stranger.get("statements").json()["statements"] == []
    # The same statement id may exist at another school without a conflict.
    assert (
        stranger.post("statements", statement(id=sid, result={"success": True})).status_code == 200
    )


def test_activities_and_agents_resources(lrs):
    lrs.post("statements", statement())
    activity = lrs.get(
        "activities", {"activityId": "https://example.org/drills/fractions/1"}
    ).json()
    assert activity["definition"]["name"] == {"ja": "分数 1"}
    unknown = lrs.get("activities", {"activityId": "https://example.org/none"}).json()
    assert unknown == {"objectType": "Activity", "id": "https://example.org/none"}
    person = lrs.get("agents", {"agent": '{"mbox": "mailto:a@example.org"}'}).json()
    assert person == {"objectType": "Person", "mbox": ["mailto:a@example.org"]}
    assert lrs.get("agents", {"agent": "{not json"}).status_code == 400
