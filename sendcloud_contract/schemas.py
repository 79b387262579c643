"""The shipped JSON Schemas, found by kind, resolved through one local registry.

The files under ``schemas/`` state the closed contract: request shapes reject
unknown properties. Response kinds are checked against an *open* view of the
same files (every ``additionalProperties: false`` dropped), because Sendcloud
adds fields to its answers without notice.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, cast

import jsonschema_rs
import orjson

from sendcloud_contract import pointers

__all__ = [
    "BASE_URI",
    "KINDS",
    "REQUEST_KINDS",
    "RESPONSE_KINDS",
    "Kind",
    "schema",
    "schema_dir",
    "schema_resources",
]

BASE_URI = "https://schemas.sendcloud-contract.invalid/v3/orders/"

Kind = Literal[
    "order",
    "order-batch",
    "order-batch-response",
    "order-list-response",
    "order-response",
    "order-update",
    "order-update-response",
    "errors",
    "order-list-query",
]
REQUEST_KINDS: tuple[Kind, ...] = ("order", "order-batch", "order-update", "order-list-query")
RESPONSE_KINDS: tuple[Kind, ...] = (
    "order-batch-response",
    "order-list-response",
    "order-response",
    "order-update-response",
    "errors",
)
KINDS: tuple[Kind, ...] = REQUEST_KINDS + RESPONSE_KINDS


def schema_dir() -> Path:
    """Where the schema files are: inside the installed wheel, or in a source checkout."""
    # A wheel installs the package as plain files, so the package folder is the resource root
    # (importlib.resources would add a tenth of the command's start-up time for the same path).
    packaged = Path(__file__).resolve().parent / "_schemas" / "v3" / "orders"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "schemas" / "v3" / "orders"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the sendcloud-contract schema files are missing from this install")


@functools.cache
def _raw_resources() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(schema_dir().glob("*.schema.json")):
        document = orjson.loads(path.read_bytes())
        found[document["$id"]] = document
    return found


def _opened(node: Any) -> Any:
    """A copy of a schema with every ``additionalProperties: false`` removed."""
    if isinstance(node, dict):
        return {
            key: _opened(value)
            for key, value in node.items()
            if not (key == "additionalProperties" and value is False)
        }
    if isinstance(node, list):
        return [_opened(value) for value in node]
    return node


@functools.cache
def _resources(open_view: bool) -> Mapping[str, dict[str, Any]]:
    raw = _raw_resources()
    return {uri: _opened(doc) for uri, doc in raw.items()} if open_view else raw


def schema_resources(*, open_view: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema file as ``($id, document)``, copied so callers may keep them."""
    for uri, document in _resources(open_view).items():
        yield uri, orjson.loads(orjson.dumps(document))  # a deep copy, several times faster


def resource(uri: str) -> dict[str, Any]:
    """A shipped schema file by its ``$id`` (shared, do not modify)."""
    return _raw_resources()[uri]


def lookup(location: str) -> Any:
    """The node a ``URI#pointer`` names in the shipped files (shared, do not modify)."""
    uri, _, fragment = location.partition("#")
    node: Any = resource(uri)
    for token in pointers.split(fragment):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def uri_for(kind: Kind) -> str:
    """The ``$id`` of the root schema of a kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return f"{BASE_URI}{kind}.schema.json"


def schema(kind: Kind) -> dict[str, Any]:
    """The raw root schema of a kind (the open view for response kinds)."""
    return copy.deepcopy(_resources(kind in RESPONSE_KINDS)[uri_for(kind)])


def _refuse_retrieval(uri: str) -> Any:
    raise LookupError(f"{uri} is not a shipped schema; sendcloud-contract never fetches schemas")


def local_registry(resources: Mapping[str, Any]) -> jsonschema_rs.Registry:
    """A registry of these resources only; unknown URIs fail instead of being fetched."""
    return jsonschema_rs.Registry(resources=list(resources.items()), retriever=_refuse_retrieval)


@functools.cache
def registry(open_view: bool) -> jsonschema_rs.Registry:
    """One registry of the shipped resources."""
    return local_registry(_resources(open_view))


@functools.cache
def compiled(kind: Kind) -> jsonschema_rs.Validator:
    """A compiled validator for a kind, with formats asserted."""
    open_view = kind in RESPONSE_KINDS
    return cast(
        jsonschema_rs.Validator,
        jsonschema_rs.Draft202012Validator(
            {"$ref": uri_for(kind)},
            registry=registry(open_view),
            validate_formats=True,
            ignore_unknown_formats=False,
        ),
    )
