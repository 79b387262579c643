"""Date-times as shops write them: the styles, the writer and the reader."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sendcloud_contract.timestamps import parse_date_time

EPOCH = datetime(2023, 1, 1, tzinfo=timezone.utc)
SPAN_MS = 3 * 365 * 24 * 3600 * 1000
# (offset in minutes, fraction digits, "Z" instead of +00:00); the first is the plainest form.
STAMP_STYLES = (
    (0, 0, True),
    (0, 3, True),
    (0, 6, False),
    (60, 0, False),
    (120, 3, False),
    (-300, 0, False),
    (330, 6, False),
)
ODD_STAMP_STYLES = (
    (345, 9, False),
    (-570, 1, False),
    (840, 4, False),
    (-720, 2, True),
    (0, 7, True),
    (-60, 5, False),
)


def write_stamp(moment: datetime, style: tuple[int, int, bool]) -> str:
    offset, digits, zulu = style
    local = moment.astimezone(timezone(timedelta(minutes=offset)))
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        micro = f"{local.microsecond:06d}"
        text += "." + (micro + "000")[:digits]
    if zulu and offset == 0:
        return text + "Z"
    sign = "-" if offset < 0 else "+"
    return f"{text}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def read_stamp(text: Any) -> datetime | None:
    """The rules' parser, for values of a caller's order that may not be strings at all."""
    return parse_date_time(text) if isinstance(text, str) else None
