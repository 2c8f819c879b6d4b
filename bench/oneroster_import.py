"""Time and peak memory of a OneRoster import at several sizes (each in a fresh database).

    .venv/bin/python bench/oneroster_import.py              # 5k, 15k, 30k users
    .venv/bin/python bench/oneroster_import.py --sizes 5000 --tracemalloc

Each size runs in its own process with an empty SQLite database in a temporary directory
(or ``--database-url`` for PostgreSQL: the database is flushed first). Printed per size: users,
rows, seconds for validate+apply, seconds for a re-import (no changes), peak RSS growth during
the import (resource.ru_maxrss) and, with --tracemalloc, the Python heap peak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _one(users: int, use_tracemalloc: bool) -> dict[str, object]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terakoya.config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        call_command("flush", interactive=False, verbosity=0)

    sys.path.insert(0, str(ROOT))
    from bench.oneroster_generate import generate
    from terakoya.roster.oneroster import import_file

    path = Path(os.environ["TERAKOYA_DATA_DIR"]) / f"board-{users}.zip"
    shape = generate(users, str(path))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
    started = time.monotonic()
    cpu_started = time.process_time()
    outcome = import_file(str(path))
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu_started
    load = os.getloadavg()[0]
    heap_peak = None
    if use_tracemalloc:
        import tracemalloc

        heap_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    cpu_started = time.process_time()
    again = import_file(str(path))
    reimport = time.monotonic() - started
    reimport_cpu = time.process_time() - cpu_started
    return {
        "users": shape.user_count,
        "rows": sum(outcome.report.row_counts.values()),
        "zip_mb": round(path.stat().st_size / 1e6, 1),
        "import_s": round(elapsed, 1),
        "import_cpu_s": round(cpu, 1),
        "load": round(load, 1),
        "reimport_s": round(reimport, 1),
        "reimport_cpu_s": round(reimport_cpu, 1),
        "reimport_changes": again.result.total_changes,
        "rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
        "rss_peak_mb": round(rss_after / 1024, 1),
        "heap_peak_mb": None if heap_peak is None else round(heap_peak / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,15000,30000")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_one(args.one, args.tracemalloc)))
        return
    print(f"nproc={os.cpu_count()} database={os.environ.get('DATABASE_URL', 'sqlite (temp)')}")
    print(
        "users   rows     zip MB  import s (cpu)  load  reimport s (cpu)  "
        "RSS growth MB  RSS peak MB  heap MB"
    )
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(prefix="oneroster-bench-") as data_dir:
            env = dict(os.environ, TERAKOYA_DATA_DIR=data_dir, PYTHONPATH=str(ROOT))
            command = [sys.executable, __file__, "--one", str(size)]
            if args.tracemalloc:
                command.append("--tracemalloc")
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stderr[-3000:])
                raise SystemExit(done.returncode)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            imp = f"{r['import_s']} ({r['import_cpu_s']})"
            again = f"{r['reimport_s']} ({r['reimport_cpu_s']})"
            print(
                f"{r['users']:<7} {r['rows']:<8} {r['zip_mb']:<7} {imp:<15} {r['load']:<5} "
                f"{again:<17} {r['rss_growth_mb']:<14} {r['rss_peak_mb']:<12} "
                f"{r['heap_peak_mb']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
