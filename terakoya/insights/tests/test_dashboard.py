"""The class dashboard's selectors: roster from the gate, evidence per learner, no ranking."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from terakoya.insights import bkt, selectors, services
from terakoya.insights.cracks import LearnerSignals, SchoolDay, Work
from terakoya.insights.mastery import Attempt
from terakoya.privacy.audit import SYSTEM
from terakoya.privacy.gate import Actor, NotFound, access_class_by_uuid
from terakoya.privacy.models import AuditEntry
from terakoya.privacy.purposes import Purpose

CODE = "8260263111100000"
OTHER_CODE = "8260263111200000"
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def fitted(db):
    sim = bkt.simulate(
        n_skills=1,
        n_learners=80,
        min_length=5,
        max_length=9,
        rng=np.random.default_rng(5),
        truth=np.array([[0.2, 0.2, 0.1, 0.2]]),
    )
    responses = [
        services.Response(code=CODE, learner=f"sim-{le}", correct=bool(c))
        for le, c in zip(sim.learner, sim.correct, strict=True)
    ]
    return services.skill_fit_run(actor=SYSTEM, responses=responses, replicates=5, seed=2)[0]


def _klass(world, person):
    actor = Actor.for_person(person)
    return actor, access_class_by_uuid(actor, world.homeroom.uuid, purpose=Purpose.INSTRUCTION)


def _attempts(pattern: str, prefix: str) -> list[Attempt]:
    return [Attempt(id=f"{prefix}-{i}", correct=ch == "1") for i, ch in enumerate(pattern)]


def test_class_mastery_gives_every_learner_an_estimate_with_its_attempts(world, fitted):
    actor, klass = _klass(world, world.homeroom_teacher)
    learner, classmate = str(world.learner.uuid), str(world.classmate.uuid)
    attempts = {(learner, CODE): _attempts("0111111111", "L")}
    (row, other) = selectors.class_mastery(
        actor=actor, school_class=klass, codes=[CODE, OTHER_CODE], attempts=attempts
    )
    assert row.code == CODE
    assert row.fit is not None
    assert [m.learner.uuid for m in row.learners] == [learner, classmate]
    first, second = row.learners
    assert first.estimate is not None
    assert [s.attempt_id for s in first.estimate.trace][:2] == ["L-0", "L-1"]
    assert first.band is selectors.MasteryBand.MASTERED
    assert second.band is selectors.MasteryBand.NOT_STARTED
    assert row.counts[selectors.MasteryBand.MASTERED] == 1
    # A code without fitted parameters says so rather than inventing a figure.
    assert other.fit is None
    assert all(m.estimate is None for m in other.learners)
    assert AuditEntry.objects.filter(
        action="class.roster.read", target_uuid=str(klass.uuid)
    ).exists()


def test_a_teacher_of_another_school_cannot_reach_the_class(world):
    actor = Actor.for_person(world.stranger)
    with pytest.raises(NotFound):
        access_class_by_uuid(actor, world.homeroom.uuid, purpose=Purpose.INSTRUCTION)


def test_class_alerts_carry_their_evidence_in_roster_order(world):
    actor, klass = _klass(world, world.homeroom_teacher)
    learner, classmate = str(world.learner.uuid), str(world.classmate.uuid)
    signals = {
        classmate: LearnerSignals(
            days=[SchoolDay(TODAY - dt.timedelta(days=i), absent=True) for i in range(4)]
        ),
        learner: LearnerSignals(
            works=[
                Work(f"w{i}", "ドリル", TODAY - dt.timedelta(days=2 + i), False) for i in range(2)
            ]
        ),
    }
    result = selectors.class_alerts(actor=actor, school_class=klass, signals=signals, today=TODAY)
    assert [r.learner.uuid for r in result] == [learner, classmate]
    assert result[0].alerts[0].evidence == ("w1", "w0")
    assert len(result[1].alerts[0].evidence) == 4


def test_no_selector_orders_learners_by_a_score(world, fitted):
    """Whatever the figures, learners come back in 出席番号 order: nobody is ranked."""
    actor, klass = _klass(world, world.homeroom_teacher)
    learner, classmate = str(world.learner.uuid), str(world.classmate.uuid)
    roster = [learner, classmate]
    for weak, strong in [(learner, classmate), (classmate, learner)]:
        attempts = {
            (weak, CODE): _attempts("000000", "w"),
            (strong, CODE): _attempts("111111", "s"),
        }
        (row,) = selectors.class_mastery(
            actor=actor, school_class=klass, codes=[CODE], attempts=attempts
        )
        assert [m.learner.uuid for m in row.learners] == roster
        heavy = LearnerSignals(
            works=[Work(f"x{i}", "x", TODAY - dt.timedelta(days=3 + i), False) for i in range(5)],
            days=[SchoolDay(TODAY - dt.timedelta(days=i), absent=True) for i in range(5)],
        )
        light = LearnerSignals(
            days=[SchoolDay(TODAY - dt.timedelta(days=i), True) for i in range(3)]
        )
        alerts = selectors.class_alerts(
            actor=actor, school_class=klass, signals={weak: heavy, strong: light}, today=TODAY
        )
        assert [a.learner.uuid for a in alerts] == roster


SCORE_NAMES = {"p_mastered", "p_after", "mark", "score", "rank", "band", "severity", "alerts"}
SORTS = {"sorted", "sort", "order_by", "nlargest", "nsmallest", "argsort", "min", "max"}


def _names(node: ast.AST) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found.add(sub.value.lstrip("-"))
    return found


def test_no_insights_code_sorts_by_a_score():
    """A static guard: no sort in the insights app takes its key from a score-like name.

    bkt.py is left out: it orders response sequences by length to vectorise the fit and never
    returns people.
    """
    offenders = []
    for path in Path(__file__).resolve().parents[1].glob("*.py"):
        if path.name == "bkt.py":
            continue
        text = path.read_text()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in SORTS:
                continue
            keys = [kw.value for kw in node.keywords if kw.arg == "key"]
            if name in {"order_by", "argsort"}:
                keys.extend(node.args)
            if any(_names(key) & SCORE_NAMES for key in keys):
                offenders.append(f"{path.name}:{node.lineno}: {ast.get_source_segment(text, node)}")
    assert offenders == []
