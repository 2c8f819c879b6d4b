"""Access rules for the privacy pages: whose consent and whose access log an actor may see.

- The access log ("who looked at my data"): everyone sees their own; a guardian also sees each
  child's (an audited read under ``security_audit``). Nobody else's — a teacher sees the log of
  their own data, never a learner's.
- Consent: a guardian gives or withdraws it for each child; a learner for themselves from the
  age the board sets (``Board.learner_consent_age``; a learner without a birth date cannot).
- Receipts: the learner and their guardians may download a receipt of the learner's consent.

Missing and forbidden raise the same :class:`~terakoya.privacy.gate.NotFound`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Q

from terakoya.core import clock
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.gate import Actor, NotFound, Relation, authorize_learner
from terakoya.privacy.models import ConsentEvent
from terakoya.privacy.purposes import Purpose
from terakoya.roster.models import Board, GuardianLink, Membership, Person, Role


def _active(day: dt.date) -> Q:
    return Q(begin_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def children_of(actor: Actor, *, on: dt.date | None = None) -> list[Person]:
    """The learners the actor is currently a guardian of, in name order."""
    if actor.person is None:
        return []
    day = on or clock.today()
    links = GuardianLink.objects.filter(_active(day), guardian=actor.person).select_related(
        "learner"
    )
    learners = {link.learner.pk: link.learner for link in links}
    return sorted(learners.values(), key=lambda p: (p.family_name_kana, p.given_name_kana, p.pk))


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on ``day`` (Japanese law counts a birthday the day before, which
    matters only for school entry; consent ages use the ordinary count)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def learner_consent_age(learner: Person, *, on: dt.date | None = None) -> int | None:
    """The age from which this learner decides on consent (their board's), or None."""
    day = on or clock.today()
    board_id = (
        Membership.objects.filter(_active(day), person=learner, role=Role.LEARNER)
        .values_list("board_id", flat=True)
        .first()
    )
    if board_id is None:
        return None
    return Board.objects.filter(pk=board_id).values_list("learner_consent_age", flat=True).first()


def learner_may_consent(learner: Person, *, on: dt.date | None = None) -> bool:
    """True when the learner is a learner of a board and old enough to decide themselves."""
    day = on or clock.today()
    threshold = learner_consent_age(learner, on=day)
    if threshold is None or learner.birth_date is None:
        return False
    return age_on(learner.birth_date, day) >= threshold


@dataclass(frozen=True)
class ConsentSubject:
    """A learner whose consent the actor may manage, and in which role the actor acts."""

    learner: Person
    given_by_role: str  # "guardian" or "learner"


def consent_subjects(actor: Actor) -> list[ConsentSubject]:
    """The learners whose optional consents the actor may give or withdraw."""
    found = [ConsentSubject(child, Role.GUARDIAN) for child in children_of(actor)]
    if (
        actor.person is not None
        and actor.has_role(Role.LEARNER)
        and learner_may_consent(actor.person)
    ):
        found.insert(0, ConsentSubject(actor.person, Role.LEARNER))
    return found


def access_consent_subject_by_uuid(actor: Actor, learner_uuid: uuid.UUID | str) -> ConsentSubject:
    """The learner with this uuid if the actor may decide on their consent; else NotFound."""
    key = str(learner_uuid)
    for subject in consent_subjects(actor):
        if str(subject.learner.uuid) == key:
            return subject
    raise NotFound()


def access_receipt_by_uuid(actor: Actor, event_uuid: uuid.UUID | str) -> ConsentEvent:
    """A consent event whose receipt the actor may download (the learner or a guardian)."""
    try:
        key = uuid.UUID(str(event_uuid))
    except ValueError as exc:
        raise NotFound() from exc
    event = ConsentEvent.objects.select_related("learner", "given_by").filter(uuid=key).first()
    if event is None or actor.person is None:
        raise NotFound()
    authorize_learner(
        actor,
        event.learner,
        category=C.CONSENT,
        purpose=Purpose.SUBJECT_ACCESS,
        action="consent.receipt.read",
        target_type="privacy.consentevent",
        target_uuid=event.uuid,
        allowed_relations={Relation.SELF, Relation.GUARDIAN},
    )
    return event


def access_log_subjects(actor: Actor) -> list[Person]:
    """Whose access log the actor may see: themselves first, then each child."""
    if actor.person is None:
        return []
    return [actor.person, *children_of(actor)]


def access_log_subject_by_uuid(actor: Actor, person_uuid: uuid.UUID | str) -> Person:
    """The person whose access log the actor asks for: themselves, or (audited) a child."""
    if actor.person is None:
        raise NotFound()
    key = str(person_uuid)
    if str(actor.person.uuid) == key:
        return actor.person
    for child in children_of(actor):
        if str(child.uuid) == key:
            authorize_learner(
                actor,
                child,
                category=C.AUDIT,
                purpose=Purpose.SECURITY_AUDIT,
                action="audit.read",
                target_type="roster.person",
                target_uuid=child.uuid,
                allowed_relations={Relation.GUARDIAN},
            )
            return child
    raise NotFound()


def data_subjects(actor: Actor) -> list[Person]:
    """Whose data the actor may download or ask to erase: themselves, then each child."""
    return access_log_subjects(actor)


def access_subject_by_uuid(actor: Actor, person_uuid: uuid.UUID | str) -> Person:
    """The person whose data the actor asks to download or erase: themselves or a child
    (audited under ``subject_access``). Anyone else: NotFound."""
    if actor.person is None:
        raise NotFound()
    key = str(person_uuid)
    if str(actor.person.uuid) == key:
        return actor.person
    for child in children_of(actor):
        if str(child.uuid) == key:
            authorize_learner(
                actor,
                child,
                category=C.ROSTER,
                purpose=Purpose.SUBJECT_ACCESS,
                action="subject_access.open",
                target_type="roster.person",
                target_uuid=child.uuid,
                allowed_relations={Relation.GUARDIAN},
            )
            return child
    raise NotFound()
