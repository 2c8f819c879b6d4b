"""Models of the courses app."""

from __future__ import annotations
