"""The retention sweep: delete what has expired, on the day it expires, driven by the registry.

Every model that declares personal data names a retention rule and the date its period counts
from (``retention_anchor``, an ORM path, so a record whose date lives on a related model
follows the relation). The sweep deletes each record on the first day after its last kept day
(:meth:`RetentionRule.expires_on`) and writes one audit entry per deleted record — action
``retention.delete``, record type and uuid, never the content. Records of models without a
``uuid`` (sessions, sign-in attempts) are audited as one entry with their count.

The audit log itself is never swept: deleting leaves would break every later signed tree head
(docs/decisions/0180-audit-tamper-evidence.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import ProtectedError, Q, RestrictedError

from terakoya.core import clock
from terakoya.privacy.audit import SYSTEM, audit_record, audit_record_many
from terakoya.privacy.models import AuditEntry, AuditOutcome
from terakoya.privacy.registry import PersonalData, personal_models
from terakoya.privacy.retention import RULES, RetentionRule

#: Models the sweep never touches, with the reason.
EXEMPT: dict[str, str] = {
    AuditEntry._meta.label_lower: "append-only Merkle log; pruning needs an archive procedure",
}
CHUNK = 500


@dataclass
class SweepResult:
    """What the sweep deleted (or, in a dry run, would delete) for one model."""

    label: str
    rule: str
    cutoff: dt.date
    count: int = 0
    cascaded: dict[str, int] = field(default_factory=dict)
    blocked: int = 0


def last_expired_anchor(rule: RetentionRule, today: dt.date) -> dt.date | None:
    """The latest anchor date whose record is deleted on or before ``today`` (None: none).

    ``expires_on`` never decreases as the anchor moves later, so a binary search over the
    window in which the answer must lie finds it exactly, leap days and 年度 ends included.
    """
    if rule.years is None:
        return None
    lo = today - dt.timedelta(days=366 * (rule.years + 2))
    hi = today
    expires = rule.expires_on(lo)
    if expires is None or expires > today:
        return None
    while lo < hi:
        mid = lo + dt.timedelta(days=(hi - lo).days // 2 + 1)
        mid_expires = rule.expires_on(mid)
        assert mid_expires is not None  # noqa: S101 - years is not None
        if mid_expires <= today:
            lo = mid
        else:
            hi = mid - dt.timedelta(days=1)
    return lo


def _anchor_field(model: type[models.Model], path: str) -> models.Field[object, object]:
    current: type[models.Model] = model
    parts = path.split("__")
    for part in parts[:-1]:
        relation = current._meta.get_field(part)
        related = relation.related_model
        if related is None or isinstance(related, str):
            raise ValueError(f"{model._meta.label}: cannot follow {path!r}")
        current = related
    found = current._meta.get_field(parts[-1])
    assert isinstance(found, models.Field)  # noqa: S101 - a concrete date field
    return found


def expired_filter(model: type[models.Model], decl: PersonalData, today: dt.date) -> Q | None:
    """The filter selecting ``model``'s records that have expired by ``today`` (None: never)."""
    rule = RULES[decl.retention]
    if decl.retention_anchor is None:
        return None
    cutoff = last_expired_anchor(rule, today)
    if cutoff is None:
        return None
    anchor = decl.retention_anchor
    if isinstance(_anchor_field(model, anchor), models.DateTimeField):
        # A datetime belongs to the Japanese calendar day it happened on.
        end = dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time(), tzinfo=clock.JST)
        return Q(**{f"{anchor}__lt": end})
    return Q(**{f"{anchor}__lte": cutoff})


def _sweepable() -> list[tuple[type[models.Model], PersonalData]]:
    found = [
        (model, decl)
        for model, decl in personal_models()
        if model._meta.label_lower not in EXEMPT
        and not model._meta.auto_created
        and decl.retention_anchor is not None
        and RULES[decl.retention].years is not None
    ]
    # Shorter periods first: dependants usually expire before the records they hang on, so a
    # PROTECT foreign key seldom blocks; the person record (20 years) comes last.
    return sorted(
        found, key=lambda item: (RULES[item[1].retention].years or 0, item[0]._meta.label)
    )


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


@transaction.atomic
def _delete_chunk(
    model: type[models.Model], decl: PersonalData, ids: list[int], result: SweepResult
) -> None:
    queryset = model._default_manager.filter(pk__in=ids)
    label = model._meta.label_lower
    entries = []
    if _has_field(model, "uuid"):
        # The subject is the person the record is about ("" means the record is the person).
        subject = "uuid" if decl.subject_path == "" else f"{decl.subject_path}__uuid"
        for target, subject_uuid in queryset.values_list("uuid", subject):
            entries.append(
                {
                    "actor": SYSTEM,
                    "action": "retention.delete",
                    "outcome": AuditOutcome.CHANGED,
                    "target_type": label,
                    "target_uuid": target,
                    "subject_uuid": subject_uuid,
                }
            )
    _count, per_model = queryset.delete()
    deleted_here = per_model.get(model._meta.label, 0)
    result.count += deleted_here
    for other, n in per_model.items():
        if other != model._meta.label and n:
            result.cascaded[other.lower()] = result.cascaded.get(other.lower(), 0) + n
            audit_record(
                actor=SYSTEM,
                action="retention.delete",
                outcome=AuditOutcome.CHANGED,
                target_type=other.lower(),
                count=n,
            )
    if entries:
        audit_record_many(entries)
    else:
        audit_record(
            actor=SYSTEM,
            action="retention.delete",
            outcome=AuditOutcome.CHANGED,
            target_type=label,
            count=deleted_here,
        )


def retention_sweep(*, today: dt.date | None = None, dry_run: bool = False) -> list[SweepResult]:
    """Delete every record whose retention has ended by ``today`` (default: today in Japan).

    Returns one result per model with anything expired. With ``dry_run`` nothing is deleted
    or audited. Records a PROTECT foreign key still holds are left and counted as blocked.
    """
    day = today or clock.today()
    results = []
    for model, decl in _sweepable():
        where = expired_filter(model, decl, day)
        if where is None:
            continue
        cutoff = last_expired_anchor(RULES[decl.retention], day)
        assert cutoff is not None  # noqa: S101 - where is not None
        result = SweepResult(label=model._meta.label_lower, rule=decl.retention, cutoff=cutoff)
        if dry_run:
            result.count = model._default_manager.filter(where).count()
        else:
            blocked: set[int] = set()
            while True:
                ids = list(
                    model._default_manager.filter(where)
                    .exclude(pk__in=sorted(blocked))
                    .order_by("pk")
                    .values_list("pk", flat=True)[:CHUNK]
                )
                if not ids:
                    break
                try:
                    _delete_chunk(model, decl, ids, result)
                except (ProtectedError, RestrictedError):
                    # One by one, to find the records a still-kept record holds on to.
                    for pk in ids:
                        try:
                            _delete_chunk(model, decl, [pk], result)
                        except (ProtectedError, RestrictedError):
                            blocked.add(pk)
            result.blocked = len(blocked)
        if result.count or result.blocked:
            results.append(result)
    return results
