"""Which parts of a Python value have no JSON form, for :func:`validate` on in-memory payloads.

A payload handed to the library was never parsed, so it may hold what no JSON text can:
sets, bytes, datetimes, ``NaN``, integer keys, a list that contains itself.
JSON Schema engines skip what no keyword looks at (a free-form object's members) or read
``NaN`` as ``null``, so these are found here, before the schema.

The JSON values are ``dict`` with ``str`` keys, ``list``, ``tuple``, ``str``, ``int``
(up to Python's 4,300-digit conversion limit), finite ``float``, ``bool`` and ``None``,
their subclasses, enum members whose value is one of them, a ``uuid.UUID`` (the text orjson
and most encoders write for it), and a finite ``Decimal``: the JSON number it holds, as
python-jsonschema (a ``numbers.Number``) and jsonschema-rs read it. A ``Decimal`` NaN or
infinity is no JSON number, like a float one.

The common case, a clean payload, costs one ``orjson.dumps``. orjson writes ``NaN`` and
``Infinity`` as ``null``, so a payload whose dump holds ``null`` is written once more by the
standard library's encoder, which refuses them; only a payload that fails either is walked
in Python (the walk costs several times the two encoders, and ``null`` is common in orders).
"""

from __future__ import annotations

import enum
import json
import math
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import orjson

__all__ = ["ARRAYS", "DEFAULT_HINT", "MAX_NESTING", "problems"]

MAX_NESTING = 255
"""Containers nested deeper than this are refused (orjson's own limit)."""

_FAST = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_SCALARS = (str, int, bool, type(None))
_TEXTUAL = (uuid.UUID,)
"""Values written as their text: accepted by the walk as orjson's dump accepts them, so a
value's verdict never depends on whether the payload also holds a ``null``."""
_NON_FINITE_HINT = "JSON has no NaN or Infinity: send a finite number, null or a string instead"
_HINTS = {
    **dict.fromkeys(["datetime", "date", "time"], "write it as text first, e.g. value.isoformat()"),
    **dict.fromkeys(["set", "frozenset"], "send a list instead, e.g. sorted(value)"),
    **dict.fromkeys(["bytes", "bytearray"], "decode it to text first, e.g. value.decode()"),
}
_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
_TYPE_NAMES = {int: "integer", float: "number", bool: "boolean", type(None): "None"}
DEFAULT_HINT = "convert it to a string, number, boolean, null, list or dict first"

Path = list[str | int]
ARRAYS = (list, tuple)
"""What a JSON array is in Python: a tuple is one as much as a list."""

Problem = tuple[Path, str, str]
"""(path to the value, message, hint)."""


def _finite_decimal(value: Any) -> int:
    """orjson's stand-in for a finite ``Decimal`` (its digits do not matter here)."""
    if isinstance(value, Decimal) and value.is_finite():
        return 0
    raise TypeError(f"{type(value).__name__} has no JSON form")


def _as_orjson_writes(value: Any) -> Any:
    """What the standard library's encoder is to write for a value orjson wrote itself."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, _TEXTUAL):
        return str(value)
    return _finite_decimal(value)


def problems(value: Any) -> list[Problem]:
    """Every place in ``value`` that has no JSON form, with why and what to do; [] for JSON."""
    try:
        dumped = orjson.dumps(value, default=_finite_decimal, option=_FAST)
        if b"null" in dumped:
            # orjson found no cycle, no deep nesting and no key that is not a string.
            json.dumps(value, allow_nan=False, check_circular=False, default=_as_orjson_writes)
    except (orjson.JSONEncodeError, TypeError, ValueError, RecursionError):
        return list(_walk(value))
    return []


def _walk(root: Any) -> Iterator[Problem]:
    """Depth-first over ``root`` without recursion, so any depth and any cycle is survivable."""
    # Each entry: (value, path, ids of the containers that hold it).
    stack: list[tuple[Any, Path, frozenset[int]]] = [(root, [], frozenset())]
    while stack:
        value, path, holders = stack.pop()
        if isinstance(value, enum.Enum) and not isinstance(value, (*_SCALARS, float)):
            value = value.value
        if isinstance(value, (dict, list, tuple)):
            if id(value) in holders:
                kind = type(value).__name__
                yield (
                    path,
                    f"this {kind} contains itself, and JSON cannot write a cycle",
                    ("break the cycle: copy the inner value, or leave it out"),
                )
                continue
            if len(holders) >= MAX_NESTING:
                yield (
                    path,
                    f"nesting deeper than {MAX_NESTING} levels",
                    ("flatten the structure: no API payload nests this deep"),
                )
                continue
            inside = holders | {id(value)}
            if isinstance(value, dict):
                children = []
                for key, item in value.items():
                    if isinstance(key, str):
                        children.append((item, [*path, key], inside))
                    else:
                        yield (
                            path,
                            (f"key {_show(key)} is {_noun(key)}, and JSON keys are strings"),
                            "write the key as a string, e.g. str(key)",
                        )
                stack.extend(reversed(children))
            else:
                stack.extend(
                    (item, [*path, index], inside)
                    for index, item in reversed(list(enumerate(value)))
                )
        elif isinstance(value, float):
            if not math.isfinite(value):
                name = _NON_FINITE[repr(float(value))]  # a float enum member too
                yield path, f"{name} is not a JSON number", _NON_FINITE_HINT
        elif isinstance(value, Decimal):
            if not value.is_finite():
                yield path, f"{value!r} is not a JSON number", _NON_FINITE_HINT
        elif isinstance(value, int) and not isinstance(value, bool):
            if value.bit_length() > 64 and not _writable(value):
                yield (
                    path,
                    ("an integer of more than 4,300 digits: Python cannot write it as JSON text"),
                    "send it as a string of digits, or check the value",
                )
        elif not isinstance(value, (*_SCALARS, *_TEXTUAL)):
            yield (
                path,
                f"{_noun(value)} is not a JSON value",
                _HINTS.get(type(value).__qualname__, DEFAULT_HINT),
            )


def _noun(value: Any) -> str:
    """The value's type with its article: ``an integer``, ``a datetime.date``."""
    kind = type(value)
    name = _TYPE_NAMES.get(kind)
    if name is None:
        module = "" if kind.__module__ == "builtins" else kind.__module__ + "."
        name = module + kind.__qualname__
    return ("an " if name[0] in "aeiou" else "a ") + name


def _writable(number: int) -> bool:
    try:
        str(number)
    except ValueError:  # past sys.get_int_max_str_digits()
        return False
    return True


def _show(key: Any) -> str:
    text = repr(key) if not isinstance(key, int) or key.bit_length() <= 128 else "(a long integer)"
    return text if len(text) <= 40 else text[:37] + "..."
