"""RFC 3339 time stamps: read as aware datetimes, and compared exactly.

The rules compare an order's two stamps; the fake, the contract suite and the strategies
read them. Comparing works on the text and plain integers, so every stamp the grammar
allows compares, even one Python's ``datetime`` cannot hold.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

__all__ = ["before", "parse_date_time"]

_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)


def parse_date_time(text: str) -> datetime | None:
    """An aware datetime from RFC 3339 text, or None when it is not one.

    Also None for stamps Python's datetime cannot hold: an offset of 24 hours or more
    (``+24:00``, ``+23:60``) or the year 0000.
    """
    match = _DATE_TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, oh, om = match.groups()
    try:
        offset = timezone.utc
        if not zulu:
            delta = timedelta(hours=int(oh), minutes=int(om))
            offset = timezone(-delta if sign == "-" else delta)
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            min(int(second), 59),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=offset,
        )
    except ValueError:
        return None


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date, for any year (0000 included)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _instant(text: str) -> tuple[int, str] | None:
    """The UTC instant of RFC 3339 text as (seconds since 1970, fraction digits), or None.

    The fraction's trailing zeros are dropped, so its digits compare as text.

    Plain integer arithmetic, so every stamp the grammar allows compares, even those
    whose UTC instant falls outside the years 1 to 9999 (``9999-12-31T23:59:59-01:00``).
    """
    match = _DATE_TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, oh, om = match.groups()
    if not zulu and (int(oh) > 23 or int(om) > 59):
        return None  # no RFC 3339 offset; the schema's date-time format reports it
    days = _days_from_civil(int(year), int(month), int(day))
    seconds = ((days * 24 + int(hour)) * 60 + int(minute)) * 60 + int(second)
    if not zulu:
        shift = (int(oh) * 60 + int(om)) * 60
        seconds += shift if sign == "-" else -shift
    return seconds, (fraction or "").rstrip("0")


_FRACTION_DIGITS = ".0123456789"


def before(first: str, second: str) -> bool:
    """Whether the stamp ``first`` is an earlier instant than ``second``.

    Two stamps with one offset and one separator compare as text (the fraction's digits
    padded to one width: ".5" is ".500"); others by their instants, and False when
    either has none.
    """
    first_offset = first[19:].lstrip(_FRACTION_DIGITS)
    second_offset = second[19:].lstrip(_FRACTION_DIGITS)
    if first_offset == second_offset and first_offset and first[10:11] == second[10:11]:
        first_head, second_head = first[:19], second[:19]
        if first_head != second_head:
            return first_head < second_head
        first_fraction = first[20 : len(first) - len(first_offset)]
        second_fraction = second[20 : len(second) - len(second_offset)]
        width = max(len(first_fraction), len(second_fraction))
        return first_fraction.ljust(width, "0") < second_fraction.ljust(width, "0")
    first_at, second_at = _instant(first), _instant(second)
    return first_at is not None and second_at is not None and first_at < second_at
