"""Reads for the privacy pages: the access log of a person, consent state, the privacy notice.

Callers pass persons they obtained from :mod:`terakoya.privacy.access`; nothing here checks
access again.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import get_language

from terakoya.core import clock
from terakoya.privacy.categories import LABELS_EN, LABELS_JA, DataCategory
from terakoya.privacy.consent import receipt_verify
from terakoya.privacy.models import AuditEntry, AuditOutcome, ConsentAction, ConsentEvent
from terakoya.privacy.purposes import OPTIONAL_PURPOSES, PURPOSES, Purpose, PurposeInfo
from terakoya.privacy.registry import personal_models
from terakoya.privacy.retention import RULES
from terakoya.roster.models import Person


def _en() -> bool:
    return (get_language() or "ja").startswith("en")


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if _en() else pair[0]


#: How the log names the role an access was made in (relations of the gate, and roles).
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "self": ("本人", "yourself"),
    "learner": ("児童生徒", "learner"),
    "guardian": ("保護者", "guardian"),
    "homeroom_teacher": ("担任の先生", "homeroom teacher"),
    "subject_teacher": ("教科担当の先生", "subject teacher"),
    "teacher": ("先生", "teacher"),
    "nurse": ("養護教諭", "school nurse"),
    "school_admin": ("学校の管理者", "school administrator"),
    "principal": ("校長", "principal"),
    "special_support": ("特別支援教育コーディネーター", "special-needs coordinator"),
    "board_analyst": ("教育委員会 分析担当", "board analyst"),
    "board_admin": ("教育委員会 管理者", "board administrator"),
    "client": ("外部ツール", "external tool"),
    "system": ("寺子屋(自動処理)", "Terakoya (automatic)"),
    "none": ("権限のない利用者", "someone without access"),
}
#: Relations and roles whose holder is named in the log (staff act in an office; guardians
#: and learners are shown by role only, so one family's names are not shown to another).
NAMED_ROLES = frozenset(
    {
        "homeroom_teacher",
        "subject_teacher",
        "teacher",
        "nurse",
        "school_admin",
        "principal",
        "special_support",
        "board_analyst",
        "board_admin",
    }
)
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "learner.read": ("基本情報を見ました", "viewed basic details"),
    "class.read": ("クラスを見ました", "viewed a class"),
    "class.roster.read": ("クラス名簿で見ました", "viewed in a class roster"),
    "consent.grant": ("同意しました", "gave consent"),
    "consent.withdraw": ("同意を取り消しました", "withdrew consent"),
    "consent.receipt.read": ("同意の控えを見ました", "viewed a consent receipt"),
    "audit.read": ("閲覧記録を見ました", "viewed the access log"),
    "retention.delete": ("保存期間が終わり削除しました", "deleted: retention ended"),
    "subject_access.export": ("全データをダウンロードしました", "downloaded all data"),
    "erasure.execute": ("削除の請求を実行しました", "erased data on request"),
    "person.create": ("登録しました", "registered"),
    "person.update": ("基本情報を変更しました", "changed basic details"),
    "person.retire": ("在籍を終了しました", "ended enrolment"),
    "membership.create": ("所属を登録しました", "added a role"),
    "enrolment.create": ("クラスに登録しました", "enrolled in a class"),
    "guardian_link.create": ("保護者を登録しました", "linked a guardian"),
    "roster.person.read": ("名簿の情報を見ました", "viewed roster details"),
    "roster.people.list": ("名簿の一覧で見ました", "viewed in the people list"),
    "attendance.learner.read": ("出欠の記録を見ました", "viewed the attendance record"),
    "attendance.register.write": ("出席簿をつけました", "took the attendance register"),
    "attendance.notice.send": ("欠席連絡を送りました", "sent an absence notice"),
    "attendance.notice.write": ("欠席連絡を記録しました", "recorded an absence notice"),
    "attendance.notice.read": ("欠席連絡を見ました", "viewed an absence notice"),
    "attendance.alert.create": ("出欠の注意を出しました", "raised an attendance alert"),
    "attendance.alert.read": ("出欠の注意を見ました", "viewed an attendance alert"),
    "attendance.alert.acknowledge": (
        "出欠の注意を確認しました",
        "acknowledged an attendance alert",
    ),
    "health.observation.read": ("健康観察を見ました", "viewed the health check"),
    "health.observation.write": ("健康観察を記録しました", "recorded the health check"),
    "health.observation.change": ("健康観察を直しました", "corrected the health check"),
    "health.record.read": ("健康診断票を見ました", "viewed the health record"),
    "health.record.write": ("健康診断票を記録しました", "recorded the health record"),
    "health.record.change": ("健康診断票を直しました", "corrected the health record"),
    "guidance.learner.read": ("指導記録の一覧を見ました", "viewed the guidance notes"),
    "guidance.note.read": ("指導記録を見ました", "viewed a guidance note"),
    "guidance.note.create": ("指導記録を書きました", "wrote a guidance note"),
    "guidance.note.update": ("指導記録を直しました", "corrected a guidance note"),
    "guidance.note.expire": (
        "指導記録を保存期間の終わりで消しました",
        "deleted a guidance note: retention ended",
    ),
    "signin.card.issue": ("サインインのカードを発行しました", "issued a sign-in card"),
    "signin.picture.set": ("サインインの絵を設定しました", "set the sign-in pictures"),
    "signin.unlock": ("サインインの制限を解除しました", "lifted a sign-in pause"),
    "signin.credential.issue": ("サインインの情報を発行しました", "issued sign-in details"),
}
# An action no label names yet is still shown in words (by its last part), never as a code.
VERB_LABELS: dict[str, tuple[str, str]] = {
    "read": ("見ました", "viewed"),
    "list": ("一覧で見ました", "viewed in a list"),
    "create": ("記録しました", "recorded"),
    "write": ("記録しました", "recorded"),
    "update": ("変更しました", "changed"),
    "change": ("変更しました", "changed"),
    "delete": ("削除しました", "deleted"),
    "export": ("書き出しました", "exported"),
    "import": ("取り込みました", "imported"),
}


def purpose_label(value: str) -> str:
    try:
        info = PURPOSES[Purpose(value)]
    except ValueError:
        return value or "—"
    return info.title_en if _en() else info.title_ja


def role_label(value: str) -> str:
    pair = ROLE_LABELS.get(value)
    return _pick(pair) if pair else value


def action_label(value: str) -> str:
    pair = ACTION_LABELS.get(value) or VERB_LABELS.get(value.rsplit(".", 1)[-1])
    return _pick(pair) if pair else (_pick(("操作しました", "acted on the data")))


@dataclass(frozen=True)
class AccessRow:
    """One line of "who looked at my data"."""

    at: dt.datetime  # aware; templates show it in Asia/Tokyo
    who: str
    role: str
    purpose: str
    action: str
    record_type: str
    denied: bool
    count: int


def access_log_queryset(
    *,
    subject: Person,
    since: dt.date | None = None,
    until: dt.date | None = None,
    purpose: str = "",
) -> QuerySet[AuditEntry]:
    """Accesses to ``subject``'s data by anyone but themselves, newest first.

    ``since`` and ``until`` are days in Japan, both included.
    """
    entries = AuditEntry.objects.filter(subject_uuid=subject.uuid).exclude(actor_uuid=subject.uuid)
    if since is not None:
        entries = entries.filter(at__gte=dt.datetime.combine(since, dt.time(), tzinfo=clock.JST))
    if until is not None:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=clock.JST)
        entries = entries.filter(at__lt=end)
    if purpose:
        entries = entries.filter(purpose=purpose)
    return entries.order_by("-at", "-id")


def _names(actor_uuids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    people = Person.objects.filter(uuid__in=actor_uuids).values_list(
        "uuid", "family_name", "given_name"
    )
    return {key: f"{family} {given}" for key, family, given in people}


def access_log_page(
    *,
    subject: Person,
    since: dt.date | None = None,
    until: dt.date | None = None,
    purpose: str = "",
    page: int | str = 1,
    per_page: int = 50,
) -> tuple[Page[AuditEntry], list[AccessRow]]:
    """One page of the access log, with staff names resolved and labels in the language."""
    paginator = Paginator(
        access_log_queryset(subject=subject, since=since, until=until, purpose=purpose),
        per_page,
    )
    current = paginator.get_page(page)
    entries: list[AuditEntry] = list(current.object_list)
    named = {e.actor_uuid for e in entries if e.actor_uuid and e.actor_role in NAMED_ROLES}
    names = _names(named) if named else {}
    rows = []
    for e in entries:
        if e.actor_role == "client":
            who = e.actor_label or role_label("client")
        elif e.actor_uuid in names:
            who = names[e.actor_uuid]
        else:
            who = role_label(e.actor_role)
        rows.append(
            AccessRow(
                at=e.at,
                who=who,
                role=role_label(e.actor_role),
                purpose=purpose_label(e.purpose),
                action=action_label(e.action),
                record_type=e.target_type,
                denied=e.outcome == AuditOutcome.DENIED,
                count=e.count,
            )
        )
    return current, rows


@dataclass(frozen=True)
class ConsentRow:
    """An optional purpose with the learner's current decision on it."""

    info: PurposeInfo
    granted: bool
    latest: ConsentEvent | None
    history: list[ConsentEvent]

    @property
    def purpose(self) -> str:
        return self.info.purpose.value

    @property
    def title(self) -> str:
        return self.info.title_en if _en() else self.info.title_ja

    @property
    def description(self) -> str:
        return self.info.description_en if _en() else self.info.description_ja

    @property
    def who_sees(self) -> str:
        return self.info.who_sees_en if _en() else self.info.who_sees_ja

    @property
    def retention(self) -> str:
        return self.info.retention_en if _en() else self.info.retention_ja

    @property
    def categories(self) -> list[str]:
        return [category_label(c) for c in sorted(self.info.categories)]


