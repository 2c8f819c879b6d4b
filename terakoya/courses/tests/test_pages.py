"""Courses, materials and the learner's "today" page over HTTP, with the gate's 404s."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from terakoya.assessment import services as assessment
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.courses import services
from terakoya.courses.models import Assignment, Material
from terakoya.testing import assert_same_not_found

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def course(world):
    return services.course_create(school_class=world.subject_class, subject="理科")


def test_a_teacher_uploads_a_pdf_and_a_learner_downloads_it_as_an_attachment(
    world, course, settings
):
    teacher = world.client_for(world.subject_teacher)
    response = teacher.post(
        reverse("courses:material_add", args=[course.uuid]),
        {
            "kind": "file",
            "title": "じっけんの てびき",
            "file": SimpleUploadedFile("てびき.pdf", PDF),
        },
    )
    assert response.status_code == 302
    material = Material.objects.get(course=course)
    stored = services.material_path(material)
    assert stored.read_bytes() == PDF
    assert str(settings.STATIC_ROOT) not in str(stored)
    assert str(settings.MEDIA_ROOT) not in str(stored)
    assert stored.name != "てびき.pdf"
    download = world.client_for(world.learner).get(
        reverse("courses:download", args=[material.uuid])
    )
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "%E3%81%A6%E3%81%B3%E3%81%8D.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ\x90\x00", "file_type"),
        ("fake.pdf", b"MZ\x90\x00not a pdf", "file_type"),
        ("big.pdf", PDF + b"0" * (services.MAX_MATERIAL_BYTES + 1), "file_size"),
    ],
)
def test_uploads_outside_the_type_and_size_limits_are_refused(world, course, name, content, code):
    with pytest.raises(UserError) as info:
        services.material_create(
            course=course, kind="file", title="x", file_name=name, content=content
        )
    assert info.value.code == code
    assert Material.objects.count() == 0


def test_the_today_page_lists_what_is_due_for_the_learner_only(world, course):
    question = assessment.questions_import(
        school=world.school, source=b"::q:: 1+1 {=2 ~3}\n", fmt="gift"
    )[0]
    drill = assessment.drill_create(course=course, title="けいさん", questions=[question])
    now = clock.now()
    services.assignment_create(
        course=course,
        title="けいさん ドリル",
        drill=drill,
        target_class=world.subject_class,
        open_at=now - dt.timedelta(hours=1),
        due_at=now + dt.timedelta(days=2),
    )
    page = services.material_create(course=course, kind="page", title="よむ", body="本文")
    services.assignment_create(
        course=course,
        title="ひとりだけ",
        material=page,
        target_learner=world.classmate,
        open_at=now,
    )
    services.assignment_create(
        course=course,
        title="まだ",
        material=page,
        target_class=world.subject_class,
        open_at=now + dt.timedelta(days=3),
    )
    body = world.client_for(world.learner).get(reverse("courses:today")).content.decode()
    assert "けいさん ドリル" in body
    assert reverse("assessment:drill", args=[drill.uuid]) in body
    assert "ひとりだけ" not in body
    assert "まだ" not in body.replace("まだ ドリル", "")
    assert (
        "ひとりだけ"
        in world.client_for(world.classmate).get(reverse("courses:today")).content.decode()
    )


def test_an_assignment_has_exactly_one_target(world, course):
    page = services.material_create(course=course, kind="page", title="よむ", body="本文")
    with pytest.raises(UserError):
        services.assignment_create(
            course=course,
            title="x",
            material=page,
            target_class=world.subject_class,
            target_learner=world.learner,
            open_at=clock.now(),
        )
    assert Assignment.objects.count() == 0


def test_units_refuse_invalid_course_of_study_codes(world, course):
    teacher = world.client_for(world.subject_teacher)
    teacher.post(reverse("courses:unit_add", args=[course.uuid]), {"title": "a", "codes": "12345"})
    teacher.post(
        reverse("courses:unit_add", args=[course.uuid]), {"title": "b", "codes": "8220233111000000"}
    )
    assert list(course.units.values_list("title", "codes")) == [("b", ["8220233111000000"])]


@pytest.mark.parametrize("persona", ["stranger", "other_learner"])
def test_strangers_get_the_same_404_as_for_missing_ids(world, course, persona):
    material = services.material_create(
        course=course, kind="file", title="t", file_name="t.pdf", content=PDF
    )
    client = world.client_for(world.persona(persona))
    urls = [
        ("courses:material", material.uuid),
        ("courses:download", material.uuid),
        ("courses:course", course.uuid),
    ]
    for name, key in urls:
        forbidden = client.get(reverse(name, args=[key]))
        missing = client.get(reverse(name, args=[uuid.uuid4()]))
        assert_same_not_found(forbidden, missing)
    for name in [
        "courses:unit_add",
        "courses:material_add",
        "courses:drill_add",
        "courses:assignment_add",
    ]:
        forbidden = client.post(reverse(name, args=[course.uuid]), {"title": "x"})
        missing = client.post(reverse(name, args=[uuid.uuid4()]), {"title": "x"})
        assert_same_not_found(forbidden, missing)
    assert course.units.count() == 0


def test_a_teacher_sees_the_course_page_with_its_forms(world, course):
    page = world.client_for(world.subject_teacher).get(
        reverse("courses:course", args=[course.uuid])
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "単元を追加" in body
    assert "山田 花子" in body  # the class's learners, for individual assignments


def test_an_assignment_to_a_group_reaches_its_members_only(world, course):
    from terakoya.privacy.audit import SYSTEM
    from terakoya.roster.services import group_save

    group = group_save(
        school_class=world.subject_class, name="はん1", members=[world.classmate], actor=SYSTEM
    )
    page = services.material_create(
        course=course, kind="link", title="どうが", url="https://example.org/v"
    )
    services.assignment_create(
        course=course, title="はんの かだい", material=page, target_group=group, open_at=clock.now()
    )
    assert (
        "はんの かだい"
        in world.client_for(world.classmate).get(reverse("courses:today")).content.decode()
    )
    assert (
        "はんの かだい"
        not in world.client_for(world.learner).get(reverse("courses:today")).content.decode()
    )
    other = services.course_create(school_class=world.homeroom, subject="国語")
    with pytest.raises(UserError):
        services.assignment_create(
            course=other, title="x", material=page, target_group=group, open_at=clock.now()
        )


def test_a_material_of_another_course_cannot_be_assigned(world, course):
    page = services.material_create(course=course, kind="page", title="よむ", body="本文")
    other = services.course_create(school_class=world.homeroom, subject="国語")
    with pytest.raises(UserError) as info:
        services.assignment_create(
            course=other, title="x", material=page, target_class=world.homeroom, open_at=clock.now()
        )
    assert info.value.location == "task"
