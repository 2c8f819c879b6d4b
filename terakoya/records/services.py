"""Writes to the learning-record store: the statement ingest pipeline, documents, deletion.

One write path: the xAPI endpoint, Terakoya's own features (the assessment engine) and
imports all call :func:`statement_store`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q, QuerySet

from terakoya.core import clock
from terakoya.core.sql import insert_returning
from terakoya.core.sqlite import writer
from terakoya.privacy.audit import (
    SYSTEM,
    AuditActor,
    PreparedEntries,
    audit_prepare,
    audit_record,
    audit_write,
)
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.consent import consent_is_given
from terakoya.privacy.guards import RefusedInput, check_identifier, check_text, scan
from terakoya.privacy.models import AuditOutcome
from terakoya.privacy.pseudonyms import pseudonym_for
from terakoya.privacy.purposes import PURPOSES, Purpose
from terakoya.records.models import (
    Activity,
    AttachmentBlob,
    Document,
    DocumentKind,
    LrsClient,
    Statement,
    StatementActivity,
    StatementAgent,
)
from terakoya.records.xapi.errors import XapiError, bad
from terakoya.records.xapi.shape import (
    activities_with_definitions,
    agent_ifi,
    equivalent,
    index_terms,
    normalise,
)
from terakoya.records.xapi.validate import (
    V1,
    V2,
    VOIDED,
    check_depth,
    parse_timestamp,
    validate_statement,
)
from terakoya.roster.models import Membership, Person, Role, School

#: The authority of statements Terakoya records itself (D 2.4.9).
TERAKOYA_AUTHORITY: dict[str, Any] = {
    "objectType": "Agent",
    "name": "Terakoya",
    "account": {"homePage": "https://terakoya.invalid/", "name": "terakoya"},
}
#: The homePage of learner accounts in statements Terakoya writes; ``name`` is the learner ID.
LEARNER_HOMEPAGE = "https://terakoya.invalid/learners"


def learner_agent(learner_uuid: uuid.UUID | str) -> dict[str, Any]:
    """The xAPI actor for a learner as Terakoya's own features write it (no name, no mail)."""
    return {
        "objectType": "Agent",
        "account": {"homePage": LEARNER_HOMEPAGE, "name": str(uuid.UUID(str(learner_uuid)))},
    }


def client_authority(client: LrsClient) -> dict[str, Any]:
    """The authority a client's statements carry: the client as an account agent."""
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": "https://terakoya.invalid/lrs/clients", "name": client.key},
    }


def client_audit_actor(client: LrsClient) -> AuditActor:
    return AuditActor(uuid=client.uuid, role="client", label=client.name)


def _refused(exc: RefusedInput) -> XapiError:
    return XapiError(400, exc.message_ja, exc.message_en, code=exc.code, location=exc.location)


def _identifiers(statement: dict[str, Any]) -> list[str]:
    """Verb ids, activity ids and types, usage types: checked for prohibited categories."""
    found: list[str] = []

    def activity(value: Any) -> None:
        if isinstance(value, dict):
            definition = value.get("definition")
            if isinstance(definition, dict) and isinstance(definition.get("type"), str):
                found.append(definition["type"])

    def walk(part: dict[str, Any]) -> None:
        verb = part.get("verb")
        if isinstance(verb, dict) and isinstance(verb.get("id"), str):
            found.append(verb["id"])
        target = part.get("object")
        if isinstance(target, dict):
            activity(target)
            if target.get("objectType") == "SubStatement":
                walk(target)
        context = part.get("context")
        if isinstance(context, dict):
            for items in (context.get("contextActivities") or {}).values():
                for item in items if isinstance(items, list) else [items]:
                    activity(item)
            for entry in (context.get("contextAgents") or []) + (
                context.get("contextGroups") or []
            ):
                if isinstance(entry, dict):
                    found.extend(t for t in entry.get("relevantTypes") or [] if isinstance(t, str))
        for attachment in part.get("attachments") or []:
            if isinstance(attachment, dict) and isinstance(attachment.get("usageType"), str):
                found.append(attachment["usageType"])

    walk(statement)
    return found


_UUID_TEXT = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


#: Identifier-like strings (IRIs, keys) already found clean: no My Number, no prohibited
#: category. Bounded; only clean values enter, so a refused value is never kept (番号法 Art. 20).
_CLEAN: set[str] = set()
_CLEAN_LIMIT = 50_000


def _remember_clean(text: str) -> None:
    if len(_CLEAN) >= _CLEAN_LIMIT:
        _CLEAN.clear()
    _CLEAN.add(text)


