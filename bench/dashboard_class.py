"""Class dashboard: server time for 40 learners with a whole school year of learning data.

    .venv/bin/python -m bench.dashboard_class --data-dir /work/scratch/dash-bench [--runs 40]

The first run builds, into ``--data-dir`` (a scratch SQLite database, never the real one), one
homeroom of 40 learners and the whole of 年度 2025 (1 April 2025 – 31 March 2026, the demo
calendar's ~207 school days): 6 drills a day of 30 questions, the attempts, answers, register
and about 1.6 million xAPI statements in the LRS tables (bench/class_year.py). Later runs reuse
it and only measure. The clock is pinned to 25 March 2026 (the year's last week, the day after
its last school day) for the build and the measurement, so the year is complete and current
(docs/decisions/0223-dashboard-benchmark-volume.md).

Prints the data counts, then for GET /dashboard/classes/<uuid>/ (the whole request through the
Django test client, signed in as the homeroom teacher: gate, audited roster read, stored
mastery refresh, queries, template, charts): the first view with every stored estimate stale,
the first view after one learner's work changed, and p50/p95 of wall and CPU time for
``--runs`` unchanged views; with the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import orjson
import time_machine

from bench.lrs_common import ROOT, django_setup

BUDGET_MS = 300.0
CODES = tuple(f"82602631{i:02d}100000" for i in range(1, 25))
YEAR = 2025
#: The view happens the day after the year's last school day (24 March 2026), at 10:00 JST.
PINNED = dt.datetime(YEAR + 1, 3, 25, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
LEARNERS = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--drills-per-day", type=int, default=6)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    machine()
    with time_machine.travel(PINNED, tick=True):
        django_setup(args.data_dir)
        from django.conf import settings
        from django.test.utils import setup_test_environment

        setup_test_environment()
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.ALLOWED_HOSTS = ["*"]
        marker = args.data_dir / "built.json"
        if marker.exists():
            print(f"data: reused ({marker})")
        else:
            built = build(args.drills_per_day, args.questions)
            marker.write_bytes(orjson.dumps(built))
        teacher, klass = world()
        counts(args.data_dir)
        measure(teacher, klass, args.runs, args.cold_runs)


def machine() -> None:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(
        f"machine: nproc {os.cpu_count()}, {model}, Python {platform.python_version()}, "
        f"commit {commit}{' (modified)' if dirty else ''}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


def build(drills_per_day: int, questions: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from bench.class_year import calendar_create, year_build
    from terakoya.insights.dashboards import demo
    from terakoya.roster import services as roster
    from terakoya.roster.models import Role
    from terakoya.testing import build_world

    print(f"building 年度 {YEAR} for {LEARNERS} learners (the clock pinned to {PINNED})")
    with connection.cursor() as cursor:
        # A scratch database built in one go: durability of each day's transaction is moot.
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MB
    with transaction.atomic():
        world = build_world(on=dt.date(YEAR, 4, 1))
        learners = [world.learner, world.classmate]
        for i in range(LEARNERS - 2):
            person = roster.person_create(
                family_name="生徒",
                given_name=f"{i + 3}",
                family_name_kana="せいと",
                given_name_kana="あ" * (1 + i % 5),
            )
            roster.membership_create(
                person=person,
                role=Role.LEARNER,
                board=world.board,
                school=world.school,
                grade="P3",
                begin_date=world.year.start_date,
            )
            roster.enrolment_create(
                person=person,
                school_class=world.homeroom,
                shusseki_no=i + 3,
                begin_date=world.year.start_date,
            )
            learners.append(person)
        calendar_create(school_admin=world.school_admin, school_class=world.homeroom)
        demo.skill_fits_create(CODES)
    made = year_build(
        school_class=world.homeroom,
        learners=learners,
        recorder=world.homeroom_teacher,
        start=world.year.start_date,
        end=PINNED.date() - dt.timedelta(days=1),
        codes=CODES,
        drills_per_day=drills_per_day,
        questions_per_drill=questions,
    )
    with connection.cursor() as cursor:
        # No ANALYZE: the embedded default never runs it, so the planner works without
        # statistics here too.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(
        f"built: {made.days} school days, {made.assignments:,} assignments, "
        f"{made.attempts:,} attempts, {made.answers:,} answers, {made.absences} absences, "
        f"{made.statements:,} statements ({made.agent_rows:,} agent and "
        f"{made.activity_rows:,} activity index rows) in {made.seconds:.0f} s"
    )
    return {
        "drills_per_day": drills_per_day,
        "questions": questions,
        "statements": made.statements,
        "attempts": made.attempts,
        "answers": made.answers,
        "seconds": round(made.seconds),
    }


def world() -> tuple[Any, Any]:
    from terakoya.roster.models import Person, SchoolClass

    teacher = Person.objects.get(user__username="homeroom_teacher")
    klass = SchoolClass.objects.get(name="3年1組", school__name="テスト市立第一小学校")
    return teacher, klass


def counts(data_dir: Path) -> None:
    from terakoya.assessment.models import Attempt, Response
    from terakoya.attendance.models import AttendanceEntry
    from terakoya.courses.models import Assignment
    from terakoya.records.models import Statement, StatementActivity, StatementAgent

    size = sum(p.stat().st_size for p in data_dir.glob("terakoya.sqlite3*"))
    print(
        f"data: {Statement.objects.count():,} statements "
        f"({StatementAgent.objects.count():,} agent, {StatementActivity.objects.count():,} "
        f"activity index rows), {Assignment.objects.count():,} assignments, "
        f"{Attempt.objects.count():,} attempts, {Response.objects.count():,} answers, "
        f"{AttendanceEntry.objects.count():,} register entries; database {size / 1e9:.1f} GB"
    )


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(fraction * len(ordered)) - 1)]


def measure(teacher: Any, klass: Any, runs: int, cold_runs: int) -> None:
    from django.test import Client

    from terakoya.assessment.models import Attempt
    from terakoya.core import clock
    from terakoya.core.warmup import warm_up
    from terakoya.insights.models_suggestions import MasteryState

    # What every gunicorn worker does when it starts (terakoya.config.wsgi): views loaded,
    # the long-lived heap frozen for the garbage collector.
    warm_up()
    client = Client()
    assert teacher.user is not None
    client.force_login(teacher.user)
    url = f"/dashboard/classes/{klass.uuid}/"
    print(f"view on {clock.today()} (pinned); load average before: {load()}")

    def timed() -> tuple[float, float]:
        start = time.perf_counter()
        start_cpu = time.process_time()
        response = client.get(url)
        cpu = (time.process_time() - start_cpu) * 1000
        wall = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        return wall, cpu

    for _ in range(3):  # warm imports, templates and the page cache
        timed()
    # Every stored estimate stale (the first view after a build, or after a new fit).
    cold = []
    for _ in range(cold_runs):
        MasteryState.objects.filter(school_class=klass).delete()
        cold.append(timed())
    print(
        "first view, all 40 × 8 estimates stale: "
        + ", ".join(f"{w:.0f} ms ({c:.0f} CPU)" for w, c in cold)
    )
    # One learner's work changed (a re-mark saves the attempt): their 8 estimates are stale.
    changed = []
    learner_ids = list(
        klass.enrolments.filter(role="student")
        .order_by("shusseki_no")
        .values_list("person_id", flat=True)
    )
    for pk in learner_ids[: max(cold_runs, 5)]:
        attempt = Attempt.objects.filter(learner_id=pk).order_by("-id").first()
        assert attempt is not None
        Attempt.objects.filter(pk=attempt.pk).update(updated_at=clock.now())
        changed.append(timed())
    print(
        "first view after one learner's work changed: "
        + ", ".join(f"{w:.0f} ms ({c:.0f} CPU)" for w, c in changed)
    )
    times: list[float] = []
    cpu: list[float] = []
    # Full (generation 2) garbage collections: the process's whole heap is walked, tens of
    # milliseconds on this machine for a Django process, whichever request triggers it.
    full_gc: list[int] = []
    gc_ms: list[float] = []
    gc_start = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            gc_start[0] = time.perf_counter()
        else:
            gc_ms.append((time.perf_counter() - gc_start[0]) * 1000)
            full_gc.append(len(times))

    gc.callbacks.append(on_gc)
    for _ in range(runs):
        wall, used = timed()
        times.append(wall)
        cpu.append(used)
    gc.callbacks.remove(on_gc)
    p95 = percentile(times, 0.95)
    cpu95 = percentile(cpu, 0.95)
    print(
        f"class dashboard, {runs} unchanged views: wall p50 {statistics.median(times):.0f} ms, "
        f"p95 {p95:.0f} ms (p95 / budget {BUDGET_MS:.0f} ms: {p95 / BUDGET_MS:.2f}); "
        f"CPU p50 {statistics.median(cpu):.0f} ms, p95 {cpu95:.0f} ms "
        f"({cpu95 / BUDGET_MS:.2f})"
    )
    rest = [w for i, w in enumerate(times) if i not in full_gc]
    if full_gc and rest:
        print(
            f"  {len(set(full_gc))} of the views ran a full garbage collection "
            f"(median {statistics.median(gc_ms):.0f} ms each); the other {len(rest)}: "
            f"p50 {statistics.median(rest):.0f} ms, p95 {percentile(rest, 0.95):.0f} ms"
        )
    print(f"  slowest five: {', '.join(f'{w:.0f}' for w in sorted(times)[-5:])} ms")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
