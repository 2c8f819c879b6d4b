"""Helpers for the dashboards' tests: a class with a few weeks of work, and page parsing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser

from terakoya.core import clock
from terakoya.insights.dashboards import demo


def fill_class(world, *, weak, strong, days: int = 20, school_class=None, seed: int = 3):
    """Three weeks of daily drills for the homeroom; ``weak`` answers mostly wrong."""
    demo.skill_fits_create()
    today = clock.today()
    return demo.class_year_create(
        school_class=school_class or world.homeroom,
        learners=[world.learner, world.classmate],
        recorder=world.homeroom_teacher,
        start=today - dt.timedelta(days=days),
        end=today - dt.timedelta(days=1),
        drills_per_day=1,
        questions_per_drill=5,
        skill={weak.pk: 0.1, strong.pk: 0.97},
        absent_rate=0.0,
        hand_in_rate=1.0,
        seed=seed,
    )


class TableCells(HTMLParser):
    """Collect the text of every cell of the <table id=...> wanted, row by row."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.inside = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.inside:
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    parser = TableCells(table_id)
    parser.feed(html)
    return parser.rows


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))
