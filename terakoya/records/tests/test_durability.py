"""Durability: SIGKILL the real server while clients post batches; nothing acknowledged is lost
and no batch is half-stored.

Runs gunicorn as ``make serve`` does, on a free 127.0.0.1 port with a temporary data directory
(SQLite in WAL mode, the embedded default).
"""

from __future__ import annotations

import base64
import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# A free port, not a fixed one: another server on the machine must not answer our clients.
PORT = _free_port()

pytestmark = pytest.mark.slow


def _manage(data_dir: Path, *args: str) -> str:
    env = {**os.environ, "TERAKOYA_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _serve(data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TERAKOYA_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "terakoya.config.wsgi:application",
            "--config",
            "python:terakoya.config.gunicorn",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--threads",
            "8",
            "--worker-class",
            "gthread",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so SIGKILL reaches the master and its workers at once
    )
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            connection.request("GET", "/xapi/about")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        process.poll()
        assert process.returncode is None, "the server exited"
        threading.Event().wait(0.1)
    raise AssertionError("the server did not start")


def _batch(size: int) -> list[dict[str, Any]]:
    return [
        {
            "id": str(uuid.uuid4()),
            "actor": {"mbox": "mailto:durable@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": f"https://example.org/items/{i}"},
        }
        for i in range(size)
    ]


def _school_and_client(data_dir: Path) -> dict[str, str]:
    """Migrate, create a school and an LRS client; the headers of that client's requests."""
    _manage(data_dir, "migrate", "--noinput")
    _manage(
        data_dir,
        "shell",
        "-c",
        "from terakoya.roster import services as r\n"
        "from terakoya.roster.models import SchoolType\n"
        "b = r.board_create(name='B', code='139996')\n"
        "r.school_create(board=b, name='S', code='B113299900043', "
        "school_type=SchoolType.ELEMENTARY)\n",
    )
    created = dict(line.split("=", 1) for line in _manage(data_dir, "lrs_client_create").split())
    token = base64.b64encode(f"{created['key']}:{created['secret']}".encode()).decode()
    return {
        "Authorization": f"Basic {token}",
        "X-Experience-API-Version": "2.0.0",
        "Content-Type": "application/json",
    }


def _stored(data_dir: Path) -> set[uuid.UUID]:
    database = sqlite3.connect(data_dir / "terakoya.sqlite3")
    try:
        return {
            uuid.UUID(row[0])
            for row in database.execute("SELECT statement_id FROM records_statement")
        }
    finally:
        database.close()


def test_acknowledged_statements_survive_sigkill_and_batches_are_atomic(tmp_path):
    headers = _school_and_client(tmp_path)
    server = _serve(tmp_path)
    acknowledged: list[list[str]] = []
    attempted: list[list[str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            batch = _batch(25)
            ids = [s["id"] for s in batch]
            with lock:
                attempted.append(ids)
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                connection.request("POST", "/xapi/statements", orjson.dumps(batch), headers)
                status = connection.getresponse().status
            except OSError:
                return
            if status == 200:
                with lock:
                    acknowledged.append(ids)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    # Kill once a few batches are acknowledged, while others are in flight.
    deadline = time.monotonic() + 60
    while len(acknowledged) < 8 and time.monotonic() < deadline:
        threading.Event().wait(0.05)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) >= 8

    server = _serve(tmp_path)  # restart: SQLite recovers the WAL on open
    try:
        stored = _stored(tmp_path)
    finally:
        server.terminate()
        server.wait()
    for ids in acknowledged:
        assert all(uuid.UUID(i) in stored for i in ids), "an acknowledged statement was lost"
    for ids in attempted:
        present = [uuid.UUID(i) in stored for i in ids]
        assert all(present) or not any(present), "a batch was half-stored"


def _writer_of(master: int) -> int:
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True, check=True
    ).stdout.split()
    found = [
        int(pid)
        for pid in children
        if b"terakoya.core.sqlite.writer" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(found) == 1, "gunicorn's master started no SQLite writer process"
    return found[0]


def _written_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/io").read_text(encoding="utf-8").splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError("no wchar in /proc/<pid>/io")


def _post(headers: dict[str, str], batch: list[dict[str, Any]]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("POST", "/xapi/statements", orjson.dumps(batch), headers)
    status: int = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="reads /proc/<pid>/io")
def test_the_writer_process_writes_batches_and_without_it_the_workers_do(tmp_path):
    """``make serve`` starts the SQLite writer (decision 0106): a posted batch is written by
    that process (its write counter grows by more than the batch's payload); once it is gone,
    the workers write the next batch themselves, and both batches are stored whole."""
    headers = _school_and_client(tmp_path)
    server = _serve(tmp_path)
    try:
        writer = _writer_of(server.pid)
        first, second = _batch(50), _batch(50)
        before = _written_bytes(writer)
        assert _post(headers, first) == 200
        assert _written_bytes(writer) - before > len(orjson.dumps(first))
        os.kill(writer, signal.SIGKILL)
        assert _post(headers, second) == 200
        stored = _stored(tmp_path)
        assert {uuid.UUID(s["id"]) for s in first + second} <= stored
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
