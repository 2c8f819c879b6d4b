"""The school administrator's page for LRS clients: list, create (secret shown once), revoke."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from terakoya.privacy.purposes import PURPOSES, Purpose
from terakoya.records import access, services
from terakoya.records.forms import ClientForm
from terakoya.records.xapi.errors import XapiError
from terakoya.web.auth import actor_required, request_actor

ADMIN_ROLES = frozenset({"school_admin"})


def _purpose_title(purpose: str, language: str) -> str:
    info = PURPOSES[Purpose(purpose)]
    return info.title_en if language.startswith("en") else info.title_ja


@actor_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def client_list(request: HttpRequest) -> HttpResponse:
    """List the school's LRS clients and create one; the new secret is shown only here."""
    actor = request_actor(request)
    school = access.admin_school(actor)
    form = ClientForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.lrs_client_create(
                school=school,
                name=form.cleaned_data["name"],
                purpose=Purpose(form.cleaned_data["purpose"]),
                can_read=form.cleaned_data["can_read"],
                can_write=form.cleaned_data["can_write"],
                pseudonymous=form.cleaned_data["pseudonymous"],
                created_by=actor.person,
                actor=access.admin_audit_actor(actor),
            )
            form = ClientForm()
        except XapiError as exc:
            form.add_error(None, exc.message(request.LANGUAGE_CODE))
    return render(
        request,
        "records/client_list.html",
        {
            "school": school,
            "clients": [
                (client, _purpose_title(client.purpose, request.LANGUAGE_CODE))
                for client in access.admin_clients(actor, school)
            ],
            "form": form,
            "issued": issued,
            "endpoint": request.build_absolute_uri("/xapi/"),
        },
    )


@actor_required(roles=ADMIN_ROLES)
@require_POST
def client_revoke(request: HttpRequest, client_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    client = access.admin_client_by_uuid(actor, client_uuid)
    services.lrs_client_revoke(client=client, actor=access.admin_audit_actor(actor))
    messages.success(request, _("「%(name)s」の認証情報を無効にしました。") % {"name": client.name})
    return redirect("records:client_list")
