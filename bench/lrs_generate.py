"""Build an LRS database with N statements (default 1 million) for the query benchmark.

    .venv/bin/python -m bench.lrs_generate --data-dir /tmp/lrs-1m [--count 1000000]

Rows are written with the pipeline's own shaping functions (normalise, index_terms) straight
into the tables, 10,000 per transaction, so the index rows are exactly those the endpoint
writes. Prints the client credentials for bench/lrs_query.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

from bench.lrs_common import django_setup, make_statement, school_with_learners


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--learners", type=int, default=2000)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    django_setup(args.data_dir)
    from django.db import connection, transaction

    from terakoya.records.models import Statement, StatementActivity, StatementAgent
    from terakoya.records.xapi.shape import agent_ifi, index_terms, normalise

    school, learners, key, secret = school_with_learners(args.learners)
    learner_ids = dict(
        Statement._meta.get_field("learner")
        .related_model.objects.filter(uuid__in=learners)
        .values_list("uuid", "id")
    )
    by_name = {str(k): v for k, v in learner_ids.items()}
    start_time = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    step = dt.timedelta(seconds=30)
    begin = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
    next_id = 1
    for chunk_start in range(0, args.count, 10_000):
        statements: list[tuple[Any, ...]] = []
        agents: list[tuple[Any, ...]] = []
        activities: list[tuple[Any, ...]] = []
        for index in range(chunk_start, min(args.count, chunk_start + 10_000)):
            stamp = start_time + step * index
            text = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            s = normalise(make_statement(learners, index, stamp=text))
            s["stored"] = text
            s["version"] = "2.0.0"
            statements.append(
                (
                    next_id,
                    uuid.UUID(s["id"]).hex,
                    school.pk,
                    by_name[s["actor"]["account"]["name"]],
                    agent_ifi(s["actor"]),
                    s["verb"]["id"],
                    s["object"]["id"],
                    uuid.UUID(s["context"]["registration"]).hex,
                    stamp.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    stamp.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    False,
                    False,
                    "2.0.0",
                    orjson.dumps(s).decode(),
                )
            )
            terms_agents, terms_activities = index_terms(s)
            agents.extend((next_id, ifi, main) for ifi, main in terms_agents.items())
            activities.extend((next_id, ident, main) for ident, main in terms_activities.items())
            next_id += 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {Statement._meta.db_table} (id, statement_id, school_id, learner_id,"  # noqa: S608 — table names from model meta
                " actor_ifi, verb_id, object_id, registration, timestamp, stored, voided,"
                " has_attachments, version, payload)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                statements,
            )
            cursor.executemany(
                f"INSERT INTO {StatementAgent._meta.db_table} (statement_id, ifi, main)"  # noqa: S608 — table names from model meta
                " VALUES (%s, %s, %s)",
                agents,
            )
            cursor.executemany(
                f"INSERT INTO {StatementActivity._meta.db_table} (statement_id, activity_id, main)"  # noqa: S608 — table names from model meta
                " VALUES (%s, %s, %s)",
                activities,
            )
        if chunk_start % 100_000 == 0:
            print(f"{chunk_start + 10_000} statements, {time.perf_counter() - begin:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"done: {args.count} statements in {time.perf_counter() - begin:.0f} s")
    print(f"key={key}")
    print(f"secret={secret}")
    print(f"learner={learners[0]}")


if __name__ == "__main__":
    main()
