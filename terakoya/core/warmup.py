"""Warm a server process before its first request.

gunicorn imports :mod:`terakoya.config.wsgi` in every worker. Django loads the URLconf — and
with it every view module and what they import (numpy, scipy for the insights) — lazily, on
the first request, which then takes hundreds of milliseconds. Loading it here instead, and
then moving every object that exists at that point into the garbage collector's permanent
generation (:func:`gc.freeze`), also keeps those long-lived objects out of every later full
collection: a full collection over Django's and the libraries' objects took ~80 ms, inside
whichever request triggered it (bench/dashboard_class.py, docs/performance.md).
"""

from __future__ import annotations

import gc

from django.urls import get_resolver


def warm_up() -> None:
    """Load every URL pattern (importing every view), then freeze the heap for the GC."""
    get_resolver().url_patterns  # noqa: B018 — loading the patterns is the point
    gc.collect()
    gc.freeze()
