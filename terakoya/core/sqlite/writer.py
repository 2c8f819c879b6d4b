"""One writer process for the embedded default's hot write path (decision 0106).

SQLite lets one connection write at a time. With two gunicorn workers writing in turn, every
write transaction paid twice for sharing:

- **a cold page cache**: a connection drops its cached pages whenever another process has
  committed, so each transaction re-read the index pages it touched;
- **the GIL**: the thread holding the write lock shared its interpreter with the worker's other
  request threads, and waited for the GIL again after each call into SQLite.

Together they made the write lock's hold ~1.8× the time of the same rows inserted by one
connection (bench/lrs_ingest.py). Here the gunicorn master (``terakoya.config.gunicorn``)
starts one writer process before it forks the workers. A worker prepares a write without the
database (the LRS shapes a batch into rows), then hands the function and its arguments to the
writer over a Unix socket and waits for the commit. The writer runs what is queued at that
moment in one transaction, each call in its own savepoint: a call that raises is rolled back
alone, and its exception is raised again in the caller.

:func:`run` writes in the caller's process instead (same function, one transaction) when no
writer serves this database (PostgreSQL, tests, ``manage.py`` commands), when the caller is
already inside a transaction (the write must join it), or when the writer cannot be reached.
A writer that dies before replying has either committed the call or not: the caller runs it
again itself, so a task must be safe to repeat (the LRS's is: statement ids make it so).
Only functions registered with :func:`task` run in the writer; its socket lives in a private
temporary directory (mode 0700).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import importlib
import logging
import os
import pickle
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Client, Connection, Listener
from typing import Any, ParamSpec, TypeVar

SOCKET_ENV = "TERAKOYA_WRITER_SOCKET"
#: At most this many queued calls share one transaction.
GROUP_MAX = 16

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

_TASKS: dict[str, Callable[..., Any]] = {}
#: Work a task asked for after its commit (:func:`after_reply`), run once the callers of the
#: group have their replies; None outside the writer process.
_after: list[Callable[[], None]] | None = None


class WriterUnavailable(Exception):
    """The writer could not be reached, or closed the connection before replying."""


class WriterTaskError(Exception):
    """A task raised an exception that could not be sent back as itself."""


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def task(fn: Callable[P, R]) -> Callable[P, R]:
    """Allow ``fn`` to run in the writer process (by its module and name). Its arguments and
    result must pickle; it must be safe to run twice (see the module docstring)."""
    _TASKS[_name(fn)] = fn
    return fn


def run(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run ``fn(*args, **kwargs)`` in a write transaction of its own: in the writer process
    when one serves this database and the caller is outside any transaction, else here."""
    from django.db import connection, transaction

    name = _name(fn)
    if _TASKS.get(name) is not fn:
        raise ValueError(f"{name} is not registered with writer.task")
    address = os.environ.get(SOCKET_ENV)
    if address and not connection.in_atomic_block:
        try:
            return _call(address, name, args, kwargs)  # type: ignore[no-any-return]
        except WriterUnavailable as exc:
            _warn_unavailable(exc)
    with transaction.atomic():
        return fn(*args, **kwargs)


_warned_at = -1e9


def _warn_unavailable(exc: WriterUnavailable) -> None:
    """Log a dead or unreachable writer once a minute per process, not once per batch: until
    the server restarts, the workers write as they did before decision 0106."""
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= 60:
        _warned_at = now
        log.warning("the SQLite writer process is unavailable (%s); writing in this process", exc)


def _call(address: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    # Pickled before connecting: the writer's accepting thread reads each call as it comes.
    data = pickle.dumps((name, args, kwargs), pickle.HIGHEST_PROTOCOL)
    try:
        channel = Client(address, family="AF_UNIX")
    except OSError as exc:
        raise WriterUnavailable(str(exc)) from exc
    with channel:
        try:
            channel.send_bytes(data)
            ok, value = pickle.loads(channel.recv_bytes())  # noqa: S301 — our own writer's reply
        except (EOFError, OSError) as exc:
            raise WriterUnavailable(str(exc)) from exc
    if ok:
        return value
    raise value


# --- the writer process ---------------------------------------------------------------------


def serving() -> bool:
    """True in the writer process."""
    return _after is not None


def after_reply(fn: Callable[[], None]) -> None:
    """In the writer process: run ``fn`` in the writer's thread after the current group's
    callers have their replies (once, however often it is asked for before then). The audit
    log's sealing runs so: it needs the write lock, which is the writer's to hold anyway, and a
    thread of its own would compete with the writer for the interpreter."""
    if _after is None:
        raise RuntimeError("after_reply is for the writer process")
    if fn not in _after:
        _after.append(fn)


def _run_after() -> None:
    while _after:
        fn = _after.pop(0)
        try:
            fn()
        except Exception:
            log.exception("writer: %s failed after reply", _name(fn))


def _resolve(name: str) -> Callable[..., Any]:
    module, _, _ = name.partition(":")
    importlib.import_module(module)
    fn = _TASKS.get(name)
    if fn is None:
        raise LookupError(f"{name} is not a writer task")
    return fn


def _reply(ok: bool, value: Any) -> bytes:
    try:
        data = pickle.dumps((ok, value), pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)  # noqa: S301 — checks that the caller can rebuild the exception
        return data
    except Exception:
        error = WriterTaskError(f"{type(value).__name__}: {value}")
        return pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)


