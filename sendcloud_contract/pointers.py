"""RFC 6901 JSON pointers: one spelling of the escaping rules for the whole package."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["MISSING", "escape", "resolve", "split", "to_pointer"]

MISSING: Any = object()
"""What :func:`resolve` answers when nothing is at the pointer (``None`` is a JSON value)."""


def escape(token: str | int) -> str:
    text = str(token)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def to_pointer(path: Iterable[str | int]) -> str:
    """``["a", 0, "b/c"]`` -> ``/a/0/b~1c``."""
    return "".join("/" + escape(part) for part in path)


def split(pointer: str) -> list[str]:
    """``/a/0/b~1c`` -> ``["a", "0", "b/c"]``; the empty pointer names the whole document."""
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def resolve(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` in a parsed document, or :data:`MISSING` when nothing is there."""
    value = document
    for token in split(pointer):
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return MISSING
    return value
