"""What counts as an id: one notion for the validator's rules and the fake.

JSON has one number type, so an integration id written ``2``, ``2.0`` or
``2e0`` is the integration 2 (JSON Schema's ``integer`` accepts all three).
Digit strings (order ids in a path, query values) are read only when short
enough to be an id, so a 5,000-digit string is "no such id", never a crash
in Python's int conversion.
"""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from typing import Any

__all__ = ["digit_id", "integration_id"]


def integration_id(value: Any) -> int | None:
    """The integration a JSON ``integration.id`` names, or None when it names none.

    An integral number (``2``, ``2.0``, ``1e30``, ``Decimal("2")``) is that integer;
    booleans, fractions, non-finite numbers, a ``Decimal`` with more digits than Python
    converts to text (``1E+5000``) and everything else name no integration.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if (
        isinstance(value, Decimal)
        and value.is_finite()
        and value.adjusted() < sys.get_int_max_str_digits()
        and value == value.to_integral_value()
    ):
        return int(value)
    return None


def digit_id(text: str, maximum: int) -> int | None:
    """The integer an ASCII digit string spells, or None past ``maximum`` or not digits."""
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None
