"""The retention sweep deletes what expired on the day it expires, and audits each deletion
without the content. Consent records are kept 5 years after the end of their 年度."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from terakoya.core.clock import JST
from terakoya.privacy.consent import consent_grant
from terakoya.privacy.models import AuditEntry, ConsentEvent
from terakoya.privacy.purposes import Purpose
from terakoya.privacy.registry import PersonalData, Subject, declaration_for
from terakoya.privacy.retention import RULES
from terakoya.privacy.sweep import expired_filter, last_expired_anchor, retention_sweep
from terakoya.roster.models import Enrolment, Membership, Person

pytestmark = pytest.mark.django_db

# Given in June 2020 (年度 2020, which ends 2021-03-31): kept through 2026-03-31.
GIVEN_AT = dt.datetime(2020, 6, 1, 10, 0, tzinfo=JST)
LAST_KEPT = dt.date(2026, 3, 31)
EXPIRES = dt.date(2026, 4, 1)


def _consent(world, at: dt.datetime) -> ConsentEvent:
    with time_machine.travel(at, tick=False):
        return consent_grant(
            learner=world.learner,
            given_by=world.guardian,
            given_by_role="guardian",
            purpose=Purpose.INDIVIDUAL_RESEARCH,
        )


def test_the_rule_expires_on_the_first_april_after_five_full_years():
    assert RULES["consent_record"].expires_on(GIVEN_AT.date()) == EXPIRES
    assert last_expired_anchor(RULES["consent_record"], LAST_KEPT) == dt.date(2020, 3, 31)
    assert last_expired_anchor(RULES["consent_record"], EXPIRES) == dt.date(2021, 3, 31)


@pytest.mark.parametrize(
    ("today", "kept"),
    [
        (LAST_KEPT, True),  # the day before expiry
        (EXPIRES, False),  # the day it expires
        (EXPIRES + dt.timedelta(days=1), False),  # the day after
    ],
    ids=["day-before", "on-the-day", "day-after"],
)
def test_a_consent_record_is_deleted_on_the_day_it_expires(world, today, kept):
    event = _consent(world, GIVEN_AT)
    retention_sweep(today=today)
    assert ConsentEvent.objects.filter(pk=event.pk).exists() is kept


def test_the_japanese_calendar_day_decides_the_school_year_of_a_timestamp(world):
    # 2021-04-01 00:10 in Japan is still 31 March in UTC, but belongs to 年度 2021.
    late = _consent(world, dt.datetime(2021, 4, 1, 0, 10, tzinfo=JST))
    early = _consent(world, dt.datetime(2021, 3, 31, 23, 50, tzinfo=JST))
    retention_sweep(today=EXPIRES)
    assert ConsentEvent.objects.filter(pk=late.pk).exists()
    assert not ConsentEvent.objects.filter(pk=early.pk).exists()


def test_each_deletion_is_audited_with_type_and_uuid_but_no_content(world):
    event = _consent(world, GIVEN_AT)
    before = AuditEntry.objects.count()
    results = retention_sweep(today=EXPIRES)
    assert [(r.label, r.count) for r in results] == [("privacy.consentevent", 1)]
    entry = AuditEntry.objects.get(action="retention.delete")
    assert AuditEntry.objects.count() == before + 1
    assert entry.target_type == "privacy.consentevent"
    assert entry.target_uuid == str(event.uuid)
    assert entry.subject_uuid == world.learner.uuid
    assert entry.actor_role == "system"
    assert entry.purpose == ""
    assert entry.count == 1


def test_a_dry_run_deletes_and_audits_nothing(world):
    event = _consent(world, GIVEN_AT)
    before = AuditEntry.objects.count()
    results = retention_sweep(today=EXPIRES, dry_run=True)
    assert [(r.label, r.count) for r in results] == [("privacy.consentevent", 1)]
    assert ConsentEvent.objects.filter(pk=event.pk).exists()
    assert AuditEntry.objects.count() == before


def test_an_expired_session_is_deleted_the_day_after_it_expires_and_audited_as_a_count(db):
    expiry = dt.datetime(2026, 3, 31, 10, 0, tzinfo=JST)
    Session.objects.create(session_key="k" * 32, session_data="x", expire_date=expiry)
    retention_sweep(today=dt.date(2026, 3, 31))
    assert Session.objects.filter(session_key="k" * 32).exists()
    retention_sweep(today=dt.date(2026, 4, 1))
    assert not Session.objects.filter(session_key="k" * 32).exists()
    entry = AuditEntry.objects.get(action="retention.delete", target_type="sessions.session")
    assert entry.count == 1
    assert entry.target_uuid == ""


def test_a_retired_persons_records_go_after_twenty_years_with_their_memberships(world):
    person = world.other_learner
    retired = dt.datetime(2005, 7, 20, 9, 0, tzinfo=JST)  # 年度 2005 ends 2006-03-31
    Person.objects.filter(pk=person.pk).update(retired_at=retired)
    begin = dt.date(2000, 4, 1)
    Membership.objects.filter(person=person).update(begin_date=begin, end_date=retired.date())
    Enrolment.objects.filter(person=person).update(begin_date=begin, end_date=retired.date())
    retention_sweep(today=dt.date(2026, 3, 31))
    assert Person.objects.filter(pk=person.pk).exists()
    retention_sweep(today=dt.date(2026, 4, 1))
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Membership.objects.filter(person_id=person.pk).exists()
    assert AuditEntry.objects.filter(
        action="retention.delete", target_type="roster.person", target_uuid=str(person.uuid)
    ).exists()
    assert Person.objects.filter(pk=world.learner.pk).exists()


def test_an_anchor_on_a_related_model_follows_the_orm_path(world):
    decl = declaration_for(Enrolment)
    assert isinstance(decl, PersonalData)
    via_year = PersonalData(
        subject=Subject.PERSON,
        subject_path="person",
        fields=decl.fields,
        structural=decl.structural,
        retention="study_log",
        retention_anchor="school_class__school_year__end_date",
    )
    end = world.year.end_date  # 31 March: kept one more 年度, deleted the next 1 April
    kept_day = dt.date(end.year + 1, 3, 31)
    gone_day = dt.date(end.year + 1, 4, 1)
    where = expired_filter(Enrolment, via_year, kept_day)
    assert where is not None
    assert not Enrolment.objects.filter(where).exists()
    where = expired_filter(Enrolment, via_year, gone_day)
    assert where is not None
    assert Enrolment.objects.filter(where).count() == Enrolment.objects.count()


def test_the_audit_log_is_never_swept(world):
    with time_machine.travel(dt.datetime(2000, 5, 1, tzinfo=JST), tick=False):
        from terakoya.privacy.audit import SYSTEM, audit_record

        old = audit_record(actor=SYSTEM, action="system.tick")
    retention_sweep(today=dt.date(2026, 4, 1))
    assert AuditEntry.objects.filter(pk=old.pk).exists()


def test_the_command_reports_and_honours_dry_run_and_today(world):
    event = _consent(world, GIVEN_AT)
    out = io.StringIO()
    call_command("retention_sweep", "--dry-run", "--today", "2026-04-01", stdout=out)
    assert "privacy.consentevent: would delete 1" in out.getvalue()
    assert ConsentEvent.objects.filter(pk=event.pk).exists()
    out = io.StringIO()
    call_command("retention_sweep", "--today", "2026-03-31", stdout=out)
    assert "nothing deleted" in out.getvalue()
    with time_machine.travel(dt.datetime(2026, 4, 1, 3, 0, tzinfo=JST), tick=False):
        assert timezone.now().astimezone(JST).date() == EXPIRES
        call_command("retention_sweep", stdout=io.StringIO())
    assert not ConsentEvent.objects.filter(pk=event.pk).exists()


def test_a_sign_in_account_goes_at_the_end_of_the_school_year_the_person_left(world):
    from django.contrib.auth import get_user_model

    person = world.other_learner
    Person.objects.filter(pk=person.pk).update(retired_at=dt.datetime(2025, 7, 20, tzinfo=JST))
    users = get_user_model().objects
    retention_sweep(today=dt.date(2026, 3, 31))
    assert users.filter(pk=person.user_id).exists()
    retention_sweep(today=dt.date(2026, 4, 1))
    assert not users.filter(pk=person.user_id).exists()
    assert Person.objects.filter(pk=person.pk).exists()  # the person record stays 20 years
    entry = AuditEntry.objects.get(action="retention.delete", target_type="auth.user")
    assert entry.count == 1
    assert users.filter(pk=world.learner.user_id).exists()  # still enrolled: untouched
