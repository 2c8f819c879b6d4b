"""Monthly and yearly 出席簿 / 指導要録 figures against a calendar computed by hand.

The fixture is 2025年度 (1 April 2025 – 31 March 2026), a year in the past whatever day the
suite runs. The school closes every day except two stretches, so the year is small enough to
count by hand:

    June 2025              September 2025
    Mo Tu We Th Fr Sa Su   Mo Tu We Th Fr
     2  3 [4] 5  6 (7)  8   1  2  3  4  5
     9 10 11 12 13 {14} 15
    [4] = 開校記念日 (entered closed); {14} = 授業参観 Saturday (entered open); Sundays and
    Saturday 7 are weekends. June 授業日: 2 3 5 6 9 10 11 12 13 14 = 10 days.
    September 授業日: 1 2 3 4 5 = 5 days.  The year: 15 授業日.

山田花子 (learner):
    June  2 欠席(病気)  3 欠席(病気)  5 遅刻  9 出席停止  10 出席停止  11 忌引
          12 早退  14 欠席(家庭)
    Sept  1 欠席(病気)  2 出席 with a note (not an absence)
    June: 授業日数 10, 出停・忌引 3, 要出席 10−3 = 7, 欠席 3, 出席 7−3 = 4, 遅刻 1, 早退 1
    Sept: 5, 0, 5, 1, 4, 0, 0
    Year: 15, 3, 12, 4, 8, 1, 1
佐藤太郎 (classmate): no entries — June 10,0,10,0,10; Sept 5,0,5,0,5; year 15,0,15,0,15.
転入生 (joins on 9 June): June 授業日 from the 9th: 9 10 11 12 13 14 = 6; 欠席 13 June.
    June: 6,0,6,1,5; Sept 5,0,5,0,5; year 11,0,11,1,10.
転出生 (enrolled from 1 April, leaves after 10 June): June 授業日 to the 10th:
    2 3 5 6 9 10 = 6; 欠席 3 June. June: 6,0,6,1,5; not listed in September; year 6,0,6,1,5.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from terakoya.attendance import access, selectors, services
from terakoya.attendance.services import Mark
from terakoya.core.errors import UserError
from terakoya.privacy.gate import Actor
from terakoya.roster import services as roster
from terakoya.roster.models import Role
from terakoya.testing import build_world

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def year_world(db):
    world = build_world(on=D(2025, 6, 1))
    admin = Actor.for_person(world.school_admin)
    services.calendar_set_closed(
        actor=admin, school=world.school, first=D(2025, 4, 1), last=D(2025, 6, 1), label="休業"
    )
    services.calendar_set_closed(
        actor=admin,
        school=world.school,
        first=D(2025, 6, 4),
        last=D(2025, 6, 4),
        label="開校記念日",
    )
    services.calendar_set_open(
        actor=admin, school=world.school, day=D(2025, 6, 14), label="授業参観"
    )
    services.calendar_set_closed(
        actor=admin, school=world.school, first=D(2025, 6, 16), last=D(2025, 8, 31), label="休業"
    )
    services.calendar_set_closed(
        actor=admin, school=world.school, first=D(2025, 9, 6), last=D(2026, 3, 31), label="休業"
    )
    transfer = roster.person_create(
        family_name="木村", given_name="翔", family_name_kana="きむら", given_name_kana="しょう"
    )
    roster.membership_create(
        person=transfer,
        role=Role.LEARNER,
        board=world.board,
        school=world.school,
        grade="P3",
        begin_date=D(2025, 6, 9),
    )
    roster.enrolment_create(
        person=transfer, school_class=world.homeroom, shusseki_no=3, begin_date=D(2025, 6, 9)
    )
    world.transfer = transfer  # type: ignore[attr-defined]
    leaver = roster.person_create(
        family_name="小川", given_name="蓮", family_name_kana="おがわ", given_name_kana="れん"
    )
    roster.membership_create(
        person=leaver,
        role=Role.LEARNER,
        board=world.board,
        school=world.school,
        grade="P3",
        begin_date=D(2025, 4, 1),
        end_date=D(2025, 6, 10),
    )
    roster.enrolment_create(
        person=leaver,
        school_class=world.homeroom,
        shusseki_no=4,
        begin_date=D(2025, 4, 1),
        end_date=D(2025, 6, 10),
    )
    teacher = Actor.for_person(world.homeroom_teacher)
    a, t, o = world.learner.uuid, transfer.uuid, leaver.uuid
    ill = Mark(status="absent", reason="illness")
    days = {
        D(2025, 6, 2): {a: ill},
        D(2025, 6, 3): {a: ill, o: ill},
        D(2025, 6, 5): {a: Mark(status="late")},
        D(2025, 6, 6): {},
        D(2025, 6, 9): {a: Mark(status="suspended", note="インフルエンザ")},
        D(2025, 6, 10): {a: Mark(status="suspended")},
        D(2025, 6, 11): {a: Mark(status="mourning")},
        D(2025, 6, 12): {a: Mark(status="early_leave")},
        D(2025, 6, 13): {t: ill},
        D(2025, 6, 14): {a: Mark(status="absent", reason="family")},
        D(2025, 9, 1): {a: ill},
        D(2025, 9, 2): {a: Mark(note="保健室で休養")},
    }
    for day, marks in days.items():
        klass = access.access_register_class(teacher, world.homeroom.uuid, write=True)
        learners = [p for _e, p in access.register_learners(teacher, klass, on=day)]
        services.register_save(
            actor=teacher, school_class=klass, day=day, learners=learners, marks=marks
        )
    return world


def _figures(world, start, end):
    teacher = Actor.for_person(world.homeroom_teacher)
    rows = access.register_learners_between(teacher, world.homeroom, start=start, end=end)
    learners = [(e.shusseki_no, p) for e, p in rows]
    table = selectors.summary_table(
        school_class=world.homeroom, learners=learners, start=start, end=end
    )
    return {row[1]: [int(cell) for cell in row[2:]] for row in table.rows}


def test_the_school_calendar_counts_weekdays_minus_closed_plus_open_days(year_world):
    june = selectors.school_days(school=year_world.school, start=D(2025, 6, 1), end=D(2025, 6, 30))
    assert [d.day for d in june] == [2, 3, 5, 6, 9, 10, 11, 12, 13, 14]
    year = selectors.school_days(school=year_world.school, start=D(2025, 4, 1), end=D(2026, 3, 31))
    assert len(year) == 15


def test_yearly_figures_match_the_hand_computed_fixture(year_world):
    figures = _figures(year_world, D(2025, 4, 1), D(2026, 3, 31))
    # 授業日数, 出停・忌引, 要出席, 欠席, 出席, 遅刻, 早退
    assert figures["山田 花子"] == [15, 3, 12, 4, 8, 1, 1]
    assert figures["佐藤 太郎"] == [15, 0, 15, 0, 15, 0, 0]
    assert figures["木村 翔"] == [11, 0, 11, 1, 10, 0, 0]
    assert figures["小川 蓮"] == [6, 0, 6, 1, 5, 0, 0]


def test_monthly_figures_match_the_hand_computed_fixture(year_world):
    june = _figures(year_world, D(2025, 6, 1), D(2025, 6, 30))
    september = _figures(year_world, D(2025, 9, 1), D(2025, 9, 30))
    assert june["山田 花子"] == [10, 3, 7, 3, 4, 1, 1]
    assert june["木村 翔"] == [6, 0, 6, 1, 5, 0, 0]
    assert june["小川 蓮"] == [6, 0, 6, 1, 5, 0, 0]
    assert "小川 蓮" not in september
    assert september["山田 花子"] == [5, 0, 5, 1, 4, 0, 0]
    assert september["佐藤 太郎"] == [5, 0, 5, 0, 5, 0, 0]


def test_a_closed_day_cannot_be_recorded_and_nothing_changes(year_world):
    teacher = Actor.for_person(year_world.homeroom_teacher)
    before = selectors.register_entries(school_class=year_world.homeroom, day=D(2025, 6, 4))
    with pytest.raises(UserError) as refused:
        services.register_save(
            actor=teacher,
            school_class=year_world.homeroom,
            day=D(2025, 6, 4),
            learners=[year_world.learner],
            marks={year_world.learner.uuid: Mark(status="absent", reason="illness")},
        )
    assert refused.value.location == "date"
    assert selectors.register_entries(school_class=year_world.homeroom, day=D(2025, 6, 4)) == before


def test_an_absence_without_a_reason_is_refused_and_the_register_is_unchanged(year_world):
    teacher = Actor.for_person(year_world.homeroom_teacher)
    day = D(2025, 6, 6)
    with pytest.raises(UserError):
        services.register_save(
            actor=teacher,
            school_class=year_world.homeroom,
            day=day,
            learners=[year_world.learner, year_world.classmate],
            marks={
                year_world.classmate.uuid: Mark(status="late"),
                year_world.learner.uuid: Mark(status="absent"),
            },
        )
    assert selectors.register_entries(school_class=year_world.homeroom, day=day) == {}


def test_setting_a_learner_back_to_present_removes_the_exception(year_world):
    teacher = Actor.for_person(year_world.homeroom_teacher)
    day = D(2025, 6, 2)
    learners = [year_world.learner, year_world.classmate]
    services.register_save(
        actor=teacher, school_class=year_world.homeroom, day=day, learners=learners, marks={}
    )
    assert selectors.register_entries(school_class=year_world.homeroom, day=day) == {}
    figures = _figures(year_world, D(2025, 6, 1), D(2025, 6, 30))
    assert figures["山田 花子"][3] == 2  # 欠席 on 3 and 14 June remain


def test_the_csv_export_equals_the_screen(year_world):
    client = year_world.client_for(year_world.homeroom_teacher)
    base = f"/attendance/classes/{year_world.homeroom.uuid}/summary/"
    query = "?from=2025-04-01&to=2026-03-31"
    page = client.get(base + query)
    assert page.status_code == 200
    html = page.content.decode()
    exported = client.get(base + "csv/" + query)
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["出席番号", "氏名", "授業日数"]
    assert ["1", "山田 花子", "15", "3", "12", "4", "8", "1", "1"] in rows
    # Every cell of the CSV is on the screen, in the same order per row.
    for row in rows:
        assert "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" in html.replace(
            "<th>", "<td>"
        ).replace("</th>", "</td>")
