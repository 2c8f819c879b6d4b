"""Models of the portability app."""

from __future__ import annotations
