"""The roster's JSON API for school administrators (session authentication, CSRF-protected).

``POST /roster/api/people/`` registers a learner, guardian or member of staff through the same
service as the web form. Errors answer 400 with every problem located, Japanese and English:
``{"errors": [{"code", "message", "message_en", "location"}]}``; nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST
from pydantic import ValidationError as SchemaError

from terakoya.core.errors import UserError
from terakoya.core.validation import validation_errors
from terakoya.privacy.guards import RefusedInput, scan
from terakoya.roster import selectors, services
from terakoya.roster.access import ADMIN_ROLES, access_admin_school, scope_school_people
from terakoya.roster.schemas import PersonIn
from terakoya.web.auth import actor_required, request_actor

MAX_BODY = 64 * 1024


def _errors(problems: list[UserError], status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"errors": [p.as_dict() for p in problems]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _model_errors(error: ValidationError) -> list[UserError]:
    return [
        UserError(str(message), str(message), code="invalid", location=field)
        for field, messages in error.message_dict.items()
        for message in messages
    ]


@actor_required(roles=ADMIN_ROLES)
@require_POST
def people_create(request: HttpRequest) -> JsonResponse:
    actor = request_actor(request)
    school = access_admin_school(actor, request.GET.get("school"))
    if len(request.body) > MAX_BODY:
        return _errors(
            [UserError("本文が大きすぎます。", "The body is too large.", code="too_large")],
            status=413,
        )
    try:
        body: Any = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _errors(
            [
                UserError(
                    "JSONとして読み取れません。", "The body is not valid JSON.", code="json_invalid"
                )
            ]
        )
    # Privacy guards first: a refused value is never parsed further, stored or echoed.
    try:
        scan(body)
    except RefusedInput as refused:
        return _errors([refused])
    try:
        data = PersonIn.model_validate(body)
    except SchemaError as error:
        return _errors(validation_errors(error))
    homeroom = None
    if data.homeroom is not None:
        homeroom = selectors.school_homerooms(school=school).filter(uuid=data.homeroom).first()
        if homeroom is None:
            return _errors(
                [
                    UserError(
                        "その学級はこの学校にありません。",
                        "No such homeroom in this school.",
                        code="unknown_reference",
                        location="homeroom",
                    )
                ]
            )
    children = []
    if data.children:
        wanted = {str(u) for u in data.children}
        children = [
            m.person
            for m in scope_school_people(actor, school, role="learner")
            if str(m.person.uuid) in wanted
        ]
        if len(children) != len(wanted):
            return _errors(
                [
                    UserError(
                        "この学校の児童生徒ではない人が含まれています。",
                        "A child is not a learner of this school.",
                        code="unknown_reference",
                        location="children",
                    )
                ]
            )
    try:
        person, credential = services.person_enrol_with_credential(
            school=school,
            role=data.role,
            actor=actor.audit_actor("school_admin"),
            person_fields={
                "family_name": data.family_name,
                "given_name": data.given_name,
                "family_name_kana": data.family_name_kana,
                "given_name_kana": data.given_name_kana,
                "birth_date": data.birth_date,
                "email": data.email,
                "phone": data.phone,
            },
            grade=data.grade or "",
            homeroom=homeroom,
            shusseki_no=data.shusseki_no,
            children=children,
            relationship=data.relationship,
        )
    except UserError as error:
        return _errors([error])
    except ValidationError as error:
        return _errors(_model_errors(error))
    return JsonResponse(
        {
            "uuid": str(person.uuid),
            "username": person.user.get_username() if person.user else None,
            "role": data.role,
            "initial_credential": credential,
        },
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )
