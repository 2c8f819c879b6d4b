"""The SQLite writer process (terakoya.core.sqlite.writer, decision 0106): a real writer
process on a database file; calls come back with their result or their exception; queued
calls share a transaction and a failing one is rolled back alone; without a writer, or inside
a transaction, the call runs in the caller; the writer dies with its parent."""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from terakoya.core.sqlite import writer
from terakoya.core.tests.writer_tasks import (
    ProbeRefused,
    probe_after_reply,
    probe_insert,
    probe_insert_then_refuse,
    unregistered,
)

ROOT = Path(__file__).resolve().parents[3]


def _probe_values(database: Path) -> set[str]:
    with sqlite3.connect(database) as db:
        try:
            return {row[0] for row in db.execute("SELECT value FROM writer_probe")}
        except sqlite3.OperationalError:  # no such table: nothing was ever committed
            return set()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[writer.Writer, Path]]:
    """A writer process of this test process, on a fresh database file."""
    data_dir = tmp_path_factory.mktemp("writer")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TERAKOYA_DATA_DIR", str(data_dir))
        patch.setenv("DATABASE_URL", "")
        started = writer.start()
        assert started is not None, "the writer did not start on a SQLite file"
        try:
            yield started, data_dir / "terakoya.sqlite3"
        finally:
            started.stop()
    assert writer.SOCKET_ENV not in os.environ


def test_a_call_runs_in_the_writer_process_in_a_transaction_and_is_committed(served):
    process, database = served
    pid, in_transaction = writer.run(probe_insert, "remote-1")
    assert pid == process.process.pid != os.getpid()
    assert in_transaction
    assert "remote-1" in _probe_values(database)


def test_an_exception_comes_back_as_itself_and_its_writes_are_rolled_back(served):
    _, database = served
    with pytest.raises(ProbeRefused, match="refused-1"):
        writer.run(probe_insert_then_refuse, "refused-1")
    assert "refused-1" not in _probe_values(database)
    # A database error too: the same value twice violates the primary key.
    writer.run(probe_insert, "twice")
    with pytest.raises(Exception, match=r"(?i)unique") as raised:
        writer.run(probe_insert, "twice")
    assert type(raised.value).__name__ == "IntegrityError"


def test_calls_queued_together_share_one_transaction_and_fail_alone(served):
    process, database = served
    results: dict[str, Any] = {}

    def call(fn: Any, value: str, **kwargs: Any) -> None:
        try:
            results[value] = writer.run(fn, value, **kwargs)
        except Exception as exc:
            results[value] = exc

    # The first call keeps the writer busy while three more queue behind it.
    first = threading.Thread(target=call, args=(probe_insert, "group-0"), kwargs={"pause": 0.6})
    first.start()
    time.sleep(0.2)
    others = [
        threading.Thread(target=call, args=(probe_insert, "group-1")),
        threading.Thread(target=call, args=(probe_insert_then_refuse, "group-2")),
        threading.Thread(target=call, args=(probe_insert, "group-3")),
    ]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join()
    assert isinstance(results["group-2"], ProbeRefused)
    assert results["group-1"][0] == results["group-3"][0] == process.process.pid
    values = _probe_values(database)
    assert {"group-0", "group-1", "group-3"} <= values
    assert "group-2" not in values


def test_work_asked_for_after_reply_runs_once(served, tmp_path):
    _, database = served
    marker = tmp_path / "marker.txt"
    writer.run(probe_after_reply, "after-1", str(marker))
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert marker.read_text(encoding="utf-8") == "after-1\n"
    assert "after-1" in _probe_values(database)


def test_without_a_writer_the_call_runs_here_in_a_transaction(transactional_db, monkeypatch):
    monkeypatch.delenv(writer.SOCKET_ENV, raising=False)
    pid, in_transaction = writer.run(probe_insert, "local-1")
    assert pid == os.getpid()
    assert in_transaction


def test_an_unreachable_writer_means_the_call_runs_here(transactional_db, monkeypatch, tmp_path):
    """Outside any transaction (a transactional test), so the writer is really asked first."""
    monkeypatch.setenv(writer.SOCKET_ENV, str(tmp_path / "no-such-socket"))
    assert not connection.in_atomic_block
    pid, in_transaction = writer.run(probe_insert, "local-2")
    assert pid == os.getpid()
    assert in_transaction


