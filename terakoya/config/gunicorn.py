"""gunicorn settings shared by ``make serve``, the benchmarks and the live-server tests
(``gunicorn -c python:terakoya.config.gunicorn``); the command line gives bind, workers and
threads.

On the embedded default the master starts the SQLite writer process before it forks the
workers, and stops it after they have gone (:mod:`terakoya.core.sqlite.writer`, decision 0106).
"""

from __future__ import annotations

from typing import Any

from terakoya.core.sqlite import writer

_writer: writer.Writer | None = None


def on_starting(server: Any) -> None:
    global _writer
    _writer = writer.start()
    if _writer is not None:
        server.log.info("SQLite writer process %s started", _writer.process.pid)


def on_exit(server: Any) -> None:
    if _writer is not None:
        _writer.stop()
