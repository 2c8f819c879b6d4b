"""Models of the attendance app."""

from __future__ import annotations
