"""Privacy pages: consent settings, "who looked at my data", receipts, the privacy notice,
and the subject-access download and erasure.

Each view: obtain what the actor may see from :mod:`terakoya.privacy.access`, call one service
or selector, render.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.privacy import access, keys, selectors
from terakoya.privacy.consent import consent_grant, consent_withdraw
from terakoya.privacy.gate import Actor, NotFound
from terakoya.privacy.purposes import OPTIONAL_PURPOSES, PURPOSES, Purpose
from terakoya.privacy.subject_access import erasure_plan, subject_data_erase, subject_data_export
from terakoya.web.auth import actor_required, request_actor


def _actor(request: HttpRequest) -> Actor:
    return request_actor(request)


def _en() -> bool:
    return (get_language() or "ja").startswith("en")


@require_GET
@actor_required
def consent_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    sections = [
        {"subject": subject, "rows": selectors.consent_overview(learner=subject.learner)}
        for subject in access.consent_subjects(actor)
    ]
    return render(
        request,
        "privacy/consent.html",
        {"sections": sections, "is_learner": actor.has_role("learner")},
    )


@require_POST
@actor_required
def consent_change(request: HttpRequest, learner_uuid: str) -> HttpResponse:
    """Grant or withdraw: one button each, the same steps, effective at once."""
    actor = _actor(request)
    subject = access.access_consent_subject_by_uuid(actor, learner_uuid)
    action = request.POST.get("action", "")
    try:
        purpose = Purpose(request.POST.get("purpose", ""))
    except ValueError:
        purpose = None
    if purpose not in OPTIONAL_PURPOSES or action not in {"grant", "withdraw"}:
        error = UserError(
            "同意の対象ではない目的です。", "Not an optional purpose.", location="purpose"
        )
        return HttpResponseBadRequest(error.message(get_language()))
    assert actor.person is not None  # noqa: S101 - actor_required
    service = consent_grant if action == "grant" else consent_withdraw
    service(
        learner=subject.learner,
        given_by=actor.person,
        given_by_role=subject.given_by_role,
        purpose=purpose,
    )
    info = PURPOSES[purpose]
    title = info.title_en if _en() else info.title_ja
    if action == "grant":
        messages.success(request, _("「%(title)s」に同意しました。") % {"title": title})
    else:
        messages.success(request, _("「%(title)s」への同意を取り消しました。") % {"title": title})
    return redirect("privacy:consent")


@require_GET
@actor_required
def consent_receipt(request: HttpRequest, event_uuid: str, fmt: str) -> HttpResponse:
    """The signed receipt (JWS) or a readable JSON of it, as a download."""
    if fmt not in {"jws", "json"}:
        raise NotFound()
    event = access.access_receipt_by_uuid(_actor(request), event_uuid)
    if fmt == "jws":
        response = HttpResponse(event.receipt, content_type="application/jose")
    else:
        response = HttpResponse(
            selectors.consent_receipt_json(event), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="consent-receipt-{event.uuid}.{fmt}"'
    return response


class AccessLogFilter(forms.Form):
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    purpose = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["purpose"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [("", _("すべての目的"))] + [
            (p.value, selectors.purpose_label(p.value)) for p in Purpose
        ]


@require_GET
@actor_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at my data (and, for a guardian, at each child's)."""
    actor = _actor(request)
    subjects = access.access_log_subjects(actor)
    wanted = request.GET.get("subject") or ""
    if not wanted:
        # A guardian comes here mostly for a child: show the first child by default.
        wanted = str(subjects[1].uuid if len(subjects) > 1 else subjects[0].uuid)
    subject = access.access_log_subject_by_uuid(actor, wanted)
    form = AccessLogFilter(request.GET or None)
    since: dt.date | None = None
    until: dt.date | None = None
    purpose = ""
    if form.is_valid():
        since = form.cleaned_data.get("since")
        until = form.cleaned_data.get("until")
        purpose = form.cleaned_data.get("purpose") or ""
    page, rows = selectors.access_log_page(
        subject=subject,
        since=since,
        until=until,
        purpose=purpose,
        page=request.GET.get("page") or 1,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "privacy/access_log.html",
        {
            "subjects": subjects,
            "subject": subject,
            "is_self": actor.person is not None and subject.pk == actor.person.pk,
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
        },
    )


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """How your data is used (APPI Art. 62): public, no sign-in needed."""
    return render(request, "privacy/notice.html", selectors.privacy_notice_context())


@require_http_methods(["GET", "HEAD"])
def receipt_public_key(request: HttpRequest) -> HttpResponse:
    """The public key receipts and tree heads are signed with, to verify them anywhere."""
    return HttpResponse(keys.public_key_pem(), content_type="application/x-pem-file")


@require_GET
@actor_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Download everything held, or ask to erase what the law allows."""
    actor = _actor(request)
    return render(
        request,
        "privacy/my_data.html",
        {"subjects": access.data_subjects(actor), "me": actor.person},
    )


@require_GET
@actor_required
def data_download(request: HttpRequest, person_uuid: str) -> HttpResponse:
    actor = _actor(request)
    person = access.access_subject_by_uuid(actor, person_uuid)
    assert actor.person is not None  # noqa: S101 - actor_required
    content, _index = subject_data_export(
        actor=actor.audit_actor("self" if person.pk == actor.person.pk else "guardian"),
        person=person,
    )
    response = HttpResponse(content, content_type="application/zip")
    stamp = clock.today().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="terakoya-data-{stamp}.zip"'
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def data_erase(request: HttpRequest, person_uuid: str) -> HttpResponse:
    """GET: what would be erased and what is kept until when. POST: erase; the receipt."""
    actor = _actor(request)
    person = access.access_subject_by_uuid(actor, person_uuid)
    assert actor.person is not None  # noqa: S101 - actor_required
    if request.method == "POST":
        receipt = subject_data_erase(
            actor=actor.audit_actor("self" if person.pk == actor.person.pk else "guardian"),
            person=person,
        )
        document = json.dumps(receipt.as_dict(), ensure_ascii=False, indent=2)
        if request.POST.get("format") == "json":
            response = HttpResponse(document, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="erasure-receipt.json"'
            return response
        return render(
            request,
            "privacy/erasure.html",
            {"person": person, "receipt": receipt, "done": True, "document": document},
        )
    return render(
        request,
        "privacy/erasure.html",
        {"person": person, "receipt": erasure_plan(person=person), "done": False},
    )
