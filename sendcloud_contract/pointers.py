"""RFC 6901 JSON pointers: one spelling of the escaping rules for the whole package."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["escape", "split", "to_pointer"]


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def to_pointer(path: Iterable[str | int]) -> str:
    """``["a", 0, "b/c"]`` -> ``/a/0/b~1c``."""
    return "".join("/" + escape(part) for part in path)


def split(pointer: str) -> list[str]:
    """``/a/0/b~1c`` -> ``["a", "0", "b/c"]``; the empty pointer names the whole document."""
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]
