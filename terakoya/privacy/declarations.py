"""Personal-data declarations for models Terakoya does not define (Django's and django-axes')."""

from __future__ import annotations

from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.registry import NoPersonalData, PersonalData, Subject, declare


def register_external_declarations() -> None:
    declare(
        "auth.user",
        PersonalData(
            subject=Subject.PERSON,
            subject_path="person",
            fields={
                "username": C.CREDENTIAL,
                "password": C.CREDENTIAL,
                "last_login": C.CREDENTIAL,
                "first_name": C.ROSTER,
                "last_name": C.ROSTER,
                "email": C.ROSTER,
                "date_joined": C.CREDENTIAL,
            },
            structural=("is_superuser", "is_staff", "is_active"),
            # Deleted at the end of the 年度 in which the person left (retired_at is set when
            # they leave); accounts without a person (administrators) are never swept.
            retention="sign_in_account",
            retention_anchor="person__retired_at",
            exportable=False,
        ),
    )
    declare(
        "auth.group",
        NoPersonalData("a permission group", structural=("name",)),
    )
    declare(
        "auth.permission",
        NoPersonalData("a permission", structural=("name", "content_type", "codename")),
    )
    declare(
        "auth.user_groups",
        NoPersonalData("links a user account to a permission group", structural=("user", "group")),
    )
    declare(
        "auth.user_user_permissions",
        NoPersonalData("links a user account to a permission", structural=("user", "permission")),
    )
    declare(
        "auth.group_permissions",
        NoPersonalData("links a group to a permission", structural=("group", "permission")),
    )
    declare(
        "contenttypes.contenttype",
        NoPersonalData("a model's name", structural=("app_label", "model")),
    )
    declare(
        "sessions.session",
        PersonalData(
            subject=Subject.PERSON,
            subject_path="",
            fields={"session_key": C.CREDENTIAL, "session_data": C.CREDENTIAL},
            structural=("expire_date",),
            retention="session",
            retention_anchor="expire_date",
            exportable=False,
        ),
    )
    common = ("user_agent", "ip_address", "username", "http_accept", "path_info", "attempt_time")
    axes_fields = {
        "axes.accessattempt": (*common, "get_data", "post_data", "failures_since_start"),
        "axes.accesslog": (*common, "logout_time", "session_hash"),
        "axes.accessfailurelog": (*common, "locked_out"),
    }
    for label, names in axes_fields.items():
        declare(
            label,
            PersonalData(
                subject=Subject.PERSON,
                subject_path="",
                fields=dict.fromkeys(names, C.CREDENTIAL),
                retention="session",
                retention_anchor="attempt_time",
                exportable=False,
            ),
        )
    declare(
        "axes.accessattemptexpiration",
        NoPersonalData("when a lockout ends", structural=("access_attempt", "expires_at")),
    )
    declare(
        "roster.learnergroup_members",
        PersonalData(
            subject=Subject.LEARNER,
            subject_path="person",
            fields={"person": C.ROSTER},
            structural=("learnergroup",),
            retention="while_active",
        ),
    )
