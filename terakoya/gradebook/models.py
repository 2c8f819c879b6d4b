"""Models of the gradebook app."""

from __future__ import annotations
