"""Demo data for the privacy pages: some consent decisions, and the reads a school day makes.

Called by ``manage.py seed_demo`` inside its transaction; deterministic through ``ctx.random``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from terakoya.privacy.consent import consent_grant, consent_withdraw
from terakoya.privacy.gate import Actor, access_class_by_uuid, scope_class_learners
from terakoya.privacy.purposes import OPTIONAL_PURPOSES, Purpose

if TYPE_CHECKING:
    from terakoya.roster.demo_context import DemoContext


def seed(ctx: DemoContext) -> None:
    # About a third of the families consent to each optional purpose; a few change their mind.
    for learner_pk, guardians in sorted(ctx.guardians_of.items()):
        if not guardians:
            continue
        guardian = guardians[0]
        learner = next(
            (
                person
                for school in ctx.schools
                for klass in school.homerooms
                for person in klass.learners
                if person.pk == learner_pk
            ),
            None,
        )
        if learner is None:
            continue
        for purpose in OPTIONAL_PURPOSES:
            if ctx.random.random() < 1 / 3:
                consent_grant(
                    learner=learner, given_by=guardian, given_by_role="guardian", purpose=purpose
                )
                if ctx.random.random() < 0.2:
                    consent_withdraw(
                        learner=learner,
                        given_by=guardian,
                        given_by_role="guardian",
                        purpose=purpose,
                    )
    # Each homeroom teacher opens their class list once: the "who looked" pages have content.
    for school in ctx.schools:
        for klass in school.homerooms:
            actor = Actor.for_person(klass.homeroom_teacher)
            found = access_class_by_uuid(
                actor, klass.school_class.uuid, purpose=Purpose.INSTRUCTION
            )
            scope_class_learners(actor, found, purpose=Purpose.INSTRUCTION)
