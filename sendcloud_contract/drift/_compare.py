"""Two canonical schemas side by side: every difference as a :class:`Finding`.

``old`` is the contract's node, ``new`` the document's; the walk follows properties,
array items and ``oneOf`` branches, and names each place by a JSON pointer into the
kind's normalised schema (``/properties/data/items/properties/id``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sendcloud_contract import pointers
from sendcloud_contract.drift._model import Change, Finding, Location
from sendcloud_contract.drift._normalise import BOUNDS, Node, Origin, value_key
from sendcloud_contract.schemas import Kind

__all__ = ["Shape", "compare", "location"]


@dataclass(frozen=True)
class Shape:
    """Which part of which operation is compared, and the contract's kind for it."""

    name: str
    kind: Kind | None


def location(origin: Origin) -> Location:
    return Location(origin.file, origin.pointer)


def compare(old: Node, new: Node, shape: Shape, pointer: str = "") -> Iterator[Finding]:
    """Every difference between ``old`` (the contract) and ``new`` (the document)."""

    def finding(change: Change, old_value: Any, new_value: Any, **extra: Any) -> Finding:
        return Finding(
            change,
            shape.name,
            shape.kind,
            extra.pop("at", pointer),
            extra.pop("document", location(new.origin)),
            extra.pop("contract", location(old.origin)),
            old_value,
            new_value,
            **extra,
        )

    if old.types != new.types:
        yield finding(Change.TYPE_CHANGED, _sorted(old.types), _sorted(new.types))
    yield from _enum(old, new, finding)
    if old.format != new.format:
        yield finding(Change.FORMAT_CHANGED, old.format, new.format)
    for keyword in BOUNDS:
        if old.bounds.get(keyword) != new.bounds.get(keyword):
            yield finding(
                Change.BOUND_CHANGED,
                old.bounds.get(keyword),
                new.bounds.get(keyword),
                keyword=keyword,
            )
    if old.cycle or new.cycle:
        return
    yield from _properties(old, new, shape, pointer, finding)
    if old.items is not None or new.items is not None:
        yield from compare(
            old.items or Node(old.origin.child("items")),
            new.items or Node(new.origin.child("items")),
            shape,
            pointer + "/items",
        )
    if len(old.branches) != len(new.branches):
        yield finding(Change.BRANCHES_CHANGED, len(old.branches), len(new.branches))
        return
    for index, (mine, theirs) in enumerate(zip(old.branches, new.branches, strict=True)):
        yield from compare(mine, theirs, shape, f"{pointer}/oneOf/{index}")


def _properties(
    old: Node, new: Node, shape: Shape, pointer: str, finding: Any
) -> Iterator[Finding]:
    for name in sorted(old.properties.keys() | new.properties.keys()):
        at = f"{pointer}/properties/{pointers.escape(name)}"
        mine, theirs = old.properties.get(name), new.properties.get(name)
        if mine is not None and theirs is not None:
            yield from compare(mine, theirs, shape, at)
            continue
        added = theirs is not None
        yield finding(
            Change.PROPERTY_ADDED if added else Change.PROPERTY_REMOVED,
            None if added else name,
            name if added else None,
            at=at,
            document=location(
                theirs.origin if theirs is not None else new.origin.child("properties", name)
            ),
            contract=location(old.origin.child("properties", name)),
        )
    if old.required != new.required:
        yield finding(
            Change.REQUIRED_CHANGED,
            sorted(old.required),
            sorted(new.required),
            at=pointer + "/required",
            document=location(new.origin.child("required")),
            contract=location(old.origin.child("required")),
        )


def _enum(old: Node, new: Node, finding: Any) -> Iterator[Finding]:
    if old.enum is None and new.enum is None:
        return
    if old.enum is None or new.enum is None:
        yield finding(Change.BOUND_CHANGED, _values(old.enum), _values(new.enum), keyword="enum")
        return
    mine, theirs = {value_key(v) for v in old.enum}, {value_key(v) for v in new.enum}
    if theirs - mine:
        yield finding(Change.ENUM_VALUES_ADDED, _values(old.enum), _values(new.enum))
    if mine - theirs:
        yield finding(Change.ENUM_VALUES_REMOVED, _values(old.enum), _values(new.enum))


def _sorted(types: frozenset[str] | None) -> list[str] | None:
    return None if types is None else sorted(types)


def _values(enum: tuple[Any, ...] | None) -> list[Any] | None:
    return None if enum is None else sorted(enum, key=value_key)
