"""OneRoster pages and JSON API: scope, tenancy (the same 404), preview then apply."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from django.urls import reverse

from terakoya.roster import services as roster
from terakoya.roster.models import Person, Role
from terakoya.roster.oneroster import ExportScope, export_package
from terakoya.roster.oneroster.builder import Shape, SyntheticRoster, zip_bytes
from terakoya.roster.tests.oneroster_helpers import snapshot
from terakoya.testing import PASSWORD, assert_same_not_found


def _admin(world, role, school, username):
    person = roster.person_create(
        family_name="管理", given_name="者", family_name_kana="かんり", given_name_kana="しゃ"
    )
    roster.user_for_person(person=person, username=username, password=PASSWORD)
    roster.membership_create(person=person, role=role, board=world.board, school=school)
    return person


@pytest.fixture
def other_admin(world):
    """A school administrator of the other school (the stranger for admin pages)."""
    return _admin(world, Role.SCHOOL_ADMIN, world.other_school, "other_admin")


@pytest.fixture
def board_admin(world):
    return _admin(world, Role.BOARD_ADMIN, None, "board_admin")


def _school_export(world) -> bytes:
    buffer = io.BytesIO()
    export_package(buffer, scope=ExportScope(school_ids=frozenset({world.school.pk})))
    return buffer.getvalue()


def _upload(data: bytes, name: str = "roster.zip") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


API = "roster:oneroster_api_import"


@pytest.mark.django_db
def test_api_imports_the_school_admins_own_export_without_changes(world):
    client = world.client_for(world.school_admin)
    response = client.post(reverse(API), {"file": _upload(_school_export(world))})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["version"] == "1.2"
    assert body["changes"] == 0


@pytest.mark.django_db
def test_api_dry_run_plans_without_writing(world, board_admin):
    roster_file = SyntheticRoster(Shape(learners_per_class=2, board_code=world.board.code))
    files = roster_file.files()
    client = world.client_for(board_admin)
    before = Person.objects.count()
    data = zip_bytes(files, roster_file.manifest())
    data = _retarget(data, roster_file.district, str(world.board.uuid))
    response = client.post(reverse(API), {"file": _upload(data), "dry_run": "1"})
    assert response.status_code == 200, [
        (e["location"], e["rule"]) for e in response.json().get("errors", [])
    ]
    assert response.json()["dry_run"] is True
    assert response.json()["counts"]["person"]["create"] == 7
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_api_refuses_a_broken_file_with_every_error_and_changes_nothing(world):
    roster_file = SyntheticRoster(Shape(learners_per_class=2))
    files = roster_file.files()
    files["academicSessions"][0]["title"] = "2026"
    before = snapshot()
    client = world.client_for(world.school_admin)
    response = client.post(
        reverse(API), {"file": _upload(zip_bytes(files, roster_file.manifest()))}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    found = {(e["file"], e["row"], e["column"], e["rule"]) for e in body["errors"]}
    assert ("academicSessions.csv", 2, "title", "school_year_title") in found
    assert all(e["message"] and e["message_en"] for e in body["errors"])
    assert snapshot() == before


@pytest.mark.django_db
def test_api_refuses_orgs_outside_the_school_admins_scope(world):
    roster_file = SyntheticRoster(Shape(learners_per_class=2))
    client = world.client_for(world.school_admin)
    data = zip_bytes(roster_file.files(), roster_file.manifest())
    response = client.post(reverse(API), {"file": _upload(data)})
    assert response.status_code == 422
    assert "out_of_scope" in {e["rule"] for e in response.json()["errors"]}


@pytest.mark.django_db
def test_a_school_admin_cannot_change_a_learner_of_another_school(world, other_admin):
    data = _school_export(world)
    client = world.client_for(other_admin)
    response = client.post(reverse(API), {"file": _upload(data)})
    assert response.status_code == 422
    assert "out_of_scope" in {e["rule"] for e in response.json()["errors"]}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["learner", "guardian", "homeroom_teacher", "board_analyst"])
def test_the_api_is_a_404_for_everyone_but_roster_admins(world, persona):
    client = world.client_for(world.persona(persona))
    response = client.post(reverse(API), {"file": _upload(_school_export(world))})
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_api_needs_a_signed_in_person(world, client):
    response = client.post(reverse(API), {"file": _upload(b"x")})
    assert response.status_code == 302


@pytest.mark.django_db
def test_school_export_is_a_404_for_another_schools_admin_as_for_a_missing_school(
    world, other_admin
):
    own = world.client_for(world.school_admin)
    url = reverse("roster:oneroster_export_school", args=[world.school.uuid])
    response = own.get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert "manifest.csv" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    stranger = world.client_for(other_admin)
    forbidden = stranger.get(url)
    missing = stranger.get(reverse("roster:oneroster_export_school", args=[uuid.uuid4()]))
    assert_same_not_found(forbidden, missing)


@pytest.mark.django_db
def test_board_export_is_for_board_admins_only(world, board_admin):
    url = reverse("roster:oneroster_export_board", args=[world.board.uuid])
    assert world.client_for(board_admin).get(url).status_code == 200
    school_admin = world.client_for(world.school_admin).get(url)
    missing = world.client_for(world.school_admin).get(
        reverse("roster:oneroster_export_board", args=[uuid.uuid4()])
    )
    assert_same_not_found(school_admin, missing)


@pytest.mark.django_db
def test_upload_preview_then_apply_all_or_nothing(world):
    roster_file = SyntheticRoster(Shape(learners_per_class=2, board_code=world.board.code))
    files = roster_file.files()
    # Only the world's school and board: re-key the synthetic school onto the real one.
    files["orgs"] = [
        {**files["orgs"][0], "sourcedId": str(world.board.uuid), "name": world.board.name},
        {**files["orgs"][1], "sourcedId": str(world.school.uuid), "name": world.school.name,
         "identifier": world.school.code, "parentSourcedId": str(world.board.uuid)},
    ]  # fmt: skip
    board_admin_sid = roster_file.id("board-admin")
    files["users"] = [r for r in files["users"] if r["sourcedId"] != board_admin_sid]
    files["roles"] = [r for r in files["roles"] if r["userSourcedId"] != board_admin_sid]
    data = zip_bytes(files, roster_file.manifest())
    data = _retarget(data, roster_file.school(0), str(world.school.uuid))
    data = _retarget(data, roster_file.district, str(world.board.uuid))
    client = world.client_for(world.school_admin)
    response = client.post(reverse("roster:oneroster_upload"), {"file": _upload(data)})
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url)
    assert page.status_code == 200, page.content.decode()[:2000]
    assert "反映する" in page.content.decode()
    before = Person.objects.count()
    applied = client.post(preview_url)
    assert applied.status_code == 200
    assert Person.objects.count() == before + 6
    # The upload is gone once applied.
    assert client.get(preview_url).status_code == 404


def _retarget(data: bytes, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name).decode().replace(old, new))
    return out.getvalue()


@pytest.mark.django_db
def test_another_admins_upload_is_the_same_404_as_a_missing_one(world, other_admin):
    client = world.client_for(world.school_admin)
    response = client.post(
        reverse("roster:oneroster_upload"), {"file": _upload(_school_export(world))}
    )
    preview_url = response["Location"]
    stranger = world.client_for(other_admin)
    forbidden = stranger.get(preview_url)
    missing = stranger.get(reverse("roster:oneroster_preview", args=[uuid.uuid4()]))
    assert_same_not_found(forbidden, missing)
    assert stranger.post(preview_url).status_code == 404


@pytest.mark.django_db
def test_home_page_lists_what_the_admin_may_export(world, board_admin):
    page = world.client_for(board_admin).get(reverse("roster:oneroster_home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert world.school.name in text
    assert world.other_school.name in text
    own = world.client_for(world.school_admin).get(reverse("roster:oneroster_home")).content
    assert world.other_school.name not in own.decode()
    assert world.client_for(world.learner).get(reverse("roster:oneroster_home")).status_code == 404


def test_nav_lists_the_page_for_roster_admins():
    from terakoya.roster.nav import ITEMS

    item = next(i for i in ITEMS if i.url_name == "roster:oneroster_home")
    assert item.roles == {"school_admin", "board_admin"}
    assert item.url() == "/roster/oneroster/"


@pytest.mark.django_db
def test_a_school_admin_cannot_grant_board_administration(world):
    """A districtAdministrator role in a school admin's file is out of scope."""
    data = _school_export(world)
    source = zipfile.ZipFile(io.BytesIO(data))
    roles = source.read("roles.csv").decode()
    line = (
        f"{uuid.uuid4()},,,{world.school_admin.uuid},secondary,districtAdministrator,"
        f"2026-04-01,,{world.board.uuid},\r\n"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = roles + line if name == "roles.csv" else source.read(name).decode()
            target.writestr(name, content)
    response = world.client_for(world.school_admin).post(
        reverse(API), {"file": _upload(out.getvalue())}
    )
    assert response.status_code == 422
    errors = {(e["file"], e["column"], e["rule"]) for e in response.json()["errors"]}
    assert ("roles.csv", "orgSourcedId", "out_of_scope") in errors


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["learner", "homeroom_teacher", "principal", "stranger"])
def test_every_oneroster_page_is_the_plain_404_for_other_roles(world, persona):
    client = world.client_for(world.persona(persona))
    missing = client.get("/roster/no-such-page/")
    for method, url in [
        ("get", reverse("roster:oneroster_home")),
        ("post", reverse("roster:oneroster_upload")),
        ("get", reverse("roster:oneroster_preview", args=[uuid.uuid4()])),
        ("get", reverse("roster:oneroster_export_school", args=[world.school.uuid])),
        ("get", reverse("roster:oneroster_export_board", args=[world.board.uuid])),
    ]:
        assert_same_not_found(getattr(client, method)(url), missing)
