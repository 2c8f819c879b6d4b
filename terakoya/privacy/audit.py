"""Writing the audit log.

``audit_record`` is called inside the same transaction as the read or change it records
(STYLE: check + execute + log in one place). Entries never hold the content of a record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from terakoya.core import clock
from terakoya.core.sql import insert_returning
from terakoya.privacy.models import AuditEntry, AuditOutcome

#: Fields that enter the leaf hash, in this order. Changing this list breaks verification of
#: every existing entry: add a version field instead.
HASHED_FIELDS = (
    "at",
    "actor_uuid",
    "actor_role",
    "actor_label",
    "action",
    "purpose",
    "school_uuid",
    "target_type",
    "target_uuid",
    "subject_uuid",
    "outcome",
    "count",
)


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def entry_bytes(values: dict[str, Any]) -> bytes:
    """Canonical bytes of an entry: a JSON array of the hashed fields, UTF-8, no spaces."""
    row = []
    for name in HASHED_FIELDS:
        value = values.get(name)
        if name == "at" and value is not None:
            value = value.astimezone(dt.UTC).isoformat(timespec="microseconds")
        elif name in {"actor_uuid", "school_uuid", "subject_uuid"} and value is not None:
            value = str(uuid.UUID(str(value)))
        row.append(_text(value))
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def leaf_hash(data: bytes) -> str:
    """RFC 6962 §2.1: MTH({d0}) = SHA-256(0x00 ‖ d0), as lowercase hex."""
    return hashlib.sha256(b"\x00" + data).hexdigest()


def entry_leaf_hash(entry: AuditEntry) -> str:
    """Recompute an entry's leaf hash from its stored fields."""
    return leaf_hash(entry_bytes({name: getattr(entry, name) for name in HASHED_FIELDS}))


@dataclass(frozen=True)
class AuditActor:
    """Who is acting, as the audit log records it."""

    uuid: uuid.UUID | None
    role: str
    label: str = ""


SYSTEM = AuditActor(uuid=None, role="system", label="terakoya")


def _entry(
    *,
    actor: AuditActor,
    action: str,
    outcome: str = AuditOutcome.ALLOWED,
    purpose: str = "",
    school_uuid: uuid.UUID | None = None,
    target_type: str = "",
    target_uuid: str | uuid.UUID = "",
    subject_uuid: uuid.UUID | None = None,
    count: int = 1,
    at: dt.datetime | None = None,
) -> AuditEntry:
    values: dict[str, Any] = {
        "at": at or clock.now(),
        "actor_uuid": actor.uuid,
        "actor_role": actor.role,
        "actor_label": actor.label[:100],
        "action": action,
        "purpose": str(purpose),
        "school_uuid": school_uuid,
        "target_type": target_type,
        "target_uuid": str(target_uuid),
        "subject_uuid": subject_uuid,
        "outcome": str(outcome),
        "count": count,
    }
    values["leaf_hash"] = leaf_hash(entry_bytes(values))
    return AuditEntry(**values)


def audit_record(**kwargs: Any) -> AuditEntry:
    """Append one entry to the audit log and return it.

    Keywords: ``actor`` (an :class:`AuditActor`), ``action`` (namespaced: ``"learner.read"``,
    ``"consent.withdraw"``), and optionally ``outcome``, ``purpose``, ``school_uuid``,
    ``target_type``, ``target_uuid``, ``subject_uuid`` (the person whose data it concerns; it
    drives the "who looked at my data" page), ``count`` and ``at``.
    """
    entry = _entry(**kwargs)
    entry.save(force_insert=True)
    _seal_after_commit([entry.pk])
    return entry


#: Columns written by :func:`audit_record_many`, in insert order (the hashed fields, then
#: the leaf hash; ``position`` stays NULL until sealing).
_COLUMNS = (*HASHED_FIELDS, "leaf_hash")
_UUID_COLUMNS = frozenset({"actor_uuid", "school_uuid", "subject_uuid"})


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


@dataclass(frozen=True)
class PreparedEntries:
    """Audit entries with their leaf hashes computed, ready for :func:`audit_write`."""

    rows: list[list[Any]]


