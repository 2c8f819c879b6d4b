"""Sign-in for young learners: a class code with picture passwords, and printed QR cards."""

from __future__ import annotations

from django.db import models

from terakoya.accounts.codes import CODE_LENGTH, new_class_code
from terakoya.core.models import TimestampedModel
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.registry import PersonalData, Subject, no_personal_data, personal_data


@no_personal_data(
    "a class's sign-in code; the learners are found through enrolments",
    structural=("school_class", "code", "enabled"),
)
class ClassSignIn(TimestampedModel):
    school_class = models.OneToOneField(
        "roster.SchoolClass", on_delete=models.CASCADE, related_name="sign_in"
    )
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_class_code)
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


@personal_data(
    PersonalData(
        subject=Subject.PERSON,
        subject_path="person",
        fields={"token_digest": C.CREDENTIAL, "revoked_at": C.CREDENTIAL},
        structural=("person",),
        retention="while_active",
        exportable=False,
    )
)
class SignInCard(TimestampedModel):
    """A printed QR card. Only the SHA-256 digest of its 256-bit token is stored."""

    person = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="cards")
    token_digest = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"card {self.uuid}"
