"""URLs of the records app: the xAPI endpoint under ``xapi/`` and client admin under ``lrs/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from terakoya.records import api, views

app_name = "records"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^xapi/statements/?$", api.statements, name="xapi_statements"),
    path("xapi/statements/more/<str:token>", api.statements_more_view, name="xapi_more"),
    re_path(r"^xapi/activities/state/?$", api.state, name="xapi_state"),
    re_path(r"^xapi/activities/profile/?$", api.activity_profile, name="xapi_activity_profile"),
    re_path(r"^xapi/activities/?$", api.activities, name="xapi_activities"),
    re_path(r"^xapi/agents/profile/?$", api.agent_profile, name="xapi_agent_profile"),
    re_path(r"^xapi/agents/?$", api.agents, name="xapi_agents"),
    re_path(r"^xapi/about/?$", api.about, name="xapi_about"),
    path("lrs/clients/", views.client_list, name="client_list"),
    path("lrs/clients/<uuid:client_uuid>/revoke", views.client_revoke, name="client_revoke"),
]
