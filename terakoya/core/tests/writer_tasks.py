"""Writer tasks for test_sqlite_writer.py: plain SQL on a probe table, so that a writer
process started on a fresh, unmigrated database file can run them."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import connection

from terakoya.core.sqlite import writer


class ProbeRefused(Exception):
    """Raised by a task after its insert: the insert must not stay."""


def _insert(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS writer_probe (value TEXT PRIMARY KEY)")
        cursor.execute("INSERT INTO writer_probe (value) VALUES (%s)", [value])


@writer.task
def probe_insert(value: str, *, pause: float = 0.0) -> tuple[int, bool]:
    """Insert ``value``; return the process id and whether a transaction was open."""
    time.sleep(pause)
    _insert(value)
    return os.getpid(), connection.in_atomic_block


@writer.task
def probe_insert_then_refuse(value: str) -> None:
    _insert(value)
    raise ProbeRefused(value)


@writer.task
def probe_after_reply(value: str, marker: str) -> None:
    """Insert ``value`` and ask the writer to write ``marker`` after replying (twice: it must
    run once)."""
    _insert(value)

    def mark() -> None:
        with Path(marker).open("a", encoding="utf-8") as handle:
            handle.write(f"{value}\n")

    writer.after_reply(mark)
    writer.after_reply(mark)


def unregistered(value: str) -> None:
    _insert(value)
