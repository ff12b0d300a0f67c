"""Front-matter dates in every shape they come in, always timezone-aware, None when impossible."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tui.dates import date_from_filename, date_from_timestamp, parse_date

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
    assert date_from_filename("2019-05-15-title.md") == datetime(2019, 5, 15).astimezone()
    assert date_from_filename("2019-05-15") == datetime(2019, 5, 15).astimezone()
    assert date_from_filename("2019-02-30-title.md") is None
    assert date_from_filename("2019-5-15-title.md") is None
    assert date_from_filename("title-2019-05-15.md") is None


def test_date_from_a_timestamp_is_aware() -> None:
    moment = date_from_timestamp(1_500_000_000)
    assert moment == datetime.fromtimestamp(1_500_000_000, UTC)
    assert moment.tzinfo is not None
    assert date_from_timestamp(1e20) == datetime.fromtimestamp(0, UTC)
