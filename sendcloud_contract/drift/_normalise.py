"""One canonical form for a schema, so that a change of spelling is not drift.

Both sides go through it: the document's schemas (local ``#/...`` references, OpenAPI
3.0 or 3.1) and the contract's (references between the shipped files by ``$id``).
``$ref`` is followed (a cycle stops at the second visit), ``allOf`` is merged,
a one-branch ``oneOf``/``anyOf`` is unwrapped, ``nullable: true`` becomes ``null``
in the type list, ``const`` is a one-value enum, a vacuous bound (``minItems: 0``)
is no bound, and OpenAPI 3.0's boolean ``exclusiveMinimum`` takes 3.1's spelling.
Annotations (descriptions, examples, titles, ``readOnly``) and
``additionalProperties`` are not compared and are dropped.

A referenced schema is normalised once and its node shared by every place that
refers to it, so references to references cost the document's size, not the size
of their expansion; nodes are never changed once built. The work is bounded all
the same (``max_nodes``), as schemas full of cycles cannot be shared that way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sendcloud_contract import pointers

__all__ = [
    "BOUNDS",
    "DEFAULT_MAX_NODES",
    "Node",
    "Normaliser",
    "Origin",
    "SchemaError",
    "SchemaTooLarge",
    "value_key",
]

# Each bound and how two of them combine under allOf (the stricter one wins).
_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
BOUNDS = (*_LOWER, *_UPPER, "multipleOf", "pattern", "uniqueItems")
_VACUOUS = {"minLength": 0, "minItems": 0, "minProperties": 0, "uniqueItems": False}
# The published document takes a few hundred nodes: a hundred times that leaves room to spare.
DEFAULT_MAX_NODES = 50_000


class SchemaError(Exception):
    """A schema that cannot be read: a broken or non-local ``$ref``, a malformed keyword."""

    def __init__(self, message: str, origin: Origin) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin


class SchemaTooLarge(SchemaError):
    """The schemas expand to more nodes than the normaliser may build (``max_nodes``)."""


@dataclass(frozen=True)
class Origin:
    """Where a schema node is written: a file (or the document) and a pointer in it."""

    file: str
    pointer: str

    def child(self, *tokens: str | int) -> Origin:
        return Origin(self.file, self.pointer + pointers.to_pointer(tokens))


@dataclass
class Node:
    """A schema in canonical form; ``None`` for ``types`` means any type."""

    origin: Origin
    types: frozenset[str] | None = None
    properties: dict[str, Node] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    items: Node | None = None
    enum: tuple[Any, ...] | None = None
    format: str | None = None
    bounds: dict[str, Any] = field(default_factory=dict)
    branches: tuple[Node, ...] = ()
    cycle: bool = False


# (target schema, where it is, the base for references inside it)
Resolver = Callable[[str, str, Origin], tuple[Any, Origin, str]]


class Normaliser:
    """Turns raw schemas into :class:`Node` trees, following references with ``resolve``.

    ``ref_siblings`` says whether keywords beside ``$ref`` apply (JSON Schema 2020-12 and
    OpenAPI 3.1) or are ignored (OpenAPI 3.0). ``max_nodes`` bounds the nodes built and
    merged in the normaliser's life; past it, :class:`SchemaTooLarge` is raised.
    """

    def __init__(
        self, resolve: Resolver, *, ref_siblings: bool = True, max_nodes: int = DEFAULT_MAX_NODES
    ) -> None:
        self._resolve = resolve
        self._ref_siblings = ref_siblings
        self._max_nodes = max_nodes
        self._work = 0
        self._cycles = 0
        self._references: dict[tuple[Origin, str], Node] = {}
        # Keyed by the ids of the two nodes, which the value keeps alive.
        self._merges: dict[tuple[int, int], tuple[Node, Node, Node]] = {}

    def node(self, raw: Any, origin: Origin, base: str = "") -> Node:
        return self._node(raw, origin, base, frozenset())

    def _spend(self, origin: Origin) -> None:
        self._work += 1
        if self._work > self._max_nodes:
            raise SchemaTooLarge(f"the schemas expand to more than {self._max_nodes} nodes", origin)

    def _node(self, raw: Any, origin: Origin, base: str, seen: frozenset[Origin]) -> Node:
        self._spend(origin)
        if raw is True or raw == {}:
            return Node(origin)
        if not isinstance(raw, dict):
            raise SchemaError(f"a schema must be an object, not {_json_type(raw)}", origin)
        parts: list[Node] = []
        own = raw
        if "$ref" in raw:
            target = self._reference(raw["$ref"], origin, base, seen)
            siblings = {k: v for k, v in raw.items() if k != "$ref"} if self._ref_siblings else {}
            if not _constraining(siblings):
                return target
            parts.append(target)
            own = siblings
        for index, part in enumerate(_list(own, "allOf", origin)):
            parts.append(self._node(part, origin.child("allOf", index), base, seen))
        branches: tuple[Node, ...] = ()
        for keyword in ("oneOf", "anyOf"):
            options = _list(own, keyword, origin)
            found = [
                self._node(option, origin.child(keyword, index), base, seen)
                for index, option in enumerate(options)
            ]
            if len(found) == 1:
                parts.extend(found)
            elif found and not branches:
                branches = tuple(found)
        local = self._local(own, origin, base, seen)
        merged = self.merge([local, *parts], origin)
        if branches:
            merged.branches = branches
            merged.types = _intersect(merged.types, _union(b.types for b in branches))
        return merged

    def _reference(self, ref: Any, origin: Origin, base: str, seen: frozenset[Origin]) -> Node:
        """The node of a reference's target, built once when no cycle is inside it.

        Without a cycle inside, the node reads the same from every place that refers to
        it, so it is shared; with one, it ends where the path to it was, so it is not.
        """
        if not isinstance(ref, str):
            raise SchemaError("$ref must be a string", origin.child("$ref"))
        target, where, target_base = self._resolve(ref, base, origin)
        done = self._references.get((where, target_base))
        if done is not None:
            return done
        if where in seen:
            self._cycles += 1
            return Node(where, cycle=True)
        cycles = self._cycles
        node = self._node(target, where, target_base, seen | {where})
        if self._cycles == cycles:
            self._references[(where, target_base)] = node
        return node

    def _local(
        self, raw: dict[str, Any], origin: Origin, base: str, seen: frozenset[Origin]
    ) -> Node:
        node = Node(origin, types=_types(raw, origin))
        if "enum" in raw:
            if not isinstance(raw["enum"], list):
                raise SchemaError("enum must be a list", origin.child("enum"))
            node.enum = tuple(raw["enum"])
        if "const" in raw:
            node.enum = (raw["const"],)
        if isinstance(raw.get("format"), str):
            node.format = raw["format"]
        node.bounds = _bounds(raw)
        properties = raw.get("properties", {})
        if not isinstance(properties, dict):
            raise SchemaError("properties must be an object", origin.child("properties"))
        node.properties = {
            name: self._node(value, origin.child("properties", name), base, seen)
            for name, value in properties.items()
        }
        required = raw.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise SchemaError("required must be a list of names", origin.child("required"))
        node.required = frozenset(required)
        if isinstance(raw.get("items"), (dict, bool)):
            node.items = self._node(raw["items"], origin.child("items"), base, seen)
        return node

    def merge(self, nodes: list[Node], origin: Origin) -> Node:
        """The conjunction of schemas (``allOf``): every constraint of every part applies."""
        if len(nodes) == 1:
            return replace(nodes[0], origin=origin)
        self._spend(origin)
        result = Node(origin)
        for node in nodes:
            result.types = _intersect(result.types, node.types)
            for name, child in node.properties.items():
                mine = result.properties.get(name)
                result.properties[name] = child if mine is None else self._inner(mine, child)
            result.required |= node.required
            if node.items is not None:
                result.items = (
                    node.items if result.items is None else self._inner(result.items, node.items)
                )
            if node.enum is not None:
                result.enum = (
                    node.enum
                    if result.enum is None
                    else tuple(
                        v for v in result.enum if value_key(v) in {value_key(w) for w in node.enum}
                    )
                )
            result.format = result.format or node.format
            for keyword, value in node.bounds.items():
                result.bounds[keyword] = _stricter(keyword, result.bounds.get(keyword), value)
            result.branches = result.branches or node.branches
            result.cycle = result.cycle or node.cycle
        return result

    def _inner(self, mine: Node, other: Node) -> Node:
        """Two nodes met under one name while merging; shared nodes merge once a pair."""
        if mine is other:
            return mine
        done = self._merges.get((id(mine), id(other)))
        if done is None:
            done = (mine, other, self.merge([mine, other], mine.origin))
            self._merges[(id(mine), id(other))] = done
        return done[2]


def _constraining(keywords: dict[str, Any]) -> bool:
    return any(key not in _ANNOTATIONS and not key.startswith("x-") for key in keywords)


_ANNOTATIONS = frozenset(
    {
        "$id",
        "$schema",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "example",
        "examples",
        "default",
        "readOnly",
        "writeOnly",
        "deprecated",
        "externalDocs",
        "xml",
        "discriminator",
        "additionalProperties",
    }
)


def _list(raw: dict[str, Any], keyword: str, origin: Origin) -> list[Any]:
    value = raw.get(keyword, [])
    if not isinstance(value, list):
        raise SchemaError(f"{keyword} must be a list of schemas", origin.child(keyword))
    return value


def _types(raw: dict[str, Any], origin: Origin) -> frozenset[str] | None:
    written = raw.get("type")
    if written is None:
        types = None
    elif isinstance(written, str):
        types = frozenset({written})
    elif isinstance(written, list) and all(isinstance(t, str) for t in written):
        types = frozenset(written)
    else:
        raise SchemaError("type must be a name or a list of names", origin.child("type"))
    if raw.get("nullable") is True and types is not None:
        types |= {"null"}
    return types


def _bounds(raw: dict[str, Any]) -> dict[str, Any]:
    found = {k: raw[k] for k in BOUNDS if k in raw and _VACUOUS.get(k, object()) != raw[k]}
    for exclusive, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = found.get(exclusive)
        if isinstance(flag, bool):  # OpenAPI 3.0: a flag on the inclusive bound
            del found[exclusive]
            if flag and inclusive in found:
                found[exclusive] = found.pop(inclusive)
    return found


def _stricter(keyword: str, old: Any, new: Any) -> Any:
    if old is None or old == new:
        return new
    if keyword in _LOWER and _numbers(old, new):
        return max(old, new)
    if keyword in _UPPER and _numbers(old, new):
        return min(old, new)
    return old


def _numbers(*values: Any) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _intersect(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None:
        return b
    if b is None:
        return a
    both = a & b
    if ("integer" in a and "number" in b) or ("number" in a and "integer" in b):
        both |= {"integer"}
    return both


def _union(types: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    result: frozenset[str] = frozenset()
    for each in types:
        if each is None:
            return None
        result |= each
    return result


def value_key(value: Any) -> str:
    """Values compared as JSON (enum members may be lists or objects)."""
    return json.dumps(value, sort_keys=True)


def _json_type(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )
