"""A whole school year (年度) of one homeroom's learning, at full scale, for
bench/dashboard_class.py: the domain rows the dashboard reads (assignments, attempts, answers,
the register) and the xAPI statements Terakoya's drill feature writes for the same events, in
the LRS tables (statements and their agent and activity index rows).

Every statement is built by the same functions the drill feature uses
(``terakoya.assessment.services`` activities and context, ``terakoya.assessment.xapi``
builders) and shaped as the LRS stores it (``normalise``, ``index_terms``, the stored time,
Terakoya's authority), one per event of the domain rows: "assigned" (verb shared) per learner
and assignment, then per attempt "launched", one "answered" per question, "completed" and
"scored" — same learners, days, drills, questions and scores as the attempt and answer rows.

Rows are written with plain ``executemany`` in one transaction per school day (no model
instance per row). On SQLite the secondary indexes of the big tables are dropped for the load
and created again from their own SQL afterwards (the schema ends identical); deterministic for
a seed (UUIDs come from the seeded generator too). Never on a real database.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection, models, transaction

from terakoya.assessment import services as assessment
from terakoya.assessment import xapi
from terakoya.assessment.models import Attempt, AttemptState, Drill, Question, Response
from terakoya.attendance import services as attendance
from terakoya.attendance.codes import Status
from terakoya.attendance.models import AttendanceEntry
from terakoya.attendance.selectors import school_days
from terakoya.core import clock
from terakoya.courses.models import Assignment
from terakoya.insights.dashboards.demo import class_drills_create
from terakoya.privacy.gate import Actor
from terakoya.records.models import Activity, Statement, StatementActivity, StatementAgent
from terakoya.records.services import TERAKOYA_AUTHORITY
from terakoya.records.xapi.shape import activities_with_definitions, agent_ifi, index_terms
from terakoya.records.xapi.shape import normalise as xapi_normalise
from terakoya.roster.models import Person, SchoolClass

JST = clock.JST
#: The closures of the demo calendar (terakoya/attendance/demo.py): breaks and holidays.
BREAKS = (((4, 1), (4, 6), "春季休業"), ((7, 21), (8, 31), "夏季休業"))
BREAKS_NEXT = (((12, 25), (1, 7), "冬季休業"), ((3, 25), (3, 31), "春季休業"))
HOLIDAYS = ((4, 29), (5, 3), (5, 4), (5, 5), (11, 3), (11, 23), (1, 1), (2, 11), (2, 23))
#: Tables whose secondary indexes are built after the load (SQLite only).
BIG_TABLES = (Statement, StatementAgent, StatementActivity, Attempt, Response)


@dataclass(frozen=True)
class Built:
    days: int
    assignments: int
    attempts: int
    answers: int
    absences: int
    statements: int
    agent_rows: int
    activity_rows: int
    seconds: float


def calendar_create(*, school_admin: Person, school_class: SchoolClass) -> None:
    """The demo schools' calendar for the class's 年度: spring, summer, winter breaks and the
    national holidays closed (about 200 school days)."""
    year = school_class.school_year.year
    actor = Actor.for_person(school_admin)
    school = school_class.school
    spans = [
        (dt.date(year, a[0], a[1]), dt.date(year, b[0], b[1]), label) for a, b, label in BREAKS
    ]
    spans += [
        (dt.date(year if a[0] >= 4 else year + 1, a[0], a[1]), dt.date(year + 1, b[0], b[1]), lab)
        for a, b, lab in BREAKS_NEXT
    ]
    spans += [
        (day, day, "国民の祝日")
        for day in (dt.date(year if m >= 4 else year + 1, m, d) for m, d in HOLIDAYS)
    ]
    for first, last, label in spans:
        attendance.calendar_set_closed(
            actor=actor, school=school, first=first, last=last, label=label
        )


class Table:
    """``INSERT`` of whole rows into a model's table: the given columns per row, then every
    other column at its model default (as ``bulk_create`` would write it)."""

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.Field)]
        by_attname = {f.attname: f for f in fields}
        rest = [f for f in fields if f.attname not in given]
        self.constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        quote = connection.ops.quote_name
        columns = [by_attname[name].column for name in given] + [f.column for f in rest]
        self.sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))})"  # noqa: S608 — names from model meta
            f" VALUES ({', '.join(['%s'] * len(columns))})"
        )

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, [row + self.constants for row in rows])


def _db_uuid() -> Callable[[uuid.UUID], Any]:
    if connection.features.has_native_uuid_field:
        return lambda value: value
    return lambda value: value.hex


def _db_time() -> Callable[[dt.datetime], Any]:
    """Aware datetime -> the column value ``DateTimeField`` writes (SQLite: naive UTC text,
    what ``adapt_datetimefield_value`` returns, without its per-call overhead)."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value
    return lambda value: str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _stamp(at: dt.datetime) -> str:
    """An instant as the LRS writes ``timestamp`` and ``stored`` (UTC, microseconds)."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@contextmanager
def indexes_deferred() -> Iterator[None]:
    """On SQLite: drop the big tables' secondary indexes, load, create them again from the
    SQL SQLite kept (sorting once is much faster than inserting into seven B-trees)."""
    if connection.vendor != "sqlite":
        yield
        return
    tables = [m._meta.db_table for m in BIG_TABLES]
    marks = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"  # noqa: S608 — placeholders only
            f" AND tbl_name IN ({marks})",
            tables,
        )
        saved = cursor.fetchall()
        for name, _sql in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in saved:
                cursor.execute(sql)


def year_build(
    *,
    school_class: SchoolClass,
    learners: Sequence[Person],
    recorder: Person,
    start: dt.date,
    end: dt.date,
    codes: Sequence[str],
    drills_per_day: int = 6,
    questions_per_drill: int = 30,
    absent_rate: float = 0.03,
    hand_in_rate: float = 0.97,
    seed: int = 1,
    progress: Callable[[str], None] = print,
) -> Built:
    """Fill ``school_class`` with a course whose units carry ``codes`` (in unit order over the
    year) and, for every school day from ``start`` to ``end``: ``drills_per_day`` drills
    assigned to the class that morning and due that night; each learner present that day
    (a few are absent, in the register) hands in most of them, answering every question
    (right with a probability of their own); and all the statements those events write."""
    begin = time.perf_counter()
    rng = random.Random(seed)

    def new_uuid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    school = school_class.school
    days = school_days(school=school, start=start, end=end)
    plan = class_drills_create(
        school_class=school_class,
        codes=codes,
        days=days,
        drills_per_day=drills_per_day,
        questions_per_code=questions_per_drill,
        opens=dt.time(8, 0),
        new_uuid=new_uuid,
    )
    course, by_code = plan.course, plan.by_code
    drills, day_of, assignments = plan.drills, plan.day_of, plan.assignments
    questions = [q for pool in by_code.values() for q in pool]
    skill = {p.pk: 0.55 + 0.4 * rng.random() for p in learners}

    # The drill feature's own context and activities (terakoya.assessment.services._record).
    course.school_class = school_class
    contexts: dict[tuple[str, ...], xapi.LearningContext] = {}

    def context(activity_codes: Sequence[str]) -> xapi.LearningContext:
        key = tuple(activity_codes)
        if key not in contexts:
            contexts[key] = assessment.learning_context(course, codes=key)
        return contexts[key]

    drill_acts = {d.pk: assessment.drill_activity(d) for d in drills}
    question_acts = {q.pk: assessment.question_activity(q) for q in questions}
    db_uuid = _db_uuid()
    adapt = _db_time()
    stored_lag = dt.timedelta(milliseconds=40)
    definitions: dict[str, Any] = {}
    statement_table = Table(
        Statement,
        (
            "id",
            "statement_id",
            "school_id",
            "learner_id",
            "actor_ifi",
            "verb_id",
            "object_id",
            "registration",
            "timestamp",
            "stored",
            "version",
            "payload",
        ),
    )
    agent_table = Table(StatementAgent, ("statement_id", "ifi", "main"))
    activity_table = Table(StatementActivity, ("statement_id", "activity_id", "main"))
    attempt_table = Table(
        Attempt,
        (
            "id",
            "uuid",
            "created_at",
            "updated_at",
            "drill_id",
            "learner_id",
            "number",
            "state",
            "started_at",
            "finished_at",
            "question_ids",
            "mastery_rule",
            "score",
            "max_score",
            "mastered",
        ),
    )
    response_table = Table(
        Response,
        (
            "uuid",
            "created_at",
            "updated_at",
            "attempt_id",
            "question_id",
            "slot",
            "max_mark",
            "answer",
            "answered_at",
            "auto_fraction",
            "fraction",
        ),
    )
    rule = orjson.dumps({"kind": "all"}).decode()

    def statement(
        event: str,
        *,
        learner: Person,
        drill: Drill,
        at: dt.datetime,
        question: Question | None = None,
        registration: uuid.UUID | None = None,
        result: dict[str, Any] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> tuple[dt.datetime, dict[str, Any]]:
        activity = question_acts[question.pk] if question is not None else drill_acts[drill.pk]
        built = xapi.statement_build(
            event=event,
            ctx=context(activity.codes or drill.pool_codes),
            learner_uuid=learner.uuid,
            activity=activity,
            parent=drill_acts[drill.pk] if question is not None else None,
            at=at,
            statement_id=new_uuid(),
            registration=registration,
            result=result,
            context_extensions=extensions,
        )
        # As terakoya.records.services._store keeps it.
        out = xapi_normalise(built)
        stored = at + stored_lag
        out["timestamp"] = _stamp(at)
        out["stored"] = _stamp(stored)
        out["authority"] = TERAKOYA_AUTHORITY
        out.setdefault("version", "2.0.0")
        return stored, out

    next_statement = next_attempt = 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Statement._meta.db_table}")  # noqa: S608 — names from model meta
        next_statement += cursor.fetchone()[0]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Attempt._meta.db_table}")  # noqa: S608 — names from model meta
        next_attempt += cursor.fetchone()[0]
    totals = dict.fromkeys(("attempts", "answers", "absences", "statements", "agents", "acts"), 0)
    by_day: dict[dt.date, list[tuple[Assignment, Drill]]] = {}
    for assignment, drill, day in zip(assignments, drills, day_of, strict=True):
        by_day.setdefault(day, []).append((assignment, drill))
    with indexes_deferred():
        for day_index, day in enumerate(days):
            made: list[tuple[dt.datetime, dict[str, Any], int]] = []  # (stored, payload, learner)
            attempts: list[tuple[Any, ...]] = []
            responses: list[tuple[Any, ...]] = []
            absent = {p.pk for p in learners if rng.random() < absent_rate}
            entries = [
                AttendanceEntry(
                    learner=p,
                    school_class=school_class,
                    date=day,
                    period=0,
                    status=Status.ABSENT,
                    reason="illness",
                    recorded_by=recorder,
                )
                for p in learners
                if p.pk in absent
            ]
            for period, (assignment, drill) in enumerate(by_day[day]):
                assert assignment.open_at is not None
                assert assignment.due_at is not None
                due = {xapi.EXT + "due-date": assignment.due_at.isoformat()}
                pool = by_code[drill.pool_codes[0]]
                for learner in learners:
                    # courses.services.assignment_create records "assigned" for every learner.
                    made.append(
                        (
                            *statement(
                                "assigned",
                                learner=learner,
                                drill=drill,
                                at=assignment.open_at,
                                extensions=due,
                            ),
                            learner.pk,
                        )
                    )
                    if learner.pk in absent or rng.random() > hand_in_rate:
                        continue
                    attempt_id = next_attempt
                    next_attempt += 1
                    attempt_uuid = new_uuid()
                    started = dt.datetime.combine(day, dt.time(8, 50), tzinfo=JST) + dt.timedelta(
                        minutes=55 * period, seconds=rng.randrange(300)
                    )
                    made.append(
                        (
                            *statement(
                                "launched",
                                learner=learner,
                                drill=drill,
                                at=started,
                                registration=attempt_uuid,
                            ),
                            learner.pk,
                        )
                    )
                    right = [rng.random() < skill[learner.pk] for _ in pool]
                    at = started
                    for slot, (question, ok) in enumerate(zip(pool, right, strict=True), start=1):
                        at = at + dt.timedelta(seconds=10 + rng.randrange(30))
                        value = question.spec["answers"][0]["value"] + (0 if ok else 1)
                        fraction = 1.0 if ok else 0.0
                        responses.append(
                            (
                                db_uuid(new_uuid()),
                                adapt(started),
                                adapt(at),
                                attempt_id,
                                question.pk,
                                slot,
                                1.0,
                                str(value),
                                adapt(at),
                                fraction,
                                fraction,
                            )
                        )
                        made.append(
                            (
                                *statement(
                                    "answered",
                                    learner=learner,
                                    drill=drill,
                                    question=question,
                                    at=at,
                                    registration=attempt_uuid,
                                    result=xapi.score_result(
                                        raw=fraction,
                                        maximum=1.0,
                                        success=ok,
                                        response=xapi.response_text("numeric", value),
                                    ),
                                ),
                                learner.pk,
                            )
                        )
                    finished = at + dt.timedelta(seconds=5)
                    score = float(sum(right))
                    mastered = all(right)
                    attempts.append(
                        (
                            attempt_id,
                            db_uuid(attempt_uuid),
                            adapt(started),
                            adapt(finished),
                            drill.pk,
                            learner.pk,
                            1,
                            AttemptState.COMPLETED.value,
                            adapt(started),
                            adapt(finished),
                            orjson.dumps([q.pk for q in pool]).decode(),
                            rule,
                            score,
                            float(len(pool)),
                            mastered,
                        )
                    )
                    duration = (finished - started).total_seconds()
                    for event, result in (
                        (
                            "completed",
                            xapi.score_result(
                                raw=0, maximum=0, completion=True, duration_seconds=duration
                            ),
                        ),
                        (
                            "scored",
                            xapi.score_result(
                                raw=score,
                                maximum=float(len(pool)),
                                success=mastered,
                                completion=True,
                            ),
                        ),
                    ):
                        made.append(
                            (
                                *statement(
                                    event,
                                    learner=learner,
                                    drill=drill,
                                    at=finished,
                                    registration=attempt_uuid,
                                    result=result,
                                ),
                                learner.pk,
                            )
                        )
            made.sort(key=lambda item: item[0])  # the LRS's id order is its stored order
            rows: list[tuple[Any, ...]] = []
            agents: list[tuple[Any, ...]] = []
            acts: list[tuple[Any, ...]] = []
            for stored, out, learner_pk in made:
                pk = next_statement
                next_statement += 1
                target = out["object"]
                if target["id"] not in definitions:
                    for ident, definition in activities_with_definitions(out):
                        definitions.setdefault(ident, definition)
                registration = out["context"].get("registration")
                rows.append(
                    (
                        pk,
                        db_uuid(uuid.UUID(out["id"])),
                        school.pk,
                        learner_pk,
                        agent_ifi(out["actor"]),
                        out["verb"]["id"],
                        target["id"],
                        db_uuid(uuid.UUID(registration)) if registration else None,
                        adapt(stored - stored_lag),
                        adapt(stored),
                        "2.0.0",
                        orjson.dumps(out).decode(),
                    )
                )
                found_agents, found_acts = index_terms(out)
                agents.extend((pk, ifi, main) for ifi, main in found_agents.items())
                acts.extend((pk, ident, main) for ident, main in found_acts.items())
            with transaction.atomic():
                AttendanceEntry.objects.bulk_create(entries)
                attempt_table.insert(attempts)
                response_table.insert(responses)
                statement_table.insert(rows)
                agent_table.insert(agents)
                activity_table.insert(acts)
            totals["attempts"] += len(attempts)
            totals["answers"] += len(responses)
            totals["absences"] += len(entries)
            totals["statements"] += len(rows)
            totals["agents"] += len(agents)
            totals["acts"] += len(acts)
            if day_index % 20 == 0 or day_index == len(days) - 1:
                progress(
                    f"  {day}: {totals['statements']:,} statements, "
                    f"{time.perf_counter() - begin:.0f} s"
                )
        progress(f"  creating indexes, {time.perf_counter() - begin:.0f} s")
    Activity.objects.bulk_create(
        [
            Activity(school=school, activity_id=ident, definition=orjson.dumps(d).decode())
            for ident, d in definitions.items()
        ],
        batch_size=2000,
    )
    return Built(
        days=len(days),
        assignments=len(assignments),
        attempts=totals["attempts"],
        answers=totals["answers"],
        absences=totals["absences"],
        statements=totals["statements"],
        agent_rows=totals["agents"],
        activity_rows=totals["acts"],
        seconds=time.perf_counter() - begin,
    )
