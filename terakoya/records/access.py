"""The records gate: LRS client authentication, scoped statement reads, admin-only erasure.

A client reads only its own school's statements, only with the read scope, and every read of a
learner's statements is audited (one entry per learner per request, DESIGN §4).
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime as dt
import hmac
import uuid
from typing import Any

from terakoya.privacy.audit import AuditActor, audit_record_many
from terakoya.privacy.gate import Actor, NotFound
from terakoya.privacy.models import AuditOutcome
from terakoya.privacy.purposes import Purpose
from terakoya.records import selectors, services
from terakoya.records.models import Document, DocumentKind, LrsClient
from terakoya.roster.models import Person, Role, School

#: Active clients by pk, per process. A client row never changes after creation except for
#: ``revoked_at`` and ``last_version``, and both are read fresh on every request by
#: :func:`selectors.client_credentials`, so revocation takes effect on the next request in
#: every process (decision 0103).
_CLIENTS: dict[int, LrsClient] = {}
_CLIENTS_MAX = 1000


def client_authenticate(authorization: str) -> LrsClient | None:
    """The active client named by an HTTP Basic ``Authorization`` header, or None."""
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "basic" or not credentials:
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, colon, secret = decoded.partition(":")
    if not colon or not key or len(key) > 40:
        return None
    found = selectors.client_credentials(key)
    if found is None:  # unknown or revoked: checked on every request, never cached
        return None
    pk, secret_hash, last_version = found
    if not hmac.compare_digest(secret_hash, services.secret_digest(secret)):
        return None
    cached = _CLIENTS.get(pk)
    if cached is None or cached.secret_hash != secret_hash:
        if len(_CLIENTS) >= _CLIENTS_MAX:
            _CLIENTS.clear()
        cached = _CLIENTS[pk] = selectors.client_by_pk(pk)
    # A copy per request: threads of one worker never share a mutable instance.
    client = copy.copy(cached)
    client.last_version = last_version
    return client


def client_remember_version(client: LrsClient, version: str) -> None:
    """Remember the xAPI version a client speaks, to answer its header-less requests in it."""
    client.last_version = version
    LrsClient.objects.filter(pk=client.pk).update(last_version=version)


def _audit_reads(client: LrsClient, learners: list[uuid.UUID | None]) -> None:
    """One read entry per learner whose statements were returned, with the count; one more
    (no subject) for statements about nobody Terakoya knows."""
    counts: dict[uuid.UUID | None, int] = {}
    for learner in learners:
        counts[learner] = counts.get(learner, 0) + 1
    actor = services.client_audit_actor(client)
    audit_record_many(
        [
            {
                "actor": actor,
                "action": "statement.read",
                "purpose": client.purpose,
                "school_uuid": client.school.uuid,
                "target_type": "records.statement",
                "subject_uuid": learner,
                "count": count,
            }
            for learner, count in counts.items()
        ]
    )


def access_statement(
    client: LrsClient, statement_id: uuid.UUID, *, voided: bool
) -> dict[str, Any] | None:
    """One statement of the client's school, or None (missing and foreign look the same)."""
    found = selectors.statement_get(school=client.school, statement_id=statement_id, voided=voided)
    if found is None:
        return None
    statement, learner = found
    _audit_reads(client, [learner])
    return statement


def scope_statements(client: LrsClient, query: selectors.StatementQuery) -> selectors.StatementPage:
    """A page of the client's school's statements matching ``query``, audited per learner."""
    page = selectors.statement_query(school=client.school, query=query)
    if page.rows:
        _audit_reads(client, [learner for _, _, learner in page.rows])
    return page


def attachments_for(client: LrsClient, digests: set[str]) -> list[tuple[str, str, bytes]]:
    return selectors.attachments_for(school=client.school, digests=digests)


def activity_definitions(client: LrsClient, ids: set[str]) -> dict[str, Any]:
    return selectors.activity_definitions(school=client.school, ids=ids)


def document_get(client: LrsClient, key: services.DocumentKey) -> Document | None:
    return selectors.document_get(
        school=client.school,
        kind=key.kind,
        activity_id=key.activity_id,
        agent_ifi=key.agent_ifi,
        registration=key.registration,
        doc_id=key.doc_id,
    )


def document_ids(
    client: LrsClient,
    key: services.DocumentKey,
    *,
    since: dt.datetime | None,
    any_registration: bool,
) -> list[str]:
    return selectors.document_ids(
        school=client.school,
        kind=key.kind,
        activity_id=key.activity_id,
        agent_ifi=key.agent_ifi,
        registration=None if any_registration else key.registration,
        since=since,
    )


def document_kind(name: str) -> DocumentKind:
    return DocumentKind(name)


# --- school administrators --------------------------------------------------------------------


def _admin_school(actor: Actor, school_uuid: uuid.UUID | str | None) -> School:
    schools = School.objects.filter(pk__in=actor.school_ids(Role.SCHOOL_ADMIN)).order_by("id")
    if school_uuid is not None:
        try:
            schools = schools.filter(uuid=uuid.UUID(str(school_uuid)))
        except ValueError as exc:
            raise NotFound() from exc
    school = schools.first()
    if school is None:
        raise NotFound()
    return school


def admin_school(actor: Actor, school_uuid: uuid.UUID | str | None = None) -> School:
    """The school the actor administers (the first, or the one named), else NotFound."""
    return _admin_school(actor, school_uuid)


def admin_clients(actor: Actor, school: School) -> list[LrsClient]:
    """The school's LRS clients, for its administrator."""
    if school.pk not in actor.school_ids(Role.SCHOOL_ADMIN):
        raise NotFound()
    return list(LrsClient.objects.filter(school=school).order_by("-created_at"))


def admin_client_by_uuid(actor: Actor, client_uuid: uuid.UUID | str) -> LrsClient:
    try:
        key = uuid.UUID(str(client_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    client = LrsClient.objects.select_related("school").filter(uuid=key).first()
    if client is None or client.school_id not in actor.school_ids(Role.SCHOOL_ADMIN):
        raise NotFound()
    return client


def admin_learner(actor: Actor, school: School, learner_uuid: uuid.UUID | str) -> Person:
    """A learner of the school, for its administrator's erasure request, else NotFound."""
    if school.pk not in actor.school_ids(Role.SCHOOL_ADMIN):
        raise NotFound()
    try:
        key = uuid.UUID(str(learner_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    learner = Person.objects.filter(
        uuid=key, memberships__school=school, memberships__role=Role.LEARNER
    ).first()
    if learner is None:
        raise NotFound()
    return learner


def admin_audit_actor(actor: Actor) -> AuditActor:
    return actor.audit_actor("school_admin")


def command_school(school_code: str | None) -> School | None:
    """The school a management command works on: by 学校コード, or the first one."""
    if school_code:
        return School.objects.filter(code=school_code).first()
    return School.objects.order_by("id").first()


def command_learner(school: School, learner_uuid: str) -> Person | None:
    try:
        key = uuid.UUID(learner_uuid)
    except ValueError:
        return None
    return Person.objects.filter(
        uuid=key, memberships__school=school, memberships__role=Role.LEARNER
    ).first()


__all__ = [
    "AuditOutcome",
    "Purpose",
    "access_statement",
    "admin_client_by_uuid",
    "admin_clients",
    "admin_school",
    "client_authenticate",
    "scope_statements",
]
