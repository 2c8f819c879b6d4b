"""Writes of the dashboards: "next practice" suggestions, proposed and decided by a teacher.

One write path each, keyword-only, audited in the same transaction. A suggestion is stored
``proposed`` with its reason and evidence; only a teacher of the class decides it (the views
obtain the class and the learner from the dashboards' gate first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.insights import selectors as insights
from terakoya.insights.dashboards import selectors
from terakoya.insights.mastery import mastery_estimate
from terakoya.insights.models_suggestions import (
    MasteryState,
    Suggestion,
    SuggestionStatus,
    WorkState,
)
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


@transaction.atomic
def mastery_states_refresh(
    *,
    school_class: SchoolClass,
    learners: Sequence[selectors.LearnerRef],
    codes: Sequence[str],
    actor: AuditActor,
    fingerprints: Mapping[int, str] | None = None,
) -> int:
    """Bring the stored estimates of these learners and codes up to date; return how many
    were recomputed. A state is stale when the answers' fingerprint or the fit changed; it is
    then recomputed from all the learner's answers for the code (the same estimate as
    :func:`terakoya.insights.mastery.mastery_estimate`); a learner without answers for a code
    is stored too (the prior, no attempts), so an unchanged class reads no answers at all.
    Derived data, audited as one entry. ``fingerprints``: the learners' current ones, when
    the caller has them already (:func:`selectors.learner_fingerprints`)."""
    fits = selectors.fits_for(school_class=school_class, codes=codes)
    current = fingerprints or selectors.learner_fingerprints(
        school_class=school_class, learners=learners
    )
    stored = selectors.stored_mastery(school_class=school_class, learners=learners, codes=codes)
    stale: dict[tuple[int, str], str] = {}
    for pk, answers in current.items():
        for code in codes:
            fit = fits.get(code)
            if fit is None:
                continue
            fingerprint = selectors.state_fingerprint(answers, fit)
            state = stored.get((pk, code))
            if state is None or state.fingerprint != fingerprint:
                stale[(pk, code)] = fingerprint
    if not stale:
        return 0
    by_pk = {ref.pk: ref for ref in learners}
    stale_learners = [by_pk[pk] for pk in sorted({pk for pk, _code in stale})]
    stale_codes = sorted({code for _pk, code in stale})
    attempts, _evidence = selectors.mastery_attempts(
        school_class=school_class, learners=stale_learners, codes=stale_codes, light=True
    )
    rows = []
    for (pk, code), fingerprint in stale.items():
        fit = fits[code]
        mine = attempts.get((by_pk[pk].uuid, code), [])
        estimate = mastery_estimate(insights.skill_fit_params(fit), mine)
        rows.append(
            MasteryState(
                learner_id=pk,
                school_class=school_class,
                code=code,
                fit=fit,
                p_mastered=estimate.p_mastered,
                n_attempts=estimate.n_attempts,
                n_right=sum(1 for a in mine if a.correct),
                fingerprint=fingerprint,
            )
        )
    MasteryState.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["learner", "school_class", "code"],
        update_fields=["fit", "p_mastered", "n_attempts", "n_right", "fingerprint", "updated_at"],
    )
    audit_record(
        actor=actor,
        action="insights.mastery_state.refresh",
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        school_uuid=school_class.school.uuid,
        target_type="roster.schoolclass",
        target_uuid=school_class.uuid,
        count=len(rows),
    )
    return len(rows)


@transaction.atomic
def work_states_refresh(
    *,
    school_class: SchoolClass,
    learners: Sequence[selectors.LearnerRef],
    fingerprints: Mapping[int, str],
    actor: AuditActor,
) -> selectors.ClassWork:
    """The class's year figures per learner (handed in, mean mark), from the stored rows
    where they are fresh and recomputed, in one grouped scan of the stale learners' attempts,
    where not. A row is stale when the learner's fingerprint (``fingerprints``, from
    :func:`selectors.learner_fingerprints`) or the digest of the class's work past due
    changed (new work, a due date passing). Derived data, audited as one entry when rows are
    written."""
    now = clock.now()
    assignments = selectors.class_drill_assignments(school_class=school_class)
    digest = selectors.work_digest(assignments, now)
    wanted = {ref.pk: f"{fingerprints[ref.pk]}|{digest}" for ref in learners}
    stored = {
        pk: (fp, n, mean)
        for pk, fp, n, mean in WorkState.objects.filter(
            school_class=school_class, learner_id__in=list(wanted)
        ).values_list("learner_id", "fingerprint", "handed_in", "mean_mark")
    }
    handed: dict[int, int] = {}
    means: dict[int, float] = {}
    stale = []
    for pk, fingerprint in wanted.items():
        row = stored.get(pk)
        if row is None or row[0] != fingerprint:
            stale.append(pk)
            continue
        handed[pk] = row[1]
        if row[2] is not None:
            means[pk] = row[2]
    if stale:
        fresh = selectors.class_work(
            school_class=school_class, learner_pks=stale, now=now, assignments=assignments
        )
        handed.update(fresh.handed)
        means.update(fresh.means)
        WorkState.objects.bulk_create(
            [
                WorkState(
                    learner_id=pk,
                    school_class=school_class,
                    handed_in=fresh.handed.get(pk, 0),
                    mean_mark=fresh.means.get(pk),
                    fingerprint=wanted[pk],
                )
                for pk in stale
            ],
            update_conflicts=True,
            unique_fields=["learner", "school_class"],
            update_fields=["handed_in", "mean_mark", "fingerprint", "updated_at"],
        )
        audit_record(
            actor=actor,
            action="insights.work_state.refresh",
            outcome=AuditOutcome.CHANGED,
            purpose="instruction",
            school_uuid=school_class.school.uuid,
            target_type="roster.schoolclass",
            target_uuid=school_class.uuid,
            count=len(stale),
        )
    return selectors.ClassWork(now=now, assignments=tuple(assignments), handed=handed, means=means)
