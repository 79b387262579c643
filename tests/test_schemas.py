"""The shipped schemas: well-formed, self-contained, and true to Sendcloud's examples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.exceptions

from sendcloud_contract import schemas, validate
from sendcloud_contract.operations import OPERATIONS
from sendcloud_contract.schemas import KINDS, RESPONSE_KINDS

FILES = sorted(schemas.schema_dir().glob("*.schema.json"))


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _python_registry() -> referencing.Registry[Any]:
    def refuse(uri: str) -> referencing.Resource[Any]:
        raise referencing.exceptions.NoSuchResource(ref=uri)

    return referencing.Registry(retrieve=refuse).with_resources(
        (uri, referencing.Resource.from_contents(doc)) for uri, doc in schemas.schema_resources()
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_is_a_valid_draft_2020_12_schema(path: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == schemas.BASE_URI + path.name


def test_every_kind_has_its_own_file() -> None:
    names = {p.name for p in FILES}
    for kind in KINDS:
        assert f"{kind}.schema.json" in names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_ref_resolves_locally(path: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    resolver = _python_registry().resolver(base_uri=document["$id"])
    for ref in _refs(document):
        resolved = resolver.lookup(ref)
        assert isinstance(resolved.contents, dict), ref


def test_requests_are_closed_and_responses_open() -> None:
    request = schemas.schema("order")
    assert request["additionalProperties"] is False
    response = schemas.schema("order-list-response")
    assert "additionalProperties" not in response
    assert all(
        "additionalProperties" not in json.dumps(doc).replace('"additionalProperties": true', "")
        for _, doc in schemas.schema_resources(open_view=True)
    )


def test_schema_by_kind_is_a_copy() -> None:
    first = schemas.schema("order")
    first["title"] = "changed"
    assert schemas.schema("order")["title"] != "changed"


def test_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown kind 'orders'"):
        schemas.schema("orders")  # type: ignore[arg-type]


def _request_examples(reference: dict[str, Any]) -> dict[str, Any]:
    content = reference["paths"]["/orders"]["post"]["requestBody"]["content"]
    return {name: ex["value"] for name, ex in content["application/json"]["examples"].items()}


def _response_examples(reference: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(name, kind, body) of every documented response example."""
    paths = reference["paths"]
    named = reference["components"]["responses"]
    for op in OPERATIONS:
        for status, response in paths[op.route][op.method.lower()]["responses"].items():
            if "$ref" in response:
                response = named[response["$ref"].rsplit("/", 1)[-1]]
            kind, documented = op.response_kind(int(status))
            assert documented, f"{op.key} {status}"
            if kind is None:
                continue
            examples = response.get("content", {}).get("application/json", {}).get("examples", {})
            for name, example in examples.items():
                yield f"{op.method.lower()} {op.route} {status} {name}", kind, example["value"]
    for name, example in named["Unauthorized"]["content"]["application/json"]["examples"].items():
        yield f"401 {name}", "errors", example["value"]


def test_every_documented_request_example_is_valid(reference: dict[str, Any]) -> None:
    examples = _request_examples(reference)
    assert len(examples) >= 9
    for name, body in examples.items():
        report = validate(body, "order-batch")
        assert report.errors == [], name


def test_every_documented_patch_example_is_valid(reference: dict[str, Any]) -> None:
    content = reference["paths"]["/orders/{id}"]["patch"]["requestBody"]["content"]
    for name, example in content["application/json"]["examples"].items():
        assert validate(example["value"], "order-update").violations == [], name


def test_every_documented_response_example_is_valid(reference: dict[str, Any]) -> None:
    seen = 0
    for name, kind, body in _response_examples(reference):
        seen += 1
        assert validate(body, kind).violations == [], name
    assert seen >= 20


def test_every_documented_response_example_is_recognised(reference: dict[str, Any]) -> None:
    for name, kind, body in _response_examples(reference):
        assert validate(body).kind == kind, name


def test_python_jsonschema_agrees_with_the_engine_on_the_examples(
    reference: dict[str, Any],
) -> None:
    """The compiled engine and the reference implementation give the same verdicts."""
    registry = _python_registry()
    bodies: list[tuple[str, Any]] = [
        ("order-batch", body) for body in _request_examples(reference).values()
    ]
    bodies += [(kind, body) for _, kind, body in _response_examples(reference)]
    broken = json.loads(json.dumps(bodies[0][1]))
    broken[0]["order_details"]["order_items"][0]["quantity"] = 0
    bodies.append(("order-batch", broken))
    bodies.append(
        ("order-batch-response", {"data": [{"id": "664", "order_id": "1", "order_number": "1"}]})
    )
    verdicts = []
    for kind, body in bodies:
        root = schemas.schema(kind)
        python = jsonschema.Draft202012Validator(
            root,
            registry=registry if kind not in RESPONSE_KINDS else _open_registry(),
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        expected = python.is_valid(body)
        assert schemas.compiled(kind).is_valid(body) is expected, kind
        verdicts.append(expected)
    assert True in verdicts
    assert False in verdicts


def _open_registry() -> referencing.Registry[Any]:
    return referencing.Registry().with_resources(
        (uri, referencing.Resource.from_contents(doc))
        for uri, doc in schemas.schema_resources(open_view=True)
    )


def _file_references(node: object) -> set[str]:
    if isinstance(node, dict):
        reference = node.get("$ref")
        found = set()
        if isinstance(reference, str) and not reference.startswith("#"):
            found.add(schemas.BASE_URI + reference.partition("#")[0])
        for value in node.values():
            found |= _file_references(value)
        return found
    if isinstance(node, list):
        return set().union(*(_file_references(value) for value in node))
    return set()


@pytest.mark.parametrize("kind", schemas.KINDS)
def test_a_kind_registers_exactly_the_files_it_refers_to(kind: schemas.Kind) -> None:
    # Compiling a kind reads only the files its schema reaches through $ref; a reference
    # the scan missed would make the compiled validator fail to resolve it.
    needed = list(schemas.needed_resources(kind))
    reached = {schemas.uri_for(kind)}
    while True:
        more = set().union(*(_file_references(schemas.resource(uri)) for uri in reached))
        if more <= reached:
            break
        reached |= more
    assert needed[0] == schemas.uri_for(kind)
    assert set(needed) == reached


def test_a_schema_outside_the_shipped_files_is_never_read() -> None:
    for uri in (
        schemas.BASE_URI + "../order.schema.json",
        schemas.BASE_URI + "missing.schema.json",
        "https://example.com/order.schema.json",
    ):
        with pytest.raises(LookupError):
            schemas.resource(uri)