def audit_prepare(entries: list[dict[str, Any]]) -> PreparedEntries:
    """Build entries (each dict as for :func:`audit_record`) and hash them, without writing.

    Lets a hot path do this CPU work before it opens its write transaction (on SQLite the
    transaction holds the database's only write lock). Entries share one ``at`` unless given;
    their canonical bytes are built without a model instance and are exactly
    :func:`entry_bytes`' (a property test compares both), so verification is unchanged.
    """
    now = clock.now()
    rows: list[list[Any]] = []
    for item in entries:
        actor: AuditActor = item["actor"]
        at = item.get("at") or now
        values = [
            at,
            _uuid_or_none(actor.uuid),
            actor.role,
            actor.label[:100],
            item["action"],
            str(item.get("purpose", "")),
            _uuid_or_none(item.get("school_uuid")),
            item.get("target_type", ""),
            str(item.get("target_uuid", "")),
            _uuid_or_none(item.get("subject_uuid")),
            str(item.get("outcome", AuditOutcome.ALLOWED)),
            item.get("count", 1),
        ]
        canonical = [
            at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            *(str(v) if isinstance(v, uuid.UUID) else v for v in values[1:]),
        ]
        data = json.dumps(canonical, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        values.append(leaf_hash(data))
        rows.append(values)
    return PreparedEntries(rows)


def audit_write(prepared: PreparedEntries) -> None:
    """Append prepared entries, in the caller's transaction: one multi-row insert per 100."""
    if prepared.rows:
        _seal_after_commit(_insert_rows(prepared.rows))


def audit_record_many(entries: list[dict[str, Any]]) -> None:
    """Append many entries at once (a query over many learners); each dict as for audit_record.

    The hot path of the LRS (one entry per learner per request); see :func:`audit_prepare`.
    """
    audit_write(audit_prepare(entries))


def _insert_rows(rows: list[list[Any]]) -> list[int]:
    """Insert prepared rows (:func:`terakoya.core.sql.insert_returning`); their ids. The same
    parameters ``bulk_create`` would send, converted once per column instead of once per
    value."""
    ops = connection.ops
    native_uuid = connection.features.has_native_uuid_field

    def convert(name: str, value: Any) -> Any:
        if name == "at":
            return ops.adapt_datetimefield_value(value)
        if name in _UUID_COLUMNS and value is not None and not native_uuid:
            return value.hex
        return value

    params = [[convert(n, v) for n, v in zip(_COLUMNS, row, strict=True)] for row in rows]
    # no field has a db_column: the names are the columns
    found = insert_returning(AuditEntry._meta.db_table, _COLUMNS, params, returning=("id",))
    return [row[0] for row in found]


def _seal_if_due() -> None:
    from terakoya.privacy import sealer

    if sealer.background():
        sealer.SEALER.request()
        return
    from terakoya.privacy.tree import seal_if_due

    seal_if_due()


def seal_every() -> int:
    """How many entries a tree head covers at most before the next is signed."""
    return int(str(settings.TERAKOYA.get("AUDIT_TREE_HEAD_EVERY", 256)))


def _seal_after_commit(ids: Sequence[int | None]) -> None:
    """Check after commit whether a tree head is due, when this write may have made it so.

    Ids come from one sequence, so about every ``AUDIT_TREE_HEAD_EVERY``-th entry has an id
    that is a multiple of it: only a transaction that wrote such an id checks (one indexed
    query), and the rest pay nothing. A multiple lost to a rolled-back transaction delays the
    head to the next multiple (or to `manage.py audit_seal`), it never skips sealing.
    """
    every = seal_every()
    if not any(i is None or i % every == 0 for i in ids):
        return
    # Registering once per transaction keeps a transaction that writes thousands of entries
    # from queueing identical callbacks.
    if connection.in_atomic_block and any(
        item[1] is _seal_if_due for item in connection.run_on_commit
    ):
        return
    # robust: a failed seal must not fail the request that already committed; the next
    # due commit or `manage.py audit_seal` seals the entries instead. In the default
    # background mode the callback only wakes the sealer thread (terakoya.privacy.sealer).
    transaction.on_commit(_seal_if_due, robust=True)
