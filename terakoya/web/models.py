"""Models of the web app."""

from __future__ import annotations
