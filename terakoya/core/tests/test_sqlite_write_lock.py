"""The embedded default's SQLite backend queues write transactions on a file lock: held from
BEGIN IMMEDIATE to COMMIT/ROLLBACK, released on close, absent for in-memory databases."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

from terakoya.config.settings import _database
from terakoya.core.sqlite.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: Any) -> Iterator[None]:
    """These tests open their own database files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def handler(tmp_path: Path) -> Iterator[tuple[ConnectionHandler, Path]]:
    path = tmp_path / "db.sqlite3"
    connections = ConnectionHandler({"default": _database(f"sqlite:///{path}")})
    yield connections, Path(f"{path}.writelock")
    connections.close_all()


def _locked(lock_file: Path) -> bool:
    """Whether another open file description holds the lock (a probe that never waits)."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_the_engine_is_used_for_the_embedded_default():
    assert _database("sqlite:////tmp/x.sqlite3")["ENGINE"] == "terakoya.core.sqlite"
    assert _database("postgres://u@h/db")["ENGINE"] == "django.db.backends.postgresql"


def test_a_write_transaction_holds_the_lock_until_commit_or_rollback(handler):
    connections, lock_file = handler
    db = connections["default"]
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert _locked(lock_file)
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    db.commit()
    db.set_autocommit(True)
    assert not _locked(lock_file)

    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert _locked(lock_file)
    db.rollback()
    db.set_autocommit(True)
    assert not _locked(lock_file)

    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert _locked(lock_file)
    db.close()  # a connection closed mid-transaction (or a killed process) frees it
    assert not _locked(lock_file)


def test_a_second_writer_waits_on_the_lock_and_runs_after_the_first_commits(tmp_path):
    path = tmp_path / "db.sqlite3"
    settings_dict = _database(f"sqlite:///{path}")
    order: list[str] = []
    holding = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def writer(name: str, before: Any, hold: Any) -> None:
        connections = ConnectionHandler({"default": settings_dict})
        db = connections["default"]
        try:
            with db.cursor() as cursor:
                cursor.execute("CREATE TABLE IF NOT EXISTS t (x TEXT)")
            before()
            db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            order.append(f"{name} begin")
            with db.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (%s)", [name])
            hold()
            order.append(f"{name} commit")
            db.commit()
            db.set_autocommit(True)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def hold_until_released() -> None:
        holding.set()
        release.wait(10)

    first = threading.Thread(target=writer, args=("a", lambda: None, hold_until_released))
    second = threading.Thread(target=writer, args=("b", lambda: holding.wait(10), lambda: None))
    first.start()
    assert holding.wait(10)
    second.start()
    second.join(0.3)
    assert second.is_alive()  # still waiting for the lock, not failing or interleaving
    release.set()
    first.join(10)
    second.join(10)
    assert not errors
    assert order == ["a begin", "a commit", "b begin", "b commit"]


def test_an_in_memory_database_has_no_lock_file():
    connections = ConnectionHandler(
        {"default": {**_database("sqlite://:memory:"), "NAME": ":memory:"}}
    )
    db = connections["default"]
    assert isinstance(db, DatabaseWrapper)
    assert db._lock_path() is None
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    db.rollback()
    db.set_autocommit(True)
    connections.close_all()