def _scan(value: Any, location: str | None) -> None:
    """:func:`terakoya.privacy.guards.scan`, minus strings that are exactly a UUID.

    Statement ids and registrations are UUIDs; about one random UUID in a thousand starts
    with 8+4 digits that pass the My Number check digit, and refusing those would refuse
    valid statements. A UUID is never a My Number. Strings shorter than 12 characters cannot
    hold one and are skipped too, and keys and IRIs seen clean before are not checked again
    (the ingest path's hot loop; bench/lrs_ingest.py). With ``location=None`` no location is
    built per key (the hot path); the caller walks again with one to locate a refusal.
    """
    if isinstance(value, str):
        if len(value) >= 12 and value not in _CLEAN and not _UUID_TEXT.match(value):
            check_text(value, location=location or "")
            if ":" in value and " " not in value:
                _remember_clean(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            key_text = str(key)
            where = None if location is None else f"{location}.{key_text}"
            if key_text not in _CLEAN:
                if len(key_text) >= 12 and not _UUID_TEXT.match(key_text):
                    check_text(key_text, location=where or "")
                check_identifier(key_text, location=where or "")
                _remember_clean(key_text)
            _scan(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _scan(item, None if location is None else f"{location}[{index}]")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**11:
        check_text(str(value), location=location or "")  # under 12 digits: no My Number


def _check_identifiers(identifiers: list[str], where: str) -> None:
    for identifier in identifiers:
        if identifier not in _CLEAN:
            check_identifier(identifier, location=where)
            _scan(identifier, where)
            _remember_clean(identifier)


def guard_statement(statement: dict[str, Any], *, where: str) -> None:
    """Refuse My Numbers anywhere and prohibited categories in keys, verbs and types."""
    try:
        _check_identifiers(_identifiers(statement), where)
        try:
            _scan(statement, None)
        except RefusedInput:
            _scan(statement, where)  # the same refusal, with its location
            raise
    except RefusedInput as exc:
        raise _refused(exc) from exc


@dataclass
class _Resolved:
    learners: dict[str, Person]  # account name -> learner


def _school_learners(school: School) -> QuerySet[Person]:
    today = clock.today()
    return Person.objects.filter(
        Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today),
        memberships__school=school,
        memberships__role=Role.LEARNER,
        memberships__begin_date__lte=today,
    ).only("id", "uuid")


def resolve_learners(
    *, school: School, names: set[str], pseudonymous: bool, recipient: str
) -> dict[str, Person]:
    """Map account names to learners of the school, for a whole batch at once.

    Names are learner IDs (UUIDs) for Terakoya's own features and trusted clients, and pairwise
    pseudonyms for external clients. A learner ID of someone who is not a learner of this
    school is refused (403): a school's store never holds another school's learners.
    """
    if not names:
        return {}
    if pseudonymous:
        table = {
            pseudonym_for(learner_uuid=p.uuid, recipient=recipient): p
            for p in _school_learners(school)
        }
        return {name: table[name.lower()] for name in names if name.lower() in table}
    keys: dict[uuid.UUID, str] = {}
    for name in names:
        try:
            keys[uuid.UUID(name)] = name
        except ValueError:
            continue
    if not keys:
        return {}
    found: dict[str, Person] = {}
    strangers = False
    for pk, person_uuid, here in _people_at_school(school, list(keys)):
        if here:
            found[keys[person_uuid]] = Person.from_db("default", ["id", "uuid"], (pk, person_uuid))
        else:
            strangers = True
    if strangers:
        raise XapiError(
            403,
            "この学校に在籍していない学習者の記録は受け付けられません。",
            "The statement names a learner who is not enrolled at this client's school.",
            code="foreign_learner",
        )
    return found


def _people_at_school(school: School, uuids: list[uuid.UUID]) -> list[tuple[int, uuid.UUID, bool]]:
    """(pk, uuid, is a current learner of ``school``) for each person with one of ``uuids``.

    One query in plain SQL for both questions the batch asks (who is ours, does anyone else
    exist): it runs on every ingest request, where the ORM's two queries and their
    per-UUID parameter preparation cost more than the lookup (bench/lrs_ingest.py).
    """
    ops = connection.ops
    native = connection.features.has_native_uuid_field
    today = ops.adapt_datefield_value(clock.today())
    person = ops.quote_name(Person._meta.db_table)
    membership = ops.quote_name(Membership._meta.db_table)
    marks = ", ".join(["%s"] * len(uuids))
    sql = (
        f"SELECT p.id, p.uuid, EXISTS (SELECT 1 FROM {membership} m"  # noqa: S608 — names from model meta
        " WHERE m.person_id = p.id AND m.school_id = %s AND m.role = %s"
        " AND m.begin_date <= %s AND (m.end_date IS NULL OR m.end_date >= %s))"
        f" FROM {person} p WHERE p.uuid IN ({marks})"
    )
    params: list[Any] = [school.pk, str(Role.LEARNER), today, today]
    params += [u if native else u.hex for u in uuids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        (int(pk), value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)), bool(here))
        for pk, value, here in rows
    ]


def _account_name(actor: Any) -> str | None:
    if isinstance(actor, dict):
        account = actor.get("account")
        if isinstance(account, dict) and isinstance(account.get("name"), str):
            return str(account["name"])
    return None


