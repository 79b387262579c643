"""Where a document's values start, and the line and column of a place in its text: a tree
of places shaped like its arrays and objects, walked token by token. No value keeps a
pointer string of its own (nested ``n`` deep, such strings would cost memory in ``n**2``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sendcloud_contract import pointers

Position = tuple[int, int]
"""A 1-based (line, column) in a file, columns counted in characters."""

At = TypeVar("At")

_NEWLINE = re.compile("\n")
_INDEX = re.compile("0|[1-9][0-9]{0,17}")


def line_starts(text: str) -> list[int]:
    """The offset at which each line of ``text`` starts."""
    return [0, *(match.end() for match in _NEWLINE.finditer(text))]


class LineIndex:
    """Line and column of offsets into one text; its line starts are listed when first asked."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._text = text
        self._first_line = first_line
        self._starts: list[int] = []

    def position(self, offset: int) -> Position:
        if not self._starts:
            self._starts = line_starts(self._text)
        line = bisect.bisect_right(self._starts, offset)
        return self._first_line + line - 1, offset - self._starts[line - 1] + 1


class Place(Generic[At]):
    """Where one value starts and, for an array or object, its members' places (by name,
    or in order); ``members`` is ``None`` for a scalar."""

    __slots__ = ("at", "members")

    def __init__(self, at: At, members: dict[str, Place[At]] | list[Place[At]] | None) -> None:
        self.at = at
        self.members = members

    def member(self, token: str) -> Place[At] | None:
        """The member that one (unescaped) pointer token names, if there is one."""
        members = self.members
        if isinstance(members, dict):
            return members.get(token)
        if members and _INDEX.fullmatch(token) and int(token) < len(members):
            return members[int(token)]
        return None


def walk(root: Place[At], pointer: str) -> tuple[Place[At], bool]:
    """The place of the value at ``pointer`` or else of its closest existing ancestor, and
    whether it is the value's own."""
    place = root
    for token in pointers.split(pointer):
        member = place.member(token)
        if member is None:
            return place, False
        place = member
    return place, True


class Places(Generic[At]):
    """A document's places; ``position`` makes a line and column of a place's ``at``, and
    ``written`` holds the text of the plain YAML scalars whose value hides how they read."""

    def __init__(
        self, root: Place[At], position: Callable[[At], Position], written: dict[Any, str]
    ):
        self.root, self.position, self.written = root, position, written

    def locate(self, pointer: str) -> Position:
        return self.position(walk(self.root, pointer)[0].at)

    def source_text(self, pointer: str) -> str | None:
        place, own = walk(self.root, pointer)
        return self.written.get(place) if own else None
