"""What the strategies read from the shipped schema files: enums and nullable members.

Drawing enums from the schemas keeps the strategies in step with the contract they target.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from sendcloud_contract import schemas

COMMON_URI = schemas.BASE_URI + "common.schema.json"


def resolve(node: Mapping[str, Any], base: str) -> tuple[Mapping[str, Any], str]:
    """Follow ``$ref`` chains through the shipped files (no network, ever)."""
    while "$ref" in node:
        uri = urljoin(base, node["$ref"])
        node, base = schemas.lookup(uri), uri.partition("#")[0]
    return node, base


def _definition(name: str) -> Mapping[str, Any]:
    return resolve({"$ref": f"{COMMON_URI}#/$defs/{name}"}, COMMON_URI)[0]


@functools.cache
def schema_enum(definition: str, member: str | None = None) -> tuple[str, ...]:
    """An enum of the contract, in schema order (the first value is what shrinking reaches)."""
    node = _definition(definition)
    if member is not None:
        node = resolve(node["properties"][member], COMMON_URI)[0]
    return tuple(node["enum"])


@functools.cache
def nullable_members(definition: str) -> frozenset[str]:
    properties = _definition(definition)["properties"]
    return frozenset(
        name
        for name, node in properties.items()
        if isinstance(node.get("type"), list) and "null" in node["type"]
    )
