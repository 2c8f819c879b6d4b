"""Broken OneRoster packages are refused with a precise error and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from terakoya.privacy.guards import my_number_check_digit
from terakoya.roster.oneroster import ImportRefused, import_file, spec
from terakoya.roster.oneroster.builder import Shape, SyntheticRoster, stable_id
from terakoya.roster.tests.oneroster_helpers import package, snapshot

ROSTER = SyntheticRoster(Shape(learners_per_class=3))
LEARNER = ROSTER.learner(0, "P3", 1, 2)
BASE11 = "12345678901"
MY_NUMBER = BASE11 + str(my_number_check_digit(BASE11))


def _row(files: dict[str, Any], name: str, sid: str) -> dict[str, str]:
    return next(r for r in files[name] if r["sourcedId"] == sid)


def _reordered_header(files: dict[str, Any]) -> dict[str, Any]:
    header = list(spec.HEADERS["users"])
    i, j = header.index("givenName"), header.index("familyName")
    header[i], header[j] = header[j], header[i]
    return {"headers": {"users": header}}


def _half_width_kana(files: dict[str, Any]) -> dict[str, Any]:
    _row(files, "users", LEARNER)["metadata.jp.kanaFamilyName"] = "ﾔﾏﾀﾞ"
    return {}


def _non_uuid(files: dict[str, Any]) -> dict[str, Any]:
    _row(files, "classes", ROSTER.science(0, "P3", 1))["sourcedId"] = "class-3-1-science"
    return {}


def _missing_home_class(files: dict[str, Any]) -> dict[str, Any]:
    _row(files, "users", LEARNER)["metadata.jp.homeClass"] = ""
    return {}


def _wrong_year_title(files: dict[str, Any]) -> dict[str, Any]:
    files["academicSessions"][0]["title"] = "令和8年度"
    return {}


def _student_primary(files: dict[str, Any]) -> dict[str, Any]:
    sid = ROSTER.id("enr", ROSTER.homeroom(0, "P3", 1), LEARNER)
    _row(files, "enrollments", sid)["primary"] = "true"
    return {}


def _unknown_class(files: dict[str, Any]) -> dict[str, Any]:
    sid = ROSTER.id("enr", ROSTER.homeroom(0, "P3", 1), LEARNER)
    _row(files, "enrollments", sid)["classSourcedId"] = stable_id("no such class")
    return {}


def _my_number(files: dict[str, Any]) -> dict[str, Any]:
    _row(files, "users", LEARNER)["identifier"] = MY_NUMBER
    return {}


def _user_row(files: dict[str, Any]) -> int:
    return 2 + next(i for i, r in enumerate(files["users"]) if r["sourcedId"] == LEARNER)


def _enrolment_row(files: dict[str, Any]) -> int:
    sid = ROSTER.id("enr", ROSTER.homeroom(0, "P3", 1), LEARNER)
    return 2 + next(i for i, r in enumerate(files["enrollments"]) if r["sourcedId"] == sid)


def _class_row(files: dict[str, Any]) -> int:
    return 2 + next(i for i, r in enumerate(files["classes"]) if r["title"] == "3年1組 理科")


BROKEN: dict[str, tuple[Callable[..., dict[str, Any]], str, str, Any, str]] = {
    # name: (mutation, file, column, row (or a function of the files), rule)
    "reordered header": (_reordered_header, "users.csv", "familyName", 1, "header_order"),
    "half-width kana": (
        _half_width_kana, "users.csv", "metadata.jp.kanaFamilyName", _user_row, "half_width_kana"
    ),
    "non-UUID sourcedId": (_non_uuid, "classes.csv", "sourcedId", _class_row, "uuid"),
    "missing homeClass": (
        _missing_home_class, "users.csv", "metadata.jp.homeClass", _user_row,
        "home_class_required",
    ),
    "wrong 年度 title": (_wrong_year_title, "academicSessions.csv", "title", 2,
                         "school_year_title"),
    "student with primary=true": (
        _student_primary, "enrollments.csv", "primary", _enrolment_row, "student_primary"
    ),
    "unknown class reference": (
        _unknown_class, "enrollments.csv", "classSourcedId", _enrolment_row, "unknown_reference"
    ),
    "My Number in a cell": (_my_number, "users.csv", "identifier", _user_row, "my_number"),
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BROKEN))
def test_each_broken_package_is_refused_with_its_error_and_changes_nothing(case):
    import_file(package(ROSTER))  # a roster already in place: the refusal must not touch it
    before = snapshot()
    mutate, file, column, row, rule = BROKEN[case]
    files = ROSTER.files()
    extra = mutate(files)
    with pytest.raises(ImportRefused) as refused:
        import_file(package(ROSTER, files, **extra))
    expected_row = row(files) if callable(row) else row
    found = [(i.file, i.row, i.column, i.rule) for i in refused.value.errors]
    assert (file, expected_row, column, rule) in found
    assert snapshot() == before
    issue = next(i for i in refused.value.errors if i.rule == rule)
    assert issue.message_ja
    assert issue.message_en
    assert issue.as_dict()["location"].startswith(file)


@pytest.mark.django_db
def test_a_refused_my_number_is_never_repeated_in_the_error():
    files = ROSTER.files()
    _my_number(files)
    with pytest.raises(ImportRefused) as refused:
        import_file(package(ROSTER, files))
    assert MY_NUMBER not in str(refused.value)
    assert all(MY_NUMBER not in str(i.as_dict()) for i in refused.value.issues)


@pytest.mark.django_db
def test_every_error_is_listed_not_only_the_first():
    files = ROSTER.files()
    _half_width_kana(files)
    _student_primary(files)
    _wrong_year_title(files)
    with pytest.raises(ImportRefused) as refused:
        import_file(package(ROSTER, files))
    rules = {i.rule for i in refused.value.errors}
    assert {"half_width_kana", "student_primary", "school_year_title"} <= rules


@pytest.mark.django_db
def test_a_prohibited_category_in_a_user_id_type_is_refused():
    files = ROSTER.files()
    _row(files, "users", LEARNER)["userIds"] = "{heart_rate:72}"
    with pytest.raises(ImportRefused) as refused:
        import_file(package(ROSTER, files))
    assert "prohibited_category" in {i.rule for i in refused.value.errors}


@pytest.mark.django_db
def test_validator_faults_are_warnings_not_errors():
    """schoolYearSourcedId (ib1049) and a session parent are valid; only warned about."""
    files = ROSTER.files()
    files["courses"][0]["schoolYearSourcedId"] = ROSTER.year_id
    outcome = import_file(package(ROSTER, files), dry_run=True)
    assert "validator_ib1049" in {w.rule for w in outcome.warnings}


@pytest.mark.django_db
def test_a_manifest_missing_file_lines_is_refused():
    manifest = ROSTER.manifest()
    del manifest["file.lineItems"]
    import io

    from terakoya.roster.oneroster.builder import zip_bytes

    with pytest.raises(ImportRefused) as refused:
        import_file(io.BytesIO(zip_bytes(ROSTER.files(), manifest)))
    assert ("manifest.csv", "file.lineItems", "manifest_file_line") in {
        (i.file, i.column, i.rule) for i in refused.value.errors
    }


@pytest.mark.django_db
def test_a_secondary_role_without_a_primary_one_is_refused():
    files = ROSTER.files()
    role = next(r for r in files["roles"] if r["userSourcedId"] == LEARNER)
    role["roleType"] = "secondary"
    with pytest.raises(ImportRefused) as refused:
        import_file(package(ROSTER, files))
    assert "secondary_without_primary" in {i.rule for i in refused.value.errors}


@pytest.mark.django_db
def test_a_school_year_that_does_not_run_april_to_march_is_refused():
    files = ROSTER.files()
    files["academicSessions"][0]["startDate"] = "2026-01-01"
    with pytest.raises(ImportRefused) as refused:
        import_file(package(ROSTER, files))
    assert "school_year_start" in {i.rule for i in refused.value.errors}


@pytest.mark.django_db
def test_bulk_rows_with_a_status_are_refused():
    files = ROSTER.files()
    files["orgs"][0]["status"] = "active"
    with pytest.raises(ImportRefused) as refused:
        import_file(package(ROSTER, files))
    assert "bulk_status" in {i.rule for i in refused.value.errors}


@pytest.mark.django_db
def test_a_file_that_is_not_a_zip_is_refused():
    import io

    with pytest.raises(ImportRefused) as refused:
        import_file(io.BytesIO(b"sourcedId,status\n"))
    assert refused.value.errors[0].rule == "not_a_zip"


@pytest.mark.django_db
def test_a_uuid_that_looks_like_a_my_number_to_the_guard_is_accepted_as_an_identifier():
    """73101922-7710-… read as 12 digits has a valid check digit; it is a sourcedId."""
    sid = "73101922-7710-4359-973e-7ea335f6e1e1"
    files = ROSTER.files()
    old = files["enrollments"][0]["sourcedId"]
    files["enrollments"][0]["sourcedId"] = sid
    assert old != sid
    outcome = import_file(package(ROSTER, files), dry_run=True)
    assert outcome.result.counts["enrolment"]["create"] == len(files["enrollments"])
