"""URLs of the roster app (prefix ``roster/``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from terakoya.roster import api, urls_oneroster, views

app_name = "roster"

urlpatterns: list[URLPattern | URLResolver] = [
    path("roster/classes/", views.class_list, name="class_list"),
    path("roster/classes/<uuid:class_uuid>/", views.class_detail, name="class_detail"),
    path("roster/classes/<uuid:class_uuid>/groups/new/", views.group_edit, name="group_new"),
    path(
        "roster/classes/<uuid:class_uuid>/groups/<uuid:group_uuid>/",
        views.group_edit,
        name="group_edit",
    ),
    path("roster/api/classes/<uuid:class_uuid>/", views.class_roster_api, name="class_roster_api"),
    path("roster/learners/<uuid:learner_uuid>/", views.learner_detail, name="learner_detail"),
    path("roster/api/people/", api.people_create, name="api_people_create"),
    path("roster/people/", views.people_list, name="people_list"),
    path("roster/people/new/<str:kind>/", views.person_new, name="person_new"),
    path("roster/people/<uuid:person_uuid>/", views.person_detail, name="person_detail"),
    path("roster/people/<uuid:person_uuid>/edit/", views.person_edit, name="person_edit"),
    path("roster/people/<uuid:person_uuid>/retire/", views.person_retire, name="person_retire"),
]
urlpatterns += urls_oneroster.urlpatterns  # OneRoster import/export (roster/oneroster/…)
