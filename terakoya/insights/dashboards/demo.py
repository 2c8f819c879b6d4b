"""Synthetic learning data for one class: a course, coded questions, daily drills, attempts,
answers and absences — written in bulk for tests and the class-dashboard benchmark.

Not the demo seed (that is ``terakoya/<app>/demo.py`` at app level); this writes rows directly,
without the services' audit and xAPI side effects, because it fabricates history.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from terakoya.assessment.models import Attempt, AttemptState, Drill, Question, Response
from terakoya.attendance.codes import Status
from terakoya.attendance.models import AttendanceEntry
from terakoya.attendance.selectors import school_days
from terakoya.core import clock
from terakoya.courses.models import Assignment, Course, Unit
from terakoya.insights.models import SkillFit
from terakoya.roster.models import Person, SchoolClass

CODES = ("8260263111100000", "8260263111200000", "8260263111300000", "8260263111400000")


@dataclass(frozen=True)
class Generated:
    course: Course
    drills: int
    attempts: int
    responses: int
    absences: int


def skill_fits_create(codes: Sequence[str] = CODES) -> None:
    """Plausible fitted parameters (with bootstrap replicates) for ``codes``."""
    now = clock.now()
    SkillFit.objects.bulk_create(
        [
            SkillFit(
                board=None,
                code=code,
                p_init=0.2,
                p_transit=0.15,
                p_slip=0.1,
                p_guess=0.2,
                fitted_at=now,
                n_responses=1000,
                n_learners=100,
                log_likelihood=-500.0,
                iterations=20,
                converged=True,
                replicates=[[0.2 + d, 0.15, 0.1 + d / 2, 0.2] for d in (-0.05, 0.0, 0.05)],
                guess_max=0.3,
                slip_max=0.3,
            )
            for code in codes
        ]
    )


def class_year_create(
    *,
    school_class: SchoolClass,
    learners: Sequence[Person],
    recorder: Person,
    start: dt.date,
    end: dt.date,
    drills_per_day: int = 1,
    questions_per_drill: int = 5,
    skill: dict[int, float] | None = None,
    absent_rate: float = 0.03,
    hand_in_rate: float = 0.95,
    seed: int = 1,
    codes: Sequence[str] = CODES,
) -> Generated:
    """Fill ``school_class`` with a course whose units carry ``codes`` and, for every school
    day from ``start`` to ``end``, ``drills_per_day`` drills assigned to the class and due that
    day, one attempt per learner (most hand in) with answers right with probability
    ``skill[learner.pk]`` (default 0.7), and a few absences."""
    rng = random.Random(seed)
    days = school_days(school=school_class.school, start=start, end=end)
    plan = class_drills_create(
        school_class=school_class,
        codes=codes,
        days=days,
        drills_per_day=drills_per_day,
        questions_per_code=max(questions_per_drill, 5),
        opens=dt.time(0, 0),
    )
    course, by_code = plan.course, plan.by_code
    drills, day_of = plan.drills, plan.day_of
    attempts: list[Attempt] = []
    outcomes: list[list[bool]] = []
    asked: list[list[Question]] = []
    for drill, day in zip(drills, day_of, strict=True):
        pool = by_code[drill.pool_codes[0]]
        for learner in learners:
            if rng.random() > hand_in_rate:
                continue
            p = (skill or {}).get(learner.pk, 0.7)
            chosen = [pool[i % len(pool)] for i in range(questions_per_drill)]
            right = [rng.random() < p for _ in chosen]
            at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=clock.JST)
            score = float(sum(right))
            attempts.append(
                Attempt(
                    drill=drill,
                    learner=learner,
                    number=1,
                    state=AttemptState.COMPLETED,
                    started_at=at,
                    finished_at=at + dt.timedelta(minutes=10),
                    question_ids=[q.pk for q in chosen],
                    mastery_rule={"kind": "all"},
                    score=score,
                    max_score=float(len(chosen)),
                    mastered=all(right),
                )
            )
            outcomes.append(right)
            asked.append(chosen)
    attempts = Attempt.objects.bulk_create(attempts, batch_size=2000)
    responses: list[Response] = []
    count = 0
    for attempt, right, chosen in zip(attempts, outcomes, asked, strict=True):
        for slot, (question, ok) in enumerate(zip(chosen, right, strict=True), start=1):
            when = attempt.started_at + dt.timedelta(seconds=20 * slot)
            responses.append(
                Response(
                    attempt=attempt,
                    question=question,
                    slot=slot,
                    max_mark=1.0,
                    answer=1,
                    answered_at=when,
                    auto_fraction=1.0 if ok else 0.0,
                    fraction=1.0 if ok else 0.0,
                )
            )
        if len(responses) >= 20000:
            Response.objects.bulk_create(responses, batch_size=5000)
            count += len(responses)
            responses = []
    Response.objects.bulk_create(responses, batch_size=5000)
    count += len(responses)
    entries = [
        AttendanceEntry(
            learner=learner,
            school_class=school_class,
            date=day,
            period=0,
            status=Status.ABSENT,
            reason="illness",
            recorded_by=recorder,
        )
        for day in days
        for learner in learners
        if rng.random() < absent_rate
    ]
    AttendanceEntry.objects.bulk_create(entries, batch_size=2000)
    return Generated(course, len(drills), len(attempts), count, len(entries))


@dataclass(frozen=True)
class ClassDrills:
    course: Course
    by_code: dict[str, list[Question]]  # the questions of each code
    drills: list[Drill]
    day_of: list[dt.date]  # the school day of each drill
    assignments: list[Assignment]


def class_drills_create(
    *,
    school_class: SchoolClass,
    codes: Sequence[str],
    days: Sequence[dt.date],
    drills_per_day: int,
    questions_per_code: int,
    opens: dt.time,
    new_uuid: Callable[[], uuid.UUID] = uuid.uuid4,
) -> ClassDrills:
    """A 算数 course for ``school_class`` with a unit per code (in order), ``questions_per_code``
    numeric questions per code and, on each of ``days``, ``drills_per_day`` drills on that
    day's code (the codes spread over the days in order), assigned to the class from ``opens``
    and due at 23:00 that day (Japanese time). ``new_uuid`` makes the identifiers
    reproducible where a benchmark needs that."""
    school = school_class.school
    course = Course.objects.create(
        uuid=new_uuid(),
        school=school,
        school_year=school_class.school_year,
        school_class=school_class,
        subject="算数",
        title=f"{school_class.name} 算数",
    )
    Unit.objects.bulk_create(
        [
            Unit(course=course, title=f"単元{i + 1}", codes=[code], position=i + 1)
            for i, code in enumerate(codes)
        ]
    )
    questions = Question.objects.bulk_create(
        [
            Question(
                uuid=new_uuid(),
                school=school,
                qtype="numeric",
                name=f"{code[-8:-5]}-{i + 1}",
                text=f"問題 {i + 1}",
                spec={"answers": [{"value": i, "tolerance": 0, "fraction": 1}]},
                codes=[code],
            )
            for code in codes
            for i in range(questions_per_code)
        ]
    )
    by_code = {code: [q for q in questions if q.codes == [code]] for code in codes}
    drills: list[Drill] = []
    day_of: list[dt.date] = []
    for index, day in enumerate(days):
        code = codes[(index * len(codes)) // max(len(days), 1)]
        for k in range(drills_per_day):
            drills.append(
                Drill(
                    uuid=new_uuid(),
                    school=school,
                    course=course,
                    title=f"{day:%m/%d} ドリル{k + 1}",
                    pool_codes=[code],
                    mastery_rule={"kind": "all"},
                )
            )
            day_of.append(day)
    drills = Drill.objects.bulk_create(drills, batch_size=2000)
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                uuid=new_uuid(),
                course=course,
                drill=drill,
                title=drill.title,
                target_class=school_class,
                open_at=dt.datetime.combine(day, opens, tzinfo=clock.JST),
                due_at=dt.datetime.combine(day, dt.time(23, 0), tzinfo=clock.JST),
            )
            for drill, day in zip(drills, day_of, strict=True)
        ],
        batch_size=2000,
    )
    return ClassDrills(course, by_code, drills, day_of, assignments)
