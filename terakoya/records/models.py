"""The learning-record store: clients, statements with their index rows, documents.

Statements carry a time-ordered key: ``id`` is the insertion sequence and ``stored`` is set in
the inserting transaction, so ``since``/``until``/``more`` page on the primary key
(docs/decisions/0100-lrs-storage.md). Index rows per agent and activity make
``related_agents``/``related_activities`` plain index lookups.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from terakoya.core.models import PublicModel
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.purposes import Purpose
from terakoya.privacy.registry import PersonalData, Subject, no_personal_data, personal_data
from terakoya.roster.models import Person, School


@no_personal_data(
    "an API client of a school: a tool, not a person; the secret is stored as a SHA-256 digest",
    structural=(
        "school",
        "name",
        "key",
        "secret_hash",
        "purpose",
        "can_read",
        "can_write",
        "pseudonymous",
        "created_by",
        "created_at",
        "revoked_at",
        "last_version",
    ),
)
class LrsClient(PublicModel):
    """An xAPI client bound to one school, one purpose and read/write scopes (HTTP Basic)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名前"), max_length=100)
    key = models.CharField(max_length=40, unique=True)
    # The secret is 32 random bytes: a fast digest is as strong as a slow hash for it, and keeps
    # Basic authentication off the ingest path's critical time (decision note 0101).
    secret_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=40, choices=[(p.value, p.value) for p in Purpose])
    can_read = models.BooleanField(default=True)
    can_write = models.BooleanField(default=True)
    # External tools see learners only as pairwise pseudonyms (DESIGN §3, Identifiers).
    pseudonymous = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The xAPI version of the client's latest request (answers header-less requests, C 3.3).
    last_version = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return self.name


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "payload": C.STUDY_LOG,
            "actor_ifi": C.STUDY_LOG,
            "verb_id": C.STUDY_LOG,
            "object_id": C.STUDY_LOG,
            "registration": C.STUDY_LOG,
            "timestamp": C.STUDY_LOG,
            "stored": C.STUDY_LOG,
        },
        structural=(
            "statement_id",
            "school",
            "client",
            "learner",
            "voided",
            "object_ref",
            "ref_verb_id",
            "ref_registration",
            "has_attachments",
            "version",
        ),
        retention="study_log",
        retention_anchor="stored",
        label_ja="学習記録(xAPIステートメント)",
        label_en="Learning records (xAPI statements)",
    )
)
class Statement(models.Model):
    id = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField()
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        LrsClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    learner = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor_ifi = models.CharField(max_length=1024)
    verb_id = models.CharField(max_length=1024)
    object_id = models.CharField(max_length=1024, blank=True)
    # For a statement whose object is a StatementRef: the target and its verb and registration,
    # so filters also return statements that refer to matching ones (C 2.1.3).
    object_ref = models.UUIDField(null=True, blank=True)
    ref_verb_id = models.CharField(max_length=1024, null=True, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    ref_registration = models.UUIDField(null=True, blank=True)
    timestamp = models.DateTimeField()
    stored = models.DateTimeField()
    voided = models.BooleanField(default=False)
    has_attachments = models.BooleanField(default=False)
    version = models.CharField(max_length=10)
    payload = models.TextField()  # the statement as stored, JSON

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "statement_id"], name="statement_school_statement_id"
            )
        ]
        indexes = [
            models.Index(fields=["school", "verb_id", "id"], name="statement_verb"),
            models.Index(fields=["school", "ref_verb_id", "id"], name="statement_ref_verb"),
            models.Index(fields=["school", "registration", "id"], name="statement_registration"),
            models.Index(fields=["school", "ref_registration", "id"], name="statement_ref_reg"),
            models.Index(fields=["school", "stored", "id"], name="statement_stored"),
            models.Index(fields=["learner", "stored"], name="statement_learner"),
            models.Index(fields=["object_ref"], name="statement_object_ref"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="statement__learner",
        fields={"ifi": C.STUDY_LOG},
        structural=("statement", "main"),
        retention="study_log",
        retention_anchor="statement__stored",
        exportable=False,
        label_ja="学習記録の索引(人)",
        label_en="Learning-record index (agents)",
    )
)
class StatementAgent(models.Model):
    """An agent a statement mentions. ``main``: actor or object (the ``agent`` filter)."""

    id = models.BigAutoField(primary_key=True)
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="agent_rows")
    ifi = models.CharField(max_length=1024)
    main = models.BooleanField()

    class Meta:
        # Statement order within one agent serves both the ``agent`` filter (main only)
        # and ``related_agents`` (all rows) as an ordered index scan.
        indexes = [models.Index(fields=["ifi", "statement", "main"], name="statementagent_ifi")]

    def __str__(self) -> str:
        return self.ifi


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="statement__learner",
        fields={"activity_id": C.STUDY_LOG},
        structural=("statement", "main"),
        retention="study_log",
        retention_anchor="statement__stored",
        exportable=False,
        label_ja="学習記録の索引(教材)",
        label_en="Learning-record index (activities)",
    )
)
class StatementActivity(models.Model):
    """An activity a statement mentions. ``main``: the object (the ``activity`` filter)."""

    id = models.BigAutoField(primary_key=True)
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="activity_rows")
    activity_id = models.CharField(max_length=1024)
    main = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["activity_id", "statement", "main"], name="statementactivity_id")
        ]

    def __str__(self) -> str:
        return self.activity_id


@no_personal_data(
    "attachment bodies are content (worksheets, certificates); statements that carry them are "
    "the learner's records and are erased with them",
    structural=("school", "sha2", "content_type", "content", "created_at"),
)
class AttachmentBlob(models.Model):
    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    sha2 = models.CharField(max_length=128)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "sha2"], name="attachmentblob_school_sha2")
        ]

    def __str__(self) -> str:
        return self.sha2


@no_personal_data(
    "activity definitions describe learning content (names, question texts), not people",
    structural=("school", "activity_id", "definition", "updated_at"),
)
class Activity(models.Model):
    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    activity_id = models.CharField(max_length=1024)
    definition = models.TextField(default="{}")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "activity_id"], name="activity_school_activity_id"
            )
        ]

    def __str__(self) -> str:
        return self.activity_id


class DocumentKind(models.TextChoices):
    STATE = "state", "state"
    ACTIVITY_PROFILE = "activity_profile", "activity profile"
    AGENT_PROFILE = "agent_profile", "agent profile"


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={"content": C.STUDY_LOG, "agent_ifi": C.STUDY_LOG, "updated": C.STUDY_LOG},
        structural=(
            "school",
            "learner",
            "kind",
            "activity_id",
            "registration",
            "doc_id",
            "content_type",
            "etag",
        ),
        retention="study_log",
        retention_anchor="updated",
        label_ja="学習ツールの保存データ(xAPI文書)",
        label_en="Learning-tool saved data (xAPI documents)",
    )
)
class Document(models.Model):
    """A state, activity-profile or agent-profile document (C 2.2–2.7)."""

    id = models.BigAutoField(primary_key=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    activity_id = models.CharField(max_length=1024, blank=True)
    agent_ifi = models.CharField(max_length=1024, blank=True)
    registration = models.CharField(max_length=36, blank=True)
    doc_id = models.CharField(max_length=1024)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "activity_id", "agent_ifi", "registration", "doc_id"],
                name="document_unique_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["school", "kind", "activity_id", "agent_ifi", "updated"],
                name="document_listing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.doc_id}"
