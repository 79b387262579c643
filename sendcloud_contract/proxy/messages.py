"""What passes through the proxy: a client's request, and the answer it gets.

A leaf of the proxy: the HTTP side, the upstream client and the checks all use
these values, and this module imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Answer", "Headers", "Incoming", "header_values", "shown"]

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Incoming:
    """A request as the client sent it: ``target`` is its path and query, as written."""

    method: str
    target: str
    headers: Headers
    body: bytes


@dataclass(frozen=True)
class Answer:
    """What the client is answered: the upstream's answer (``failure`` None) or the proxy's
    own, with why it was given. ``body`` is as sent on the wire (compressed if it was)."""

    status: int
    headers: Headers
    body: bytes
    failure: str | None = None

    @property
    def from_proxy(self) -> bool:
        return self.failure is not None


def header_values(headers: Headers, name: str) -> list[str]:
    """The values of a header, by case-insensitive name."""
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def shown(text: str) -> str:
    """Text from the wire made safe to print (a log line, XML): unprintable characters
    written as escapes, so that a path cannot forge a line or drive the terminal."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")
