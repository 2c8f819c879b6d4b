"""Filtered GET /xapi/statements latency (p50/p95) on a database built by lrs_generate.

    .venv/bin/python -m bench.lrs_query --data-dir /tmp/lrs-1m --key K --secret S \
        --learner UUID [--port 8103] [--requests 200] [--limit 20]

Starts gunicorn as ``make serve`` does, then times sequential requests per filter over HTTP.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import time
from pathlib import Path
from urllib.parse import urlencode

import orjson

from bench.lrs_common import Server, auth_headers, percentile

#: Issue #4: filtered GET p95 under 20 ms at 1 million statements.
TARGET_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--learner", required=True)
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    headers = auth_headers(args.key, args.secret)
    agent = orjson.dumps(
        {"account": {"homePage": "https://terakoya.invalid/learners", "name": args.learner}}
    ).decode()
    rng = random.Random(7)
    filters = {
        "agent": lambda: {"agent": agent},
        "verb": lambda: {"verb": "http://adlnet.gov/expapi/verbs/completed"},
        "activity": lambda: {"activity": f"https://terakoya.invalid/items/{rng.randrange(500)}"},
        "related": lambda: {
            "activity": f"https://terakoya.invalid/units/{rng.randrange(20)}",
            "related_activities": "true",
        },
        "since": lambda: {"since": f"2025-{rng.randrange(4, 12):02d}-15T00:00:00Z"},
        "agent+verb": lambda: {"agent": agent, "verb": "http://adlnet.gov/expapi/verbs/answered"},
    }
    server = Server(args.data_dir, args.port)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; limit={args.limit}")
    print(f"filter        p50 ms  p95 ms  p95/target({TARGET_MS:.0f} ms)  statements/page")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        for name, make in filters.items():
            timings: list[float] = []
            returned = 0
            for attempt in range(args.requests + 5):
                query = urlencode({**make(), "limit": args.limit})
                begin = time.perf_counter()
                connection.request("GET", f"/xapi/statements?{query}", headers=headers)
                response = connection.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - begin) * 1000
                if response.status != 200:
                    raise RuntimeError(f"{name}: {response.status} {body[:200]!r}")
                if attempt >= 5:  # the first few warm the page cache
                    timings.append(elapsed)
                    returned = len(orjson.loads(body)["statements"])
            p95 = percentile(timings, 0.95)
            print(
                f"{name:12s} {percentile(timings, 0.5):7.1f} {p95:7.1f}"
                f"  {p95 / TARGET_MS:16.2f}  {returned:5d}"
            )
    finally:
        server.stop()
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
