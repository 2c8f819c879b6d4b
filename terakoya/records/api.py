"""The xAPI endpoints under ``/xapi/`` (xAPI 1.0.3 and 2.0.0, chosen per request).

Each handler: authenticate the client, parse, call the gate or one service, render. Every
response carries ``X-Experience-API-Version`` in the request's version; statement responses
carry ``X-Experience-API-Consistent-Through``. Malformed input is answered 4xx, never 500.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import orjson
from django.conf import settings
from django.core import signing
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from terakoya.core import clock
from terakoya.records import access, services
from terakoya.records.selectors import StatementQuery
from terakoya.records.xapi import multipart
from terakoya.records.xapi.errors import XapiError, bad
from terakoya.records.xapi.shape import accept_languages, activity_ids, agent_ifi, render
from terakoya.records.xapi.validate import (
    V1,
    V2,
    is_iri,
    is_uuid,
    parse_timestamp,
    validate_actor,
    validate_statement,
)

MORE_SALT = "terakoya.records.more"
_HEADER_FIELDS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
    "accept-language": "HTTP_ACCEPT_LANGUAGE",
}


@dataclass
class XRequest:
    """An xAPI request after alternate-syntax unwrapping (C 1.3)."""

    method: str
    version: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    client: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def _version_of(value: str | None) -> str:
    if value is None:
        raise XapiError(
            400,
            "X-Experience-API-Version ヘッダーが必要です。",
            "The X-Experience-API-Version header is required.",
            code="version",
        )
    text = value.strip()
    parts = text.split(".")
    if len(parts) in {2, 3} and all(p.isdigit() for p in parts):
        if parts[0] == "1" and parts[1] == "0":
            return V1
        if parts[0] == "2" and parts[1] == "0":
            return V2
    raise XapiError(
        400,
        f"このバージョンの xAPI には対応していません: {text[:20]}",
        f"Unsupported xAPI version {text[:20]!r}; use 1.0.x or 2.0.x.",
        code="version",
    )


def _error(exc: XapiError, version: str) -> HttpResponse:
    response = HttpResponse(
        orjson.dumps({**exc.as_dict(), "error": True}),
        status=exc.status,
        content_type="application/json; charset=utf-8",
    )
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="xAPI"'
    response["X-Experience-API-Version"] = version
    return response


def _unwrap(request: HttpRequest, body: bytes) -> XRequest:
    headers = {
        name: request.META[meta] for name, meta in _HEADER_FIELDS.items() if meta in request.META
    }
    params = dict(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True))
    method = request.method or "GET"
    if method == "POST" and "method" in params:
        # Alternate request syntax (C 1.3): the real method in the query, headers and content
        # as form fields. Allowed in 1.0.3 only; 2.0 removed it.
        form_version = None
        try:
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError as exc:
            raise bad("the form body is not UTF-8") from exc
        for key, value in form.items():
            if key.lower() == "x-experience-api-version":
                form_version = value
        # Form fields are the headers of an alternate request (C 1.3.s3.b7): they win.
        version = _version_of(form_version or headers.get("x-experience-api-version"))
        if version == V2:
            raise bad("alternate request syntax is not allowed in xAPI 2.0")
        if set(params) != {"method"}:
            raise bad("alternate request syntax takes no query parameters other than method")
        if (
            not headers.get("content-type", "")
            .lower()
            .startswith("application/x-www-form-urlencoded")
        ):
            raise bad("alternate request syntax needs application/x-www-form-urlencoded")
        real = params["method"].upper()
        if real not in {"GET", "PUT", "POST", "DELETE", "HEAD"}:
            raise bad("method must be GET, PUT, POST or DELETE")
        new_params: dict[str, str] = {}
        new_headers = {"x-experience-api-version": version}
        content = b""
        for key, value in form.items():
            lower = key.lower()
            if lower == "content":
                content = value.encode("utf-8")
            elif lower in _HEADER_FIELDS:
                new_headers[lower] = value
            else:
                new_params[key] = value
        if "authorization" in headers and "authorization" not in new_headers:
            new_headers["authorization"] = headers["authorization"]
        new_headers.setdefault("content-type", "application/json")
        return XRequest(
            method=real, version=version, params=new_params, headers=new_headers, body=content
        )
    return XRequest(
        method=method,
        version=_version_of(headers.get("x-experience-api-version")),
        params=params,
        headers=headers,
        body=body,
    )


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")


def _finish(response: HttpResponse, xreq_method: str, version: str) -> HttpResponse:
    response["X-Experience-API-Version"] = version
    if xreq_method == "HEAD":
        # C 1.1: HEAD is GET without the body; the length stays that of the GET body.
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
    return response


def xapi_view(
    handler: Callable[[XRequest], HttpResponse], *, statements: bool = False, open_: bool = False
) -> Callable[[HttpRequest], HttpResponse]:
    @csrf_exempt
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        version = V2
        header = request.META.get("HTTP_X_EXPERIENCE_API_VERSION")
        if header:
            try:
                version = _version_of(header)
            except XapiError:
                version = V2
        method = request.method or "GET"
        try:
            try:
                body = request.body
            except RequestDataTooBig as exc:
                raise XapiError(
                    413,
                    "送信されたデータが大きすぎます。",
                    "The request body is too large.",
                    code="too_large",
                ) from exc
            if open_ and "HTTP_X_EXPERIENCE_API_VERSION" not in request.META:
                xreq = XRequest(
                    method=method,
                    version=V2,
                    params={k: str(v) for k, v in request.GET.items()},
                    headers={},
                    body=b"",
                )
            else:
                xreq = _unwrap(request, body)
            version = xreq.version
            method = xreq.method
            xreq.extra.update(kwargs)
            if not open_:
                client = access.client_authenticate(xreq.headers.get("authorization", ""))
                if client is None:
                    raise XapiError(
                        401,
                        "認証が必要です(HTTP Basic)。",
                        "Authentication required (HTTP Basic with the client's key and secret).",
                        code="unauthenticated",
                    )
                xreq.client = client
                if client.last_version != version:
                    access.client_remember_version(client, version)
            response = handler(xreq)
        except XapiError as exc:
            if exc.code == "version" and header is None:
                # No header: refused, but answered in the version this client last spoke.
                known = access.client_authenticate(request.META.get("HTTP_AUTHORIZATION", ""))
                if known is not None and known.last_version:
                    version = known.last_version
            response = _error(exc, version)
        if statements:
            response["X-Experience-API-Consistent-Through"] = _now_text()
        return _finish(response, method, version)

    return view


def _now_text() -> str:
    return clock.now().astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _forbidden_scope() -> XapiError:
    return XapiError(
        403,
        "このクライアントにはこの操作の権限がありません。",
        "This client's scope does not allow this operation.",
        code="scope",
    )


def _require_write(xreq: XRequest) -> None:
    if not xreq.client.can_write:
        raise _forbidden_scope()


def _require_read(xreq: XRequest) -> None:
    if not xreq.client.can_read:
        raise _forbidden_scope()


def _parse_json(data: bytes, where: str = "$") -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise bad(f"the body is not valid JSON: {exc.msg}", location=where) from exc


# --- statements -----------------------------------------------------------------------------


def _statements_from_body(xreq: XRequest) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    content_type = xreq.content_type.lower()
    if content_type.startswith("multipart/mixed"):
        parts = multipart.split(xreq.body, xreq.content_type)
        first = parts[0]
        if not first.headers.get("content-type", "").lower().startswith("application/json"):
            raise bad("the first part of multipart/mixed must be application/json")
        parsed = _parse_json(first.body)
        statements = parsed if isinstance(parsed, list) else [parsed]
        for index, statement in enumerate(statements):
            validate_statement(statement, version=xreq.version, where=f"$[{index}]")
        received = multipart.match_attachments(statements, parts[1:], version=xreq.version)
        return parsed, received
    if not content_type.startswith("application/json"):
        raise bad("statements must be sent as application/json or multipart/mixed")
    parsed = _parse_json(xreq.body)
    statements = parsed if isinstance(parsed, list) else [parsed]
    for index, statement in enumerate(statements):
        validate_statement(statement, version=xreq.version, where=f"$[{index}]")
        for a_index, attachment in enumerate(statement.get("attachments") or []):
            if "fileUrl" not in attachment:
                raise bad(
                    "an attachment without fileUrl must be sent in multipart/mixed",
                    location=f"$[{index}].attachments[{a_index}]",
                )
    return parsed, {}


def _store(xreq: XRequest, statements: list[dict[str, Any]], attachments: Any) -> list[uuid.UUID]:
    return services.statement_store(
        school=xreq.client.school,
        statements=statements,
        version=xreq.version,
        client=xreq.client,
        attachments=attachments,
        validated=True,
    )


def statements_put(xreq: XRequest) -> HttpResponse:
    _require_write(xreq)
    statement_id = xreq.params.get("statementId")
    if statement_id is None:
        raise bad("PUT /statements needs the statementId parameter")
    if not is_uuid(statement_id):
        raise bad("statementId must be a UUID")
    unknown = set(xreq.params) - {"statementId"}
    if unknown:
        raise bad(f"unexpected parameters: {', '.join(sorted(unknown))}")
    parsed, attachments = _statements_from_body(xreq)
    if not isinstance(parsed, dict):
        raise bad("PUT /statements takes a single statement")
    if "id" in parsed and str(parsed["id"]).lower() != statement_id.lower():
        raise bad("the statement's id differs from the statementId parameter")
    parsed["id"] = statement_id
    _store(xreq, [parsed], attachments)
    return HttpResponse(status=204)


def statements_post(xreq: XRequest) -> HttpResponse:
    _require_write(xreq)
    if xreq.params:
        raise bad(f"unexpected parameters: {', '.join(sorted(xreq.params))}")
    parsed, attachments = _statements_from_body(xreq)
    statements = parsed if isinstance(parsed, list) else [parsed]
    if not statements:
        raise bad("the batch is empty")
    if not all(isinstance(s, dict) for s in statements):
        raise bad("each statement must be a JSON object")
    ids = _store(xreq, statements, attachments)
    return _json([str(i) for i in ids])


_GET_PARAMS = frozenset(
    {
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
    }
)


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    if value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise bad(f"{name} must be true or false")


def _agent_param(text: str, name: str = "agent") -> dict[str, Any]:
    agent = _parse_json(text.encode(), name)
    try:
        validate_actor(agent, name)
    except XapiError as exc:
        raise bad(f"{name} is not a valid agent: {exc.message_en}") from exc
    result: dict[str, Any] = agent
    return result


def _render_page(
    xreq: XRequest, statements: list[dict[str, Any]], wrapper: dict[str, Any] | None
) -> HttpResponse:
    fmt = xreq.params.get("format", "exact")
    languages = accept_languages(xreq.headers.get("accept-language", ""))
    definitions: dict[str, Any] = {}
    if fmt == "canonical":
        ids: set[str] = set()
        for statement in statements:
            ids |= activity_ids(statement)
        definitions = access.activity_definitions(xreq.client, ids)
    rendered = [
        render(s, fmt=fmt, languages=languages, definitions=definitions) for s in statements
    ]
    data: Any = rendered[0] if wrapper is None else {**wrapper, "statements": rendered}
    body = orjson.dumps(data)
    if _flag(xreq.params.get("attachments"), "attachments"):
        digests = {
            str(a["sha2"]).lower()
            for s in statements
            for a in s.get("attachments") or []
            if isinstance(a, dict) and "sha2" in a
        }
        parts = access.attachments_for(xreq.client, digests) if digests else []
        content, content_type = multipart.build(body, parts)
        response = HttpResponse(content, content_type=content_type)
    else:
        response = HttpResponse(body, content_type="application/json")
    if wrapper is None and statements:
        stored = parse_timestamp(statements[0]["stored"], "stored", version=V1)
        response["Last-Modified"] = http_date(stored.timestamp())
    return response


def statements_get(xreq: XRequest) -> HttpResponse:
    _require_read(xreq)
    params = xreq.params
    unknown = set(params) - _GET_PARAMS
    if unknown:
        raise bad(f"unknown parameters: {', '.join(sorted(unknown))}")
    fmt = params.get("format", "exact")
    if fmt not in {"exact", "ids", "canonical"}:
        raise bad("format must be exact, ids or canonical")
    _flag(params.get("attachments"), "attachments")
    single = [k for k in ("statementId", "voidedStatementId") if k in params]
    if single:
        if len(single) > 1:
            raise bad("statementId and voidedStatementId cannot be combined")
        others = set(params) - {single[0], "format", "attachments"}
        if others:
            raise bad(f"{single[0]} cannot be combined with {', '.join(sorted(others))}")
        if not is_uuid(params[single[0]]):
            raise bad(f"{single[0]} must be a UUID")
        found = access.access_statement(
            xreq.client, uuid.UUID(params[single[0]]), voided=single[0] == "voidedStatementId"
        )
        if found is None:
            raise XapiError(
                404,
                "ステートメントが見つかりません。",
                "No such statement.",
                code="not_found",
            )
        return _render_page(xreq, [found], None)
    query = StatementQuery()
    if "agent" in params:
        query.agent = agent_ifi(_agent_param(params["agent"]))
        if query.agent is None:
            raise bad("agent must carry an inverse functional identifier")
    if "verb" in params:
        if not is_iri(params["verb"]):
            raise bad("verb must be an IRI")
        query.verb = params["verb"]
    if "activity" in params:
        if not is_iri(params["activity"]):
            raise bad("activity must be an IRI")
        query.activity = params["activity"]
    if "registration" in params:
        if not is_uuid(params["registration"]):
            raise bad("registration must be a UUID")
        query.registration = uuid.UUID(params["registration"])
    query.related_agents = _flag(params.get("related_agents"), "related_agents")
    query.related_activities = _flag(params.get("related_activities"), "related_activities")
    query.ascending = _flag(params.get("ascending"), "ascending")
    for name in ("since", "until"):
        if name in params:
            try:
                setattr(query, name, parse_timestamp(params[name], name, version=V1))
            except XapiError as exc:
                raise bad(f"{name} must be an ISO 8601 timestamp") from exc
    if "limit" in params:
        if not params["limit"].isdigit():
            raise bad("limit must be a non-negative integer")
        query.limit = int(params["limit"])
    query.extra = {k: params[k] for k in ("format", "attachments") if k in params}
    return _statement_page(xreq, query)


def _statement_page(xreq: XRequest, query: StatementQuery) -> HttpResponse:
    page = access.scope_statements(xreq.client, query)
    more = ""
    if page.more is not None:
        state = {
            **{
                k: v
                for k, v in page.more.__dict__.items()
                if k not in {"since", "until", "registration"}
            },
            "since": page.more.since.isoformat() if page.more.since else None,
            "until": page.more.until.isoformat() if page.more.until else None,
            "registration": str(page.more.registration) if page.more.registration else None,
            "client": str(xreq.client.uuid),
        }
        token = signing.dumps(state, salt=MORE_SALT, compress=True)
        more = f"/xapi/statements/more/{token}"
    return _render_page(xreq, [s for _, s, _ in page.rows], {"more": more})


def statements_more(xreq: XRequest) -> HttpResponse:
    _require_read(xreq)
    try:
        state = signing.loads(xreq.extra["token"], salt=MORE_SALT)
    except signing.BadSignature as exc:
        raise XapiError(404, "続きのページが見つかりません。", "No such page.") from exc
    if state.pop("client") != str(xreq.client.uuid):
        raise XapiError(404, "続きのページが見つかりません。", "No such page.")
    for name in ("since", "until"):
        if state[name]:
            state[name] = dt.datetime.fromisoformat(state[name])
    if state["registration"]:
        state["registration"] = uuid.UUID(state["registration"])
    query = StatementQuery(**state)
    xreq.params = dict(query.extra)
    return _statement_page(xreq, query)


def _statements(xreq: XRequest) -> HttpResponse:
    if xreq.method in {"GET", "HEAD"}:
        return statements_get(xreq)
    if xreq.method == "PUT":
        return statements_put(xreq)
    if xreq.method == "POST":
        return statements_post(xreq)
    raise XapiError(405, "この操作はできません。", "Method not allowed.", code="method")


def _more(xreq: XRequest) -> HttpResponse:
    if xreq.method not in {"GET", "HEAD"}:
        raise XapiError(405, "この操作はできません。", "Method not allowed.", code="method")
    return statements_more(xreq)


# --- documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DocSpec:
    kind: str
    id_param: str
    needs_activity: bool
    needs_agent: bool
    registration: bool


_STATE = _DocSpec("state", "stateId", True, True, True)
_ACTIVITY_PROFILE = _DocSpec("activity_profile", "profileId", True, False, False)
_AGENT_PROFILE = _DocSpec("agent_profile", "profileId", False, True, False)


def _doc_key(xreq: XRequest, spec: _DocSpec) -> services.DocumentKey:
    params = xreq.params
    allowed = {spec.id_param, "since"}
    if spec.needs_activity:
        allowed.add("activityId")
    if spec.needs_agent:
        allowed.add("agent")
    if spec.registration:
        allowed.add("registration")
    unknown = set(params) - allowed
    if unknown:
        raise bad(f"unknown parameters: {', '.join(sorted(unknown))}")
    activity_id = ""
    if spec.needs_activity:
        if "activityId" not in params:
            raise bad("activityId is required")
        activity_id = params["activityId"]
        if not is_iri(activity_id):
            raise bad("activityId must be an IRI")
    agent = None
    if spec.needs_agent:
        if "agent" not in params:
            raise bad("agent is required")
        agent = _agent_param(params["agent"])
    registration = ""
    if "registration" in params:
        if not is_uuid(params["registration"]):
            raise bad("registration must be a UUID")
        registration = params["registration"].lower()
    return services.DocumentKey(
        kind=access.document_kind(spec.kind),
        activity_id=activity_id,
        agent=agent,
        registration=registration,
        doc_id=params.get(spec.id_param, ""),
    )


def _document(xreq: XRequest, spec: _DocSpec) -> HttpResponse:
    key = _doc_key(xreq, spec)
    has_id = spec.id_param in xreq.params
    if xreq.method in {"GET", "HEAD"}:
        _require_read(xreq)
        if has_id:
            if "since" in xreq.params:
                raise bad(f"since cannot be combined with {spec.id_param}")
            document = access.document_get(xreq.client, key)
            if document is None:
                raise XapiError(
                    404, "文書が見つかりません。", "No such document.", code="not_found"
                )
            response = HttpResponse(bytes(document.content), content_type=document.content_type)
            response["ETag"] = f'"{document.etag}"'
            response["Last-Modified"] = http_date(document.updated.timestamp())
            return response
        since = None
        if "since" in xreq.params:
            since = parse_timestamp(xreq.params["since"], "since", version=V1)
        ids = access.document_ids(
            xreq.client, key, since=since, any_registration="registration" not in xreq.params
        )
        return _json(ids)
    _require_write(xreq)
    if "since" in xreq.params:
        raise bad("since is only for GET")
    actor = services.client_audit_actor(xreq.client)
    if xreq.method == "DELETE":
        if not has_id and spec.kind != "state":
            raise bad(f"{spec.id_param} is required")
        services.document_delete(
            school=xreq.client.school,
            key=key,
            if_match=xreq.headers.get("if-match"),
            many=not has_id,
            client=xreq.client,
            actor=actor,
        )
        return HttpResponse(status=204)
    if xreq.method not in {"PUT", "POST"}:
        raise XapiError(405, "この操作はできません。", "Method not allowed.", code="method")
    if not has_id:
        raise bad(f"{spec.id_param} is required")
    content_type = xreq.content_type or "application/octet-stream"
    merge = xreq.method == "POST"
    if merge:
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise bad("POST merges JSON documents: send application/json")
        parsed = _parse_json(xreq.body)
        if not isinstance(parsed, dict):
            raise bad("POST merges JSON objects only")
    require = spec.kind != "state" or xreq.version == V2
    if (
        xreq.method == "PUT"
        and spec.kind != "state"
        and xreq.version == V1
        and "if-match" not in xreq.headers
        and "if-none-match" not in xreq.headers
        and access.document_get(xreq.client, key) is None
    ):
        # The 1.0.3 battery (XAPI-00273, XAPI-00287) wants a profile PUT without either
        # precondition header refused even for a new document; an existing one is a 409 below.
        raise bad("a profile PUT needs If-Match or If-None-Match")
    document = services.document_write(
        school=xreq.client.school,
        key=key,
        content=xreq.body,
        content_type=content_type,
        merge=merge,
        if_match=xreq.headers.get("if-match"),
        if_none_match=xreq.headers.get("if-none-match"),
        require_precondition=require and xreq.method == "PUT",
        client=xreq.client,
        actor=actor,
    )
    response = HttpResponse(status=204)
    response["ETag"] = f'"{document.etag}"'
    return response


def _state(xreq: XRequest) -> HttpResponse:
    return _document(xreq, _STATE)


def _activity_profile(xreq: XRequest) -> HttpResponse:
    return _document(xreq, _ACTIVITY_PROFILE)


def _agent_profile(xreq: XRequest) -> HttpResponse:
    return _document(xreq, _AGENT_PROFILE)


# --- activities, agents, about -----------------------------------------------------------------


def _activities(xreq: XRequest) -> HttpResponse:
    if xreq.method not in {"GET", "HEAD"}:
        raise XapiError(405, "この操作はできません。", "Method not allowed.", code="method")
    _require_read(xreq)
    activity_id = xreq.params.get("activityId")
    if activity_id is None or set(xreq.params) != {"activityId"}:
        raise bad("GET /activities takes exactly the activityId parameter")
    if not is_iri(activity_id):
        raise bad("activityId must be an IRI")
    definitions = access.activity_definitions(xreq.client, {activity_id})
    activity: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if activity_id in definitions:
        activity["definition"] = definitions[activity_id]
    return _json(activity)


def _agents(xreq: XRequest) -> HttpResponse:
    if xreq.method not in {"GET", "HEAD"}:
        raise XapiError(405, "この操作はできません。", "Method not allowed.", code="method")
    _require_read(xreq)
    if "agent" not in xreq.params or set(xreq.params) != {"agent"}:
        raise bad("GET /agents takes exactly the agent parameter")
    agent = _agent_param(xreq.params["agent"])
    person: dict[str, Any] = {"objectType": "Person"}
    for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return _json(person)


def _about(xreq: XRequest) -> HttpResponse:
    if xreq.method not in {"GET", "HEAD"}:
        raise XapiError(405, "この操作はできません。", "Method not allowed.", code="method")
    return _json({"version": ["1.0.3", "2.0.0"], "extensions": {}})


statements = xapi_view(_statements, statements=True)
statements_more_view = xapi_view(_more, statements=True)
state = xapi_view(_state)
activity_profile = xapi_view(_activity_profile)
agent_profile = xapi_view(_agent_profile)
activities = xapi_view(_activities)
agents = xapi_view(_agents)
about = xapi_view(_about, open_=True)

__all__ = ["settings"]
