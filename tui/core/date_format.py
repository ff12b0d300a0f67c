"""How a post's date is shown: one unambiguous, aligned form everywhere, in the user's month names.

The list's column says as much as is needed and no more (`14:03` today, `Tue 14:03` this week, `15 May`
this year, `15 May 2019` before), never a two-digit year and never a dropped one; the article header
gives the whole date and time; `krant list` keeps a sortable ISO form. Day and month names come from the
locale (`LC_TIME`, once `use_locale_names` has been called), so each form is padded to the widest a
locale can make it, and the column stays aligned.
"""

from __future__ import annotations

import locale
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

WEEK_DAYS = 6
"""A post from up to this many days before today is shown by its weekday (a week ago would repeat it)."""


@dataclass(frozen=True, slots=True)
class DateNames:
    """Abbreviated day names (Monday first) and month names (January first)."""

    days: tuple[str, ...]
    months: tuple[str, ...]

    @classmethod
    def from_locale(cls) -> DateNames:
        """The names of the locale in use for `LC_TIME` (English in the default C locale)."""
        return _locale_names(locale.setlocale(locale.LC_TIME))


@lru_cache(maxsize=8)
def _locale_names(_locale_name: str) -> DateNames:
    days = tuple(date(2024, 1, day).strftime("%a").strip() for day in range(1, 8))  # 1 Jan 2024: Monday
    months = tuple(date(2024, month, 1).strftime("%b").strip() for month in range(1, 13))
    return DateNames(days, months)


def use_locale_names() -> None:
    """Take day and month names from the user's locale (`LC_ALL`, `LC_TIME`, `LANG`), when it exists."""
    try:
        locale.setlocale(locale.LC_TIME, "")
    except locale.Error:
        pass  # an unknown locale: English names, as before


def cells(text: str) -> int:
    """Terminal cells the text takes (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _padded(text: str, width: int) -> str:
    return text + " " * (width - cells(text))


def _widest(names: tuple[str, ...]) -> int:
    return max(cells(name) for name in names)


def column_width(names: DateNames | None = None) -> int:
    """The width of the list's date column: its widest form in these names."""
    return _column_width(names or DateNames.from_locale())


@lru_cache(maxsize=8)
def _column_width(names: DateNames) -> int:
    day, month = _widest(names.days), _widest(names.months)
    return max(5, day + 1 + 5, 2 + 1 + month, 2 + 1 + month + 1 + 4)


def list_date(moment: datetime, now: datetime, names: DateNames | None = None) -> str:
    """A post's date for the list's column, as short as it can be without being ambiguous, padded to
    `column_width` so the column stays aligned: `14:03`, `Tue 14:03`, `15 May`, `15 May 2019`.

    Both moments are shown in the local zone; a post from the future is never given a weekday.
    """
    names = names or DateNames.from_locale()
    local, today = moment.astimezone(), now.astimezone().date()
    day = local.date()
    if day == today:
        text = f"{local:%H:%M}"
    elif today - timedelta(days=WEEK_DAYS) <= day < today:
        text = f"{_padded(names.days[day.weekday()], _widest(names.days))} {local:%H:%M}"
    else:
        month = _padded(names.months[day.month - 1], _widest(names.months))
        text = f"{day.day:>2} {month}"
        text = text + f" {day.year:>4}" if day.year != today.year else text.rstrip()
    return _padded(text.rstrip(), column_width(names))


def full_date(moment: datetime, names: DateNames | None = None) -> str:
    """The whole local date and time, for the article header: `Wed 15 May 2019 22:01`."""
    names = names or DateNames.from_locale()
    local = moment.astimezone()
    return (
        f"{names.days[local.weekday()]} {local.day:02} {names.months[local.month - 1]} "
        f"{local.year} {local:%H:%M}"
    )


def sortable_date(moment: datetime) -> str:
    """The local date and time in ISO order, for scripts that sort lines: `2019-05-15 22:01`."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"
