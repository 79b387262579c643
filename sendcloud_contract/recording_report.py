"""The parts of a report that only recordings have: where a violation is, what was read.

Small values, compared and hashed as parts of a :class:`~sendcloud_contract.Violation`; a
named tuple where it fits, since every start-up of the CLI defines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

__all__ = ["InteractionPlace", "RecordingSummary"]


@dataclass(frozen=True)
class InteractionPlace:
    """Which recorded interaction a violation is in, and on which side of it.

    ``index`` is 0-based, like a document's; ``path`` is the URL path without
    query or host (hosts and query strings may carry credentials); ``side`` is
    ``None`` for a problem of the interaction as a whole.
    """

    index: int
    method: str
    path: str
    side: Literal["request", "response"] | None = None

    def as_dict(self) -> dict[str, object]:
        return {"index": self.index, "method": self.method, "path": self.path, "side": self.side}

    def __str__(self) -> str:
        text = f"interaction {self.index + 1} {self.method} {self.path}"
        return f"{text} {self.side}" if self.side else text


class RecordingSummary(NamedTuple):
    """What a recording held: its format and how many interactions were checked."""

    format: str
    interactions: int
    checked: int

    @property
    def ignored(self) -> int:
        """Interactions with routes outside the Orders API, counted and left alone."""
        return self.interactions - self.checked

    def as_dict(self) -> dict[str, object]:
        return {
            "format": self.format,
            "interactions": self.interactions,
            "checked": self.checked,
            "ignored": self.ignored,
        }

    def __str__(self) -> str:
        return (
            f"{self.interactions} interaction{'s' if self.interactions != 1 else ''}: "
            f"{self.checked} Orders API, {self.ignored} on other "
            f"route{'s' if self.ignored != 1 else ''} ignored"
        )
