"""Sign-in credentials: class codes, picture passwords and QR cards.

Secrets are stored only as hashes: picture sequences as the account's argon2 password hash
(one credential mechanism, one lockout), card tokens as SHA-256 digests of 256-bit tokens.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from terakoya.accounts.codes import new_class_code, token_digest
from terakoya.accounts.models import ClassSignIn, SignInCard
from terakoya.accounts.pictures import PICTURES, SEQUENCE_LENGTH, sequence_password
from terakoya.core import clock
from terakoya.privacy.audit import AuditActor, audit_record
from terakoya.privacy.models import AuditOutcome
from terakoya.roster.models import Person, SchoolClass


def class_sign_in_get_or_create(*, school_class: SchoolClass) -> ClassSignIn:
    sign_in, _created = ClassSignIn.objects.get_or_create(school_class=school_class)
    return sign_in


@transaction.atomic
def class_code_rotate(*, school_class: SchoolClass, actor: AuditActor) -> ClassSignIn:
    """Give the class a new code (the old one stops working at once)."""
    sign_in = class_sign_in_get_or_create(school_class=school_class)
    sign_in.code = new_class_code()
    sign_in.save(update_fields=["code", "updated_at"])
    audit_record(
        actor=actor,
        action="signin.class_code.rotate",
        outcome=AuditOutcome.CHANGED,
        target_type="accounts.classsignin",
        target_uuid=sign_in.uuid,
        school_uuid=school_class.school.uuid,
    )
    return sign_in


def random_picture_keys(rng: secrets.SystemRandom | None = None) -> list[str]:
    chooser = rng or secrets.SystemRandom()
    return [chooser.choice(PICTURES).key for _ in range(SEQUENCE_LENGTH)]


@transaction.atomic
def picture_password_set(*, person: Person, keys: list[str], actor: AuditActor) -> None:
    """Set a learner's picture password (stored as the account's argon2 hash)."""
    user = person.user
    if user is None:
        raise ValueError("the person has no sign-in account")
    user.set_password(sequence_password(keys))
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="signin.picture.set",
        outcome=AuditOutcome.CHANGED,
        target_type="roster.person",
        target_uuid=person.uuid,
        subject_uuid=person.uuid,
    )


@dataclass(frozen=True)
class IssuedCard:
    person: Person
    token: str


@transaction.atomic
def cards_issue(*, people: list[Person], actor: AuditActor) -> list[IssuedCard]:
    """Issue a new QR card per person, revoking their earlier cards. Tokens are returned once."""
    now = clock.now()
    SignInCard.objects.filter(person__in=people, revoked_at__isnull=True).update(revoked_at=now)
    issued = []
    for person in people:
        token = secrets.token_urlsafe(32)
        SignInCard.objects.create(person=person, token_digest=token_digest(token))
        issued.append(IssuedCard(person=person, token=token))
        audit_record(
            actor=actor,
            action="signin.card.issue",
            outcome=AuditOutcome.CHANGED,
            target_type="roster.person",
            target_uuid=person.uuid,
            subject_uuid=person.uuid,
        )
    return issued


def card_user(*, token: str) -> AbstractBaseUser | None:
    """Return the active account a valid, unrevoked card token belongs to, or None."""
    card = (
        SignInCard.objects.select_related("person__user")
        .filter(
            token_digest=token_digest(token),
            revoked_at__isnull=True,
            person__retired_at__isnull=True,
        )
        .first()
    )
    if card is None or card.person.user is None or not card.person.user.is_active:
        return None
    return card.person.user


def username_for(person: Person) -> str | None:
    user_model = get_user_model()
    return (
        user_model.objects.filter(pk=person.user_id).values_list("username", flat=True).first()
        if person.user_id
        else None
    )


# --- sign-in lockout (django-axes: AXES_FAILURE_LIMIT failures lock an account for
# AXES_COOLOFF_TIME hours) ---------------------------------------------------------------------


def signin_locks(*, people: list[Person]) -> dict[int, dt.datetime]:
    """When the sign-in lock of each locked person ends, by person pk (the others are absent).

    Read as django-axes decides with lockout by username: an account is locked while its
    attempt records newer than the cool-off time add up to ``AXES_FAILURE_LIMIT`` failures.
    """
    usernames = dict(
        get_user_model()
        .objects.filter(pk__in=[p.user_id for p in people if p.user_id])
        .values_list("username", "pk")
    )
    by_user = {p.user_id: p.pk for p in people if p.user_id}
    cooloff = dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    locked = (
        AccessAttempt.objects.filter(
            username__in=list(usernames), attempt_time__gte=timezone.now() - cooloff
        )
        .order_by()
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {by_user[usernames[row["username"]]]: row["last"] + cooloff for row in locked}


@transaction.atomic
def signin_unlock(*, person: Person, school_uuid: uuid.UUID, actor: AuditActor) -> bool:
    """Lift a person's sign-in lock now (a teacher, when a child mistyped their pictures);
    audited whether or not a lock was found. True when one was lifted."""
    username = username_for(person)
    if username is None:
        raise ValueError("the person has no sign-in account")
    lifted = bool(axes_reset(username=username) > 0)
    audit_record(
        actor=actor,
        action="signin.unlock",
        outcome=AuditOutcome.CHANGED if lifted else AuditOutcome.ALLOWED,
        target_type="roster.person",
        target_uuid=person.uuid,
        subject_uuid=person.uuid,
        school_uuid=school_uuid,
    )
    return lifted
