"""LRS ingest benchmark: statements/s over HTTP through the full pipeline, next to the raw
insert rate of the same rows into the same database (the ceiling), in the same run.

    .venv/bin/python -m bench.lrs_ingest [--port 8102] [--clients 4] [--total 20000]

Embedded default: SQLite in WAL mode under a fresh temporary data directory, gunicorn with
``make serve``'s options. Per batch size, HTTP and raw runs alternate ``--rounds`` times (each
is a few seconds, and one checkpoint more or less moves it by ±10 %); the medians and their
ratio are printed, with each round's ratio.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shlex
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

from bench.lrs_common import (
    Server,
    auth_headers,
    django_setup,
    make_statement,
    post_json,
    school_with_learners,
)


def http_rate(
    port: int, headers: dict[str, str], learners: list[str], batch: int, total: int, clients: int
) -> float:
    batches_per_client = max(1, total // batch // clients)
    payloads = [
        [
            [make_statement(learners, c * 1_000_000 + b * batch + i) for i in range(batch)]
            for b in range(batches_per_client)
        ]
        for c in range(clients)
    ]
    failures: list[int] = []

    def run(mine: list[list[dict[str, Any]]]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for body in mine:
            status = post_json(connection, headers, body)
            if status != 200:
                failures.append(status)
        connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in payloads]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{len(failures)} batches failed: {sorted(set(failures))}")
    return clients * batches_per_client * batch / elapsed


def raw_rate(school: Any, learners: list[str], key: str, batch: int, total: int) -> float:
    """Insert the rows the pipeline would write, with executemany, ``batch`` per transaction:
    the same statement rows (learner and client set, as the pipeline sets them) and the same
    index rows, shaped by the pipeline's own functions, on a connection with the SQLite writer
    process's settings (``writer.PRAGMAS``): ceiling and pipeline write under the same
    SQLite settings."""
    from django.db import connection, transaction

    from terakoya.core.sqlite.writer import configure
    from terakoya.records.models import LrsClient, Statement, StatementActivity, StatementAgent
    from terakoya.records.xapi.shape import agent_ifi, index_terms, normalise
    from terakoya.roster.models import Person

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Statement._meta.db_table}")  # noqa: S608 — table names from model meta
        next_id = cursor.fetchone()[0] + 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {StatementAgent._meta.db_table}")  # noqa: S608 — table names from model meta
        next_agent = cursor.fetchone()[0] + 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {StatementActivity._meta.db_table}")  # noqa: S608 — table names from model meta
        next_activity = cursor.fetchone()[0] + 1
    stored = "2026-11-27 00:00:00"
    learner_pk = dict(Person.objects.filter(uuid__in=learners).values_list("uuid", "pk"))
    client_pk = LrsClient.objects.get(key=key).pk
    chunks = []
    for start in range(0, total, batch):
        statements, agents, activities = [], [], []
        for index in range(start, min(total, start + batch)):
            s = normalise(make_statement(learners, 5_000_000 + index))
            s["stored"] = s["timestamp"]
            sid = next_id
            next_id += 1
            statements.append(
                (
                    sid,
                    str(uuid.uuid4()).replace("-", ""),
                    school.pk,
                    client_pk,
                    learner_pk[uuid.UUID(s["actor"]["account"]["name"])],
                    agent_ifi(s["actor"]),
                    s["verb"]["id"],
                    s["object"]["id"],
                    uuid.UUID(s["context"]["registration"]).hex,
                    stored,
                    stored,
                    False,
                    False,
                    "2.0.0",
                    orjson.dumps(s).decode(),
                )
            )
            terms_agents, terms_activities = index_terms(s)
            for ifi, main in terms_agents.items():
                agents.append((next_agent, sid, ifi, main))
                next_agent += 1
            for ident, main in terms_activities.items():
                activities.append((next_activity, sid, ident, main))
                next_activity += 1
        chunks.append((statements, agents, activities))
    configure(connection)
    begin = time.perf_counter()
    count = 0
    for statements, agents, activities in chunks:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {Statement._meta.db_table} (id, statement_id, school_id, client_id,"  # noqa: S608 — table names from model meta
                " learner_id, actor_ifi, verb_id, object_id, registration, timestamp, stored,"
                " voided, has_attachments, version, payload)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                statements,
            )
            cursor.executemany(
                f"INSERT INTO {StatementAgent._meta.db_table} (id, statement_id, ifi, main)"  # noqa: S608 — table names from model meta
                " VALUES (%s, %s, %s, %s)",
                agents,
            )
            cursor.executemany(
                f"INSERT INTO {StatementActivity._meta.db_table} (id, statement_id, activity_id,"  # noqa: S608 — table names from model meta
                " main) VALUES (%s, %s, %s, %s)",
                activities,
            )
        count += len(statements)
    return count / (time.perf_counter() - begin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--total", type=int, default=20000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="alternate HTTP and raw runs this many times per batch size; medians are printed",
    )
    parser.add_argument(
        "--gunicorn-args",
        default="",
        help="extra gunicorn options, e.g. '--keep-alive 0' (default: make serve's)",
    )
    parser.add_argument(
        "--batches",
        default="1,10,100",
        help="batch sizes to measure, comma-separated (default 1,10,100)",
    )
    args = parser.parse_args()
    sizes = {int(size) for size in args.batches.split(",")}
    data_dir = Path(tempfile.mkdtemp(prefix="lrs-bench-"))
    django_setup(data_dir)
    school, learners, key, secret = school_with_learners(200)
    headers = auth_headers(key, secret)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; data {data_dir}")
    print(f"server: gunicorn as make serve {args.gunicorn_args}; {args.clients} client threads")
    print("batch  http stmt/s  raw stmt/s  ratio   (per round: http/raw)")
    server = Server(data_dir, args.port, extra=tuple(shlex.split(args.gunicorn_args)))
    try:
        post_json(
            http.client.HTTPConnection("127.0.0.1", args.port),
            headers,
            [make_statement(learners, 0)],
        )  # warm-up: workers import, connections open
        for batch, total in ((1, args.total // 10), (10, args.total // 2), (100, args.total)):
            if batch not in sizes:
                continue
            rates, ceilings = [], []
            for _ in range(args.rounds):
                rates.append(http_rate(args.port, headers, learners, batch, total, args.clients))
                ceilings.append(raw_rate(school, learners, key, batch, total))
            rate, ceiling = statistics.median(rates), statistics.median(ceilings)
            rounds = "  ".join(f"{r / c:.0%}" for r, c in zip(rates, ceilings, strict=True))
            print(f"{batch:5d}  {rate:11.0f}  {ceiling:10.0f}  {rate / ceiling:5.0%}   ({rounds})")
    finally:
        server.stop()
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
