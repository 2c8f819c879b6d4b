"""Every navigation entry of the school-affairs pages resolves and opens for its roles."""

from __future__ import annotations

import pytest

from terakoya.attendance import nav as attendance_nav
from terakoya.guidance import nav as guidance_nav

pytestmark = pytest.mark.django_db

PERSONA_FOR_ROLE = {
    "teacher": "homeroom_teacher",
    "guardian": "guardian",
    "learner": "learner",
    "nurse": "nurse",
    "school_admin": "school_admin",
    "principal": "principal",
}


@pytest.mark.parametrize(
    "item", [*attendance_nav.ITEMS, *guidance_nav.ITEMS], ids=lambda item: item.url_name
)
def test_each_entry_resolves_and_opens_for_its_roles(world, item):
    url = item.url()
    assert url is not None
    for role in sorted(item.roles):
        persona = PERSONA_FOR_ROLE.get(role)
        if persona is None:
            continue  # roles without a persona in the world (board_admin, special_support)
        response = world.client_for(world.persona(persona)).get(url)
        assert response.status_code in {200, 302}, (role, response.status_code)
