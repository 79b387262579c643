"""The shipped JSON Schemas, found by kind, resolved through one local registry.

The files under ``schemas/`` state the closed contract: request shapes reject
unknown properties. Response kinds are checked against an *open* view of the
same files (every ``additionalProperties: false`` dropped), because Sendcloud
adds fields to its answers without notice.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

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


@functools.cache
def schema_dir() -> Path:
    """Where the schema files are: inside the installed wheel, or in a source checkout."""
    # A wheel installs the package as plain files, so the package folder is the resource root.
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
        document = resource(BASE_URI + path.name)
        found[document["$id"]] = document
    return found


@functools.cache
def resource(uri: str) -> dict[str, Any]:
    """A shipped schema file by its ``$id`` (every file's ``$id`` is its name under
    :data:`BASE_URI`), read on first use (shared, do not modify)."""
    name = uri[len(BASE_URI) :] if uri.startswith(BASE_URI) else ""
    path = schema_dir() / name
    if "/" in name or not name.endswith(".schema.json") or not path.is_file():
        raise LookupError(f"{uri} is not a shipped schema")
    document: dict[str, Any] = orjson.loads(path.read_bytes())
    if document.get("$id") != uri:
        raise LookupError(f"{path.name} names itself {document.get('$id')!r}, not {uri}")
    return document


# A reference to another file: the file part of a "$ref" value, before any "#".
_FILE_REFERENCE = re.compile(rb'"\$ref"\s*:\s*"([^"#]+)')


def _needed(uri: str) -> list[str]:
    """The shipped files a root schema refers to, directly or through one another, itself first.

    The references are relative names of files beside it; compiling one kind therefore
    reads three of the dozen files, not all of them.
    """
    found = [uri]
    for current in found:
        raw = orjson.dumps(resource(current))
        for match in _FILE_REFERENCE.finditer(raw):
            target = BASE_URI + match.group(1).decode()
            if target not in found:
                found.append(target)
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
        yield uri, orjson.loads(orjson.dumps(document))  # a deep copy of plain JSON


def lookup(location: str) -> Any:
    """The node a ``URI#pointer`` names in the shipped files (shared, do not modify)."""
    uri, _, fragment = location.partition("#")
    node = pointers.resolve(resource(uri), fragment)
    if node is pointers.MISSING:
        raise KeyError(f"nothing at {location}")
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


def needed_resources(kind: Kind) -> dict[str, dict[str, Any]]:
    """The shipped files a kind's schema needs, by ``$id``, its own first (shared, do not
    modify): a run that meets one kind reads three files, not every shipped one."""
    return {uri: resource(uri) for uri in _needed(uri_for(kind))}


@functools.cache
def compiled(kind: Kind) -> jsonschema_rs.Validator:
    """A compiled validator for a kind, with formats asserted.

    Its registry holds only the files the kind's schema refers to (:func:`needed_resources`),
    and an unknown URI fails instead of being fetched.
    """
    needed = needed_resources(kind)
    if kind in RESPONSE_KINDS:
        needed = {uri: _opened(document) for uri, document in needed.items()}
    registry = jsonschema_rs.Registry(resources=list(needed.items()), retriever=_refuse_retrieval)
    return jsonschema_rs.Draft202012Validator(
        {"$ref": uri_for(kind)},
        registry=registry,
        validate_formats=True,
        ignore_unknown_formats=False,
    )
