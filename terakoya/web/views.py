"""Home pages per role and error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from terakoya.roster import selectors
from terakoya.roster.choices import Role
from terakoya.web.auth import request_actor
from terakoya.web.nav import items_for

ROLE_ORDER = [r.value for r in Role]


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in person's home: a greeting, their roles and the tiles for their pages."""
    if not request.user.is_authenticated:
        return redirect("accounts:signin")
    actor = request_actor(request)
    if actor.person is None:
        return render(request, "web/no_role.html", status=403)
    roles = actor.roles()
    children = selectors.children_of(guardian=actor.person) if Role.GUARDIAN in roles else []
    homeroom = selectors.homeroom_of(learner=actor.person) if Role.LEARNER in roles else None
    role_labels = [Role(r).label for r in sorted(roles, key=ROLE_ORDER.index)]
    young = (
        Role.LEARNER in roles
        and homeroom is not None
        and any(g in {"P1", "P2", "P3"} for g in homeroom.grades)
    )
    return render(
        request,
        "web/home.html",
        {
            "person": actor.person,
            "role_labels": role_labels,
            "roles": roles,
            "tiles": items_for(roles),
            "children": children,
            "homeroom": homeroom,
            "young": young,
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
