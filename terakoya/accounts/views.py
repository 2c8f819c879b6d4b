"""Sign-in and sign-out: passwords, class code + pictures, QR cards; teachers' card printing."""

from __future__ import annotations

import uuid
from typing import Any, cast

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from terakoya.accounts import services
from terakoya.accounts.access import (
    access_class_by_code,
    access_sign_in_learner,
    scope_sign_in_names,
)
from terakoya.accounts.forms import CardTokenForm, ClassCodeForm, SignInForm
from terakoya.accounts.pictures import BY_KEY, PICTURES, SEQUENCE_LENGTH, sequence_password
from terakoya.privacy.gate import NotFound, access_class_by_uuid, scope_class_learners
from terakoya.privacy.purposes import Purpose
from terakoya.roster.access import can_manage_class_sign_in
from terakoya.web.auth import actor_required, request_actor


def _after_sign_in(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(reverse("web:home"))


@require_http_methods(["GET", "HEAD", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _after_sign_in(request)
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return _after_sign_in(request)
    return render(request, "accounts/signin.html", {"form": form})


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:signin")


@require_http_methods(["GET", "HEAD", "POST"])
def class_code(request: HttpRequest) -> HttpResponse:
    form = ClassCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        try:
            access_class_by_code(code)
        except Exception:  # NotFound: same message for wrong and disabled codes
            form.add_error("code", _("その コードの クラスは ありません。先生に きいてみてね。"))
        else:
            return redirect("accounts:class_names", code=code)
    return render(request, "accounts/class_code.html", {"form": form})


def class_names(request: HttpRequest, code: str) -> HttpResponse:
    school_class = access_class_by_code(code)
    entries = scope_sign_in_names(school_class)
    return render(
        request,
        "accounts/class_names.html",
        {"school_class": school_class, "entries": entries, "code": code},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def class_picture(request: HttpRequest, code: str, learner_uuid: uuid.UUID) -> HttpResponse:
    school_class = access_class_by_code(code)
    learner, username = access_sign_in_learner(school_class, learner_uuid)
    error = ""
    if request.method == "POST":
        keys = [k for k in request.POST.get("pictures", "").split(",") if k]
        if len(keys) == SEQUENCE_LENGTH and all(k in BY_KEY for k in keys):
            user = authenticate(request, username=username, password=sequence_password(keys))
            if user is not None:
                login(request, user)
                return _after_sign_in(request)
        error = _("ちがうみたい。もういちど えらんでね。")
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked.html", status=403)
    return render(
        request,
        "accounts/class_picture.html",
        {
            "school_class": school_class,
            "learner_name": learner.full_name_kana or learner.full_name,
            "pictures": PICTURES,
            "length": SEQUENCE_LENGTH,
            "error": error,
            "code": code,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def card(request: HttpRequest) -> HttpResponse:
    """QR cards encode ``/accounts/card/#<token>``: the token stays out of URLs sent to the
    server and out of logs; the page posts it."""
    form = CardTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.card_user(token=form.cleaned_data["token"].strip())
        if user is not None:
            login(request, cast(Any, user), backend="django.contrib.auth.backends.ModelBackend")
            return _after_sign_in(request)
        form.add_error("token", _("この カードは つかえません。先生に きいてみてね。"))
    return render(request, "accounts/card.html", {"form": form}, status=400 if form.errors else 200)


@actor_required
@require_http_methods(["GET", "HEAD", "POST"])
def class_sign_in_admin(request: HttpRequest, class_uuid: uuid.UUID) -> HttpResponse:
    """A teacher's page for a class: its code, new QR cards, new picture passwords."""
    actor = request_actor(request)
    school_class = access_class_by_uuid(actor, class_uuid, purpose=Purpose.INSTRUCTION)
    can_manage_class_sign_in(actor, school_class)
    audit_actor = actor.audit_actor("teacher")
    learners = scope_class_learners(actor, school_class, purpose=Purpose.INSTRUCTION)
    people = [person for _enrolment, person in learners]
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            services.class_code_rotate(school_class=school_class, actor=audit_actor)
            messages.success(request, _("クラスのコードを新しくしました。"))
            return redirect("accounts:class_sign_in_admin", class_uuid=class_uuid)
        if action == "cards":
            issued = services.cards_issue(people=people, actor=audit_actor)
            base = request.build_absolute_uri(reverse("accounts:card"))
            cards = [
                {
                    "person": item.person,
                    "qr": segno.make(f"{base}#{item.token}", error="m").svg_inline(
                        scale=4, title=item.person.full_name
                    ),
                    "token": item.token,
                }
                for item in issued
            ]
            return render(
                request, "accounts/cards_print.html", {"school_class": school_class, "cards": cards}
            )
        if action == "unlock":
            wanted = request.POST.get("learner", "")
            person = next((p for p in people if str(p.uuid) == wanted), None)
            if person is None or person.user_id is None:
                raise NotFound()  # not a learner of this class: as if it did not exist
            services.signin_unlock(
                person=person, school_uuid=school_class.school.uuid, actor=audit_actor
            )
            messages.success(
                request,
                _("%(name)sさんのサインインの制限を解除しました。") % {"name": person.full_name},
            )
            return redirect("accounts:class_sign_in_admin", class_uuid=class_uuid)
        if action == "pictures":
            selected = {str(u) for u in request.POST.getlist("learner")}
            shown = []
            for person in people:
                if str(person.uuid) in selected:
                    keys = services.random_picture_keys()
                    services.picture_password_set(person=person, keys=keys, actor=audit_actor)
                    shown.append({"person": person, "pictures": [BY_KEY[k] for k in keys]})
            return render(
                request,
                "accounts/pictures_print.html",
                {"school_class": school_class, "rows": shown},
            )
    sign_in = services.class_sign_in_get_or_create(school_class=school_class)
    locks = services.signin_locks(people=people)
    locked = [
        (enrolment, person, timezone.localtime(locks[person.pk]))
        for enrolment, person in learners
        if person.pk in locks
    ]
    return render(
        request,
        "accounts/class_sign_in_admin.html",
        {"school_class": school_class, "sign_in": sign_in, "learners": learners, "locked": locked},
    )