def test_inside_a_transaction_the_call_joins_it_here(served, db):
    _, database = served
    with transaction.atomic():
        pid, _ = writer.run(probe_insert, "joined-1")
        assert pid == os.getpid()
        assert connection.in_atomic_block
    assert "joined-1" not in _probe_values(database)


def test_only_registered_tasks_run():
    with pytest.raises(ValueError, match="not registered"):
        writer.run(unregistered, "x")


def test_run_group_rolls_back_a_failing_call_alone(db):
    def call(fn: Any, value: str) -> bytes:
        return pickle.dumps((writer._name(fn), (value,), {}))

    replies = writer.run_group(
        [
            call(probe_insert, "in-process-1"),
            call(probe_insert_then_refuse, "in-process-2"),
            call(probe_insert, "in-process-3"),
        ]
    )
    decoded = [pickle.loads(reply) for reply in replies]  # noqa: S301 — our own replies
    assert [ok for ok, _ in decoded] == [True, False, True], decoded
    assert isinstance(decoded[1][1], ProbeRefused)
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM writer_probe ORDER BY value")
        assert [row[0] for row in cursor.fetchall()] == ["in-process-1", "in-process-3"]


def test_an_exception_that_cannot_travel_comes_back_as_text():
    class Local(Exception):  # not importable by name: cannot be unpickled by the caller
        pass

    ok, value = pickle.loads(writer._reply(False, Local("details")))  # noqa: S301
    assert not ok
    assert isinstance(value, writer.WriterTaskError)
    assert "Local: details" in str(value)


def test_after_reply_is_for_the_writer_process_only():
    with pytest.raises(RuntimeError):
        writer.after_reply(lambda: None)


def test_no_writer_for_an_in_memory_database(monkeypatch):
    monkeypatch.delenv(writer.SOCKET_ENV, raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://:memory:")
    assert writer.start() is None
    assert writer.SOCKET_ENV not in os.environ


def test_the_writer_ends_when_its_parent_is_killed(tmp_path):
    script = (
        "import os, sys, time\n"
        "from terakoya.core.sqlite import writer\n"
        "started = writer.start()\n"
        "print(started.process.pid, started.directory, flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "TERAKOYA_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    pid, directory = parent.stdout.readline().split()
    child = int(pid)
    os.kill(child, 0)  # alive
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    try:
        assert _ends(child, within=10), "the writer outlived its parent"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _ends(pid: int, *, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and " Z " in stat.read_text(encoding="utf-8"):
            return True  # ended; its reaper (init) has not collected it yet
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return False


def test_starting_removes_the_socket_directories_of_dead_writers_only(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / "terakoya-writer-dead"
    dead.mkdir()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(dead / "socket"))
    listener.close()  # the socket file stays; nobody listens on it
    alive = tmp_path / "terakoya-writer-alive"
    alive.mkdir()
    serving = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    serving.bind(str(alive / "socket"))
    serving.listen()
    young = tmp_path / "terakoya-writer-young"  # a writer still starting: no socket yet
    young.mkdir()
    other = tmp_path / "unrelated"
    other.mkdir()
    old = time.time() - 3600
    for directory in (dead, alive, other):
        os.utime(directory, (old, old))
    try:
        writer._remove_stale(older_than=60)
    finally:
        serving.close()
    assert not dead.exists()
    assert alive.exists()
    assert young.exists()
    assert other.exists()


def test_an_unavailable_writer_is_logged_once_a_minute(
    transactional_db, monkeypatch, tmp_path, caplog
):
    monkeypatch.setenv(writer.SOCKET_ENV, str(tmp_path / "no-such-socket"))
    monkeypatch.setattr(writer, "_warned_at", -1e9)
    with caplog.at_level("WARNING", logger=writer.__name__):
        for value in ("log-1", "log-2", "log-3"):
            writer.run(probe_insert, value)
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "unavailable" in caplog.records[0].message
