"""The school administrator's LRS client page: list, issue (secret once), revoke."""

from __future__ import annotations

import pytest

from terakoya.privacy.models import AuditEntry
from terakoya.records.models import LrsClient

pytestmark = pytest.mark.django_db


def test_the_school_admin_issues_a_client_and_sees_the_secret_once(world):
    http = world.client_for(world.school_admin)
    response = http.post(
        "/lrs/clients/",
        {"name": "ドリルアプリ", "purpose": "instruction", "can_read": "on", "can_write": "on"},
    )
    assert response.status_code == 200
    client = LrsClient.objects.get()
    assert client.school_id == world.school.pk
    assert client.created_by_id == world.school_admin.pk
    assert client.key in response.content.decode()
    assert client.pseudonymous is False
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    assert secret not in http.get("/lrs/clients/").content.decode()
    assert AuditEntry.objects.filter(action="lrs_client.create").exists()


def test_the_school_admin_revokes_a_client(world):
    http = world.client_for(world.school_admin)
    http.post("/lrs/clients/", {"name": "tool", "purpose": "instruction", "can_read": "on"})
    client = LrsClient.objects.get()
    response = http.post(f"/lrs/clients/{client.uuid}/revoke")
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.revoked_at is not None


@pytest.mark.parametrize("persona", ["homeroom_teacher", "learner", "guardian", "stranger"])
def test_others_get_not_found(world, persona):
    http = world.client_for(world.persona(persona))
    assert http.get("/lrs/clients/").status_code == 404


def test_an_admin_of_another_school_cannot_revoke_the_client(world):
    from terakoya.privacy.purposes import Purpose
    from terakoya.records import services
    from terakoya.roster import services as roster

    issued = services.lrs_client_create(school=world.school, name="t", purpose=Purpose.INSTRUCTION)
    roster.membership_create(
        person=world.stranger,
        role="school_admin",
        board=world.board,
        school=world.other_school,
        begin_date=world.year.start_date,
    )
    http = world.client_for(world.stranger)
    assert http.post(f"/lrs/clients/{issued.client.uuid}/revoke").status_code == 404
    issued.client.refresh_from_db()
    assert issued.client.revoked_at is None


def test_a_revoked_client_is_refused_on_its_next_request_after_being_cached(world):
    from terakoya.records.tests.conftest import make_client

    lrs = make_client(world.school)
    assert lrs.get("statements").status_code == 200  # authenticated: now cached in-process
    assert lrs.get("statements").status_code == 200
    http = world.client_for(world.school_admin)
    client = LrsClient.objects.get(key=lrs.key)
    assert http.post(f"/lrs/clients/{client.uuid}/revoke").status_code == 302
    assert lrs.get("statements").status_code == 401


def test_a_wrong_secret_is_refused_after_the_right_one_was_cached(world):
    from terakoya.records.tests.conftest import make_client

    lrs = make_client(world.school)
    assert lrs.get("statements").status_code == 200
    lrs.secret = "not-the-secret"
    assert lrs.get("statements").status_code == 401
