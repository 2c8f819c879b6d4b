"""The privacy demo hook seeds consent decisions and audited reads, deterministically."""

from __future__ import annotations

import random

import pytest

from terakoya.privacy import demo
from terakoya.privacy.models import AuditEntry, ConsentEvent
from terakoya.roster.demo_context import DemoClass, DemoContext, DemoSchool

pytestmark = pytest.mark.django_db


def _context(world, seed: int = 20260401) -> DemoContext:
    homeroom = DemoClass(world.homeroom, world.homeroom_teacher, [world.learner, world.classmate])
    school = DemoSchool(
        school=world.school,
        homerooms=[homeroom],
        subject_classes=[],
        principal=world.principal,
        nurse=world.nurse,
        school_admin=world.school_admin,
        teachers=[world.homeroom_teacher, world.subject_teacher],
    )
    return DemoContext(
        board=world.board,
        year=world.year,
        schools=[school],
        guardians_of={world.learner.pk: [world.guardian], world.classmate.pk: [world.guardian]},
        board_analyst=world.board_analyst,
        random=random.Random(seed),
    )


def test_the_demo_hook_seeds_consents_and_class_reads(world):
    demo.seed(_context(world, seed=3))
    reads = AuditEntry.objects.filter(action="class.roster.read")
    assert {e.subject_uuid for e in reads} == {world.learner.uuid, world.classmate.uuid}
    assert ConsentEvent.objects.exists()
    assert all(e.receipt for e in ConsentEvent.objects.all())
