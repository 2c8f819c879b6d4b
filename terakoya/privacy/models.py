"""Consent events and the append-only audit log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from terakoya.core.models import PublicModel
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.purposes import Purpose
from terakoya.privacy.registry import PersonalData, Subject, no_personal_data, personal_data


class ConsentAction(models.TextChoices):
    GRANT = "grant", _("同意")
    WITHDRAW = "withdraw", _("同意の取り消し")


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "purpose": C.CONSENT,
            "action": C.CONSENT,
            "given_by": C.CONSENT,
            "given_by_role": C.CONSENT,
            "recipient": C.CONSENT,
            "at": C.CONSENT,
            "policy_version": C.CONSENT,
            "receipt": C.CONSENT,
        },
        structural=("learner",),
        # Proof of consent is kept as long as processing on it may be questioned.
        retention="consent_record",
        retention_anchor="at",
        erasable=False,
        label_ja="同意の記録",
        label_en="Consent records",
    )
)
class ConsentEvent(PublicModel):
    """One grant or withdrawal of consent for an optional purpose. Append-only.

    The current state of a (learner, purpose, recipient) is its latest event. ``receipt`` is a
    JWS signed by the school's key over a record shaped after ISO/IEC TS 27560.
    """

    learner = models.ForeignKey(
        "roster.Person", on_delete=models.PROTECT, related_name="consent_events"
    )
    purpose = models.CharField(max_length=40, choices=[(p.value, p.value) for p in Purpose])
    action = models.CharField(max_length=10, choices=ConsentAction.choices)
    # Empty recipient: the purpose as a whole; otherwise e.g. an LRS client's or tool's uuid.
    recipient = models.CharField(max_length=100, blank=True, default="")
    given_by = models.ForeignKey(
        "roster.Person", on_delete=models.PROTECT, related_name="consents_given"
    )
    given_by_role = models.CharField(max_length=20)
    at = models.DateTimeField(db_index=True)
    policy_version = models.CharField(max_length=20, default="1")
    receipt = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["learner", "purpose", "recipient", "at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.action} {self.at:%Y-%m-%d}"


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", _("許可")
    DENIED = "denied", _("拒否")
    REFUSED = "refused", _("受付拒否(入力)")
    CHANGED = "changed", _("変更")


@personal_data(
    PersonalData(
        subject=Subject.PERSON,
        subject_path="",
        fields={
            "at": C.AUDIT,
            "actor_uuid": C.AUDIT,
            "actor_role": C.AUDIT,
            "actor_label": C.AUDIT,
            "action": C.AUDIT,
            "purpose": C.AUDIT,
            "target_type": C.AUDIT,
            "target_uuid": C.AUDIT,
            "subject_uuid": C.AUDIT,
            "outcome": C.AUDIT,
            "count": C.AUDIT,
        },
        structural=("school_uuid", "leaf_hash", "position"),
        retention="audit_log",
        retention_anchor="at",
        erasable=False,
        label_ja="閲覧・操作の記録",
        label_en="Access log",
    )
)
class AuditEntry(models.Model):
    """One audited event: who, in which role, for what purpose, did what to whose record, when.

    Never the content of the record. Append-only: on PostgreSQL and SQLite a trigger refuses
    UPDATE and DELETE (except assigning ``position`` once, when a tree head is sealed). Each
    entry is a leaf of an RFC 6962 Merkle tree; ``leaf_hash`` is SHA-256(0x00 ‖ canonical bytes).
    """

    at = models.DateTimeField(db_index=True)
    actor_uuid = models.UUIDField(null=True, blank=True)
    actor_role = models.CharField(max_length=30, blank=True)
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=60)
    purpose = models.CharField(max_length=40, blank=True)
    school_uuid = models.UUIDField(null=True, blank=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_uuid = models.CharField(max_length=100, blank=True)
    subject_uuid = models.UUIDField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=AuditOutcome.choices)
    count = models.PositiveIntegerField(default=1)
    leaf_hash = models.CharField(max_length=64)
    position = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject_uuid", "at"]),
            models.Index(fields=["actor_uuid", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} ({self.outcome})"


@no_personal_data(
    "a signed Merkle tree head over the audit log",
    structural=("tree_size", "root_hash", "signed_at", "signature", "key_id", "frontier"),
)
class AuditTreeHead(models.Model):
    """A signed tree head (RFC 6962 §3.5 style) over the first ``tree_size`` audit entries."""

    tree_size = models.BigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    signature = models.TextField()
    key_id = models.CharField(max_length=64)
    # The right-edge subtree hashes needed to extend the tree without re-reading old leaves.
    frontier = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"tree head {self.tree_size} {self.root_hash[:12]}"
