"""Models of the records app."""

from __future__ import annotations
