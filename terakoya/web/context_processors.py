"""Template context shared by every page: the menu and the signed-in person's name."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from terakoya.web.auth import request_actor
from terakoya.web.nav import items_for


def terakoya(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"terakoya_name": "寺子屋 Terakoya", "nav_items": []}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        actor = request_actor(request)
        if actor.person is not None:
            context["nav_items"] = items_for(actor.roles())
            context["current_person_name"] = actor.person.full_name
    return context
