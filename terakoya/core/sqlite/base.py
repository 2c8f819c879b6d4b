"""Django's SQLite backend, with writers queued on a file lock instead of SQLite's busy sleep.

The embedded default runs every ``transaction.atomic()`` block as ``BEGIN IMMEDIATE``: it takes
the database's single write lock at once, so two writers never deadlock on a lock upgrade. A
writer that finds the lock taken waits in SQLite's busy handler, which *sleeps* 1, 2, 5, 10,
15, 20, 25 … ms between retries and so leaves the lock idle for up to that long after the
holder commits. Under concurrent ingest (bench/lrs_ingest.py) the two gunicorn workers then
spent ~40 % of the time idle with work waiting.

Here a write transaction first takes an exclusive ``flock`` on ``<database>.writelock``
(one open file per connection, so threads and processes queue alike), then ``BEGIN
IMMEDIATE``; the lock is released right after ``COMMIT`` or ``ROLLBACK``, and the kernel wakes
the next waiter at once. Writes outside ``atomic()`` (single autocommit statements) still wait
in the busy handler; they never hold the file lock, so no wait cycle is possible. A killed
process's lock is released by the kernel. In-memory databases (the test suite's default) have
no file and keep Django's behaviour.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write_lock_fd: int | None = None
        self._write_locked = False

    def _lock_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writelock"

    def _acquire_write_lock(self) -> None:
        path = self._lock_path()
        if path is None or self._write_locked:
            return
        if self._write_lock_fd is None:
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX)
        self._write_locked = True

    def _release_write_lock(self) -> None:
        if self._write_locked and self._write_lock_fd is not None:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)
        self._write_locked = False

    def _start_transaction_under_autocommit(self) -> None:
        self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in django-stubs
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # private in django-stubs
        finally:
            if not (self.connection is not None and self.connection.in_transaction):
                self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # private in django-stubs
        finally:
            self._release_write_lock()
            if self._write_lock_fd is not None:
                os.close(self._write_lock_fd)
                self._write_lock_fd = None
