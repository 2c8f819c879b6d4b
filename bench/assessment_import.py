"""Question import and drill-taking throughput (prints figures; not a test).

    TERAKOYA_DATA_DIR=/tmp/bench-assessment .venv/bin/python -m bench.assessment_import [N]

Builds a throw-away database in the data directory, imports N generated GIFT questions (parse,
validate, guard, store), then has 40 learners each take a 10-question drill through the
services (start, 10 answers saved one by one, finish). Statements go to the LRS when its
service is installed, otherwise they are built but not stored.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terakoya.config.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from django.db import connection

    old = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def run(count: int) -> None:
    from terakoya.assessment import services
    from terakoya.courses import services as courses
    from terakoya.privacy.audit import SYSTEM
    from terakoya.testing import build_world

    world = build_world()
    gift = "\n\n".join(
        f"// [tag:8220233111000000]\n::q{i}:: {i} + 1 は? {{={i + 1} ~{i + 2} ~{i + 3}}}"
        for i in range(count)
    )
    start = time.perf_counter()
    questions = services.questions_import(school=world.school, source=gift.encode(), fmt="gift")
    elapsed = time.perf_counter() - start
    print(f"import: {count} GIFT questions in {elapsed:.2f} s ({count / elapsed:.0f}/s)")
    course = courses.course_create(school_class=world.subject_class, subject="算数")
    drill = services.drill_create(course=course, title="bench", questions=questions[:10])
    learners = [world.learner, world.classmate] * 20
    start = time.perf_counter()
    answers = 0
    for learner in learners:
        attempt = services.attempt_start(drill=drill, learner=learner, actor=SYSTEM)
        for slot in range(1, 11):
            services.response_save(attempt=attempt, slot=slot, answer=0, actor=SYSTEM)
            answers += 1
        services.attempt_finish(attempt=attempt, actor=SYSTEM)
    elapsed = time.perf_counter() - start
    print(
        f"drills: {len(learners)} attempts, {answers} answers saved one by one in {elapsed:.2f} s "
        f"({answers / elapsed:.0f} answers/s, {elapsed / answers * 1000:.1f} ms per answer)"
    )


if __name__ == "__main__":
    main()
