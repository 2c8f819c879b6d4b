"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def terakoya(request: HttpRequest) -> dict[str, Any]:
    return {"terakoya_name": "寺子屋 Terakoya"}
