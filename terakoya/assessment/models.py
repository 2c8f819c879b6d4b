"""Models of the assessment app."""

from __future__ import annotations
