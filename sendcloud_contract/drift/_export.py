"""The contract written as an OpenAPI 3.1 document: the baseline drift compares against.

Drift on this document finds nothing by construction, so a copy with one edit shows
exactly that edit; the tests and ``examples/openapi/`` are built this way.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urljoin

from sendcloud_contract import operations, pointers, schemas

__all__ = ["contract_openapi"]


def _component(uri: str) -> str:
    return uri.removeprefix(schemas.BASE_URI).removesuffix(".schema.json")


def _local_refs(node: Any, base: str) -> Any:
    """``$ref``s between the shipped files rewritten to ``#/components/schemas/...``."""
    if isinstance(node, list):
        return [_local_refs(value, base) for value in node]
    if not isinstance(node, dict):
        return node
    rewritten = {k: _local_refs(v, base) for k, v in node.items() if k not in ("$id", "$schema")}
    if isinstance(node.get("$ref"), str):
        uri, _, fragment = urljoin(base, node["$ref"]).partition("#")
        rewritten["$ref"] = "#" + pointers.to_pointer(["components", "schemas", _component(uri)])
        rewritten["$ref"] += fragment
    return rewritten


def _content(kind: str | None) -> dict[str, Any]:
    if kind is None:
        return {"description": "no content"}
    ref = {"$ref": f"#/components/schemas/{kind}"}
    return {"description": kind, "content": {"application/json": {"schema": ref}}}


def contract_openapi() -> dict[str, Any]:
    """Every operation of ``OPERATIONS`` with the contract's kinds as its schemas."""
    components = {
        _component(uri): _local_refs(document, uri) for uri, document in schemas.schema_resources()
    }
    paths: dict[str, dict[str, Any]] = {}
    for op in operations.OPERATIONS:
        entry: dict[str, Any] = {
            "operationId": op.name,
            "responses": {str(status): _content(kind) for status, kind in op.responses.items()},
        }
        if op.request_kind is not None:
            entry["requestBody"] = _content(op.request_kind)
        if op.query_kind is not None:
            query = components[op.query_kind]
            entry["parameters"] = [
                {"in": "query", "name": name, "schema": copy.deepcopy(schema)}
                for name, schema in query["properties"].items()
            ]
        paths.setdefault(op.route, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "sendcloud-contract: the Orders API v3 contract", "version": "3"},
        "paths": paths,
        "components": {"schemas": components},
    }
