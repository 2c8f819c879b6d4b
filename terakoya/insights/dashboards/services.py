"""Writes of the dashboards: "next practice" suggestions, proposed and decided by a teacher.

One write path each, keyword-only, audited in the same transaction. A suggestion is stored
``proposed`` with its reason and evidence; only a teacher of the class decides it (the views
obtain the class and the learner from the dashboards' gate first).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.insights.models_suggestions import Suggestion, SuggestionStatus
from terakoya.privacy.audit import AuditActor, audit_record
from terakoya.privacy.guards import check_text
from terakoya.privacy.models import AuditOutcome
from terakoya.roster.models import Person, SchoolClass


@transaction.atomic
def suggestion_propose(
    *,
    learner: Person,
    school_class: SchoolClass,
    code: str,
    reason_ja: str,
    reason_en: str,
    evidence: dict[str, Any],
    actor: AuditActor,
) -> Suggestion:
    """Store (or refresh) the open proposal for this learner, class and code."""
    check_text(reason_ja, location="reason_ja")
    check_text(reason_en, location="reason_en")
    suggestion = (
        Suggestion.objects.select_for_update()
        .filter(
            learner=learner,
            school_class=school_class,
            code=code,
            status=SuggestionStatus.PROPOSED,
        )
        .first()
    )
    if suggestion is None:
        suggestion = Suggestion.objects.create(
            learner=learner,
            school_class=school_class,
            code=code,
            reason_ja=reason_ja,
            reason_en=reason_en,
            evidence=evidence,
        )
    else:
        suggestion.reason_ja, suggestion.reason_en = reason_ja, reason_en
        suggestion.evidence = evidence
        suggestion.save(update_fields=["reason_ja", "reason_en", "evidence", "updated_at"])
    audit_record(
        actor=actor,
        action="insights.suggestion.propose",
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        school_uuid=school_class.school.uuid,
        target_type="insights.suggestion",
        target_uuid=suggestion.uuid,
        subject_uuid=learner.uuid,
    )
    return suggestion


@transaction.atomic
def suggestion_decide(
    *, suggestion: Suggestion, approve: bool, teacher: Person, actor: AuditActor
) -> Suggestion:
    """A teacher approves (the learner and guardians then see it, with its reason) or
    dismisses an open proposal. A decided suggestion is not decided again."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.PROPOSED:
        raise UserError(
            "この提案はすでに判断されています。",
            "This suggestion has already been decided.",
            code="decided",
        )
    suggestion.status = SuggestionStatus.APPROVED if approve else SuggestionStatus.DISMISSED
    suggestion.decided_by = teacher
    suggestion.decided_at = clock.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="insights.suggestion.approve" if approve else "insights.suggestion.dismiss",
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        school_uuid=suggestion.school_class.school.uuid,
        target_type="insights.suggestion",
        target_uuid=suggestion.uuid,
        subject_uuid=suggestion.learner.uuid,
    )
    return suggestion
