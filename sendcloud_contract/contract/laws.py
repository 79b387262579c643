"""The named laws of Sendcloud's upsert semantics that the contract suite checks.

Each check raises :class:`LawBroken` under one name, so a failing run says which
law broke. Every law has its own exception class: Hypothesis tells failures
apart by type, so while it shrinks a failing run it keeps to the law that broke.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NoReturn

__all__ = ["LAWS", "LawBroken", "broken", "require"]

LAWS: Mapping[str, str] = MappingProxyType(
    {
        "identity": "(order_id, integration) maps to one stable id across upserts; another "
        "integration gives another id; ids are integers in 201 and PATCH bodies and digit "
        "strings in GET bodies; the 201 body lists the orders in request order",
        "replacement": "after an upsert, GET returns what was sent (plus the server's fields), "
        "nothing merged in from the earlier version",
        "timestamps": "created_at never changes after creation; modified_at moves on every "
        "write that changes the order",
        "atomicity": "a rejected batch, and a rejected PATCH, change nothing",
        "patch": "PATCH touches only what it names; items are matched by name, never added "
        "or dropped; a service point is replaced whole; a body's id names the order in the URL",
        "deletion": "404 after DELETE on retrieve, PATCH and DELETE, absent from every list, "
        "and the key can be created again",
        "listing": "filters, case-insensitive matching and sort agree with the model; "
        "pagination visits each order exactly once",
        "shapes": "every response body validates against the response schemas; every error "
        "is JSON:API",
    }
)


class LawBroken(AssertionError):
    """A law the target broke: its name and what was seen."""

    law: str = ""

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.law}] {message}")
        self.message = message


_CLASSES: Mapping[str, type[LawBroken]] = MappingProxyType(
    {
        name: type(f"{name.title()}Broken", (LawBroken,), {"law": name, "__module__": __name__})
        for name in LAWS
    }
)


def broken(law: str, message: str) -> NoReturn:
    """Raise the failure of ``law``."""
    raise _CLASSES[law](message)


def require(law: str, holds: bool, message: str) -> None:
    """Raise the failure of ``law`` unless ``holds``."""
    if not holds:
        broken(law, message)
