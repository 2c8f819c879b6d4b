"""The personal-data declarations that drive export, erasure and retention are usable."""

from __future__ import annotations

import pytest
from django.apps import apps

from terakoya.privacy.categories import DataCategory
from terakoya.privacy.registry import PersonalData, declaration_for
from terakoya.privacy.retention import RULES

pytestmark = pytest.mark.django_db

EXPECTED = {
    "attendance.attendanceentry": ("attendance_register", False),
    "attendance.absencenotice": ("communication", True),
    "attendance.attendancealert": ("attendance_register", True),
    "attendance.healthrecord": ("health_record", False),
    "attendance.healthobservation": ("communication", True),
    "guidance.guidancenote": ("guidance_note", True),
}


@pytest.mark.parametrize(("label", "expected"), sorted(EXPECTED.items()))
def test_each_record_is_exportable_by_its_learner_with_the_right_retention(world, label, expected):
    model = apps.get_model(label)
    declaration = declaration_for(model)
    assert isinstance(declaration, PersonalData)
    assert declaration.exportable
    assert (declaration.retention, declaration.erasable) == expected
    assert declaration.retention in RULES
    assert declaration.retention_anchor in {f.name for f in model._meta.concrete_fields}
    # The subject path reaches a person: the export's filter runs without error.
    assert list(model.objects.filter(**{declaration.subject_path: world.learner})) == []
    assert declaration.label_ja
    assert declaration.label_en


def test_health_data_is_declared_as_special_care(world):
    for label in ("attendance.healthrecord", "attendance.healthobservation"):
        declaration = declaration_for(apps.get_model(label))
        assert isinstance(declaration, PersonalData)
        assert declaration.categories == {DataCategory.HEALTH}
        assert all(c.special_care for c in declaration.categories)
    notice = declaration_for(apps.get_model("attendance.absencenotice"))
    assert isinstance(notice, PersonalData)
    assert notice.fields["symptoms"] is DataCategory.HEALTH
