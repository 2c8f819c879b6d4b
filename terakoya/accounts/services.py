"""Sign-in credentials: class codes, picture passwords and QR cards.

Secrets are stored only as hashes: picture sequences as the account's argon2 password hash
(one credential mechanism, one lockout), card tokens as SHA-256 digests of 256-bit tokens.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

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