def _ref_target(statement: dict[str, Any]) -> uuid.UUID | None:
    target = statement["object"]
    if target.get("objectType") == "StatementRef":
        return uuid.UUID(target["id"])
    return None


def _registration(statement: dict[str, Any]) -> uuid.UUID | None:
    context = statement.get("context")
    if isinstance(context, dict) and "registration" in context:
        return uuid.UUID(context["registration"])
    return None


def _timestamp_text(stamp: dt.datetime) -> str:
    return stamp.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def statement_store(
    *,
    school: School | None = None,
    statements: list[dict[str, Any]],
    school_uuid: uuid.UUID | str | None = None,
    version: str = V2,
    client: LrsClient | None = None,
    purpose: Purpose | None = None,
    authority: dict[str, Any] | None = None,
    attachments: Mapping[str, tuple[str, bytes]] | None = None,
    actor: AuditActor | None = None,
    validated: bool = False,
) -> list[uuid.UUID]:
    """Store a batch of xAPI statements through the full ingest pipeline; return their ids.

    parse (done by the caller) → validate → refuse My Numbers and prohibited categories →
    resolve actors to learners of ``school`` → check the purpose's consent → store in one
    transaction → audit (one entry per learner per call). All or nothing: any refusal raises
    :class:`XapiError` (400 invalid or refused data, 403 consent missing or foreign learner,
    409 an id already stored with a different statement) and stores nothing but a count of
    the refusal in the audit log.

    - ``school`` (or ``school_uuid``): whose store; every statement belongs to one school.
    - ``client``: the sending LRS client; its purpose, pseudonymity and authority apply.
      Terakoya's own features pass ``client=None`` with their ``purpose`` (default
      ``instruction``) and get :data:`TERAKOYA_AUTHORITY`.
    - ``statements``: parsed JSON objects; ``id``/``stored``/``authority``/``version`` are
      assigned as the spec says. Use :func:`learner_agent` to build the actor.
    - ``attachments``: {sha2: (content type, bytes)} received in multipart/mixed.
    - ``validated``: the caller has already run ``validate_statement`` with ``version`` on
      every statement (the xAPI endpoint must, to match attachments); skips doing it twice.
    """
    if school is None:
        school = School.objects.get(uuid=uuid.UUID(str(school_uuid)))
    purpose = Purpose(client.purpose) if client is not None else (purpose or Purpose.INSTRUCTION)
    audit_actor = actor or (client_audit_actor(client) if client is not None else SYSTEM)
    authority = authority or (
        client_authority(client) if client is not None else TERAKOYA_AUTHORITY
    )
    try:
        prepared = _prepare(statements, version=version, validated=validated)
        recipient = client.key if client is not None else ""
        names = {n for s in prepared if (n := _account_name(s["actor"])) is not None}
        learners = resolve_learners(
            school=school,
            names=names,
            pseudonymous=bool(client and client.pseudonymous),
            recipient=recipient,
        )
        info = PURPOSES[purpose]
        if C.STUDY_LOG not in info.categories and C.ASSESSMENT not in info.categories:
            raise XapiError(
                403,
                "この利用目的では学習記録を受け付けられません。",
                "This client's purpose does not cover learning records.",
                code="purpose",
            )
        if info.needs_consent:
            for learner in {p.pk: p for p in learners.values()}.values():
                if not consent_is_given(
                    learner_id=learner.pk, purpose=purpose, recipient=recipient
                ):
                    raise XapiError(
                        403,
                        f"保護者の同意(「{info.title_ja}」)がないため、この学習者の記録は受け付けられません。",
                        f"The guardian has not consented to “{info.title_en}” for this "
                        "learner; the statement is refused.",
                        code="consent_missing",
                    )
        return _store(
            school=school,
            statements=prepared,
            learners=learners,
            version=version,
            client=client,
            purpose=purpose,
            authority=authority,
            attachments=attachments or {},
            audit_actor=audit_actor,
        )
    except XapiError as exc:
        if exc.status in {400, 403}:
            audit_record(
                actor=audit_actor,
                action="statement.refused",
                outcome=AuditOutcome.REFUSED,
                purpose=purpose,
                school_uuid=school.uuid,
                target_type="records.statement",
                count=max(len(statements), 1),
            )
        raise


def _prepare(
    statements: list[dict[str, Any]], *, version: str, validated: bool
) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for index, statement in enumerate(statements):
        where = f"$[{index}]"
        if not validated:
            validate_statement(statement, version=version, where=where)
        guard_statement(statement, where=where)
        if "id" in statement:
            key = statement["id"].lower()
            if key in seen:
                raise bad("the batch repeats a statement id", location=f"{where}.id")
            seen.add(key)
    return statements


