"""The optional extras, and one way to say which one a missing package belongs to.

The base install validates payloads. The ``fake`` extra (httpx, respx, uvicorn)
runs the fake Orders API; the ``strategies`` extra (hypothesis) draws payloads;
``all`` brings both. Every import of one of their packages happens inside
:func:`needs_extra`, so a user who lacks one is told what to install instead of
reading a bare ``ModuleNotFoundError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["EXTRAS", "MissingExtra", "extra_of", "missing_extra", "needs_extra"]

EXTRAS = {"httpx": "fake", "respx": "fake", "uvicorn": "fake", "hypothesis": "strategies"}
"""Each optional package, by the extra that installs it."""


class MissingExtra(ModuleNotFoundError):
    """A package of an optional extra is not installed; ``str()`` says what to install.

    A :class:`ModuleNotFoundError`, so code that already catches that keeps working;
    ``name`` is the missing package, ``extra`` the extra that brings it.
    """

    def __init__(self, feature: str, package: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the '{extra}' extra ({package} is not installed): "
            f"pip install 'sendcloud-contract[{extra}]'",
            name=package,
        )
        self.feature = feature
        self.extra = extra


def extra_of(error: ImportError) -> str | None:
    """The extra that installs the package ``error`` misses, or None for any other error."""
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    return EXTRAS.get(error.name.partition(".")[0])


def missing_extra(error: ImportError, feature: str) -> MissingExtra | None:
    """``error`` as a :class:`MissingExtra` of ``feature``, or None when no extra brings
    the package it misses; a :class:`MissingExtra` already keeps what it names."""
    if isinstance(error, MissingExtra):
        return error
    extra = extra_of(error)
    if extra is None:
        return None
    return MissingExtra(feature, str(error.name).partition(".")[0], extra)


@contextmanager
def needs_extra(feature: str) -> Iterator[None]:
    """Imports in the block that miss an optional package raise :class:`MissingExtra`.

    ``feature`` names what needs it, as the user wrote it (``"sendcloud_contract.strategies"``,
    ``"the sendcloud_fake fixture"``). Any other import error passes through unchanged.
    """
    try:
        yield
    except ModuleNotFoundError as error:
        missing = missing_extra(error, feature)
        if missing is None or missing is error:
            raise
        raise missing from None
