"""Parse the many shapes a post's date comes in into timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime

_JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_.]|$)")
_PATH_DATE = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})(?:/|$)")
_LOOSE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%d %H:%M:%S.%f %z",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d-%m-%Y",
)
_LONGEST_DATE_TEXT = 100
# The shape feeds and scrapers write (`Wed, 15 May 2019 02:41:13 +0200`), read without the email module,
# which is several times slower. Years below 1000 and the zone `-0000` ("unknown": local) take the email
# module's way, which reads them its own way.
_RFC_2822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]\d{3}) "
    r"(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})"
)
_MONTHS = {
    name: number for number, name in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)
}
_ZONES: dict[str, timezone] = {}


def _aware(moment: datetime) -> datetime:
    """Give a naive datetime the local zone (as Jekyll does), keep an aware one as it is."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        return moment.astimezone()
    return moment


def _checked(moment: datetime) -> datetime | None:
    """Return an aware datetime that can be shown in any zone, or None if it is out of range."""
    try:
        moment = _aware(moment)
        moment.astimezone(UTC)
        moment.astimezone()
    except (OverflowError, ValueError, OSError):
        return None
    return moment


def parse_date(value: object) -> datetime | None:
    """Read a front-matter date: RFC 2822, ISO 8601 (with or without zone), YAML timestamp or date.

    Returns None when the value is missing or not a date that exists.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):
        return _checked(value)
    if isinstance(value, date):
        return _checked(datetime.combine(value, time()))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _LONGEST_DATE_TEXT:
        return None
    return _parse_text(text)


def _rfc_2822(match: re.Match[str]) -> datetime | None:
    """A date in the common RFC 2822 shape; None if it names no real moment (Feb 30, hour 25)."""
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = match.groups()
    zone_text = sign + zone_hours + zone_minutes
    zone = _ZONES.get(zone_text)
    if zone is None:
        offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes))
        if offset >= timedelta(days=1):
            return None
        zone = timezone(-offset if sign == "-" else offset)
        if len(_ZONES) < 1_000:
            _ZONES[zone_text] = zone
    try:
        moment = datetime(
            int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second), tzinfo=zone
        )
    except ValueError:
        return None
    # Years far from both ends of datetime's range can always be shown in any zone.
    return moment if 1 < moment.year < 9998 else _checked(moment)


def _parse_text(text: str) -> datetime | None:
    common = _RFC_2822.fullmatch(text)
    if common is not None and not text.endswith("-0000"):
        return _rfc_2822(common)
    try:
        return _checked(datetime.fromisoformat(text.replace("z", "Z")))
    except ValueError:
        pass
    if any(character.isalpha() for character in text):
        try:
            return _checked(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    for layout in _LOOSE_FORMATS:
        try:
            return _checked(datetime.strptime(text, layout))
        except ValueError:
            continue
    return None


def date_from_path(name: str) -> datetime | None:
    """The local midnight of the day a file name or site path starts with, if it names a real day.

    Jekyll names posts `YYYY-MM-DD-slug`, Zola dates them by `YYYY-MM-DD-slug` or a path like
    `inside-rust/2020/11/16/slug`: the date is the first part that is one (or the first three parts).
    """
    match = _JEKYLL_NAME.match(name) or _PATH_DATE.search(name)
    if not match:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return _checked(datetime.combine(day, time()))


def date_from_timestamp(timestamp: float) -> datetime:
    """A file's modification time as an aware local datetime."""
    try:
        return datetime.fromtimestamp(timestamp).astimezone()
    except (OverflowError, ValueError, OSError):
        return datetime.fromtimestamp(0, UTC)
