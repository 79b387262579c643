"""Where an order's choices come from: Hypothesis draws, or a generator seeded by one draw."""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

T = TypeVar("T")


class Source(Protocol):
    """The choices an order is built from.

    ``chance`` answers False when shrinking, so a failing example shrinks to required fields.
    """

    everything: bool
    nulls: bool

    def pick(self, options: Sequence[T]) -> T: ...

    def integer(self, low: int, high: int) -> int: ...

    def chance(self, percent: int) -> bool: ...

    def nullify(self, container: bool = False) -> bool:
        """Whether a nullable value is null: every leaf, and some whole objects, when asked."""
        ...

    def fork(self) -> Source:
        """A source for one section of the order."""
        ...


_SAMPLED: dict[int, tuple[Sequence[Any], SearchStrategy[Any]]] = {}


def _sampled(options: Sequence[T]) -> SearchStrategy[T]:
    """``sampled_from`` for the constant tables of ``_data``, built once per table."""
    if not isinstance(options, tuple):
        return st.sampled_from(options)
    hit = _SAMPLED.get(id(options))
    if hit is None or hit[0] is not options:
        if len(_SAMPLED) > 256:
            _SAMPLED.clear()
        hit = (options, st.sampled_from(options))
        _SAMPLED[id(options)] = hit
    return hit[1]


@functools.cache
def _integers(low: int, high: int) -> SearchStrategy[int]:
    return st.integers(low, high)


_PERCENT = st.integers(0, 99)
SEEDS = st.integers(0, 2**32 - 1)


class Drawn:
    """Choices drawn by Hypothesis: replayable and shrinkable."""

    def __init__(self, draw: DrawFn, *, optional: bool | None = None, nulls: bool = False) -> None:
        self._draw = draw
        self._optional = optional
        self.everything = optional is True
        self.nulls = nulls

    def pick(self, options: Sequence[T]) -> T:
        if len(options) == 1:
            return options[0]
        return self._draw(_sampled(options))

    def integer(self, low: int, high: int) -> int:
        return low if low == high else self._draw(_integers(low, high))

    def chance(self, percent: int) -> bool:
        if self._optional is not None:
            return self._optional
        if percent == 50:
            return self._draw(st.booleans())
        return self._draw(_PERCENT) >= 100 - percent

    def nullify(self, container: bool = False) -> bool:
        if not self.nulls:
            return False
        return self._draw(st.booleans()) if container else True

    def fork(self) -> Source:
        """One drawn seed for a whole section (an address, the payment details, ...).

        Hypothesis' cost is per choice, so a section built from a seed is several times
        cheaper; seed 0 builds the plainest section, so shrinking still ends in a plain one.
        Orders that must show every field or every null keep drawing choice by choice.
        """
        if self._optional is not None or self.nulls:
            return self
        return Seeded(self._draw(SEEDS))


class Seeded:
    """Choices from a seeded generator: one drawn integer stands for a section or an order.

    A 100-order batch drawn choice by choice would exceed Hypothesis' size budget; a seed per
    order keeps it small, and seed 0 builds the plainest order so shrinking still ends there.
    """

    everything = False
    nulls = False

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed) if seed else None

    def pick(self, options: Sequence[T]) -> T:
        return options[self._rng.randrange(len(options))] if self._rng else options[0]

    def integer(self, low: int, high: int) -> int:
        return self._rng.randint(low, high) if self._rng else low

    def chance(self, percent: int) -> bool:
        return self._rng.randrange(100) < percent if self._rng else False

    def nullify(self, container: bool = False) -> bool:
        return False

    def fork(self) -> Source:
        return self
