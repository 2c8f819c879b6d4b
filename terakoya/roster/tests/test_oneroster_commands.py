"""The oneroster_import / oneroster_export management commands."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from terakoya.roster.models import Person
from terakoya.roster.oneroster.builder import Shape, SyntheticRoster, write_zip


def _write(path, roster, files=None):
    write_zip(path, files or roster.files(), roster.manifest())
    return str(path)


@pytest.mark.django_db
def test_import_command_applies_a_valid_file_and_prints_counts(tmp_path):
    roster = SyntheticRoster(Shape(learners_per_class=2))
    out = io.StringIO()
    call_command("oneroster_import", _write(tmp_path / "r.zip", roster), stdout=out)
    assert Person.objects.count() == 7
    assert "person: create 7" in out.getvalue()
    assert "OneRoster 1.2 (bulk)" in out.getvalue()


@pytest.mark.django_db
def test_import_command_dry_run_writes_nothing(tmp_path):
    roster = SyntheticRoster(Shape(learners_per_class=2))
    out = io.StringIO()
    call_command("oneroster_import", _write(tmp_path / "r.zip", roster), "--dry-run", stdout=out)
    assert Person.objects.count() == 0
    assert "dry run" in out.getvalue()


@pytest.mark.django_db
def test_import_command_fails_with_the_error_list(tmp_path):
    roster = SyntheticRoster(Shape(learners_per_class=2))
    files = roster.files()
    files["academicSessions"][0]["title"] = "2026年"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("oneroster_import", _write(tmp_path / "r.zip", roster, files), stderr=err)
    assert "academicSessions.csv:2:title [school_year_title]" in err.getvalue()
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_export_command_writes_a_zip_that_imports_cleanly(tmp_path):
    roster = SyntheticRoster(Shape(learners_per_class=2))
    call_command("oneroster_import", _write(tmp_path / "r.zip", roster), stdout=io.StringIO())
    target = tmp_path / "export.zip"
    call_command("oneroster_export", str(target), "--board", "139998", stdout=io.StringIO())
    with zipfile.ZipFile(target) as archive:
        assert "manifest.csv" in archive.namelist()
    out = io.StringIO()
    call_command("oneroster_import", str(target), stdout=out)
    assert "0 changes" in out.getvalue()


@pytest.mark.django_db
def test_export_command_refuses_an_unknown_board(tmp_path):
    with pytest.raises(CommandError):
        call_command("oneroster_export", str(tmp_path / "x.zip"), "--board", "100000")
