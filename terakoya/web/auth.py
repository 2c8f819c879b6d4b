"""Signing-in requirements for views: every view that shows personal data starts here.

``actor_required`` resolves the signed-in person to an :class:`~terakoya.privacy.gate.Actor`
and sets ``request.actor``; with ``roles`` it also requires one of those roles (otherwise the
same 404 as for a missing page, so a role's pages cannot be discovered).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast, overload

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase

from terakoya.privacy.gate import Actor, NotFound

F = TypeVar("F", bound=Callable[..., HttpResponseBase])


def request_actor(request: HttpRequest) -> Actor:
    """Return (and cache on the request) the actor for the signed-in user."""
    actor = getattr(request, "actor", None)
    if actor is None:
        actor = Actor.for_user(request.user)
        request.actor = actor  # type: ignore[attr-defined]
    return cast(Actor, actor)


@overload
def actor_required(view: F) -> F: ...


@overload
def actor_required(*, roles: Iterable[str] | None = None) -> Callable[[F], F]: ...


def actor_required(view: Any = None, *, roles: Iterable[str] | None = None) -> Any:
    """Decorator: require a signed-in person (and, optionally, one of ``roles``)."""
    wanted = frozenset(roles or ())

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = request_actor(request)
            if actor.person is None:
                return redirect_to_login(request.get_full_path())
            if wanted and not (actor.roles() & wanted):
                raise NotFound()
            return func(request, *args, **kwargs)

        return cast(F, wrapper)

    if view is not None:
        return decorate(view)
    return decorate
