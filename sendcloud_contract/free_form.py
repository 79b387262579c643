"""The places of a closed request kind where a passing ``is_valid`` may not have seen a value.

The request schemas are closed (``additionalProperties: false``) and give every position a
type, and jsonschema-rs refuses a value with no JSON form wherever it checks a type. What it
does not check in full: the members of an object without ``additionalProperties: false``
(the item's ``properties``, a service point's ``extra_data``), a position without a type, an
array without ``items``, and integers past Python's 4,300-digit limit, which it lets through
``integer`` and type lists (it refuses them only where it checks ``number``).
:mod:`proof` tightens exactly these places.

The places are read from the schema files, so a free-form field added to the contract is
tightened without anyone listing it. A keyword this reading does not know (``if``,
``patternProperties``, ...) is refused, rather than guessed at, when the places are built.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, Literal, NamedTuple
from urllib.parse import urljoin

from sendcloud_contract import pointers, schemas

__all__ = ["Place", "places"]

# The keywords this reading understands; a schema using any other is refused.
_KNOWN_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "title",
        "description",
        "examples",
        "readOnly",
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "required",
        "additionalProperties",
        "properties",
        "items",
        "oneOf",
        "anyOf",
        "allOf",
        "$ref",
    }
)


class Place(NamedTuple):
    """A schema node whose values a passing ``is_valid`` may not have looked at in full."""

    location: str
    """``URI#pointer`` of the node in the shipped files."""
    reason: Literal[
        "open-object", "untyped", "array-without-items", "number-in-type-list", "integer"
    ]


def places(kind: schemas.Kind) -> tuple[Place, ...]:
    """Every free-form place reachable from the root of a request kind."""
    if kind not in schemas.REQUEST_KINDS:
        raise ValueError(f"{kind} is a response kind: its objects are open, nothing is closed")
    return _places_by_kind()[kind]


@functools.cache
def _places_by_kind() -> dict[schemas.Kind, tuple[Place, ...]]:
    memo: Memo = {}
    by_kind = {}
    for kind in schemas.REQUEST_KINDS:
        found: list[Place] = []
        root = schemas.uri_for(kind) + "#"
        _visit(schemas.lookup(root), root, found, (), memo)
        by_kind[kind] = tuple(dict.fromkeys(found))
    return by_kind


def _resolve(node: Any, location: str, trail: tuple[str, ...]) -> Iterator[tuple[Any, str]]:
    """``node`` and every schema it applies unconditionally (``$ref``, ``allOf``)."""
    yield node, location
    if not isinstance(node, dict):
        return
    unknown = node.keys() - _KNOWN_KEYWORDS
    if unknown:
        raise ValueError(f"free-form places: keyword(s) {sorted(unknown)} are not understood")
    reference = node.get("$ref")
    if isinstance(reference, str):
        target = urljoin(location.partition("#")[0], reference)
        if "#" not in target:  # a whole file: its root, spelt as every other location is
            target += "#"
        if target in trail:
            raise ValueError(f"free-form places: {target} refers to itself")
        yield from _resolve(schemas.lookup(target), target, (*trail, target))
    for index, part in enumerate(node.get("allOf", ())):
        yield from _resolve(part, f"{location}/allOf/{index}", trail)


Memo = dict[str, tuple[Place, ...]]
"""The places below each node already visited: shared definitions are read once."""


def _visit(
    node: Any, location: str, found: list[Place], trail: tuple[str, ...], memo: Memo
) -> None:
    if location not in memo:
        below: list[Place] = []
        _visit_node(node, location, below, trail, memo)
        memo[location] = tuple(below)
    found.extend(memo[location])


def _visit_node(
    node: Any, location: str, found: list[Place], trail: tuple[str, ...], memo: Memo
) -> None:
    parts = list(_resolve(node, location, trail))
    if any(part is True for part, _ in parts):
        found.append(Place(location, "untyped"))
        return
    dicts = [(part, where) for part, where in parts if isinstance(part, dict)]
    branches = [
        (branch, f"{where}/{key}/{index}")
        for part, where in dicts
        for key in ("oneOf", "anyOf")
        for index, branch in enumerate(part.get(key, ()))
    ]
    for branch, where in branches:  # whichever branch passed, its places are tightened
        _visit(branch, where, found, trail, memo)
    if not any({"type", "enum", "const"} & part.keys() for part, _ in dicts):
        if not branches:
            found.append(Place(location, "untyped"))
        return
    for part, where in dicts:
        declared = part.get("type")
        if isinstance(declared, list) and {"number", "integer"} & set(declared):
            found.append(Place(where, "number-in-type-list"))
        elif declared == "integer":
            found.append(Place(where, "integer"))
    types = {t for part, _ in dicts for t in _types(part)}
    if "object" in types:
        _visit_object(dicts, location, found, trail, memo)
    if "array" in types:
        items = [(part["items"], f"{where}/items") for part, where in dicts if "items" in part]
        if not items:
            found.append(Place(location, "array-without-items"))
        for item, where in items:
            _visit(item, where, found, trail, memo)


def _visit_object(
    dicts: list[tuple[dict[str, Any], str]],
    location: str,
    found: list[Place],
    trail: tuple[str, ...],
    memo: Memo,
) -> None:
    if not any(part.get("additionalProperties") is False for part, _ in dicts):
        others = [
            (part["additionalProperties"], f"{where}/additionalProperties")
            for part, where in dicts
            if isinstance(part.get("additionalProperties"), dict)
        ]
        if not others:
            found.append(Place(location, "open-object"))
        for schema, where in others:
            _visit(schema, where, found, trail, memo)
    for part, where in dicts:
        for name, schema in part.get("properties", {}).items():
            _visit(schema, f"{where}/properties/{pointers.escape(name)}", found, trail, memo)


def _types(part: dict[str, Any]) -> list[str]:
    declared = part.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)
