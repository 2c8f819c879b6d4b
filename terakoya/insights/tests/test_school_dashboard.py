"""The school dashboard: consent counts per grade and class, suppressed, CSV equal to screen."""

from __future__ import annotations

import csv
import io
import re

import pytest

from terakoya.insights.tests.test_school_aggregate import _fill
from terakoya.privacy.consent import consent_grant, consent_withdraw
from terakoya.privacy.purposes import Purpose
from terakoya.roster.models import Person

pytestmark = pytest.mark.django_db

URL = "/insights/school/?purpose=individual_research"
CSV_URL = "/insights/school.csv?purpose=individual_research"


@pytest.fixture
def school(world):
    big = _fill(world, "3年2組", "P3", 25)
    other = _fill(world, "4年1組", "P4", 30)
    for uuid in big[:14] + other[:20]:
        learner = Person.objects.get(uuid=uuid)
        consent_grant(
            learner=learner,
            given_by=world.guardian,
            given_by_role="guardian",
            purpose=Purpose.INDIVIDUAL_RESEARCH,
        )
    for uuid in other[:3]:
        consent_withdraw(
            learner=Person.objects.get(uuid=uuid),
            given_by=world.guardian,
            given_by_role="guardian",
            purpose=Purpose.INDIVIDUAL_RESEARCH,
        )
    consent_grant(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.INDIVIDUAL_RESEARCH,
    )
    return world


ROW = re.compile(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', re.S)
CELL = re.compile(r'<td class="num">(?:<abbr[^>]*>([^<]*)</abbr>|(\d+))</td>')


def _page_rows(html: str) -> list[tuple[str, list[str]]]:
    return [(label, [a or b for a, b in CELL.findall(body)]) for label, body in ROW.findall(html)]


def test_a_class_of_two_shows_no_per_class_figure_on_the_school_dashboard(school):
    response = school.client_for(school.school_admin).get(URL)
    assert response.status_code == 200
    rows = dict(_page_rows(response.content.decode()))
    assert rows["3年1組"] == ["秘匿"] * 4
    # 4年1組: 17 consents shown; 3 withdrawals hidden, and with them the 10 without an answer
    # (else 30 − 17 − 10 would give the 3 away); the class size 30 is shown.
    assert rows["4年1組"] == ["17", "秘匿", "秘匿", "30"]


def test_the_csv_holds_exactly_the_figures_on_the_screen(school):
    client = school.client_for(school.principal)
    page = dict(_page_rows(client.get(URL).content.decode()))
    response = client.get(CSV_URL)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["level", "grade", "class"]
    classes = {r[2]: r[3:] for r in body if r[0] == "class"}
    for name, values in classes.items():
        assert page[name] == values
    grade_rows = {r[1]: r[3:] for r in body if r[0] == "grade"}
    for label, values in grade_rows.items():
        assert page[label] == values
    assert any(r[0] == "school" for r in body)


def test_only_school_administrators_and_the_principal_see_the_school_dashboard(school):
    for person in (school.homeroom_teacher, school.learner, school.guardian, school.stranger):
        assert school.client_for(person).get(URL).status_code == 404
        assert school.client_for(person).get(CSV_URL).status_code == 404
