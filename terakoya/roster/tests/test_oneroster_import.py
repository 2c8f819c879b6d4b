"""OneRoster Japan Profile import: valid packages apply; re-import changes nothing."""

from __future__ import annotations

import io

import pytest

from terakoya.roster.models import Enrolment, GuardianLink, Membership, Person, SchoolClass
from terakoya.roster.oneroster import import_file, spec
from terakoya.roster.oneroster.builder import Shape, SyntheticRoster, zip_bytes


def _package(roster: SyntheticRoster) -> io.BytesIO:
    return io.BytesIO(zip_bytes(roster.files(), roster.manifest()))


@pytest.mark.django_db
def test_a_valid_bulk_package_creates_the_board_and_its_people():
    roster = SyntheticRoster(Shape(learners_per_class=3))
    outcome = import_file(_package(roster))
    assert outcome.report.version == "1.2"
    assert outcome.report.package_kind == "bulk"
    # 1 board admin + 1 site admin + 1 teacher + 3 learners + 3 guardians
    assert Person.objects.count() == 9
    assert SchoolClass.objects.count() == 2
    learner = Person.objects.get(sourced_id=roster.learner(0, "P3", 1, 1))
    assert learner.home_class is not None
    assert learner.home_class.class_type == "homeroom"
    assert learner.birth_date is not None
    assert (
        Enrolment.objects.get(person=learner, school_class__class_type="homeroom").shusseki_no == 1
    )
    assert GuardianLink.objects.filter(learner=learner).count() == 1
    assert Membership.objects.filter(role="board_admin", school=None).count() == 1
    assert outcome.result.counts["person"]["create"] == 9


def _snapshot() -> dict[str, object]:
    """The roster's state, for "nothing changed" assertions (ids and every field)."""
    from django.forms.models import model_to_dict

    from terakoya.roster.models import Board, Course, School, SchoolYear

    state: dict[str, object] = {}
    for model in (Board, School, SchoolYear, Course, SchoolClass, Person, Membership,
                  Enrolment, GuardianLink):  # fmt: skip
        rows = []
        for obj in model.objects.order_by("pk"):
            data = model_to_dict(obj)
            data["uuid"] = obj.uuid
            data["updated_at"] = obj.updated_at
            rows.append(data)
        state[model.__name__] = rows
    return state


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing_and_keeps_learner_uuids():
    roster = SyntheticRoster(Shape(learners_per_class=4))
    import_file(_package(roster))
    before = _snapshot()
    outcome = import_file(_package(roster))
    assert outcome.result.total_changes == 0
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_dry_run_reports_the_plan_and_writes_nothing():
    roster = SyntheticRoster(Shape(learners_per_class=2))
    outcome = import_file(_package(roster), dry_run=True)
    assert outcome.result.counts["person"]["create"] == 7
    assert outcome.result.counts["enrolment"]["create"] == 6
    assert Person.objects.count() == 0


def _delta_manifest(roster: SyntheticRoster, files: set[str]) -> dict[str, str]:
    manifest = roster.manifest()
    for key in list(manifest):
        if key.startswith("file."):
            manifest[key] = "delta" if key[5:] in files else "absent"
    return manifest


@pytest.mark.django_db
def test_a_delta_applies_only_its_rows_and_tobedeleted_retires_without_deleting():
    roster = SyntheticRoster(Shape(learners_per_class=3))
    import_file(_package(roster))
    first_sid, second_sid = roster.learner(0, "P3", 1, 1), roster.learner(0, "P3", 1, 2)
    untouched_sid = roster.learner(0, "P3", 1, 3)
    first = Person.objects.get(sourced_id=first_sid)
    second = Person.objects.get(sourced_id=second_sid)
    untouched = Person.objects.get(sourced_id=untouched_sid)
    users = {r["sourcedId"]: r for r in roster.rows("users")}
    renamed = dict(users[second_sid], status="active", dateLastModified="2026-05-01T09:00:00Z")
    renamed.update(givenName="陽葵", preferredGivenName="陽葵")
    renamed["metadata.jp.kanaGivenName"] = "ひまり"
    gone = dict.fromkeys(users[first_sid], "")
    gone.update(sourcedId=first_sid, status="tobedeleted", dateLastModified="2026-05-01T09:00:00Z")
    enrolment_id = roster.id("enr", roster.science(0, "P3", 1), untouched_sid)
    enrolment_gone = {"sourcedId": enrolment_id, "status": "tobedeleted",
                      "dateLastModified": "2026-05-01T09:00:00Z"}  # fmt: skip
    files = {"users": [renamed, gone], "enrollments": [enrolment_gone]}
    data = zip_bytes(files, _delta_manifest(roster, set(files)))
    outcome = import_file(io.BytesIO(data))
    assert outcome.report.package_kind == "delta"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.retired_at is not None
    assert not Enrolment.objects.filter(person=first, end_date=None).exists()
    assert Enrolment.objects.filter(person=first).count() == 2  # kept, ended
    assert second.given_name == "陽葵"
    assert second.given_name_kana == "ひまり"
    assert Enrolment.objects.get(sourced_id=enrolment_id).end_date is not None
    assert Enrolment.objects.filter(person=untouched, end_date=None).count() == 1
    before = _snapshot()
    again = import_file(io.BytesIO(data))
    assert again.result.total_changes == 0
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_bulk_file_retires_people_it_no_longer_lists():
    roster = SyntheticRoster(Shape(learners_per_class=3))
    import_file(_package(roster))
    files = roster.files()
    leaver = roster.learner(0, "P3", 1, 3)
    files["users"] = [r for r in files["users"] if r["sourcedId"] != leaver]
    files["demographics"] = [r for r in files["demographics"] if r["sourcedId"] != leaver]
    files["roles"] = [r for r in files["roles"] if r["userSourcedId"] != leaver]
    files["enrollments"] = [r for r in files["enrollments"] if r["userSourcedId"] != leaver]
    outcome = import_file(io.BytesIO(zip_bytes(files, roster.manifest())))
    person = Person.objects.get(sourced_id=leaver)
    assert person.retired_at is not None
    assert outcome.result.counts["person"]["retire"] == 1
    assert not Membership.objects.filter(person=person, end_date=None).exists()


@pytest.mark.django_db
def test_the_1_2_jp_variant_with_lower_case_metadata_is_read_and_reported():
    roster = SyntheticRoster(Shape(learners_per_class=2))
    manifest = roster.manifest()
    manifest["oneroster.version"] = "1.2_JP"
    header = [
        {"metadata.jp.ShussekiNo": "metadata.jp.shussekiNo",
         "metadata.jp.PublicFlg": "metadata.jp.publicFlg"}.get(c, c)
        for c in spec.HEADERS["enrollments"]
    ]  # fmt: skip
    files = roster.files()
    files["enrollments"] = [
        {header[i]: row[c] for i, c in enumerate(spec.HEADERS["enrollments"])}
        for row in files["enrollments"]
    ]
    data = zip_bytes(files, manifest, headers={"enrollments": header})
    outcome = import_file(io.BytesIO(data))
    assert outcome.report.version == "1.2_JP"
    assert outcome.report.variant_columns == ["metadata.jp.publicFlg", "metadata.jp.shussekiNo"]
    assert {w.rule for w in outcome.warnings} >= {"version_variant", "metadata_variant"}
    assert set(
        Enrolment.objects.exclude(shusseki_no=None).values_list("shusseki_no", flat=True)
    ) == {1, 2}