@dataclass
class _Shaped:
    """A batch turned into rows, before its write transaction (``stored`` not yet known)."""

    #: The statements without a timestamp, by row: their timestamp is the stored time, so
    #: they are serialised in the transaction. The others travel as ``heads`` only (to the
    #: writer process, decision 0106).
    undated_outs: dict[int, dict[str, Any]]
    rows: list[dict[str, Any]]  # column values by attname; "pk" once inserted
    terms: list[tuple[dict[str, bool], dict[str, bool]]]
    heads: list[bytes | None]  # the payload serialised without "stored" (None: undated)
    voids: set[uuid.UUID]
    refs: dict[uuid.UUID, list[int]]
    definitions: dict[str, Any]
    audit: PreparedEntries


def _shape(
    *,
    school: School,
    statements: list[dict[str, Any]],
    ids: list[uuid.UUID],
    learners: dict[str, Person],
    version: str,
    client: LrsClient | None,
    purpose: Purpose,
    authority: dict[str, Any],
    audit_actor: AuditActor,
) -> _Shaped:
    """Everything about a batch that does not need the database: normalised statements,
    statement and index rows, the activity definitions and the audit entries (hashed)."""
    shaped = _Shaped({}, [], [], [], set(), {}, {}, PreparedEntries([]))
    per_learner: dict[int, tuple[Person, int]] = {}
    unlinked = 0
    for statement, statement_id in zip(statements, ids, strict=True):
        out = normalise(statement)
        out["id"] = str(statement_id)
        stamp: dt.datetime | None = None
        if "timestamp" in out:
            stamp = parse_timestamp(out["timestamp"], "timestamp", version=version)
            if version == V2:
                out["timestamp"] = _timestamp_text(stamp)
        out["authority"] = authority
        out.setdefault("version", "1.0.0" if version == V1 else "2.0.0")
        ref = _ref_target(out)
        if out["verb"]["id"] == VOIDED and ref is not None:
            shaped.voids.add(ref)
        name = _account_name(out["actor"])
        learner = learners.get(name) if name is not None else None
        if learner is not None:
            _, count = per_learner.get(learner.pk, (learner, 0))
            per_learner[learner.pk] = (learner, count + 1)
        else:
            unlinked += 1
        target = out["object"]
        for ident, definition in activities_with_definitions(out):
            shaped.definitions[ident] = _merge_definition(
                shaped.definitions.get(ident, {}), definition
            )
        actor_id = agent_ifi(out["actor"]) or ""
        shaped.rows.append(
            {
                "statement_id": statement_id,
                "school_id": school.pk,
                "client_id": client.pk if client is not None else None,
                "learner_id": learner.pk if learner is not None else None,
                "actor_ifi": actor_id[:1024],
                "verb_id": out["verb"]["id"][:1024],
                "object_id": str(target.get("id") or agent_ifi(target) or "")[:1024],
                "object_ref": ref,
                "ref_verb_id": None,
                "registration": _registration(out),
                "ref_registration": None,
                "timestamp": stamp,
                "stored": None,
                "voided": False,
                "has_attachments": bool(out.get("attachments")),
                "version": str(out["version"])[:10],
                "payload": None,
            }
        )
        out.pop("stored", None)  # the LRS sets it (C 2.2), as the last member below
        if stamp is None:
            shaped.undated_outs[len(shaped.rows) - 1] = out
        # Serialised now, outside the write lock; "stored" is appended as the last member
        # inside it (an undated statement's timestamp is the stored time: serialised there).
        shaped.heads.append(orjson.dumps(out)[:-1] if stamp is not None else None)
        shaped.terms.append(index_terms(out))
        if ref is not None:
            shaped.refs.setdefault(ref, []).append(len(shaped.rows) - 1)
    common = {
        "actor": audit_actor,
        "action": "statement.store",
        "outcome": AuditOutcome.CHANGED,
        "purpose": purpose,
        "school_uuid": school.uuid,
        "target_type": "records.statement",
    }
    entries: list[dict[str, Any]] = [
        {**common, "subject_uuid": learner.uuid, "count": count}
        for learner, count in per_learner.values()
    ]
    if unlinked:
        entries.append({**common, "count": unlinked})
    shaped.audit = audit_prepare(entries)
    return shaped


