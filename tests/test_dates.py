"""Front-matter dates in every shape they come in, always timezone-aware, None when impossible."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.dates import _checked, date_from_path, date_from_timestamp, parse_date

PLUS_TWO = timezone(timedelta(hours=2))
SEED_MOMENT = datetime(2019, 5, 15, 14, 57, 28, tzinfo=PLUS_TWO)


@pytest.mark.parametrize(
    "text",
    [
        "Wed, 15 May 2019 14:57:28 +0200",
        "15 May 2019 14:57:28 +0200",
        "2019-05-15T14:57:28+02:00",
        "2019-05-15 14:57:28+02:00",
        "2019-05-15T12:57:28Z",
        "2019-05-15T12:57:28z",
        "2019-05-15 14:57:28 +0200",
        "  2019-05-15T14:57:28+02:00  ",
    ],
)
def test_zoned_text_dates(text: str) -> None:
    assert parse_date(text) == SEED_MOMENT


def test_the_zone_of_the_text_is_kept() -> None:
    assert parse_date("Wed, 15 May 2019 14:57:28 +0200").utcoffset() == timedelta(hours=2)


def test_naive_text_and_dates_are_local(local_zone: str) -> None:
    assert parse_date("2019-05-15T14:57:28") == datetime(2019, 5, 15, 14, 57, 28).astimezone()
    assert parse_date("2019-05-15") == datetime(2019, 5, 15).astimezone()
    assert parse_date("2019/05/15 14:57") == datetime(2019, 5, 15, 14, 57).astimezone()
    assert parse_date("2019-05-15").utcoffset() == timedelta(hours=2)


def test_yaml_values() -> None:
    assert parse_date(SEED_MOMENT) == SEED_MOMENT
    assert parse_date(datetime(2019, 5, 15, 12, 57, 28)).tzinfo is not None
    assert parse_date(date(2019, 5, 15)) == datetime(2019, 5, 15).astimezone()


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        20190515,
        1.5,
        [2019],
        "",
        "   ",
        "tomorrow",
        "2019-02-30",
        "2019-05-15 25:00:00",
        "0000-01-01",
        "Sat, 30 Feb 2019 10:00:00 +0000",
        "Wed, 15 May 2019 14:57:28 +9999",
        "2019" * 30,
        "9999-12-31T23:59:59-12:00",
        "0001-01-01T00:00:00+12:00",
    ],
)
def test_missing_or_impossible_dates_are_none(value: object) -> None:
    assert parse_date(value) is None


def test_extreme_years_that_exist_are_kept() -> None:
    assert parse_date("9999-06-01T12:00:00+00:00") == datetime(9999, 6, 1, 12, tzinfo=UTC)
    assert parse_date("0001-06-01T12:00:00+00:00") == datetime(1, 6, 1, 12, tzinfo=UTC)


def test_every_date_can_be_shown_in_local_time(local_zone: str) -> None:
    for value in ["9999-06-01T12:00:00+00:00", "0001-06-01T12:00:00+00:00", date(2019, 5, 15)]:
        moment = parse_date(value)
        assert moment is not None and moment.tzinfo is not None
        moment.astimezone()


def test_date_from_a_jekyll_file_name(local_zone: str) -> None:
    assert date_from_path("2019-05-15-title.md") == datetime(2019, 5, 15).astimezone()
    assert date_from_path("2019-05-15") == datetime(2019, 5, 15).astimezone()
    assert date_from_path("2019-02-30-title.md") is None
    assert date_from_path("2019-5-15-title.md") is None
    assert date_from_path("title-2019-05-15.md") is None


def test_date_from_a_timestamp_is_aware() -> None:
    moment = date_from_timestamp(1_500_000_000)
    assert moment == datetime.fromtimestamp(1_500_000_000, UTC)
    assert moment.tzinfo is not None
    assert date_from_timestamp(1e20) == datetime.fromtimestamp(0, UTC)


_DAYS = ("", "Mon, ", "Sun, ")
_MONTH_NAMES = ("Jan", "Feb", "May", "Dec")


@settings(max_examples=400, deadline=None)
@given(
    weekday=st.sampled_from(_DAYS),
    day=st.integers(0, 32),
    month=st.sampled_from(_MONTH_NAMES),
    year=st.sampled_from([1, 99, 999, 1000, 1999, 2019, 9998, 9999]),
    hour=st.integers(0, 25),
    minute=st.integers(0, 61),
    second=st.integers(0, 61),
    sign=st.sampled_from("+-"),
    zone_hours=st.integers(0, 25),
    zone_minutes=st.sampled_from([0, 30, 59, 61]),
)
def test_rfc_2822_dates_read_as_the_email_module_reads_them(
    weekday: str,
    day: int,
    month: str,
    year: int,
    hour: int,
    minute: int,
    second: int,
    sign: str,
    zone_hours: int,
    zone_minutes: int,
) -> None:
    """krant reads the common RFC 2822 shape itself (it is faster); it must agree with the email module."""
    text = (
        f"{weekday}{day} {month} {year:04d} {hour:02d}:{minute:02d}:{second:02d} "
        f"{sign}{zone_hours:02d}{zone_minutes:02d}"
    )
    try:
        expected = _checked(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        expected = None
    found = parse_date(text)
    assert found == expected
    if found is not None and expected is not None:
        assert found.utcoffset() == expected.utcoffset()
