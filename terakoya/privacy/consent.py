"""Consent for optional purposes: append-only grant and withdrawal events with signed receipts.

Withdrawing takes exactly the same steps as granting (one call, one button) and takes effect
for the next request: :func:`consent_is_given` reads the latest event, never a cache.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import jwt
from django.db import transaction

from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.privacy import keys
from terakoya.privacy.audit import AuditActor, audit_record
from terakoya.privacy.models import AuditOutcome, ConsentAction, ConsentEvent
from terakoya.privacy.purposes import PURPOSES, Purpose

if TYPE_CHECKING:
    from terakoya.roster.models import Person

POLICY_VERSION = "1"


def consent_is_given(*, learner_id: int, purpose: Purpose, recipient: str = "") -> bool:
    """True when the latest event for the learner and purpose (for this recipient, or for the
    purpose as a whole) is a grant. Duties never need consent and always return True."""
    if not PURPOSES[purpose].needs_consent:
        return True
    recipients = {"", recipient}
    latest = (
        ConsentEvent.objects.filter(
            learner_id=learner_id, purpose=purpose, recipient__in=recipients
        )
        .order_by("-at", "-id")
        .values_list("action", flat=True)
        .first()
    )
    return latest == ConsentAction.GRANT


def consent_state(*, learner_id: int) -> dict[str, ConsentEvent | None]:
    """Return the latest event per optional purpose (recipient-wide) for a learner."""
    state: dict[str, ConsentEvent | None] = {
        p.value: None for p, info in PURPOSES.items() if info.needs_consent
    }
    for event in ConsentEvent.objects.filter(learner_id=learner_id, recipient="").order_by(
        "at", "id"
    ):
        state[event.purpose] = event
    return state


def _receipt(event: ConsentEvent, learner: Person, given_by: Person) -> str:
    """A JWS (EdDSA) over a receipt shaped after ISO/IEC TS 27560 and the Kantara receipt."""
    info = PURPOSES[Purpose(event.purpose)]
    claims: dict[str, Any] = {
        "version": "ISO/IEC TS 27560:2023-shaped/terakoya-1",
        "jurisdiction": "JP",
        "consentReceiptID": str(event.uuid),
        "iat": int(event.at.timestamp()),
        "collectionMethod": "terakoya-web",
        "piiPrincipalId": str(learner.uuid),
        "givenBy": {"id": str(given_by.uuid), "role": event.given_by_role},
        "piiControllers": [{"piiController": "school", "onBehalf": False}],
        "policyVersion": event.policy_version,
        "services": [
            {
                "service": info.title_ja,
                "purposes": [
                    {
                        "purpose": event.purpose,
                        "purposeCategory": [info.title_en],
                        "consentType": "EXPLICIT",
                        "piiCategory": sorted(c.value for c in info.categories),
                        "primaryPurpose": False,
                        "termination": "withdrawal at any time, same steps as granting",
                        "thirdPartyDisclosure": bool(event.recipient),
                        "thirdPartyName": event.recipient,
                    }
                ],
            }
        ],
        "action": event.action,
        "sensitive": False,
    }
    return jwt.encode(claims, keys.signing_key(), algorithm="EdDSA", headers={"kid": keys.key_id()})


def receipt_verify(token: str) -> dict[str, Any]:
    """Verify a receipt's signature and return its claims; raises ``jwt.InvalidTokenError``."""
    claims: dict[str, Any] = jwt.decode(token, keys.public_key(), algorithms=["EdDSA"])
    return claims


@transaction.atomic
def _consent_event(
    *,
    learner: Person,
    given_by: Person,
    given_by_role: str,
    purpose: Purpose,
    action: ConsentAction,
    recipient: str,
) -> ConsentEvent:
    info = PURPOSES.get(purpose)
    if info is None or not info.needs_consent:
        raise UserError(
            "この目的は法律に基づく学校の業務のため、同意の対象ではありません。",
            "This purpose is a school duty under the law; consent is not asked for it.",
            code="not_optional",
        )
    event = ConsentEvent(
        uuid=uuid.uuid4(),
        learner=learner,
        purpose=purpose,
        action=action,
        recipient=recipient,
        given_by=given_by,
        given_by_role=given_by_role,
        at=clock.now(),
        policy_version=POLICY_VERSION,
    )
    event.receipt = _receipt(event, learner, given_by)
    event.save(force_insert=True)
    audit_record(
        actor=AuditActor(uuid=given_by.uuid, role=given_by_role),
        action=f"consent.{action}",
        outcome=AuditOutcome.CHANGED,
        purpose=purpose,
        target_type="privacy.consentevent",
        target_uuid=event.uuid,
        subject_uuid=learner.uuid,
    )
    return event


def consent_grant(
    *, learner: Person, given_by: Person, given_by_role: str, purpose: Purpose, recipient: str = ""
) -> ConsentEvent:
    """Record a grant of consent. The caller has checked that ``given_by`` may give it."""
    return _consent_event(
        learner=learner,
        given_by=given_by,
        given_by_role=given_by_role,
        purpose=purpose,
        action=ConsentAction.GRANT,
        recipient=recipient,
    )


def consent_withdraw(
    *, learner: Person, given_by: Person, given_by_role: str, purpose: Purpose, recipient: str = ""
) -> ConsentEvent:
    """Record a withdrawal. Same steps as granting; effective for the very next request."""
    return _consent_event(
        learner=learner,
        given_by=given_by,
        given_by_role=given_by_role,
        purpose=purpose,
        action=ConsentAction.WITHDRAW,
        recipient=recipient,
    )
