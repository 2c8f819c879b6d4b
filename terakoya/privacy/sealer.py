"""Sealing the audit log off the request path.

A write that makes a tree head due (:func:`terakoya.privacy.audit._seal_after_commit`) only
wakes this process's sealer thread after its commit; the thread runs
:func:`terakoya.privacy.tree.seal_if_due` on its own database connection. The request that
crossed the threshold returns without waiting for the seal (before, it paid ~30 ms for it,
which set the LRS's GET p95; docs/performance.md), and a burst of due commits coalesces into
one seal.

``TERAKOYA["AUDIT_SEAL"]`` chooses the mode: ``"background"``, ``"commit"`` (seal inside the
committing thread, as before) or ``"auto"`` (the default): background, except on an in-memory
SQLite database — the test suite's, shared between threads through SQLite's shared cache,
where a second writer fails at once ("database table is locked") instead of waiting.
In the embedded default's SQLite writer process (decision 0106) no thread is started: the
writer seals after it has replied to the group whose commit made a head due.
Nothing is lost when a process dies before its sealer ran: unsealed entries stay in the log,
hashed, and the next due seal, any process's, or ``manage.py audit_seal`` seals them. At
interpreter exit the sealer finishes the work it was woken for (a management command's
entries are sealed before it returns to the shell).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

from django.conf import settings
from django.db import connection

from terakoya.core.sqlite import writer

logger = logging.getLogger(__name__)


def background() -> bool:
    """True when due seals run on the sealer thread (the default, see the module)."""
    mode = str(settings.TERAKOYA.get("AUDIT_SEAL", "auto"))
    if mode == "auto":
        in_memory = getattr(connection, "is_in_memory_db", None)
        return not (connection.vendor == "sqlite" and in_memory is not None and in_memory())
    return mode == "background"


class Sealer:
    """One daemon thread per process, started on first use (and again after a fork)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self.seals = 0  # heads signed by this process's sealer (for tests and benchmarks)

    def request(self) -> None:
        """Ask for a seal check soon; returns at once."""
        if writer.serving():
            # In the SQLite writer process: sealed by the writer once it has replied.
            writer.after_reply(self._seal)
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="terakoya-audit-sealer", daemon=True
                )
                self._thread.start()
            self._idle.clear()
            self._wake.set()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until every requested check has run; False on timeout."""
        return self._idle.wait(timeout)

    def _seal(self) -> None:
        """Seal if due, counting the heads signed (in the thread, or in the SQLite writer)."""
        from terakoya.privacy.tree import seal_if_due

        if seal_if_due() is not None:
            self.seals += 1

    def _run(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                self._wake.clear()
            try:
                self._seal()
            except Exception:
                # The entries stay unsealed and hashed; the next due commit or
                # `manage.py audit_seal` seals them. Never let the thread die.
                logger.exception("audit sealing failed; it will be retried")
            finally:
                connection.close()
            with self._lock:
                if not self._wake.is_set():
                    self._idle.set()


SEALER = Sealer()


@atexit.register
def _finish() -> None:
    if SEALER._pid == os.getpid():
        SEALER.wait_idle(timeout=60.0)
