"""Models of the guidance app (teacher guidance notes, the assist log)."""

from __future__ import annotations
