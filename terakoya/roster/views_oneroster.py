"""OneRoster import and export pages, and the JSON import API (docs/oneroster.md).

Thin views: the gate (:mod:`terakoya.roster.oneroster.access`) decides scope and tenancy, the
package does the work, the template shows it. Missing and forbidden are the same 404.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from typing import IO, Any, TypeVar, cast

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from terakoya.privacy.guards import RefusedInput, check_text
from terakoya.roster.oneroster import ExportScope, ImportRefused, export_package, import_file
from terakoya.roster.oneroster.access import (
    ADMIN_ROLES,
    access_board_for_export,
    access_school_for_export,
    audit_actor_for,
    export_targets_for,
    import_scope_for,
)
from terakoya.roster.oneroster.uploads import (
    upload_delete,
    upload_get,
    upload_save,
    upload_store,
)
from terakoya.web.auth import actor_required, request_actor

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def _admin_view(func: V) -> V:
    """Signed-in school or board administrators only; anyone else gets the plain 404."""
    return cast(V, actor_required(roles=ADMIN_ROLES)(cast(Any, func)))


ENTITY_LABELS = {
    "board": _("教育委員会"),
    "school": _("学校"),
    "school_year": _("年度"),
    "course": _("コース"),
    "class": _("クラス"),
    "person": _("人"),
    "demographics": _("生年月日・性別"),
    "membership": _("学校での役割"),
    "enrolment": _("クラスの在籍"),
    "guardian_link": _("保護者との関係"),
    "org": _("組織"),
}


def _count_rows(counts: dict[str, dict[str, int]]) -> list[tuple[str, dict[str, int]]]:
    return [(str(ENTITY_LABELS.get(entity, entity)), c) for entity, c in counts.items()]


def _refused(refused: ImportRefused) -> dict[str, Any]:
    return {
        "ok": False,
        **refused.as_dict(),
        "error_count": refused.error_count,
        "errors": [i.as_dict() for i in refused.errors],
        "warnings": [i.as_dict() for i in refused.issues if i.severity != "error"],
    }


def _file_problem(request: HttpRequest) -> dict[str, Any] | None:
    upload = request.FILES.get("file")
    if upload is None:
        return {
            "ok": False,
            "code": "file_required",
            "message": "ZIP ファイルを選んでください。",
            "message_en": "Choose a ZIP file.",
        }
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        return {
            "ok": False,
            "code": "file_too_large",
            "message": "ファイルが大きすぎます(200MB まで)。",
            "message_en": "The file is too large (200 MB at most).",
        }
    try:
        check_text(upload.name or "", location="file")
    except RefusedInput as exc:
        return {"ok": False, **exc.as_dict()}
    return None


@require_GET
@_admin_view
def oneroster_home(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    import_scope_for(actor)
    return render(request, "roster/oneroster/home.html", {"targets": export_targets_for(actor)})


@require_POST
@_admin_view
def oneroster_upload(request: HttpRequest) -> HttpResponse:
    """Store the upload, validate and plan it (a dry run), then show the preview."""
    actor = request_actor(request)
    scope = import_scope_for(actor)
    problem = _file_problem(request)
    if problem is not None:
        return render(
            request,
            "roster/oneroster/home.html",
            {"targets": export_targets_for(actor), "problem": problem},
            status=400,
        )
    assert actor.person is not None  # noqa: S101 (actor_required guarantees it)
    file = cast(UploadedFile, request.FILES["file"])
    upload = upload_save(owner=actor.person.uuid, filename=file.name or "", chunks=file.chunks())
    try:
        outcome = import_file(upload.path, dry_run=True, scope=scope, actor=audit_actor_for(actor))
        upload.preview = outcome.as_dict()
    except ImportRefused as refused:
        upload.preview = _refused(refused)
    upload_store(upload)
    return redirect("roster:oneroster_preview", token=upload.token)


@require_http_methods(["GET", "POST"])
@_admin_view
def oneroster_preview(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """GET: what the upload will create, change and retire. POST: apply it, all or nothing."""
    actor = request_actor(request)
    scope = import_scope_for(actor)
    assert actor.person is not None  # noqa: S101
    upload = upload_get(token=token, owner=actor.person.uuid)
    context: dict[str, Any] = {
        "upload": upload,
        "preview": upload.preview,
        "count_rows": _count_rows(upload.preview.get("counts", {})),
    }
    if request.method == "POST" and upload.preview.get("ok"):
        try:
            outcome = import_file(upload.path, scope=scope, actor=audit_actor_for(actor))
        except ImportRefused as refused:
            context["preview"] = _refused(refused)
            return render(request, "roster/oneroster/preview.html", context, status=422)
        upload_delete(upload)
        context["applied"] = outcome.as_dict()
        context["count_rows"] = _count_rows(context["applied"]["counts"])
        return render(request, "roster/oneroster/result.html", context)
    status = 200 if upload.preview.get("ok") else 422
    return render(request, "roster/oneroster/preview.html", context, status=status)


def _download(request: HttpRequest, scope: ExportScope, name: str) -> FileResponse:
    actor = request_actor(request)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    export_package(spool, scope=scope, actor=audit_actor_for(actor))
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")


@require_GET
@_admin_view
def oneroster_export_board(request: HttpRequest, board_uuid: uuid.UUID) -> FileResponse:
    scope = access_board_for_export(request_actor(request), board_uuid)
    return _download(request, scope, f"oneroster-board-{board_uuid}.zip")


@require_GET
@_admin_view
def oneroster_export_school(request: HttpRequest, school_uuid: uuid.UUID) -> FileResponse:
    scope = access_school_for_export(request_actor(request), school_uuid)
    return _download(request, scope, f"oneroster-school-{school_uuid}.zip")


@require_POST
@_admin_view
def oneroster_api_import(request: HttpRequest) -> JsonResponse:
    """POST a ZIP as multipart field ``file``; ``dry_run=1`` plans only. JSON answer:
    200 with counts, 400 for a missing file, 422 with every error (nothing applied)."""
    actor = request_actor(request)
    scope = import_scope_for(actor)
    problem = _file_problem(request)
    if problem is not None:
        return JsonResponse(problem, status=400, json_dumps_params={"ensure_ascii": False})
    dry_run = request.POST.get("dry_run", request.GET.get("dry_run", "")) in {"1", "true"}
    try:
        outcome = import_file(
            cast(IO[bytes], request.FILES["file"]),
            dry_run=dry_run,
            scope=scope,
            actor=audit_actor_for(actor),
        )
    except ImportRefused as refused:
        return JsonResponse(
            _refused(refused), status=422, json_dumps_params={"ensure_ascii": False}
        )
    return JsonResponse(outcome.as_dict(), json_dumps_params={"ensure_ascii": False})
