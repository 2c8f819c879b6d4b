"""Teacher guidance notes (指導記録), the assist log.

A note is visible to its author and to the roles its school designates (by default the
principal and the special-support coordinator), nobody else on the staff: other teachers can
neither read a note nor learn that it exists. The learner's guardian receives it in the
subject-access export (APPI Art. 76). Read only through ``terakoya.guidance.access``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from terakoya.core.models import TimestampedModel
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.registry import PersonalData, Subject, no_personal_data, personal_data

#: The longest a school may keep a note (the registry rule "guidance_note").
MAX_RETENTION_YEARS = 5
DEFAULT_DESIGNATED_ROLES = ("principal", "special_support")


@no_personal_data(
    "a school's policy",
    structural=("school", "designated_roles", "retention_years"),
)
class GuidancePolicy(TimestampedModel):
    """Who besides the author reads a school's notes, and how long notes are kept."""

    school = models.OneToOneField(
        "roster.School", on_delete=models.CASCADE, related_name="guidance_policy"
    )
    designated_roles = models.JSONField(default=list)
    retention_years = models.PositiveSmallIntegerField(default=MAX_RETENTION_YEARS)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_years__gte=1) & Q(retention_years__lte=MAX_RETENTION_YEARS),
                name="guidancepolicy_retention",
            )
        ]


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "author": C.GUIDANCE_NOTE,
            "written_on": C.GUIDANCE_NOTE,
            "title": C.GUIDANCE_NOTE,
            "body": C.GUIDANCE_NOTE,
        },
        structural=("learner", "school"),
        # Per school policy, never beyond five years (GuidancePolicy.retention_years).
        retention="guidance_note",
        retention_anchor="written_on",
        label_ja="指導記録",
        label_en="Guidance notes",
    )
)
class GuidanceNote(TimestampedModel):
    """A teacher's note about a learner."""

    learner = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("roster.School", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey("roster.Person", on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField(_("記録日"))
    title = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("内容"))

    class Meta:
        indexes = [models.Index(fields=["learner", "school"])]
