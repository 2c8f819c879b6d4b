"""Reads from the learning-record store (called through terakoya.records.access)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import connection
from django.db.models import Max, Q, QuerySet

from terakoya.records.models import (
    Activity,
    AttachmentBlob,
    Document,
    DocumentKind,
    LrsClient,
    Statement,
)
from terakoya.roster.models import School

MAX_LIMIT = 500


@dataclass
class StatementQuery:
    """The filters of GET /statements (C 2.1.3), already parsed."""

    agent: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: uuid.UUID | None = None
    related_agents: bool = False
    related_activities: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 0
    ascending: bool = False
    # Keyset state for `more`: the last id returned and the newest id visible at page one.
    after_id: int | None = None
    bound_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class StatementPage:
    rows: list[tuple[int, dict[str, Any], uuid.UUID | None]]  # (key, statement, learner)
    more: StatementQuery | None
    bound_id: int | None


def statement_get(
    *, school: School, statement_id: uuid.UUID, voided: bool
) -> tuple[dict[str, Any], uuid.UUID | None] | None:
    """One statement by id. ``voided=False`` hides voided ones; ``True`` returns only those."""
    row = (
        Statement.objects.filter(school=school, statement_id=statement_id, voided=voided)
        .values_list("payload", "learner__uuid")
        .first()
    )
    if row is None:
        return None
    return orjson.loads(row[0]), row[1]


def client_credentials(key: str) -> tuple[int, str, str] | None:
    """(pk, secret hash, last version) of the active client with ``key``, or None.

    One indexed lookup in plain SQL: it runs on every xAPI request, where the ORM's query
    compilation cost more than the lookup itself (bench/lrs_query.py).
    """
    table = connection.ops.quote_name(LrsClient._meta.db_table)
    key_column = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, secret_hash, last_version FROM {table} WHERE {key_column} = %s"  # noqa: S608 — names from model meta
            " AND revoked_at IS NULL",
            [key],
        )
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), str(row[1]), str(row[2]))


def client_by_pk(pk: int) -> LrsClient:
    return LrsClient.objects.select_related("school").get(pk=pk)


def statement_query(*, school: School, query: StatementQuery) -> StatementPage:
    """A page of statements matching ``query``, newest first unless ``ascending``.

    Pages are keyset pages on the insertion key; the first page fixes the newest key visible,
    so later inserts never shift or repeat what `more` returns (D 2.5).
    """
    limit = min(query.limit or MAX_LIMIT, MAX_LIMIT)
    rows: QuerySet[Statement] = Statement.objects.filter(school=school, voided=False)
    # The index tables are joined, not IN-subqueried, and the page is ordered on the joined
    # statement key, so SQLite walks (ifi | activity_id, statement) backwards and stops after
    # one page instead of materialising every match (bench/lrs_query.py).
    order_key = "id"
    if query.activity is not None:
        activity: dict[str, Any] = {"activity_rows__activity_id": query.activity}
        if not query.related_activities:
            activity["activity_rows__main"] = True
        rows = rows.filter(**activity)
        order_key = "activity_rows__statement_id"
    if query.agent is not None:
        agent: dict[str, Any] = {"agent_rows__ifi": query.agent}
        if not query.related_agents:
            agent["agent_rows__main"] = True
        rows = rows.filter(**agent)
        order_key = "agent_rows__statement_id"
    if query.verb is not None:
        rows = rows.filter(Q(verb_id=query.verb) | Q(ref_verb_id=query.verb))
    if query.registration is not None:
        rows = rows.filter(
            Q(registration=query.registration) | Q(ref_registration=query.registration)
        )
    if query.since is not None:
        rows = rows.filter(stored__gt=query.since)
    if query.until is not None:
        rows = rows.filter(stored__lte=query.until)
    bound = query.bound_id
    if bound is None:
        bound = Statement.objects.aggregate(top=Max("id"))["top"] or 0
    rows = rows.filter(id__lte=bound)
    if query.after_id is not None:
        rows = (
            rows.filter(id__gt=query.after_id)
            if query.ascending
            else rows.filter(id__lt=query.after_id)
        )
    rows = rows.order_by(order_key if query.ascending else f"-{order_key}")
    found = list(rows.values_list("id", "payload", "learner__uuid")[: limit + 1])
    more = None
    if len(found) > limit:
        found = found[:limit]
        more = StatementQuery(**{**query.__dict__, "after_id": found[-1][0], "bound_id": bound})
    return StatementPage(
        rows=[(key, orjson.loads(payload), learner) for key, payload, learner in found],
        more=more,
        bound_id=bound,
    )


def attachments_for(*, school: School, digests: set[str]) -> list[tuple[str, str, bytes]]:
    return [
        (digest, ctype, bytes(content))
        for digest, ctype, content in AttachmentBlob.objects.filter(
            school=school, sha2__in=list(digests)
        ).values_list("sha2", "content_type", "content")
    ]


def activity_definitions(*, school: School, ids: set[str]) -> dict[str, Any]:
    return {
        ident: orjson.loads(definition)
        for ident, definition in Activity.objects.filter(
            school=school, activity_id__in=list(ids)
        ).values_list("activity_id", "definition")
    }


def document_get(
    *,
    school: School,
    kind: DocumentKind,
    activity_id: str,
    agent_ifi: str,
    registration: str,
    doc_id: str,
) -> Document | None:
    return Document.objects.filter(
        school=school,
        kind=kind,
        activity_id=activity_id,
        agent_ifi=agent_ifi,
        registration=registration,
        doc_id=doc_id,
    ).first()


def document_ids(
    *,
    school: School,
    kind: DocumentKind,
    activity_id: str,
    agent_ifi: str,
    registration: str | None,
    since: dt.datetime | None,
) -> list[str]:
    query = Document.objects.filter(
        school=school, kind=kind, activity_id=activity_id, agent_ifi=agent_ifi
    )
    if registration is not None:
        query = query.filter(registration=registration)
    if since is not None:
        query = query.filter(updated__gt=since)
    return list(query.order_by("doc_id").values_list("doc_id", flat=True))
