"""Models of the insights app."""

from __future__ import annotations