def run_group(requests: list[bytes]) -> list[bytes]:
    """Run pickled calls in one transaction, each in a savepoint; the pickled replies."""
    from django.db import connection, transaction

    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()  # as Django does between requests
    results: list[tuple[bool, Any]] = []
    try:
        with transaction.atomic():
            for data in requests:
                try:
                    name, args, kwargs = pickle.loads(data)  # noqa: S301 — from a 0700 socket
                    fn = _resolve(name)
                    with transaction.atomic():
                        results.append((True, fn(*args, **kwargs)))
                except Exception as exc:
                    log.debug("writer task failed", exc_info=True)
                    results.append((False, exc))
    except Exception as exc:
        log.exception("writer commit failed")
        results = [(False, exc)] * len(requests)
    return [_reply(ok, value) for ok, value in results]


def _receive(listener: Listener, requests: queue.SimpleQueue[tuple[Connection, bytes]]) -> None:
    while True:
        try:
            channel = listener.accept()
        except OSError:
            return  # the listener was closed
        try:
            if channel.poll(10):
                requests.put((channel, channel.recv_bytes()))
                continue
        except (EOFError, OSError):
            pass
        channel.close()


def listen(address: str) -> Listener:
    """The writer's socket, readable and writable by this user only."""
    previous = os.umask(0o077)
    try:
        return Listener(address, family="AF_UNIX", backlog=128)
    finally:
        os.umask(previous)


def serve(listener: Listener, *, group_max: int = GROUP_MAX) -> None:
    """Accept calls on ``listener`` and run them, forever (the writer process's main loop)."""
    requests: queue.SimpleQueue[tuple[Connection, bytes]] = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(listener, requests), daemon=True).start()
    while True:
        group = [requests.get()]
        while len(group) < group_max:
            try:
                group.append(requests.get_nowait())
            except queue.Empty:
                break
        replies = run_group([data for _, data in group])
        for (channel, _), reply in zip(group, replies, strict=True):
            with contextlib.suppress(OSError):  # the caller is gone
                channel.send_bytes(reply)
            channel.close()
        _run_after()


#: The writer's connection settings: a page cache of 64 MiB instead of SQLite's default 2 MiB.
#: The writer is the only connection that writes, so its cache stays valid from one
#: transaction to the next; with 2 MiB, a group of two or three batches spilled dirty pages
#: before its commit (bench/lrs_ingest.py, decision 0106).
PRAGMAS = ("PRAGMA cache_size=-65536",)


def configure(connection: Any) -> None:
    """Give a Django SQLite connection the writer's settings (the benchmark's raw inserts
    use them too, so that its ceiling is measured under the same conditions)."""
    with connection.cursor() as cursor:
        for pragma in PRAGMAS:
            cursor.execute(pragma)


def _connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        configure(connection)


def _die_with(parent: int) -> None:
    """End this process when ``parent`` (the gunicorn master) ends, even by SIGKILL."""
    libc_name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and libc_name:
        pr_set_pdeathsig = 1
        ctypes.CDLL(libc_name, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    if os.getppid() != parent:
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str]) -> int:
    """``python -m terakoya.core.sqlite.writer SOCKET PARENT_PID``; exits at once, without
    creating the socket, when the database is not a SQLite file."""
    address, parent = argv[1], int(argv[2])
    _die_with(parent)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terakoya.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.backends.signals import connection_created

    if connection.vendor != "sqlite" or connection.is_in_memory_db():  # type: ignore[attr-defined]  # SQLite's wrapper
        return 0
    global _after  # this process is the writer
    _after = []
    connection_created.connect(_connection_created)
    # Listening first lets the master fork its workers now; calls wait in the socket's
    # backlog until the warm-up below is done.
    listener = listen(address)
    from terakoya.core.warmup import warm_up

    warm_up()  # imports every app's services, and with them their writer tasks
    serve(listener)
    return 0


# --- started by the gunicorn master ---------------------------------------------------------


class Writer:
    """The writer process as the gunicorn master sees it."""

    def __init__(self, process: subprocess.Popen[bytes], directory: str) -> None:
        self.process = process
        self.directory = directory

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)
        os.environ.pop(SOCKET_ENV, None)


_PREFIX = "terakoya-writer-"


def _remove_stale(older_than: float) -> None:
    """Remove the socket directories of writers that are gone (a master killed by SIGKILL
    leaves its directory behind): no process listens on their socket any more."""
    root = tempfile.gettempdir()
    for name in os.listdir(root):
        directory = os.path.join(root, name)
        if not name.startswith(_PREFIX) or not os.path.isdir(directory):
            continue
        try:
            if os.stat(directory).st_mtime > time.time() - older_than:
                continue  # perhaps a writer still starting
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(os.path.join(directory, "socket"))
                continue  # a live writer
            except (ConnectionRefusedError, FileNotFoundError):
                shutil.rmtree(directory, ignore_errors=True)
            finally:
                probe.close()
        except OSError:
            continue  # not ours, or gone meanwhile


def start(timeout: float = 60) -> Writer | None:
    """Start a writer for this process's database and export its socket in ``SOCKET_ENV``
    for the processes forked later (the workers); None when the database needs none."""
    _remove_stale(older_than=timeout)
    directory = tempfile.mkdtemp(prefix=_PREFIX)
    address = os.path.join(directory, "socket")
    process = subprocess.Popen(  # noqa: S603 — our own module, this interpreter
        [sys.executable, "-m", "terakoya.core.sqlite.writer", address, str(os.getpid())]
    )
    deadline = time.monotonic() + timeout
    while process.poll() is None and not os.path.exists(address):
        if time.monotonic() > deadline:
            process.kill()
            break
        time.sleep(0.02)
    if process.poll() is not None or not os.path.exists(address):
        process.wait()
        shutil.rmtree(directory, ignore_errors=True)
        return None
    os.environ[SOCKET_ENV] = address
    return Writer(process, directory)


if __name__ == "__main__":
    # Run as the imported module, whose task registry the apps fill, not as __main__.
    from terakoya.core.sqlite import writer

    sys.exit(writer.main(sys.argv))
