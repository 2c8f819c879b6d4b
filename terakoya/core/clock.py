"""The one clock: UTC instants for storage, Asia/Tokyo dates for school days and 年度."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

JST = dt.timezone(dt.timedelta(hours=9), "JST")


def now() -> dt.datetime:
    """Return the current instant, timezone-aware in UTC."""
    return timezone.now()


def today() -> dt.date:
    """Return today's date in Japan (school days and 年度 follow Japanese civil time)."""
    return timezone.now().astimezone(JST).date()


def school_year_of(day: dt.date) -> int:
    """Return the 年度 a date belongs to: 1 April to 31 March, named by its starting year."""
    return day.year if day.month >= 4 else day.year - 1


def school_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a 年度."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
