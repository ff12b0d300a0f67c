"""How dates are shown: one unambiguous form per age, aligned, in the locale's names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.date_format import DateNames, cells, column_width, full_date, list_date, sortable_date

pytestmark = pytest.mark.usefixtures("local_zone")

ZONE = timezone(timedelta(hours=2))
NOW = datetime(2026, 7, 16, 9, 30, tzinfo=ZONE)  # a Thursday
ENGLISH = DateNames(
    ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
)
FRENCH = DateNames(
    ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
)
JAPANESE = DateNames(tuple("月火水木金土日"), tuple(f"{month}月" for month in range(1, 13)))


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (at(2026, 7, 16, 8, 5), "08:05"),  # today
        (at(2026, 7, 16, 23, 59), "23:59"),  # later today (a clock a little behind)
        (at(2026, 7, 15, 22, 1), "Wed 22:01"),  # yesterday
        (at(2026, 7, 10, 14, 3), "Fri 14:03"),  # six days ago: still this week
        (at(2026, 7, 9, 14, 3), " 9 Jul"),  # a week ago would read as this Thursday
        (at(2026, 1, 1, 12, 0), " 1 Jan"),
        (at(2026, 12, 24, 10, 0), "24 Dec"),  # the future: never a weekday
        (at(2025, 12, 31, 23, 0), "31 Dec 2025"),  # last year
        (at(2019, 5, 15, 20, 1), "15 May 2019"),
        (at(999, 5, 15, 20, 1), "15 May  999"),
    ],
)
def test_each_age_has_one_form(moment: datetime, shown: str) -> None:
    text = list_date(moment, NOW, ENGLISH)
    assert text.rstrip() == shown
    assert len(text) == column_width(ENGLISH) == len("15 May 2019")


def test_local_time_decides_the_day(local_zone: str) -> None:
    # 23:30 UTC on the 15th is 01:30 on the 16th in Amsterdam (the tests' zone): today.
    moment = datetime(2026, 7, 15, 23, 30, tzinfo=UTC)
    assert list_date(moment, NOW, ENGLISH).rstrip() == "01:30"


@pytest.mark.parametrize("names", [ENGLISH, FRENCH, JAPANESE], ids=["en", "fr", "ja"])
def test_the_column_is_aligned_in_any_names(names: DateNames) -> None:
    moments = [NOW - timedelta(days=days, minutes=minutes) for days in range(0, 900, 7) for minutes in (0, 1)]
    moments += [NOW - timedelta(days=days) for days in range(1, 7)]
    shown = [list_date(moment, NOW, names) for moment in moments]
    assert {cells(text) for text in shown} == {column_width(names)}
    years = [text for text in shown if text.rstrip()[-4:].isdigit() and ":" not in text]
    assert years and len({cells(text.rstrip()) for text in years}) == 1  # the years line up


def test_locale_names_are_used() -> None:
    assert list_date(at(2026, 5, 15, 8, 0), NOW, FRENCH).rstrip() == "15 mai"
    assert list_date(at(2026, 7, 14, 8, 0), NOW, FRENCH).rstrip() == "mar. 08:00"
    assert full_date(at(2019, 8, 4, 4, 5), FRENCH) == "dim. 04 août 2019 04:05"


def test_the_default_names_are_the_c_locale_s() -> None:
    assert list_date(at(2019, 5, 15, 20, 1), NOW).rstrip() == "15 May 2019"


def test_full_and_sortable_forms() -> None:
    assert full_date(at(2019, 5, 15, 22, 1), ENGLISH) == "Wed 15 May 2019 22:01"
    assert sortable_date(at(2019, 5, 15, 22, 1)) == "2019-05-15 22:01"


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(ZONE)))
def test_never_a_two_digit_year(moment: datetime) -> None:
    text = list_date(moment, NOW, ENGLISH).rstrip()
    if ":" not in text:
        day, month, *year = text.split()
        assert 1 <= int(day) <= 31 and month in ENGLISH.months
        assert year == ([] if moment.astimezone().year == NOW.year else [str(moment.astimezone().year)])
