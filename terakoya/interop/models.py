"""Models of the interop app."""

from __future__ import annotations
