"""Pages for guidance notes: my notes, a learner's notes (with a form), one note."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from terakoya.core.errors import UserError
from terakoya.guidance import access, services
from terakoya.web.auth import actor_required, request_actor

F = TypeVar("F", bound=Callable[..., HttpResponse])
STAFF = ("teacher", "principal", "special_support")


def _staff(view: F) -> F:
    """Signed-in staff only; the page is never cached."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        return response

    return cast(F, actor_required(roles=STAFF)(wrapper))


@_staff
def index(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request,
        "guidance/index.html",
        {
            "notes": access.scope_visible_notes(actor),
            "classes": access.teaching_class_learners(actor),
        },
    )


@_staff
@require_http_methods(["GET", "POST"])
def learner_notes(request: HttpRequest, learner_uuid: uuid.UUID) -> HttpResponse:
    """The notes about a learner this reader may see, and a form to write one."""
    actor = request_actor(request)
    learner, _relation, school = access.access_learner_for_notes(actor, learner_uuid)
    error = None
    values = {"title": "", "body": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            note = services.note_create(
                actor=actor,
                learner=learner,
                school=school,
                title=values["title"],
                body=values["body"],
            )
        except UserError as exc:
            error = exc
        else:
            messages.success(request, _("指導記録を保存しました。"))
            return HttpResponseRedirect(reverse("guidance:note_detail", args=[note.uuid]))
    return render(
        request,
        "guidance/learner.html",
        {
            "learner": learner,
            "notes": access.scope_learner_notes(actor, learner),
            "values": values,
            "error_message": error.message(get_language()) if error else "",
        },
        status=400 if error else 200,
    )


@_staff
def note_detail(request: HttpRequest, note_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    note = access.access_note_by_uuid(actor, note_uuid)
    is_author = actor.person is not None and note.author_id == actor.person.pk
    return render(request, "guidance/note.html", {"note": note, "is_author": is_author})
