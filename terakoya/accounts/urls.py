from __future__ import annotations

from django.urls import path

from terakoya.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/signin/", views.signin, name="signin"),
    path("accounts/signout/", views.signout, name="signout"),
    path("accounts/class/", views.class_code, name="class_code"),
    path("accounts/class/<str:code>/", views.class_names, name="class_names"),
    path(
        "accounts/class/<str:code>/<uuid:learner_uuid>/", views.class_picture, name="class_picture"
    ),
    path("accounts/card/", views.card, name="card"),
    path(
        "accounts/classes/<uuid:class_uuid>/sign-in/",
        views.class_sign_in_admin,
        name="class_sign_in_admin",
    ),
]
