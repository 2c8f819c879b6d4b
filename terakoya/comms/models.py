"""Models of the comms app."""

from __future__ import annotations
