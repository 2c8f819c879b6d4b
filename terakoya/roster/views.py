"""Roster pages: classes and their learners, a learner's page, and people administration.

Every view gets its records from the gate; a record of another school is the same 404 as a
record that does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from terakoya.core.errors import UserError
from terakoya.privacy.gate import (
    NotFound,
    Relation,
    access_class_by_uuid,
    access_learner_by_uuid,
    scope_class_learners,
    teaching_classes,
)
from terakoya.privacy.purposes import Purpose
from terakoya.roster import selectors, services
from terakoya.roster.access import (
    ADMIN_ROLES,
    access_admin_school,
    access_group_by_uuid,
    access_person_for_admin,
    scope_class_groups,
    scope_school_people,
)
from terakoya.roster.choices import Role
from terakoya.roster.forms import (
    GroupForm,
    GuardianForm,
    LearnerForm,
    PersonForm,
    RetireForm,
    StaffForm,
)
from terakoya.web.auth import actor_required, request_actor

STAFF_VIEW_ROLES = ("teacher", "school_admin", "principal", "nurse", "special_support")


@actor_required(roles=STAFF_VIEW_ROLES)
def class_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    admin_ids = actor.school_ids(*ADMIN_ROLES, "nurse")
    classes = list(selectors.school_classes(school_ids=admin_ids)) if admin_ids else []
    taught = [
        c
        for c in teaching_classes(actor).select_related("school")
        if c.pk not in {k.pk for k in classes}
    ]
    all_classes = taught + classes
    counts = selectors.class_learner_counts(classes=all_classes)
    return render(
        request,
        "roster/class_list.html",
        {"taught": taught, "classes": classes, "counts": counts},
    )


def _purpose_for(request: HttpRequest) -> Purpose:
    actor = request_actor(request)
    if actor.school_ids(*ADMIN_ROLES) and not actor.school_ids("teacher"):
        return Purpose.SCHOOL_ADMINISTRATION
    return Purpose.INSTRUCTION


@actor_required(roles=STAFF_VIEW_ROLES)
def class_detail(request: HttpRequest, class_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    purpose = _purpose_for(request)
    school_class = access_class_by_uuid(actor, class_uuid, purpose=purpose)
    learners = scope_class_learners(actor, school_class, purpose=purpose)
    return render(
        request,
        "roster/class_detail.html",
        {
            "school_class": school_class,
            "learners": learners,
            "teachers": selectors.class_teachers(school_class=school_class),
            "groups": scope_class_groups(school_class),
        },
    )


@actor_required(roles=STAFF_VIEW_ROLES)
def class_roster_api(request: HttpRequest, class_uuid: uuid.UUID) -> JsonResponse:
    """JSON: the class's current learners (learner ID, 出席番号, names)."""
    actor = request_actor(request)
    purpose = _purpose_for(request)
    school_class = access_class_by_uuid(actor, class_uuid, purpose=purpose)
    learners = scope_class_learners(actor, school_class, purpose=purpose)
    return JsonResponse(
        {
            "class": {
                "uuid": str(school_class.uuid),
                "name": school_class.name,
                "type": school_class.class_type,
                "grades": school_class.grades,
            },
            "learners": [
                {
                    "learner_id": str(person.uuid),
                    "shusseki_no": enrolment.shusseki_no,
                    "family_name": person.family_name,
                    "given_name": person.given_name,
                    "family_name_kana": person.family_name_kana,
                    "given_name_kana": person.given_name_kana,
                }
                for enrolment, person in learners
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@actor_required
def learner_detail(request: HttpRequest, learner_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    learner, relation = access_learner_by_uuid(actor, learner_uuid, purpose=Purpose.INSTRUCTION)
    summary = selectors.person_summary(person=learner)
    show_guardians = relation in {
        Relation.HOMEROOM_TEACHER,
        Relation.SCHOOL_ADMIN,
        Relation.PRINCIPAL,
        Relation.GUARDIAN,
        Relation.SELF,
    }
    return render(
        request,
        "roster/learner_detail.html",
        {
            "learner": learner,
            "summary": summary,
            "relation": relation,
            "show_guardians": show_guardians,
        },
    )


# ---- people administration (school administrators) -------------------------------------


@actor_required(roles=ADMIN_ROLES)
def people_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    school = access_admin_school(actor, request.GET.get("school"))
    role = request.GET.get("role") or None
    include_retired = request.GET.get("retired") == "1"
    memberships = scope_school_people(actor, school, role=role, include_retired=include_retired)
    return render(
        request,
        "roster/people_list.html",
        {
            "school": school,
            "memberships": memberships,
            "role": role or "",
            "include_retired": include_retired,
            "role_choices": Role.choices,
        },
    )


def _form_for(kind: str, school: Any, data: Any, actor: Any) -> PersonForm:
    if kind == "learner":
        homerooms = [(str(c.uuid), c.name) for c in selectors.school_homerooms(school=school)]
        return LearnerForm(data, homerooms=homerooms)
    if kind == "guardian":
        learners = [
            (str(m.person.uuid), f"{m.get_grade_display()} {m.person.full_name}")
            for m in scope_school_people(actor, school, role="learner")
        ]
        return GuardianForm(data, learners=learners)
    return StaffForm(data)


def _user_error(form: PersonForm, error: UserError | ValidationError) -> None:
    if isinstance(error, UserError):
        field = error.location if error.location in form.fields else None
        form.add_error(field, error.message(get_language()))
    else:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)


@actor_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def person_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in {"learner", "guardian", "staff"}:
        raise NotFound()
    actor = request_actor(request)
    school = access_admin_school(actor, request.GET.get("school"))
    form = _form_for(kind, school, request.POST or None, actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            homeroom = None
            children = []
            if kind == "learner":
                homeroom = selectors.school_homerooms(school=school).get(uuid=data["homeroom"])
            if kind == "guardian":
                chosen = set(data["children"])
                children = [
                    m.person
                    for m in scope_school_people(actor, school, role="learner")
                    if str(m.person.uuid) in chosen
                ]
            person, credential = services.person_enrol_with_credential(
                school=school,
                role=data.get("role", kind),
                actor=actor.audit_actor("school_admin"),
                person_fields=form.person_fields(),
                grade=data.get("grade", ""),
                homeroom=homeroom,
                shusseki_no=data.get("shusseki_no"),
                children=children,
                relationship=data.get("relationship", ""),
            )
        except (UserError, ValidationError) as error:
            _user_error(form, error)
        else:
            # The first credential is shown once, in this response, and never stored in clear.
            return render(
                request,
                "roster/person_created.html",
                {
                    "person": person,
                    "school": school,
                    "credential": credential,
                    "picture": credential.startswith("picture:"),
                },
                status=201,
            )
    return render(
        request,
        "roster/person_form.html",
        {"form": form, "school": school, "kind": kind, "editing": False},
    )


@actor_required(roles=ADMIN_ROLES)
def person_detail(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    person, school = access_person_for_admin(actor, person_uuid)
    summary = selectors.person_summary(person=person)
    return render(
        request,
        "roster/person_detail.html",
        {"person": person, "school": school, "summary": summary},
    )


@actor_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    person, school = access_person_for_admin(actor, person_uuid)
    initial = {
        name: getattr(person, name)
        for name in (
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "birth_date",
            "email",
            "phone",
        )
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person,
                actor=actor.audit_actor("school_admin"),
                school=school,
                **form.person_fields(),
            )
        except (UserError, ValidationError) as error:
            _user_error(form, error)
        else:
            messages.success(request, _("変更を保存しました。"))
            return redirect("roster:person_detail", person_uuid=person.uuid)
    return render(
        request,
        "roster/person_form.html",
        {"form": form, "school": school, "person": person, "editing": True},
    )


@actor_required(roles=ADMIN_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def person_retire(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    person, school = access_person_for_admin(actor, person_uuid)
    form = RetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.person_retire(person=person, actor=actor.audit_actor("school_admin"))
        messages.success(
            request,
            _("%(name)s さんの在籍・役割を終了しました。記録は保存期間まで残ります。")
            % {"name": person.full_name},
        )
        return redirect("roster:person_detail", person_uuid=person.uuid)
    return render(
        request, "roster/person_retire.html", {"form": form, "person": person, "school": school}
    )


# ---- groups within a class --------------------------------------------------------------


@actor_required(roles=STAFF_VIEW_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def group_edit(
    request: HttpRequest, class_uuid: uuid.UUID, group_uuid: uuid.UUID | None = None
) -> HttpResponse:
    """Create a group in a class (no ``group_uuid``) or change one."""
    actor = request_actor(request)
    school_class = access_class_by_uuid(actor, class_uuid, purpose=Purpose.INSTRUCTION)
    group = None
    if group_uuid is not None:
        group = access_group_by_uuid(actor, group_uuid, purpose=Purpose.INSTRUCTION)
        if group.school_class_id != school_class.pk:
            raise NotFound()
    learners = scope_class_learners(actor, school_class, purpose=Purpose.INSTRUCTION)
    choices = [(str(p.uuid), f"{e.shusseki_no or ''} {p.full_name}".strip()) for e, p in learners]
    initial = (
        {"name": group.name, "members": [str(m.uuid) for m in group.members.all()]}
        if group is not None
        else None
    )
    form = GroupForm(request.POST or None, initial=initial, learners=choices)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["members"])
        members = [p for _e, p in learners if str(p.uuid) in chosen]
        try:
            services.group_save(
                school_class=school_class,
                name=form.cleaned_data["name"],
                members=members,
                actor=actor.audit_actor("teacher"),
                group=group,
            )
        except UserError as error:
            form.add_error(None, error.message(get_language()))
        else:
            messages.success(request, _("グループを保存しました。"))
            return redirect("roster:class_detail", class_uuid=school_class.uuid)
    return render(
        request,
        "roster/group_form.html",
        {"form": form, "school_class": school_class, "group": group},
    )
