"""Helpers shared by the accounts tests."""

from __future__ import annotations

from django.test import Client

from terakoya.accounts import services
from terakoya.privacy.audit import SYSTEM
from terakoya.testing import World


def lock_by_pictures(world: World) -> str:
    """Give the learner pictures, then try five wrong sequences: django-axes pauses the
    account. Returns the learner's picture sign-in URL."""
    services.picture_password_set(person=world.learner, keys=["cat", "star", "moon"], actor=SYSTEM)
    code = services.class_sign_in_get_or_create(school_class=world.homeroom).code
    url = f"/accounts/class/{code}/{world.learner.uuid}/"
    child = Client()
    for _ in range(5):
        child.post(url, {"pictures": "dog,dog,dog"})
    return url
