"""The two sides of a comparison: the OpenAPI document and the contract's schema files.

The document is read with the project's loader (safe YAML or strict JSON, positions,
duplicate keys, size and depth limits); every way it can fail is a
:class:`DriftProblem`. Each side supplies the resolver its schemas' ``$ref`` need.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from sendcloud_contract import pointers, schemas
from sendcloud_contract.drift._model import DriftProblem
from sendcloud_contract.drift._normalise import DEFAULT_MAX_NODES, Normaliser, Origin, SchemaError
from sendcloud_contract.loading import DEFAULT_MAX_BYTES, Document, detect_format, load_path

__all__ = [
    "CONTRACT_DIR",
    "OpenApi",
    "contract_normaliser",
    "contract_origin",
    "contract_positions",
    "load_one",
]

CONTRACT_DIR = "schemas/v3/orders/"
# Published documents nest their examples deeply; payloads get the stricter default.
_MAX_DEPTH = 256
_VERSIONS = ("3.0", "3.1")


def load_one(path: str) -> Document | DriftProblem:
    """One YAML or JSON document from a file, or why it cannot be read."""
    fmt = detect_format(path)
    documents = load_path(
        path,
        fmt="json" if fmt == "json" else "yaml",
        max_bytes=DEFAULT_MAX_BYTES * 5,
        max_depth=_MAX_DEPTH,
    )
    if len(documents) != 1:
        return DriftProblem(
            f"the file holds {len(documents)} YAML documents, not one",
            "Keep exactly one document in the file.",
            path,
        )
    (document,) = documents
    if document.problems:
        problem = document.problems[0]
        return DriftProblem(
            problem.message, problem.hint, path, problem.line, problem.column, problem.pointer
        )
    return document


@dataclass
class OpenApi:
    """A loaded OpenAPI document: its value, where it came from, and positions in it."""

    path: str
    value: dict[str, Any]
    version: str
    locate: Callable[[str], tuple[int, int] | None]

    @classmethod
    def load(cls, path: str) -> OpenApi | DriftProblem:
        loaded = load_one(path)
        if isinstance(loaded, DriftProblem):
            return loaded
        value = loaded.value
        if not isinstance(value, dict):
            return DriftProblem(
                "an OpenAPI document is a mapping at the top level",
                "Pass Sendcloud's published OpenAPI document (YAML or JSON).",
                path,
            )
        version = value.get("openapi")
        if not isinstance(version, str) or not version.startswith(_VERSIONS):
            line, column = loaded.locate("/openapi") or (None, None)
            return DriftProblem(
                f"not an OpenAPI 3.0 or 3.1 document (openapi: {version!r})",
                "drift reads OpenAPI 3.0 and 3.1 documents; convert Swagger 2.0 first.",
                path,
                line,
                column,
            )
        if not isinstance(value.get("paths"), dict):
            return DriftProblem(
                "the document has no paths",
                "Pass the OpenAPI document of the Orders API, with its paths.",
                path,
            )
        return cls(path, value, version[:3], loaded.locate)

    def origin(self, pointer: str) -> Origin:
        return Origin(self.path, pointer)

    def at(self, origin: Origin) -> Any:
        """The value at a pointer of the document; ``SchemaError`` when nothing is there."""
        node = pointers.resolve(self.value, origin.pointer)
        if node is pointers.MISSING:
            raise SchemaError(f"nothing at {origin.pointer} in the document", origin)
        return node

    def follow(self, value: Any, origin: Origin) -> tuple[Any, Origin]:
        """An object with ``$ref`` (a response, a parameter) replaced by its target."""
        for _ in range(64):
            if not (isinstance(value, dict) and "$ref" in value):
                return value, origin
            origin = self._target(value["$ref"], origin)
            value = self.at(origin)
        raise SchemaError("a chain of more than 64 $ref", origin)

    def _target(self, ref: Any, origin: Origin) -> Origin:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise SchemaError(
                f"only local references (#/...) are read, not {ref!r}", origin.child("$ref")
            )
        return Origin(self.path, ref[1:])

    def normaliser(self, max_nodes: int = DEFAULT_MAX_NODES) -> Normaliser:
        def resolve(ref: str, base: str, origin: Origin) -> tuple[Any, Origin, str]:
            target = self._target(ref, origin)
            return self.at(target), target, base

        return Normaliser(resolve, ref_siblings=self.version != "3.0", max_nodes=max_nodes)


def _contract_file(uri: str) -> str:
    return CONTRACT_DIR + uri.removeprefix(schemas.BASE_URI)


def contract_origin(kind: schemas.Kind) -> tuple[Any, Origin, str]:
    """A kind's root schema, where it is written, and its base URI."""
    uri = schemas.uri_for(kind)
    return schemas.resource(uri), Origin(_contract_file(uri), ""), uri


def contract_normaliser() -> Normaliser:
    def resolve(ref: str, base: str, origin: Origin) -> tuple[Any, Origin, str]:
        uri, _, fragment = urljoin(base, ref).partition("#")
        try:
            target = schemas.lookup(f"{uri}#{fragment}")
        except (KeyError, IndexError, ValueError):
            raise SchemaError(f"the shipped schemas have no {ref}", origin) from None
        return target, Origin(_contract_file(uri), fragment), uri

    return Normaliser(resolve)


@functools.cache
def _contract_document(file: str) -> Document | None:
    path = os.path.join(schemas.schema_dir(), file.removeprefix(CONTRACT_DIR))
    loaded = load_path(path)
    return loaded[0] if len(loaded) == 1 and not loaded[0].fatal else None


def contract_positions(origin: Origin) -> tuple[int, int] | None:
    """Line and column of a place in a shipped schema file (or its closest ancestor)."""
    if not origin.file.startswith(CONTRACT_DIR):
        return None
    document = _contract_document(origin.file)
    return None if document is None else document.locate(origin.pointer)