def _store(
    *,
    school: School,
    statements: list[dict[str, Any]],
    learners: dict[str, Person],
    version: str,
    client: LrsClient | None,
    purpose: Purpose,
    authority: dict[str, Any],
    attachments: Mapping[str, tuple[str, bytes]],
    audit_actor: AuditActor,
) -> list[uuid.UUID]:
    """Shape the batch, then write it in one transaction.

    The shaping (normalising, rows, index terms, audit hashes) happens before the transaction
    opens: on SQLite the transaction holds the only write lock, and holding it while doing CPU
    work made concurrent writers queue behind it (bench/lrs_ingest.py, decision 0105).
    ``stored`` is read inside the transaction, so on SQLite stored times follow commit order.
    """
    ids = [uuid.UUID(s["id"]) if "id" in s else uuid.uuid4() for s in statements]
    context: dict[str, Any] = {
        "school": school,
        "learners": learners,
        "version": version,
        "client": client,
        "purpose": purpose,
        "authority": authority,
        "audit_actor": audit_actor,
    }
    shaped = _shape(statements=statements, ids=ids, **context)
    try:
        # Optimistic: new ids are the rule; an id already stored makes the insert skip its
        # row, and the batch is redone below (the rollback leaves nothing). On the embedded
        # default the write runs in the writer process (terakoya.core.sqlite.writer).
        writer.run(_write, school, shaped, attachments)
        return ids
    except _AlreadyStored:
        pass
    with transaction.atomic():
        existing: dict[uuid.UUID, str] = dict(
            Statement.objects.filter(school=school, statement_id__in=ids).values_list(
                "statement_id", "payload"
            )
        )
        # A client re-sends statements: identical ones are accepted and not stored again;
        # a different statement under a stored id is a conflict (409).
        keep = []
        for statement, statement_id in zip(statements, ids, strict=True):
            if statement_id not in existing:
                keep.append((statement, statement_id))
            elif not equivalent(statement, orjson.loads(existing[statement_id])):
                raise XapiError(
                    409,
                    "同じIDで内容の異なるステートメントが既に保存されています。",
                    f"Statement {statement_id} already exists with different content.",
                    code="conflict",
                )
        shaped = _shape(statements=[s for s, _ in keep], ids=[i for _, i in keep], **context)
        _write(school, shaped, attachments)
    return ids


class _AlreadyStored(Exception):
    """Some statement ids of the batch are already stored (the optimistic write is undone)."""


@writer.task
def _write(school: School, shaped: _Shaped, attachments: Mapping[str, tuple[str, bytes]]) -> None:
    """The write transaction's part of :func:`_store`."""
    stored = clock.now()
    stored_text = _timestamp_text(stored)
    for position, out in shaped.undated_outs.items():
        shaped.rows[position]["timestamp"] = stored
        out["timestamp"] = stored_text
        out["stored"] = stored_text
    tail = b',"stored":' + orjson.dumps(stored_text) + b"}"
    for position, (row, head) in enumerate(zip(shaped.rows, shaped.heads, strict=True)):
        row["stored"] = stored
        payload = head + tail if head is not None else orjson.dumps(shaped.undated_outs[position])
        row["payload"] = payload.decode()
    rows, terms = shaped.rows, shaped.terms
    if shaped.refs:
        _inherit_ref_terms(school, rows, terms, shaped.refs)
    if rows:
        _insert_statements(rows)
    # Index rows are plain tuples: building thousands of model instances costs more than the
    # insert itself (bench/lrs_ingest.py).
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {StatementAgent._meta.db_table} (statement_id, ifi, main)"  # noqa: S608 — table names from model meta
            " VALUES (%s, %s, %s)",
            [
                (row["pk"], ifi[:1024], main)
                for row, (agents, _) in zip(rows, terms, strict=True)
                for ifi, main in agents.items()
            ],
        )
        cursor.executemany(
            f"INSERT INTO {StatementActivity._meta.db_table} (statement_id, activity_id, main)"  # noqa: S608 — table names from model meta
            " VALUES (%s, %s, %s)",
            [
                (row["pk"], ident[:1024], main)
                for row, (_, activities) in zip(rows, terms, strict=True)
                for ident, main in activities.items()
            ],
        )
    if shaped.voids:
        # A voiding statement cannot itself be voided (D 2.3.2): such a target is left alone.
        Statement.objects.filter(school=school, statement_id__in=shaped.voids).exclude(
            verb_id=VOIDED
        ).update(voided=True)
    if attachments:
        AttachmentBlob.objects.bulk_create(
            [
                AttachmentBlob(school=school, sha2=digest, content_type=ctype, content=data)
                for digest, (ctype, data) in attachments.items()
            ],
            ignore_conflicts=True,
        )
    if shaped.definitions:
        _activities_upsert(school, shaped.definitions)
    audit_write(shaped.audit)


_STATEMENT_FIELD_NAMES = (
    "statement_id",
    "school",
    "client",
    "learner",
    "actor_ifi",
    "verb_id",
    "object_id",
    "object_ref",
    "ref_verb_id",
    "registration",
    "ref_registration",
    "timestamp",
    "stored",
    "voided",
    "has_attachments",
    "version",
    "payload",
)
#: (column, model field) of the statements table, in insert order.
_STATEMENT_FIELDS: tuple[tuple[str, models.Field[Any, Any]], ...] = tuple(
    (field.column, field)
    for field in (Statement._meta.get_field(name) for name in _STATEMENT_FIELD_NAMES)
    if isinstance(field, models.Field)
)


def _same(value: Any) -> Any:
    return value