def category_label(category: DataCategory) -> str:
    return LABELS_EN[category] if _en() else LABELS_JA[category]


def consent_overview(*, learner: Person) -> list[ConsentRow]:
    """Each optional purpose with the learner's current state (purpose-wide) and history."""
    events: dict[str, list[ConsentEvent]] = {p.value: [] for p in OPTIONAL_PURPOSES}
    for event in (
        ConsentEvent.objects.filter(learner=learner, recipient="")
        .select_related("given_by")
        .order_by("at", "id")
    ):
        events.setdefault(event.purpose, []).append(event)
    rows = []
    for purpose in OPTIONAL_PURPOSES:
        history = events[purpose.value]
        latest = history[-1] if history else None
        rows.append(
            ConsentRow(
                info=PURPOSES[purpose],
                granted=latest is not None and latest.action == ConsentAction.GRANT,
                latest=latest,
                history=list(reversed(history)),
            )
        )
    return rows


def consent_receipt_document(event: ConsentEvent) -> dict[str, Any]:
    """The receipt as readable JSON: the verified claims, with a plain-language summary."""
    claims = receipt_verify(event.receipt)
    info = PURPOSES[Purpose(event.purpose)]
    return {
        "summary_ja": (
            f"{event.at.astimezone(clock.JST):%Y年%m月%d日 %H:%M}、"
            f"「{info.title_ja}」について"
            f"{'同意しました' if event.action == ConsentAction.GRANT else '同意を取り消しました'}。"
        ),
        "summary_en": (
            f"On {event.at.astimezone(clock.JST):%Y-%m-%d %H:%M} (Japan), consent to "
            f"“{info.title_en}” was "
            f"{'given' if event.action == ConsentAction.GRANT else 'withdrawn'}."
        ),
        "signature": "EdDSA (Ed25519) JWS, verified",
        "claims": claims,
        "jws": event.receipt,
    }


