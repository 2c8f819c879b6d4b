"""Benchmark: a class of 40 over a school year — saving a day's register, the yearly summary.

Run: ``TERAKOYA_DATA_DIR=/tmp/bench-attendance .venv/bin/python -m bench.attendance_register``
(a fresh SQLite database in that directory). Prints figures; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terakoya.config.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from terakoya.attendance import access, selectors, services
    from terakoya.attendance.services import Mark
    from terakoya.privacy.gate import Actor
    from terakoya.roster import services as roster
    from terakoya.testing import build_world

    world = build_world(on=dt.date(2025, 6, 1))
    for number in range(3, 41):
        person = roster.person_create(family_name="生徒", given_name=f"{number:02d}")
        roster.membership_create(
            person=person,
            role="learner",
            board=world.board,
            school=world.school,
            grade="P3",
            begin_date=world.year.start_date,
        )
        roster.enrolment_create(
            person=person,
            school_class=world.homeroom,
            shusseki_no=number,
            begin_date=world.year.start_date,
        )
    admin = Actor.for_person(world.school_admin)
    services.alert_rule_create(actor=admin, school=world.school, kind="consecutive", threshold=3)
    services.alert_rule_create(
        actor=admin, school=world.school, kind="window", threshold=5, window_days=30
    )
    teacher = Actor.for_person(world.homeroom_teacher)
    klass = access.access_register_class(teacher, world.homeroom.uuid, write=True)
    days = selectors.school_days(
        school=world.school, start=world.year.start_date, end=world.year.end_date
    )
    rng = random.Random(1)
    timings = []
    queries = []
    for day in days:
        learners = [p for _e, p in access.register_learners(teacher, klass, on=day)]
        marks: dict[uuid.UUID, Mark] = {}
        for learner in learners:
            roll = rng.random()
            if roll < 0.03:
                marks[learner.uuid] = Mark(status="absent", reason="illness")
            elif roll < 0.04:
                marks[learner.uuid] = Mark(status="late")
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            services.register_save(
                actor=teacher, school_class=klass, day=day, learners=learners, marks=marks
            )
            timings.append(time.perf_counter() - started)
        queries.append(len(captured))
    timings.sort()
    numbered = [
        (e.shusseki_no, p) for e, p in access.register_learners(teacher, klass, on=days[-1])
    ]
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        table = selectors.summary_table(
            school_class=klass,
            learners=numbered,
            start=world.year.start_date,
            end=world.year.end_date,
        )
        summary_time = time.perf_counter() - started
    out = sys.stdout
    out.write(
        f"nproc={os.cpu_count()} date={dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%MZ} "
        f"db={connection.vendor}\n"
    )
    out.write(f"register saves: {len(days)} school days x 40 learners\n")
    out.write(
        f"  save median {timings[len(timings) // 2] * 1000:.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms, "
        f"queries median {sorted(queries)[len(queries) // 2]}\n"
    )
    out.write(
        f"yearly summary of 40: {summary_time * 1000:.1f} ms, {len(captured)} queries, "
        f"{len(table.rows)} rows\n"
    )


if __name__ == "__main__":
    main()