def _uuid_hex(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


def _column_converters() -> list[Callable[[Any], Any]]:
    """Python value -> database parameter per statement column, as ``get_db_prep_save``
    computes it for the values ``_store`` builds (UUIDs, aware datetimes, str, bool, int)."""
    adapt_datetime = connection.ops.adapt_datetimefield_value
    native_uuid = connection.features.has_native_uuid_field
    converters: list[Callable[[Any], Any]] = []
    for _, model_field in _STATEMENT_FIELDS:
        if isinstance(model_field, models.UUIDField) and not native_uuid:
            converters.append(_uuid_hex)
        elif isinstance(model_field, models.DateTimeField):
            converters.append(adapt_datetime)
        else:
            converters.append(_same)
    return converters


def _insert_statements(rows: list[dict[str, Any]]) -> None:
    """Insert the statement rows (:func:`terakoya.core.sql.insert_returning`), setting each
    row's "pk"; raises :class:`_AlreadyStored` when a statement id of the school is already
    stored (that row is skipped by ``ON CONFLICT … DO NOTHING``; the caller's transaction is
    then rolled back).

    Same SQL as ``bulk_create`` without a model instance per statement and its per-value
    machinery, which cost more than the insert itself at 100 statements per request
    (bench/lrs_ingest.py, decision 0104).
    """
    plan = list(zip([f.attname for _, f in _STATEMENT_FIELDS], _column_converters(), strict=True))
    school_column = connection.ops.quote_name(Statement._meta.get_field("school").column)
    found = insert_returning(
        Statement._meta.db_table,
        [column for column, _ in _STATEMENT_FIELDS],
        [[convert(row[attname]) for attname, convert in plan] for row in rows],
        returning=("id", "statement_id"),
        on_conflict=f"ON CONFLICT ({school_column}, statement_id) DO NOTHING",
    )
    if len(found) != len(rows):
        raise _AlreadyStored
    native_uuid = connection.features.has_native_uuid_field
    by_id = {value if native_uuid else uuid.UUID(str(value)): pk for pk, value in found}
    for row in rows:
        row["pk"] = by_id[row["statement_id"]]


def _inherit_ref_terms(
    school: School,
    rows: list[dict[str, Any]],
    terms: list[tuple[dict[str, bool], dict[str, bool]]],
    refs: dict[uuid.UUID, list[int]],
) -> None:
    """A statement that refers to another is found by the target's agents, activities, verb
    and registration too (C 2.1.3): copy them onto the referring statement's index."""
    targets = {
        t.statement_id: t
        for t in Statement.objects.filter(school=school, statement_id__in=list(refs)).only(
            "id", "statement_id", "verb_id", "registration"
        )
    }
    if not targets:
        return
    by_pk = {t.pk: t.statement_id for t in targets.values()}
    agent_rows = StatementAgent.objects.filter(statement_id__in=list(by_pk)).values_list(
        "statement_id", "ifi", "main"
    )
    activity_rows = StatementActivity.objects.filter(statement_id__in=list(by_pk)).values_list(
        "statement_id", "activity_id", "main"
    )
    for target_id, target in targets.items():
        for position in refs[target_id]:
            rows[position]["ref_verb_id"] = target.verb_id
            rows[position]["ref_registration"] = target.registration
    for pk, ifi, main in agent_rows:
        for position in refs[by_pk[pk]]:
            agents = terms[position][0]
            agents[ifi] = agents.get(ifi, False) or main
    for pk, ident, main in activity_rows:
        for position in refs[by_pk[pk]]:
            activities = terms[position][1]
            activities[ident] = activities.get(ident, False) or main


def _merge_definition(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = dict(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key != "extensions":
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _activities_upsert(school: School, definitions: dict[str, Any]) -> None:
    """Keep the canonical definition of each activity: later statements update it (C 2.5)."""
    current = {
        ident: (pk, stored)
        for pk, ident, stored in Activity.objects.filter(
            school=school, activity_id__in=list(definitions)
        ).values_list("pk", "activity_id", "definition")
    }
    new = []
    for ident, definition in definitions.items():
        if ident in current:
            pk, stored = current[ident]
            old = orjson.loads(stored)
            merged = _merge_definition(old, definition)
            if merged != old:
                Activity.objects.filter(pk=pk).update(definition=orjson.dumps(merged).decode())
        else:
            new.append(
                Activity(
                    school=school, activity_id=ident, definition=orjson.dumps(definition).decode()
                )
            )
    if new:
        Activity.objects.bulk_create(new, ignore_conflicts=True)


# --- documents (C 2.2–2.7) ----------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentKey:
    kind: DocumentKind
    activity_id: str = ""
    agent: dict[str, Any] | None = None
    registration: str = ""
    doc_id: str = ""

    @property
    def agent_ifi(self) -> str:
        return (agent_ifi(self.agent) or "") if self.agent else ""


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _check_preconditions(
    current: Document | None, *, if_match: str | None, if_none_match: str | None
) -> None:
    if if_match is not None:
        tags = {t.strip().strip('"') for t in if_match.split(",")}
        if current is None or ("*" not in tags and current.etag not in tags):
            raise XapiError(
                412,
                "文書が更新されています(If-Match が一致しません)。",
                "Precondition failed: the document's ETag does not match If-Match.",
                code="precondition_failed",
            )
    if if_none_match is not None and current is not None:
        tags = {t.strip().strip('"') for t in if_none_match.split(",")}
        if "*" in tags or current.etag in tags:
            raise XapiError(
                412,
                "文書は既に存在します(If-None-Match)。",
                "Precondition failed: the document already exists (If-None-Match).",
                code="precondition_failed",
            )


def _document_learner(school: School, key: DocumentKey, client: LrsClient | None) -> Person | None:
    name = _account_name(key.agent)
    if name is None:
        return None
    found = resolve_learners(
        school=school,
        names={name},
        pseudonymous=bool(client and client.pseudonymous),
        recipient=client.key if client else "",
    )
    return found.get(name)


def _guard_document(content: bytes, content_type: str, key: DocumentKey) -> None:
    if content_type.split(";")[0].strip().lower() == "application/json":
        with contextlib.suppress(orjson.JSONDecodeError):
            check_depth(orjson.loads(content), "$")
    try:
        check_identifier(key.doc_id, location="documentId")
        _scan(key.doc_id, "documentId")
        if content_type.split(";")[0].strip().lower() == "application/json":
            _scan(orjson.loads(content), "$")
        else:
            _scan(content.decode("utf-8", errors="ignore"), "$")
    except orjson.JSONDecodeError:
        return
    except RefusedInput as exc:
        raise _refused(exc) from exc


@transaction.atomic
def document_write(
    *,
    school: School,
    key: DocumentKey,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None,
    if_none_match: str | None,
    require_precondition: bool,
    client: LrsClient | None,
    actor: AuditActor,
) -> Document:
    """PUT (replace) or POST (merge JSON objects) a document, honouring ETag preconditions.

    Raises 409 when ``require_precondition`` and the document exists without If-Match or
    If-None-Match (C 3.1), 412 on a failed precondition, 400 when a merge is not between
    two JSON objects.
    """
    _guard_document(content, content_type, key)
    current = (
        Document.objects.select_for_update()
        .filter(
            school=school,
            kind=key.kind,
            activity_id=key.activity_id,
            agent_ifi=key.agent_ifi,
            registration=key.registration,
            doc_id=key.doc_id,
        )
        .first()
    )
    _check_preconditions(current, if_match=if_match, if_none_match=if_none_match)
    if require_precondition and current is not None and if_match is None and if_none_match is None:
        raise XapiError(
            409,
            "文書が既に存在します。If-Match か If-None-Match ヘッダーを付けてください。",
            "The document exists: send If-Match (or If-None-Match) to say which version you "
            "are replacing.",
            code="conflict",
        )
    is_json = content_type.split(";")[0].strip().lower() == "application/json"
    if merge and current is not None:
        current_json = current.content_type.split(";")[0].strip().lower() == "application/json"
        if not (is_json and current_json):
            raise bad("POST merges only JSON documents: both must be application/json objects")
        try:
            old = orjson.loads(bytes(current.content))
            new = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise bad("the document is not valid JSON") from exc
        if not isinstance(old, dict) or not isinstance(new, dict):
            raise bad("POST merges only JSON objects")
        content = orjson.dumps({**old, **new})
    elif merge and is_json:
        try:
            parsed = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise bad("the document is not valid JSON") from exc
        if not isinstance(parsed, dict):
            raise bad("POST merges only JSON objects")
    now = clock.now()
    if current is None:
        current = Document(
            school=school,
            learner=_document_learner(school, key, client),
            kind=key.kind,
            activity_id=key.activity_id,
            agent_ifi=key.agent_ifi,
            registration=key.registration,
            doc_id=key.doc_id,
        )
    current.content = content
    current.content_type = content_type
    current.etag = etag_of(content)
    current.updated = now
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as exc:
        raise XapiError(
            409,
            "同時に同じ文書が書き込まれました。もう一度送信してください。",
            "The document was written concurrently; send again.",
            code="conflict",
        ) from exc
    audit_record(
        actor=actor,
        action=f"document.{key.kind}.write",
        outcome=AuditOutcome.CHANGED,
        purpose=Purpose(client.purpose) if client else Purpose.INSTRUCTION,
        school_uuid=school.uuid,
        target_type="records.document",
        subject_uuid=current.learner.uuid if current.learner_id and current.learner else None,
    )
    return current


@transaction.atomic
def document_delete(
    *,
    school: School,
    key: DocumentKey,
    if_match: str | None,
    many: bool,
    client: LrsClient | None,
    actor: AuditActor,
) -> int:
    """Delete one document, or (state, ``many``) all of an activity/agent[/registration]."""
    query = Document.objects.filter(
        school=school, kind=key.kind, activity_id=key.activity_id, agent_ifi=key.agent_ifi
    )
    if many:
        if key.registration:
            query = query.filter(registration=key.registration)
    else:
        query = query.filter(registration=key.registration, doc_id=key.doc_id)
        current = query.first()
        _check_preconditions(current, if_match=if_match, if_none_match=None)
    count, _ = query.delete()
    if count:
        audit_record(
            actor=actor,
            action=f"document.{key.kind}.delete",
            outcome=AuditOutcome.CHANGED,
            purpose=Purpose(client.purpose) if client else Purpose.INSTRUCTION,
            school_uuid=school.uuid,
            target_type="records.document",
            count=count,
        )
    return count


# --- clients ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedClient:
    client: LrsClient
    secret: str  # shown once, never stored


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def lrs_client_create(
    *,
    school: School,
    name: str,
    purpose: Purpose,
    can_read: bool = True,
    can_write: bool = True,
    pseudonymous: bool = False,
    created_by: Person | None = None,
    actor: AuditActor = SYSTEM,
) -> IssuedClient:
    """Create an LRS client with fresh HTTP Basic credentials; the secret is returned once."""
    try:
        scan(name, location="name")
    except RefusedInput as exc:
        raise _refused(exc) from exc
    if not name.strip():
        raise XapiError(400, "名前を入力してください。", "Enter a name.", location="name")
    info = PURPOSES[purpose]
    if C.STUDY_LOG not in info.categories and C.ASSESSMENT not in info.categories:
        raise XapiError(
            400,
            "この利用目的は学習記録を扱いません。",
            "This purpose does not cover learning records.",
            location="purpose",
        )
    secret = secrets.token_urlsafe(32)
    client = LrsClient.objects.create(
        school=school,
        name=name.strip()[:100],
        key=secrets.token_hex(16),
        secret_hash=secret_digest(secret),
        purpose=purpose,
        can_read=can_read,
        can_write=can_write,
        pseudonymous=pseudonymous,
        created_by=created_by,
    )
    audit_record(
        actor=actor,
        action="lrs_client.create",
        outcome=AuditOutcome.CHANGED,
        purpose=Purpose.SCHOOL_ADMINISTRATION,
        school_uuid=school.uuid,
        target_type="records.lrsclient",
        target_uuid=client.uuid,
    )
    return IssuedClient(client=client, secret=secret)


@transaction.atomic
def lrs_client_revoke(*, client: LrsClient, actor: AuditActor) -> LrsClient:
    """Revoke a client: its credentials stop working on the next request."""
    if client.revoked_at is None:
        client.revoked_at = clock.now()
        client.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="lrs_client.revoke",
            outcome=AuditOutcome.CHANGED,
            purpose=Purpose.SCHOOL_ADMINISTRATION,
            school_uuid=client.school.uuid,
            target_type="records.lrsclient",
            target_uuid=client.uuid,
        )
    return client


# --- retention and erasure (outside the xAPI endpoint) ----------------------------------------


@transaction.atomic
def statement_delete_for_learner(*, school: School, learner: Person, actor: AuditActor) -> int:
    """Hard-delete every statement and document about a learner at a school; audited.

    The caller (the records gate) has checked that ``actor`` is the school's administrator.
    The audit entry records the count, never the content.
    """
    _, per_model = Statement.objects.filter(school=school, learner=learner).delete()
    count = per_model.get(Statement._meta.label, 0)
    _, per_document = Document.objects.filter(school=school, learner=learner).delete()
    documents = per_document.get(Document._meta.label, 0)
    audit_record(
        actor=actor,
        action="statement.erase_learner",
        outcome=AuditOutcome.CHANGED,
        purpose=Purpose.SCHOOL_ADMINISTRATION,
        school_uuid=school.uuid,
        target_type="records.statement",
        subject_uuid=learner.uuid,
        count=count + documents,
    )
    return int(count)


@transaction.atomic
def statement_delete_range(
    *, school: School, stored_from: dt.datetime, stored_to: dt.datetime, actor: AuditActor
) -> int:
    """Hard-delete a school's statements stored in [stored_from, stored_to); audited."""
    if stored_from >= stored_to:
        raise XapiError(
            400,
            "期間の開始は終了より前にしてください。",
            "The start of the range must be before its end.",
        )
    query = Statement.objects.filter(school=school, stored__gte=stored_from, stored__lt=stored_to)
    _, per_model = query.delete()
    count = per_model.get(Statement._meta.label, 0)
    audit_record(
        actor=actor,
        action="statement.erase_range",
        outcome=AuditOutcome.CHANGED,
        purpose=Purpose.SCHOOL_ADMINISTRATION,
        school_uuid=school.uuid,
        target_type="records.statement",
        count=count,
    )
    return int(count)


def schools_first() -> School | None:
    return School.objects.order_by("id").first()


def membership_is_admin(*, person: Person, school: School) -> bool:
    today = clock.today()
    return Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        person=person,
        school=school,
        role=Role.SCHOOL_ADMIN,
        begin_date__lte=today,
    ).exists()
