"""Template context shared by every page: the menu and the signed-in person's name."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from terakoya.roster import selectors
from terakoya.web.auth import request_actor
from terakoya.web.nav import items_for

YOUNG_GRADES = {"P1", "P2", "P3"}


def is_young_learner(person: Any, roles: set[str]) -> bool:
    """A learner in grades 1–3: their pages show furigana over kanji above their grade."""
    if "learner" not in roles:
        return False
    homeroom = selectors.homeroom_of(learner=person)
    return homeroom is not None and any(g in YOUNG_GRADES for g in homeroom.grades)


def terakoya(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"terakoya_name": "寺子屋 Terakoya", "nav_items": []}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        actor = request_actor(request)
        if actor.person is not None:
            roles = actor.roles()
            context["nav_items"] = items_for(roles)
            context["current_person_name"] = actor.person.full_name
            context["young_learner"] = is_young_learner(actor.person, roles)
    return context
