"""Writes for guidance notes: create, edit by the author, school policy, retention sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.guidance.models import MAX_RETENTION_YEARS, GuidanceNote, GuidancePolicy
from terakoya.privacy.audit import SYSTEM, audit_record
from terakoya.privacy.gate import Actor
from terakoya.privacy.guards import scan
from terakoya.privacy.models import AuditOutcome
from terakoya.roster.models import Person, Role, School

#: Roles a school may designate as readers of every note.
DESIGNABLE_ROLES = frozenset({Role.PRINCIPAL, Role.SPECIAL_SUPPORT, Role.NURSE})


def _validate(title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    scan({"title": title, "body": body})
    if not title:
        raise UserError("件名を入力してください。", "Enter a title.", location="title")
    if len(title) > 200:
        raise UserError("件名は200字以内です。", "At most 200 characters.", location="title")
    if not body:
        raise UserError("内容を入力してください。", "Enter the note.", location="body")
    if len(body) > 10000:
        raise UserError("内容は1万字以内です。", "At most 10,000 characters.", location="body")
    return title, body


@transaction.atomic
def note_create(
    *,
    actor: Actor,
    learner: Person,
    school: School,
    title: str,
    body: str,
    written_on: dt.date | None = None,
) -> GuidanceNote:
    """Write a note about a learner (from ``access_learner_for_notes``); the actor is author."""
    if actor.person is None:
        raise UserError("サインインが必要です。", "Please sign in.", code="signin")
    title, body = _validate(title, body)
    note = GuidanceNote.objects.create(
        learner=learner,
        school=school,
        author=actor.person,
        written_on=written_on or clock.today(),
        title=title,
        body=body,
    )
    audit_record(
        actor=actor.audit_actor("author"),
        action="guidance.note.create",
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        school_uuid=school.uuid,
        target_type="guidance.guidancenote",
        target_uuid=note.uuid,
        subject_uuid=learner.uuid,
    )
    return note


@transaction.atomic
def note_update(*, actor: Actor, note: GuidanceNote, title: str, body: str) -> GuidanceNote:
    """Only the author edits a note; designated readers read."""
    if actor.person is None or note.author_id != actor.person.pk:
        raise UserError(
            "記録を書いた本人だけが修正できます。",
            "Only the author can edit the note.",
            code="forbidden",
        )
    note.title, note.body = _validate(title, body)
    note.save(update_fields=["title", "body", "updated_at"])
    audit_record(
        actor=actor.audit_actor("author"),
        action="guidance.note.update",
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        school_uuid=note.school.uuid,
        target_type="guidance.guidancenote",
        target_uuid=note.uuid,
        subject_uuid=note.learner.uuid,
    )
    return note


@transaction.atomic
def policy_set(
    *, actor: Actor, school: School, designated_roles: Sequence[str], retention_years: int
) -> GuidancePolicy:
    """Set who besides the author reads the school's notes and how long notes are kept."""
    unknown = sorted(set(designated_roles) - DESIGNABLE_ROLES)
    if unknown:
        raise UserError(
            "指定できる役割は校長・特別支援教育コーディネーター・養護教諭です。",
            "Only the principal, the special-support coordinator or the nurse can be designated.",
            location=",".join(unknown),
        )
    if not 1 <= retention_years <= MAX_RETENTION_YEARS:
        raise UserError(
            f"保存期間は1年から{MAX_RETENTION_YEARS}年までです。",
            f"Retention is 1 to {MAX_RETENTION_YEARS} years.",
            location="retention_years",
        )
    policy, _created = GuidancePolicy.objects.update_or_create(
        school=school,
        defaults={
            "designated_roles": sorted(set(designated_roles)),
            "retention_years": retention_years,
        },
    )
    audit_record(
        actor=actor.audit_actor("school_admin"),
        action="guidance.policy.change",
        outcome=AuditOutcome.CHANGED,
        purpose="school_administration",
        school_uuid=school.uuid,
        target_type="guidance.guidancepolicy",
        target_uuid=policy.uuid,
    )
    return policy


def _expires_on(written_on: dt.date, years: int) -> dt.date:
    """The first day a note is deleted: ``years`` after the end of its 年度 (31 March)."""
    school_year = clock.school_year_of(written_on)
    return dt.date(school_year + 1 + years, 4, 1)


@transaction.atomic
def notes_sweep(*, today: dt.date | None = None) -> int:
    """Delete notes past their school's retention (never beyond the registry's 5 years);
    audit each deletion without its content. Returns how many were deleted."""
    day = today or clock.today()
    years_of = dict(GuidancePolicy.objects.values_list("school_id", "retention_years"))
    deleted = 0
    # Only notes written before the latest possible cut-off can have expired.
    candidates = GuidanceNote.objects.filter(
        written_on__lt=dt.date(day.year, 4, 1) - dt.timedelta(days=365)
    ).select_related("learner", "school")
    for note in candidates:
        years = min(years_of.get(note.school_id, MAX_RETENTION_YEARS), MAX_RETENTION_YEARS)
        if _expires_on(note.written_on, years) <= day:
            audit_record(
                actor=SYSTEM,
                action="guidance.note.expire",
                outcome=AuditOutcome.CHANGED,
                purpose="school_records",
                school_uuid=note.school.uuid,
                target_type="guidance.guidancenote",
                target_uuid=note.uuid,
                subject_uuid=note.learner.uuid,
            )
            note.delete()
            deleted += 1
    return deleted
