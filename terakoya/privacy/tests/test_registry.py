"""Every installed model declares its personal data, field by field."""

from __future__ import annotations

from terakoya.privacy.registry import registry_problems


def test_every_installed_model_and_field_is_declared():
    assert registry_problems() == []
