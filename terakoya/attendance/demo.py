"""Demo data for school-affairs records: a calendar, recent registers, one alert, notices,
health records and observations. Called by ``manage.py seed_demo`` with the roster built.

Everything goes through the services (the same write path as the pages), deterministically.
"""

from __future__ import annotations

import datetime as dt
import uuid

from terakoya.attendance import selectors, services
from terakoya.core import clock
from terakoya.privacy.gate import Actor
from terakoya.roster.demo_context import DemoContext

#: Days the demo schools close (the school enters these; docs/decisions/0161).
FIXED_HOLIDAYS = [(4, 29), (5, 3), (5, 4), (5, 5), (11, 3), (11, 23), (1, 1), (2, 11), (2, 23)]
#: How many recent school days of registers to seed per class.
HISTORY_DAYS = 15


def _calendar(ctx: DemoContext) -> None:
    year = ctx.year.year
    for demo_school in ctx.schools:
        admin = Actor.for_person(demo_school.school_admin)
        school = demo_school.school
        closed = [
            (dt.date(year, 4, 1), dt.date(year, 4, 6), "春季休業"),
            (dt.date(year, 7, 21), dt.date(year, 8, 31), "夏季休業"),
            (dt.date(year, 12, 25), dt.date(year + 1, 1, 7), "冬季休業"),
            (dt.date(year + 1, 3, 25), dt.date(year + 1, 3, 31), "春季休業"),
        ]
        for first, last, label in closed:
            services.calendar_set_closed(
                actor=admin, school=school, first=first, last=last, label=label
            )
        for month, day in FIXED_HOLIDAYS:
            date = dt.date(year if month >= 4 else year + 1, month, day)
            services.calendar_set_closed(
                actor=admin, school=school, first=date, last=date, label="国民の祝日"
            )
        services.alert_rule_create(actor=admin, school=school, kind="consecutive", threshold=3)
        services.alert_rule_create(
            actor=admin, school=school, kind="window", threshold=5, window_days=30
        )


def seed(ctx: DemoContext) -> None:
    _calendar(ctx)
    today = clock.today()
    rng = ctx.random
    for school_index, demo_school in enumerate(ctx.schools):
        school = demo_school.school
        days = [
            d
            for d in selectors.previous_school_days(school=school, before=today, count=HISTORY_DAYS)
            if d >= ctx.year.start_date
        ]
        for class_index, demo_class in enumerate(demo_school.homerooms):
            teacher = Actor.for_person(demo_class.homeroom_teacher)
            learners = demo_class.learners
            # One learner of the first class is absent on the last three school days: the
            # consecutive-absence rule fires with those days as its evidence.
            streak = learners[2] if school_index == 0 and class_index == 0 and learners else None
            for position, day in enumerate(days):
                marks: dict[uuid.UUID, services.Mark] = {}
                for learner in learners:
                    roll = rng.random()
                    if roll < 0.02:
                        marks[learner.uuid] = services.Mark(status="absent", reason="illness")
                    elif roll < 0.03:
                        marks[learner.uuid] = services.Mark(status="late")
                if streak is not None and position >= len(days) - 3:
                    marks[streak.uuid] = services.Mark(
                        status="absent", reason="illness", note="発熱"
                    )
                services.register_save(
                    actor=teacher,
                    school_class=demo_class.school_class,
                    day=day,
                    learners=learners,
                    marks=marks,
                )
            # A guardian's notice for today, waiting in the morning view.
            if learners and ctx.guardians_of.get(learners[0].pk):
                guardian = Actor.for_person(ctx.guardians_of[learners[0].pk][0])
                services.notice_send(
                    actor=guardian,
                    learner=learners[0],
                    school=school,
                    kind="absent" if class_index % 2 == 0 else "late",
                    first_date=today,
                    last_date=today,
                    reason="illness",
                    symptoms=["fever"] if class_index % 2 == 0 else [],
                    message="朝から熱があるため休ませます。" if class_index % 2 == 0 else "",
                )
            # The nurse's checkup results for the class, and a few observations.
            nurse = Actor.for_person(demo_school.nurse)
            checked = max(ctx.year.start_date + dt.timedelta(days=30), ctx.year.start_date)
            for learner in learners[:8]:
                services.health_record_save(
                    actor=nurse,
                    learner=learner,
                    school=school,
                    school_year=ctx.year,
                    values={
                        "checked_on": min(checked, today),
                        "height_cm": f"{rng.uniform(115, 160):.1f}",
                        "weight_kg": f"{rng.uniform(20, 50):.1f}",
                        "vision_right": rng.choice("AAAB"),
                        "vision_left": rng.choice("AABC"),
                        "dental_caries": rng.choice([0, 0, 0, 1, 2]),
                        "allergies": rng.choice(["", "", "", "卵", "そば", "花粉"]),
                    },
                )
            for learner in learners[:2]:
                services.observation_save(
                    actor=teacher,
                    learner=learner,
                    school=school,
                    day=today,
                    values={"condition": "well"},
                    role="homeroom_teacher",
                )
