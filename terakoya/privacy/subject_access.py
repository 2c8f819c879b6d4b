"""Subject access and erasure, generated from the personal-data registry.

- :func:`subject_data_export` writes everything Terakoya holds about a person as a ZIP: one
  JSON and one CSV file per record type, and an index in Japanese (``index.json`` and
  ``はじめにお読みください.txt``) naming each record type, its data categories, retention and
  basis. Only ``exportable`` declarations are included (sign-in secrets are not).
- :func:`subject_data_erase` removes what the law allows — records of ``erasable``
  declarations — and keeps statutory records until their retention ends, saying which and
  until when. While a person is still enrolled, records kept "while active" stay too: the
  school still needs them (the guardian link, the sign-in account); they go when the person
  leaves.

Both write an audit entry in the same transaction; neither writes any content to the log.
Callers obtain ``person`` from :func:`terakoya.privacy.access.access_subject_by_uuid`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from terakoya.core import clock
from terakoya.privacy.audit import AuditActor, audit_record
from terakoya.privacy.categories import LABELS_JA
from terakoya.privacy.models import AuditOutcome
from terakoya.privacy.purposes import Purpose
from terakoya.privacy.registry import IMPLICITLY_STRUCTURAL, PersonalData, personal_models
from terakoya.privacy.retention import RULES, Start
from terakoya.roster.models import Person

INDEX_NAME = "はじめにお読みください.txt"


def subject_queryset(
    model: type[models.Model], decl: PersonalData, person: Person
) -> models.QuerySet[models.Model] | None:
    """The records of ``model`` about ``person`` (None when the model cannot be filtered)."""
    manager = model._default_manager
    if decl.subject_path:
        return manager.filter(**{decl.subject_path: person})
    if model is Person:
        return manager.filter(pk=person.pk)
    if any(f.name == "subject_uuid" for f in model._meta.concrete_fields):
        return manager.filter(subject_uuid=person.uuid)
    return None


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return str(value)


def _columns(model: type[models.Model], decl: PersonalData) -> list[str]:
    declared = set(decl.fields) | set(decl.structural) | IMPLICITLY_STRUCTURAL
    names = []
    for f in model._meta.concrete_fields:
        if f.name == "id" or f.name not in declared:
            continue
        if f.is_relation and f.related_model is not None and not _has_uuid(f.related_model):
            continue  # an internal id (e.g. a sign-in account) means nothing outside
        names.append(f.name)
    return names


def _has_uuid(model: Any) -> bool:
    return not isinstance(model, str) and any(f.name == "uuid" for f in model._meta.concrete_fields)


def _rows(
    model: type[models.Model], queryset: models.QuerySet[models.Model], columns: list[str]
) -> list[dict[str, Any]]:
    # Foreign keys are exported as the related record's public uuid, never the internal id.
    paths = [
        f"{name}__uuid" if model._meta.get_field(name).is_relation else name for name in columns
    ]
    rows = []
    for values in queryset.order_by("pk").values_list(*paths):
        rows.append({name: _value(v) for name, v in zip(columns, values, strict=True)})
    return rows


def _retention_text(decl: PersonalData) -> str:
    rule = RULES[decl.retention]
    if rule.years is None or decl.retention_anchor is None:
        return rule.basis_ja
    if rule.start is Start.END_OF_SCHOOL_YEAR:
        period = f"{rule.years}年間(記録の日を含む年度の末日から)"
    else:
        period = f"{rule.years}年間(記録の日から)" if rule.years else "期限の日まで"
    return f"{period} — {rule.basis_ja}"


@dataclass
class ExportedType:
    model: str
    label: str
    categories: list[str]
    retention: str
    erasable: bool
    count: int


def subject_data_export(*, actor: AuditActor, person: Person) -> tuple[bytes, list[ExportedType]]:
    """Everything held about ``person`` as a ZIP (bytes) and the index of what is in it."""
    buffer = io.BytesIO()
    index: list[ExportedType] = []
    with transaction.atomic(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for model, decl in sorted(personal_models(), key=lambda item: item[0]._meta.label_lower):
            if not decl.exportable:
                continue
            queryset = subject_queryset(model, decl, person)
            if queryset is None:
                continue
            columns = _columns(model, decl)
            rows = _rows(model, queryset, columns)
            label = model._meta.label_lower
            archive.writestr(
                f"data/{label}.json", json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
            )
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(
                    [
                        json.dumps(row[c], ensure_ascii=False)
                        if isinstance(row[c], list | dict)
                        else ("" if row[c] is None else row[c])
                        for c in columns
                    ]
                )
            # A byte-order mark so that spreadsheet software opens the Japanese correctly.
            archive.writestr(f"data/{label}.csv", "\ufeff" + text.getvalue())
            index.append(
                ExportedType(
                    model=label,
                    label=decl.label_ja or str(model._meta.verbose_name or label),
                    categories=[LABELS_JA[c] for c in sorted(decl.categories)],
                    retention=_retention_text(decl),
                    erasable=decl.erasable,
                    count=len(rows),
                )
            )
        archive.writestr(
            "index.json",
            json.dumps(
                {
                    "対象者ID": str(person.uuid),
                    "作成日時": clock.now().astimezone(clock.JST).isoformat(),
                    "記録の種類": [
                        {
                            "ファイル": [f"data/{t.model}.json", f"data/{t.model}.csv"],
                            "記録": t.label,
                            "情報の種類": t.categories,
                            "保存期間と根拠": t.retention,
                            "削除の請求": "できます"
                            if t.erasable
                            else "法定の保存期間中は削除できません",
                            "件数": t.count,
                        }
                        for t in index
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
        )
        archive.writestr(INDEX_NAME, _readme(person, index))
        audit_record(
            actor=actor,
            action="subject_access.export",
            outcome=AuditOutcome.ALLOWED,
            purpose=Purpose.SUBJECT_ACCESS,
            target_type="roster.person",
            target_uuid=person.uuid,
            subject_uuid=person.uuid,
            count=sum(t.count for t in index),
        )
    return buffer.getvalue(), index


def _readme(person: Person, index: list[ExportedType]) -> str:
    lines = [
        "寺子屋が保有している情報の写し(個人情報保護法 第76条 開示)",
        "",
        f"対象者ID(学習者ID): {person.uuid}",
        f"作成日時: {clock.now().astimezone(clock.JST):%Y年%m月%d日 %H:%M}(日本時間)",
        "",
        "data/ フォルダに、記録の種類ごとに JSON と CSV(Excel で開けます)があります。",
        "日時は協定世界時(UTC)で記録しています。日本時間は9時間を足した時刻です。",
        "",
        "記録の種類:",
    ]
    for t in index:
        lines += [
            f"- {t.label}({t.count}件) data/{t.model}.json, .csv",
            f"  情報の種類: {'、'.join(t.categories)}",
            f"  保存期間と根拠: {t.retention}",
            f"  削除の請求: {'できます' if t.erasable else '法定の保存期間中は削除できません'}",
        ]
    lines += ["", "パスワードなどサインインの情報は、安全のため含めていません。", ""]
    return "\n".join(lines)


@dataclass
class KeptType:
    model: str
    label: str
    count: int
    basis: str
    until: dt.date | None  # the last of the records' deletion days; None: not fixed yet
    until_text: str


@dataclass
class ErasureReceipt:
    person_uuid: str
    at: dt.datetime
    erased: dict[str, int] = field(default_factory=dict)
    kept: list[KeptType] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "対象者ID": self.person_uuid,
            "実行日時": self.at.astimezone(clock.JST).isoformat(),
            "削除した記録": [{"記録": k, "件数": n} for k, n in self.erased.items()],
            "保存を続ける記録": [
                {
                    "記録": k.label,
                    "種類": k.model,
                    "件数": k.count,
                    "根拠": k.basis,
                    "削除予定日": k.until.isoformat() if k.until else None,
                    "説明": k.until_text,
                }
                for k in self.kept
            ],
        }


def _anchor_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(clock.JST).date()
    if isinstance(value, dt.date):
        return value
    return None


def _kept(
    model: type[models.Model], decl: PersonalData, queryset: models.QuerySet[models.Model], why: str
) -> KeptType:
    rule = RULES[decl.retention]
    until: dt.date | None = None
    open_ended = rule.years is None or decl.retention_anchor is None
    if not open_ended and decl.retention_anchor is not None:
        for anchor in queryset.values_list(decl.retention_anchor, flat=True):
            day = _anchor_date(anchor)
            if day is None:
                open_ended = True
                continue
            expires = rule.expires_on(day)
            if expires is not None and (until is None or expires > until):
                until = expires
    if open_ended:
        text = f"{why}。在籍・利用の終了後、{rule.basis_ja} に従って削除します。"
        until = None
    else:
        text = f"{why}。{until:%Y年%m月%d日} に削除します。" if until else why
    return KeptType(
        model=model._meta.label_lower,
        label=decl.label_ja or model._meta.label_lower,
        count=queryset.count(),
        basis=rule.basis_ja,
        until=until,
        until_text=text,
    )


def erasure_plan(*, person: Person) -> ErasureReceipt:
    """What :func:`subject_data_erase` would erase and keep now; changes nothing."""
    return _erase(person=person, execute=False, actor=None)


def subject_data_erase(*, actor: AuditActor, person: Person) -> ErasureReceipt:
    """Erase what the law allows about ``person``; keep statutory records; return a receipt."""
    return _erase(person=person, execute=True, actor=actor)


@transaction.atomic
def _erase(*, person: Person, execute: bool, actor: AuditActor | None) -> ErasureReceipt:
    receipt = ErasureReceipt(person_uuid=str(person.uuid), at=clock.now())
    active = person.retired_at is None
    for model, decl in sorted(personal_models(), key=lambda item: item[0]._meta.label_lower):
        queryset = subject_queryset(model, decl, person)
        if queryset is None or not queryset.exists():
            continue
        rule = RULES[decl.retention]
        if not decl.erasable:
            receipt.kept.append(_kept(model, decl, queryset, "法定の保存期間中のため保存します"))
            continue
        if active and rule.kept_while_active:
            receipt.kept.append(
                _kept(model, decl, queryset, "在籍中は学校の業務に必要なため保存します")
            )
            continue
        label = model._meta.label_lower
        count = queryset.count()
        if execute:
            queryset.delete()
        receipt.erased[decl.label_ja or label] = count
        if execute and actor is not None:
            audit_record(
                actor=actor,
                action="erasure.execute",
                outcome=AuditOutcome.CHANGED,
                purpose=Purpose.SUBJECT_ACCESS,
                target_type=label,
                subject_uuid=person.uuid,
                count=count,
            )
    if execute and actor is not None and not receipt.erased:
        audit_record(
            actor=actor,
            action="erasure.execute",
            outcome=AuditOutcome.ALLOWED,
            purpose=Purpose.SUBJECT_ACCESS,
            target_type="roster.person",
            target_uuid=person.uuid,
            subject_uuid=person.uuid,
            count=0,
        )
    return receipt
