"""Where a document's values start, and the line and column of a place in its text.

A loaded document keeps a tree of places shaped like its arrays and objects: finding a
pointer costs the pointer's length, and no value keeps a pointer string of its own,
which for a document nested ``n`` deep would cost memory in ``n**2``.
"""

from __future__ import annotations

import bisect
import re
from typing import Generic, TypeVar

from sendcloud_contract import pointers

__all__ = ["LineIndex", "Locator", "Place", "Position", "TextLocator", "line_starts"]

Position = tuple[int, int]
"""A 1-based (line, column) in a file, columns counted in characters."""

At = TypeVar("At")

_NEWLINE = re.compile("\n")


def line_starts(text: str) -> list[int]:
    """The offset at which each line of ``text`` starts."""
    return [0, *(match.end() for match in _NEWLINE.finditer(text))]


class LineIndex:
    """Line and column of character offsets into one text.

    The line starts are listed once, on the first question, and searched with bisect.
    """

    __slots__ = ("_first_line", "_starts", "_text")

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._text = text
        self._first_line = first_line
        self._starts: list[int] | None = None

    def position(self, offset: int) -> Position:
        if self._starts is None:
            self._starts = line_starts(self._text)
        line = bisect.bisect_right(self._starts, offset)
        return self._first_line + line - 1, offset - self._starts[line - 1] + 1


class Place(Generic[At]):
    """Where one value starts and, for an array or object, where its members start.

    ``members`` holds an object's members by name or an array's elements in order, and
    is ``None`` for a scalar. ``unread`` marks an array or object whose members are read
    from the text only when asked for (see ``scanner.SteppingLocator``).
    """

    __slots__ = ("at", "members", "unread")

    def __init__(
        self,
        at: At,
        members: dict[str, Place[At]] | list[Place[At]] | None = None,
        unread: bool = False,
    ) -> None:
        self.at = at
        self.members = members
        self.unread = unread

    def member(self, token: str) -> Place[At] | None:
        """The member that one (unescaped) pointer token names, if it is known."""
        members = self.members
        if isinstance(members, dict):
            return members.get(token)
        if (
            members is not None
            and token.isdecimal()
            and token.isascii()
            and (token == "0" or token[0] != "0")
            and len(token) <= len(str(len(members)))
            and int(token) < len(members)
        ):
            return members[int(token)]
        return None


class Locator(Generic[At]):
    """Answers where the value at an RFC 6901 pointer starts, from a tree of places."""

    def tree(self) -> Place[At]:
        raise NotImplementedError

    def position(self, at: At) -> Position:
        raise NotImplementedError

    def member(self, place: Place[At], token: str) -> Place[At] | None:
        return place.member(token)

    def source_text(self, pointer: str) -> str | None:
        """How the scalar at ``pointer`` was written, where its value hides that (YAML only)."""
        return None

    def locate(self, pointer: str) -> Position:
        """The value's position, or its closest existing ancestor's."""
        place = self.tree()
        for token in pointers.split(pointer):
            member = self.member(place, token)
            if member is None:
                break
            place = member
        return self.position(place.at)

    def find(self, pointer: str) -> Place[At] | None:
        """The value's place, or ``None`` when the document has no value there."""
        place: Place[At] | None = self.tree()
        for token in pointers.split(pointer):
            if place is None:
                break
            place = self.member(place, token)
        return place


class TextLocator(Locator[int]):
    """Places at character offsets into one text, which a line index turns into positions."""

    def __init__(self, root: Place[int], lines: LineIndex) -> None:
        self.root = root
        self.lines = lines

    def tree(self) -> Place[int]:
        return self.root

    def position(self, at: int) -> Position:
        return self.lines.position(at)