def consent_receipt_json(event: ConsentEvent) -> str:
    return json.dumps(consent_receipt_document(event), ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class RecordTypeNotice:
    """A kind of record Terakoya keeps, for the notice and the subject-access index."""

    label: str
    categories: list[str]
    retention: str
    model: str


def record_types() -> list[RecordTypeNotice]:
    """Every kind of personal record, with its categories and retention basis."""
    found = []
    for model, decl in personal_models():
        if not decl.label_ja:
            continue
        rule = RULES[decl.retention]
        found.append(
            RecordTypeNotice(
                label=decl.label_en if _en() else decl.label_ja,
                categories=[category_label(c) for c in sorted(decl.categories)],
                retention=rule.basis_en if _en() else rule.basis_ja,
                model=model._meta.label_lower,
            )
        )
    return sorted(found, key=lambda r: r.model)


def privacy_notice_context() -> dict[str, Any]:
    """What the "how your data is used" page shows (APPI Art. 62): for every duty and every
    optional purpose, what data, who sees it, how long, on what legal basis."""

    def entry(info: PurposeInfo) -> dict[str, Any]:
        return {
            "purpose": info.purpose.value,
            "title": info.title_en if _en() else info.title_ja,
            "description": info.description_en if _en() else info.description_ja,
            "categories": [category_label(c) for c in sorted(info.categories)],
            "who_sees": info.who_sees_en if _en() else info.who_sees_ja,
            "retention": info.retention_en if _en() else info.retention_ja,
            "legal_reference": info.legal_reference,
        }

    return {
        "duties": [entry(info) for info in PURPOSES.values() if not info.needs_consent],
        "optional": [entry(info) for info in PURPOSES.values() if info.needs_consent],
        "record_types": record_types(),
    }
