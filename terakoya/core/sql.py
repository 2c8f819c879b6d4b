"""Plain SQL for the hot write paths, where Django's ``bulk_create`` costs more than the insert.

``bulk_create`` builds a model instance per row and converts each value through its field;
at 100 LRS statements and 100 audit entries per request that machinery cost more than the
inserts themselves (bench/lrs_ingest.py, decisions 0104 and 0105). The callers here convert
their values once per column and hand over rows of database parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

#: Rows per INSERT statement (a statement's parameters stay well under SQLite's limit).
ROWS_PER_STATEMENT = 100


def insert_returning(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str],
    on_conflict: str = "",
) -> list[tuple[Any, ...]]:
    """``INSERT INTO table (columns) VALUES (…), (…) [on_conflict] RETURNING returning`` in
    statements of :data:`ROWS_PER_STATEMENT` rows (SQLite ≥ 3.35, PostgreSQL); the returned
    rows of all statements, in order. ``rows`` hold database parameters, one per column;
    ``table``, ``columns``, ``returning`` and ``on_conflict`` are SQL from model meta, never
    from input."""
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "  # noqa: S608 — trusted identifiers
    tail = (
        (f" {on_conflict}" if on_conflict else "")
        + " RETURNING "
        + ", ".join(quote(c) for c in returning)
    )
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        params = [value for row in chunk for value in row]
        with connection.cursor() as cursor:
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
            found.extend(cursor.fetchall())
    return found
