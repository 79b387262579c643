"""The contract's shapes matched to the document's operations, through ``OPERATIONS``.

Each operation of the project's one table is found among the document's paths (with or
without the ``/api/v3`` prefix, whatever its path parameter is called); its request
body, its query parameters and its answers per status are paired with the contract's
kinds, and the statuses the table declares are compared with the document's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sendcloud_contract import operations, pointers
from sendcloud_contract.drift._compare import Shape, location
from sendcloud_contract.drift._model import Change, Finding
from sendcloud_contract.drift._normalise import (
    DEFAULT_MAX_NODES,
    Node,
    Normaliser,
    Origin,
    SchemaError,
)
from sendcloud_contract.drift._sources import OpenApi

__all__ = ["OPERATIONS_FILE", "Pair", "pairs"]

OPERATIONS_FILE = "sendcloud_contract/operations.py"
_PARAMETER = re.compile(r"\{[^}/]*\}")


@dataclass(frozen=True)
class Pair:
    """A contract kind and the document's schema for the same shape."""

    shape: Shape
    document: Node


def _routes(api: OpenApi) -> dict[str, tuple[Any, Origin]]:
    found: dict[str, tuple[Any, Origin]] = {}
    for path, item in api.value["paths"].items():
        route = _PARAMETER.sub("{id}", str(path).removeprefix(operations.API_ROOT).rstrip("/"))
        if route in operations.ROUTES and route not in found:
            origin = api.origin(pointers.to_pointer(["paths", path]))
            found[route] = api.follow(item, origin)
    return found


def pairs(api: OpenApi, max_nodes: int = DEFAULT_MAX_NODES) -> tuple[list[Pair], list[Finding]]:
    """The shapes to compare, and the operations and statuses that differ.

    One normaliser serves every shape, so a schema they share is normalised once and
    ``max_nodes`` bounds the work on the whole document.
    """
    normaliser = api.normaliser(max_nodes)
    routes = _routes(api)
    found: list[Pair] = []
    findings: list[Finding] = []
    for op in operations.OPERATIONS:
        contract = Origin(OPERATIONS_FILE, f"/{op.name}")
        item = routes.get(op.route)
        method = op.method.lower()
        if item is None or not isinstance(item[0], dict) or method not in item[0]:
            findings.append(_operation_removed(op, contract, api.origin("/paths")))
            continue
        raw, origin = api.follow(item[0][method], item[1].child(method))
        if not isinstance(raw, dict):
            raise SchemaError("an operation must be an object", origin)
        if op.request_kind is not None:
            body, where = _body(api, raw.get("requestBody"), origin.child("requestBody"))
            shape = Shape(f"{op.key} request", op.request_kind)
            found.append(Pair(shape, normaliser.node(body, where)))
        if op.query_kind is not None:
            shape = Shape(f"{op.key} query", op.query_kind)
            found.append(Pair(shape, _query(api, normaliser, item, raw, origin)))
        responses = raw.get("responses", {})
        if not isinstance(responses, dict):
            raise SchemaError("responses must be an object", origin.child("responses"))
        findings.extend(_statuses(op, responses, origin.child("responses"), contract))
        for status, kind in op.responses.items():
            if kind is None or str(status) not in responses:
                continue
            at = origin.child("responses", str(status))
            body, where = _body(api, responses[str(status)], at)
            found.append(Pair(Shape(f"{op.key} {status}", kind), normaliser.node(body, where)))
    return _distinct(found), findings


def _distinct(found: list[Pair]) -> list[Pair]:
    """One pair per (kind, document schema): the errors body is shared by every 4xx."""
    seen: set[tuple[str | None, Origin]] = set()
    kept = []
    for pair in found:
        key = (pair.shape.kind, pair.document.origin)
        if key not in seen:
            seen.add(key)
            kept.append(pair)
    return kept


def _operation_removed(op: operations.Operation, contract: Origin, paths: Origin) -> Finding:
    return Finding(
        Change.OPERATION_REMOVED,
        op.key,
        None,
        "",
        location(paths),
        location(contract),
        op.key,
        None,
    )


def _statuses(
    op: operations.Operation, responses: dict[str, Any], origin: Origin, contract: Origin
) -> Iterator[Finding]:
    declared = {str(status) for status in op.responses}
    documented = {str(status) for status in responses}
    shape = Shape(op.key, None)
    for status in sorted(declared | documented):
        if status in declared and status in documented:
            continue
        added = status in documented
        yield Finding(
            Change.STATUS_ADDED if added else Change.STATUS_REMOVED,
            shape.name,
            None,
            f"/responses/{status}",
            location(origin.child(status) if added else origin),
            location(contract.child("responses", status)),
            None if added else status,
            status if added else None,
        )


def _body(api: OpenApi, holder: Any, origin: Origin) -> tuple[Any, Origin]:
    """The JSON schema of a request body or response (``{}`` when it declares none)."""
    if holder is None:
        return {}, origin
    holder, origin = api.follow(holder, origin)
    content = holder.get("content") if isinstance(holder, dict) else None
    if not isinstance(content, dict) or not content:
        return {}, origin
    media = next((m for m in content if m == "application/json"), None)
    media = media or next((m for m in content if "json" in str(m)), next(iter(content)))
    entry = content[media]
    schema = entry.get("schema", {}) if isinstance(entry, dict) else {}
    return schema, origin.child("content", media, "schema")


def _query(
    api: OpenApi,
    normaliser: Normaliser,
    item: tuple[Any, Origin],
    raw: dict[str, Any],
    origin: Origin,
) -> Node:
    """The query parameters as one object schema, as the contract's query kind states them."""
    parameters: dict[str, Node] = {}
    required: set[str] = set()
    for holder, where in ((item[0], item[1]), (raw, origin)):
        listed = holder.get("parameters", [])
        if not isinstance(listed, list):
            raise SchemaError("parameters must be a list", where.child("parameters"))
        for index, entry in enumerate(listed):
            parameter, at = api.follow(entry, where.child("parameters", index))
            if not isinstance(parameter, dict) or parameter.get("in") != "query":
                continue
            name = str(parameter.get("name"))
            parameters[name] = normaliser.node(parameter.get("schema", {}), at.child("schema"))
            if parameter.get("required") is True:
                required.add(name)
            else:
                required.discard(name)
    return Node(
        origin.child("parameters"),
        types=frozenset({"object"}),
        properties=parameters,
        required=frozenset(required),
    )
