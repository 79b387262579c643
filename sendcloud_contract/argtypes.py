"""Value types for command-line options: a clear usage error for a bad value, never a traceback."""

from __future__ import annotations

import math
from argparse import ArgumentTypeError
from collections.abc import Callable

__all__ = ["port", "positive_int", "positive_seconds", "seconds_at_most"]


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    try:
        number = int(text)
    except ValueError:
        raise ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if number < 1:
        raise ArgumentTypeError(f"expected a number of at least 1, got {number}")
    return number


def port(text: str) -> int:
    """A TCP port: 0 (any free one) to 65535."""
    try:
        number = int(text)
    except ValueError:
        raise ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= number <= 65535:
        raise ArgumentTypeError(f"a port is 0 to 65535, not {number}")
    return number


def seconds_at_most(limit: float) -> Callable[[str], float]:
    """The option type of a finite number of seconds above 0 and at most ``limit``."""

    def seconds(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
        if not (math.isfinite(value) and 0 < value <= limit):
            bound = "above 0" if limit == math.inf else f"more than 0 and at most {limit:g}"
            raise ArgumentTypeError(f"expected a number of seconds {bound}, got {text!r}")
        return value

    return seconds


positive_seconds = seconds_at_most(math.inf)
"""A finite number of seconds above 0 (``0.5``, ``30``)."""
