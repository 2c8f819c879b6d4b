"""URLs of the courses app. Paths carry their own prefix; all apps are mounted at the root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from terakoya.courses import views

app_name = "courses"

urlpatterns: list[URLPattern | URLResolver] = [
    path("today/", views.today, name="today"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<uuid:course_uuid>/", views.course_detail, name="course"),
    path("courses/<uuid:course_uuid>/units", views.unit_add, name="unit_add"),
    path("courses/<uuid:course_uuid>/materials", views.material_add, name="material_add"),
    path("courses/<uuid:course_uuid>/drills", views.drill_add, name="drill_add"),
    path("courses/<uuid:course_uuid>/assignments", views.assignment_add, name="assignment_add"),
    path("materials/<uuid:material_uuid>/", views.material_detail, name="material"),
    path("materials/<uuid:material_uuid>/download", views.material_download, name="download"),
]
