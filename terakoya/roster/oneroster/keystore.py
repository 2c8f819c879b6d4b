"""A temporary on-disk index of external keys, so an import's memory does not grow with the file.

Validation and apply need to know, for every row, whether a sourcedId exists in the package or
in the database (and a few facts about it: an org's type, a class's school, a class's id). Held
in Python sets and dicts, that index grew by about 0.35 KB per user. Here it lives in a SQLite
file in a private temporary directory (mode 0700, deleted on :meth:`KeyStore.close`): one
``WITHOUT ROWID`` table keyed by (kind, key), no journal, no fsync, a page cache of a few
megabytes. Point lookups cost a few microseconds; sets of keys are looked up in chunks with
``IN (...)`` (docs/decisions/0125-oneroster-key-store.md).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

BATCH = 500  # keys per IN (...) query; well under SQLite's variable limit
CACHE_KB = 4096  # SQLite page cache: the bound on what the index holds in memory


def _batches(items: Iterable[str], size: int = BATCH) -> Iterator[list[str]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _cleanup(connection: sqlite3.Connection, directory: str) -> None:
    connection.close()
    shutil.rmtree(directory, ignore_errors=True)


class KeyStore:
    """Sets (and maps to a short text value) of keys, grouped by kind, on disk."""

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="terakoya-oneroster-")
        self.db = sqlite3.connect(Path(self.directory) / "keys.sqlite3", isolation_level=None)
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "temp_store = FILE",
            f"cache_size = -{CACHE_KB}",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute(
            "CREATE TABLE k (kind TEXT NOT NULL, key TEXT NOT NULL, val TEXT NOT NULL, "
            "PRIMARY KEY (kind, key)) WITHOUT ROWID"
        )
        # One transaction for the whole run: no per-statement commit.
        self.db.execute("BEGIN")
        self.sizes: dict[str, int] = {}
        self._finalizer = weakref.finalize(self, _cleanup, self.db, self.directory)

    def close(self) -> None:
        self._finalizer()

    # -- writing -------------------------------------------------------------------------------

    def add(self, kind: str, key: str, value: str = "") -> None:
        """Insert or replace one key."""
        cursor = self.db.execute(
            "INSERT INTO k VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET val = excluded.val",
            (kind, key, value),
        )
        if cursor.rowcount:
            self.sizes[kind] = self.sizes.get(kind, 0) + 1

    def add_new(self, kind: str, key: str) -> bool:
        """Insert a key; False if it was already there (a duplicate)."""
        cursor = self.db.execute("INSERT OR IGNORE INTO k VALUES (?, ?, '')", (kind, key))
        if cursor.rowcount:
            self.sizes[kind] = self.sizes.get(kind, 0) + 1
            return True
        return False

    def add_many(self, kind: str, items: Iterable[tuple[str, str]]) -> None:
        """Insert or replace many (key, value) pairs."""
        before = self.db.total_changes
        self.db.executemany(
            "INSERT INTO k VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET val = excluded.val",
            ((kind, key, value) for key, value in items),
        )
        self.sizes[kind] = self.sizes.get(kind, 0) + (self.db.total_changes - before)

    # -- reading -------------------------------------------------------------------------------

    def get(self, kind: str, key: str) -> str | None:
        if not self.sizes.get(kind):
            return None
        row = self.db.execute(
            "SELECT val FROM k WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        return None if row is None else str(row[0])

    def has(self, kind: str, key: str) -> bool:
        return self.get(kind, key) is not None

    def values(self, kind: str, keys: Iterable[str]) -> dict[str, str]:
        """The values of those of ``keys`` that are present (looked up in batches)."""
        found: dict[str, str] = {}
        if not self.sizes.get(kind):
            return found
        for batch in _batches(set(keys)):
            marks = ", ".join("?" * len(batch))
            found.update(
                self.db.execute(
                    f"SELECT key, val FROM k WHERE kind = ? AND key IN ({marks})",  # noqa: S608
                    (kind, *batch),
                )
            )
        return found

    def present(self, kind: str, keys: Iterable[str]) -> set[str]:
        return set(self.values(kind, keys))

    def items(self, kind: str) -> Iterator[tuple[str, str]]:
        """Every (key, value) of a kind, in key order, read in pages."""
        after = ""
        while True:
            page = self.db.execute(
                "SELECT key, val FROM k WHERE kind = ? AND key > ? ORDER BY key LIMIT 1000",
                (kind, after),
            ).fetchall()
            if not page:
                return
            yield from page
            after = page[-1][0]

    def size(self, kind: str) -> int:
        return self.sizes.get(kind, 0)


__all__ = ["KeyStore"]
