"""The fast proof stands on the engine's behaviour: these tests hold it there.

``proof.holds`` says "valid, JSON, no finding" after one pass of jsonschema-rs over a tightened
copy of the contract. That is only sound while the engine looks at every value of a closed
request kind. So at every position of a rich valid example (every optional field present),
and as an extra member of every object, each kind of value without a JSON form is put in;
the proof must refuse it, and validate() must name it as not-json at its pointer.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import jsonschema_rs
import orjson
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from sendcloud_contract import free_form, pointers, proof, rules, schemas, validate
from sendcloud_contract.loading import load_bytes
from sendcloud_contract.strategies._edge import _every_field
from sendcloud_contract.validation import validate_documents

Path = tuple[str | int, ...]


def _looped() -> list[Any]:
    looped: list[Any] = []
    looped.append(looped)
    return looped


# (name, a fresh value, where its not-json finding points relative to where it was put)
WITHOUT_JSON_FORM: list[tuple[str, Any, Path]] = [
    ("set", lambda: {"gift"}, ()),
    ("bytes", lambda: b"gift", ()),
    ("datetime", lambda: datetime.datetime(2026, 10, 1, 10, 0), ()),
    ("complex", lambda: 1j, ()),
    ("float-nan", lambda: float("nan"), ()),
    ("float-inf", lambda: float("inf"), ()),
    ("decimal-nan", lambda: decimal.Decimal("NaN"), ()),
    ("int-key", lambda: {1: "one"}, ()),
    ("object", object, ()),
    ("looped-list", _looped, (0,)),
    ("int-5000-digits", lambda: 10**5000, ()),
]

LIST_QUERY = {
    "integration": "41,68",
    "order_number": "5501",
    "order_id": "WEB-5501",
    "status": "fulfilled",
    "order_created_at": "2026-10-01",
    "order_created_at_min": "2026-09-01",
    "order_created_at_max": "2026-10-31",
    "order_updated_at": "2026-10-02",
    "order_updated_at_min": "2026-09-02",
    "order_updated_at_max": "2026-10-30",
    "sort": "-order_created_at,order_number",
    "page_size": "50",
    "cursor": "cj0xJnA9MzAw",
}


@pytest.fixture(scope="module")
def rich_order() -> dict[str, Any]:
    """An order with every optional field (the smallest one Hypothesis finds)."""
    found: dict[str, Any] = find(
        _every_field(), lambda order: True, settings=settings(database=None)
    )
    # Sendcloud's id too, which the strategies leave out: it names an order already stored.
    return {"id": "1", **found}


def _by_carrier_id(order: dict[str, Any]) -> dict[str, Any]:
    """The same order with the service point's other alternative, the carrier's own id."""
    other = copy.deepcopy(order)
    point = other["service_point_details"]
    point["carrier_service_point_id"] = point.pop("id")
    other["order_id"] += "-B"
    return other


@pytest.fixture(scope="module")
def examples(rich_order: dict[str, Any]) -> dict[str, list[Any]]:
    """Rich valid examples of each closed request kind; together they hold every field."""
    by_carrier = _by_carrier_id(rich_order)
    update = copy.deepcopy(by_carrier)
    update["customer_details"]["phone"] = update["customer_details"].pop("phone_number")
    return {
        "order": [rich_order, by_carrier],
        "order-batch": [[rich_order, by_carrier]],
        "order-update": [rich_order, update],
        "order-list-query": [LIST_QUERY],
    }


def _schema_fields(node: Any, base: str, path: tuple[str, ...], out: set[tuple[str, ...]]) -> None:
    """Every member path the schema names (``*`` for array elements), through references."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        uri, _, fragment = node["$ref"].partition("#")
        target = base.rsplit("/", 1)[0] + "/" + uri if uri else base
        _schema_fields(schemas.lookup(f"{target}#{fragment}"), target, path, out)
    for branch in node.get("oneOf", ()):
        _schema_fields(branch, base, path, out)
    for name, schema in node.get("properties", {}).items():
        out.add((*path, name))
        _schema_fields(schema, base, (*path, name), out)
    if "items" in node:
        _schema_fields(node["items"], base, (*path, "*"), out)


def _fields(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, dict):
        for key, member in value.items():
            yield (*path, key)
            yield from _fields(member, (*path, key))
    elif isinstance(value, list):
        for element in value:
            yield from _fields(element, (*path, "*"))


@pytest.mark.parametrize("kind", schemas.REQUEST_KINDS)
def test_the_examples_are_valid_and_hold_every_field(
    examples: dict[str, list[Any]], kind: schemas.Kind
) -> None:
    for example in examples[kind]:
        assert validate(example, kind).violations == []
        assert proof.holds(example, kind)
    uri = schemas.uri_for(kind)
    named: set[tuple[str, ...]] = set()
    _schema_fields(schemas.resource(uri), uri, (), named)
    present = {field for example in examples[kind] for field in _fields(example)}
    if kind == "order-batch":
        present = {("*", *field) for example in examples[kind][0] for field in _fields(example)}
    assert named <= present


def _positions(value: Any, path: Path = ()) -> Iterator[Path]:
    """Every member and array element below ``value`` (the value itself included)."""
    yield path
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _positions(member, (*path, key))
    elif isinstance(value, list):
        for index, element in enumerate(value):
            yield from _positions(element, (*path, index))


def _objects(value: Any, path: Path = ()) -> Iterator[tuple[Path, dict[str, Any]]]:
    if isinstance(value, dict):
        yield path, value
        for key, member in value.items():
            yield from _objects(member, (*path, key))
    elif isinstance(value, list):
        for index, element in enumerate(value):
            yield from _objects(element, (*path, index))


def _put(document: Any, path: Path, value: Any) -> Any:
    """A copy of ``document`` with ``value`` at ``path`` (members added when missing)."""
    if not path:
        return value
    changed = copy.deepcopy(document)
    holder = changed
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return changed


def _assert_refused(document: Any, kind: schemas.Kind, pointer: str) -> None:
    assert not proof.holds(document, kind), pointer
    report = validate(document, kind)
    assert ("not-json", pointer) in [(v.rule, v.pointer) for v in report.violations], pointer


def _placements(example: Any) -> Iterator[Path]:
    """Every position of the example, then a new member of each of its objects."""
    yield from _positions(example)
    for path, _ in _objects(example):
        yield (*path, "zz_extra")


@pytest.mark.parametrize("kind", schemas.REQUEST_KINDS)
@pytest.mark.parametrize(
    ("name", "make", "below"), WITHOUT_JSON_FORM, ids=[w[0] for w in WITHOUT_JSON_FORM]
)
def test_a_value_without_json_form_anywhere_is_refused(
    examples: dict[str, list[Any]], kind: schemas.Kind, name: str, make: Any, below: Path
) -> None:
    for example in examples[kind]:
        for path in list(_placements(example)):
            _assert_refused(_put(example, path, make()), kind, pointers.to_pointer(path + below))


def test_free_form_places_are_read_from_the_schema_files() -> None:
    found = {
        (place.location.rsplit("#", 1)[1], place.reason) for place in free_form.places("order")
    }
    assert found == {
        ("/$defs/order-item/properties/properties", "open-object"),
        ("/$defs/service-point/oneOf/0/properties/extra_data", "open-object"),
        ("/$defs/service-point/oneOf/1/properties/extra_data", "open-object"),
        ("/$defs/ship-with/properties/properties/properties/contract_id", "number-in-type-list"),
        ("/$defs/order-details/properties/integration/properties/id", "integer"),
        ("/$defs/order-item/properties/quantity", "integer"),
        ("/$defs/volume/properties/value", "integer"),
    }
    assert free_form.places("order-list-query") == ()


def test_free_form_places_refuse_response_kinds() -> None:
    with pytest.raises(ValueError, match="response kind"):
        free_form.places("order-response")


def test_a_keyword_the_reading_does_not_know_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    uri = schemas.uri_for("order-list-query")
    changed = copy.deepcopy(schemas.resource(uri))
    changed["properties"]["cursor"]["if"] = {"minLength": 3}
    real = schemas.lookup
    monkeypatch.setattr(
        schemas, "lookup", lambda location: changed if location == f"{uri}#" else real(location)
    )
    free_form._places_by_kind.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"\['if'\] are not understood"):
            free_form.places("order-list-query")
    finally:
        free_form._places_by_kind.cache_clear()


def test_deeply_nested_free_form_values_take_the_detailed_path(rich_order: dict[str, Any]) -> None:
    order = copy.deepcopy(rich_order)
    deep: dict[str, Any] = {"leaf": "ok"}
    for _ in range(proof.JSON_DEPTH + 1):
        deep = {"inner": deep}
    order["order_details"]["order_items"][0]["properties"] = {"nested": deep}
    assert not proof.holds(order, "order")
    assert validate(order, "order").violations == []


def test_every_kind_of_free_form_place_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    uri = schemas.uri_for("order-list-query")
    changed = copy.deepcopy(schemas.resource(uri))
    changed["properties"].update(
        anything={"description": "no type"},
        notes={"type": "array"},
        extra={"type": "object", "additionalProperties": {"type": ["integer", "string"]}},
    )
    real = schemas.lookup
    monkeypatch.setattr(
        schemas, "lookup", lambda location: changed if location == f"{uri}#" else real(location)
    )
    free_form._places_by_kind.cache_clear()
    try:
        found = {
            (p.location.rsplit("#", 1)[1], p.reason) for p in free_form.places("order-list-query")
        }
    finally:
        free_form._places_by_kind.cache_clear()
    assert found == {
        ("/properties/anything", "untyped"),
        ("/properties/notes", "array-without-items"),
        ("/properties/extra/additionalProperties", "number-in-type-list"),
    }


@pytest.mark.parametrize(
    ("node", "reason", "refused"),
    [
        ({"type": "object"}, "open-object", {"a": {"b": {1, 2}}}),
        ({"type": "array"}, "array-without-items", [float("nan")]),
        ({"description": "no type"}, "untyped", float("nan")),
        ({"type": "integer", "minimum": 0}, "integer", -(10**5000)),
        ({"type": ["integer", "null"]}, "number-in-type-list", 10**5000),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_each_tightening_makes_the_engine_refuse_what_it_let_through(
    node: dict[str, Any], reason: str, refused: Any
) -> None:
    def passes(schema: dict[str, Any]) -> bool:
        registry = schemas.local_registry({proof._JSON_URI: proof._json_values()})
        try:
            return bool(jsonschema_rs.validator_for(schema, registry=registry).is_valid(refused))
        except ValueError:
            return False

    assert passes(node)
    tightened = copy.deepcopy(node)
    proof._tighten(tightened, reason)
    assert not passes(tightened)


def test_parsed_documents_need_no_tightened_validator(rich_order: dict[str, Any]) -> None:
    proof.compiled.cache_clear()
    documents = load_bytes(orjson.dumps([rich_order]))
    assert validate_documents(documents, "order-batch").violations == []
    assert proof.compiled.cache_info().currsize == 0
    assert validate([rich_order], "order-batch").violations == []
    assert proof.compiled.cache_info().currsize == 1


_EMAIL_FORMAT = jsonschema_rs.validator_for({"format": "email"}, validate_formats=True)


@given(st.from_regex(proof.EMAIL_SHAPE, fullmatch=True))
def test_every_address_of_the_email_shape_is_an_email_to_the_engine(address: str) -> None:
    assert _EMAIL_FORMAT.is_valid(address)


def test_the_email_shape_takes_the_usual_addresses_and_leaves_the_rest_to_the_format() -> None:
    shape = re.compile(proof.EMAIL_SHAPE)
    for usual in ("maya@example.com", "first.last+tag@mail.shop.co.uk", "a_b-c@x-y.nl"):
        assert shape.match(usual)
    # Emails all the same; the detailed path, which asks the format, accepts them.
    for unusual in ('"quoted"@example.com', "x@[192.0.2.1]", "o'brien@example.ie"):
        assert not shape.match(unusual)
        assert _EMAIL_FORMAT.is_valid(unusual)


def test_every_email_format_of_the_contract_is_asked_as_the_shape(
    rich_order: dict[str, Any],
) -> None:
    def formats(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["format"]] if isinstance(node.get("format"), str) else []
            return own + [f for child in node.values() for f in formats(child)]
        if isinstance(node, list):
            return [f for child in node for f in formats(child)]
        return []

    shipped = [f for _, document in schemas.schema_resources() for f in formats(document)]
    tightened = [f for document in proof._tightened().values() for f in formats(document)]
    assert "email" in shipped
    assert "email" not in tightened
    assert sorted(tightened) == sorted(f for f in shipped if f != "email")
    # And an address the shape refuses still takes the detailed path to a clean report.
    order = copy.deepcopy(rich_order)
    order["shipping_address"]["email"] = '"quoted"@example.com'
    assert not proof.holds([order], "order-batch")
    assert validate([order], "order-batch").violations == []


# (where in a rich order, a string the contract refuses there, the keyword that refuses it)
_LEFT_TO_THE_RULES_BREACHES = [
    (("shipping_address", "country_code"), "nl", "pattern"),
    (("billing_address", "country_code"), "NLD", "pattern"),
    (("order_details", "order_items", 0, "country_of_origin"), "pt", "pattern"),
    (("payment_details", "total_price", "currency"), "CHF", "enum"),
    (("order_details", "order_items", 0, "unit_price", "currency"), "CHF", "enum"),
    (("order_details", "order_items", 0, "total_price", "currency"), "JPY", "enum"),
]


def _currency_paths(value: Any) -> list[Path]:
    return [path for path in _positions(value) if path and path[-1] == "currency"]


def _every_currency(order: Any, currency: str) -> Any:
    """A copy of ``order`` with every currency in it ``currency``."""
    for path in _currency_paths(order):
        order = _put(order, path, currency)
    return order


@pytest.mark.parametrize(("path", "breach", "keyword"), _LEFT_TO_THE_RULES_BREACHES)
def test_what_the_engine_leaves_to_the_rules_is_still_refused(
    rich_order: dict[str, Any], path: tuple[str | int, ...], breach: str, keyword: str
) -> None:
    if path[-1] == "currency":  # every price in it, so that the prices agree among themselves
        order = _every_currency(rich_order, breach)
    else:
        order = _put(rich_order, path, breach)
    assert proof.compiled("order-batch").is_valid([order])  # the engine leaves it, and
    assert not proof.holds([order], "order-batch")  # the rules' proof refuses it
    assert not proof.holds(order, "order")
    pointer = "/0/" + "/".join(map(str, path))
    assert (pointer, keyword) in {(v.pointer, v.rule) for v in validate([order]).violations}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for child in node.values():
            yield from _refs(child)
    elif isinstance(node, list):
        for child in node:
            yield from _refs(child)


def _reached(uri: str) -> set[str]:
    """Every location a schema's references lead to, however indirectly."""
    seen: set[str] = set()
    waiting = [uri]
    while waiting:
        location = waiting.pop()
        if location not in seen:
            seen.add(location)
            base, _, fragment = location.partition("#")
            waiting.extend(
                urljoin(base, ref)
                for ref in _refs(pointers.resolve(schemas.resource(base), fragment))
            )
    return seen


def test_only_the_order_kinds_reach_what_the_engine_leaves_to_the_rules() -> None:
    for kind in schemas.REQUEST_KINDS:
        reached = _reached(schemas.uri_for(kind))
        for place in proof._LEFT_TO_THE_RULES:
            definition = schemas.BASE_URI + place.rsplit("/properties/", 1)[0]
            found = any(at == definition or at.startswith(definition + "/") for at in reached)
            assert found == (kind in ("order", "order-batch")), (kind, place)


@pytest.mark.parametrize("parsed", [False, True], ids=["tightened", "contract"])
@pytest.mark.parametrize("currency", sorted(rules.PRICE_CURRENCIES))
def test_a_one_currency_copy_takes_an_order_only_with_every_price_in_it(
    rich_order: dict[str, Any], currency: str, parsed: bool
) -> None:
    order = _every_currency(rich_order, currency)
    one = proof._contract_in("order", currency) if parsed else proof.compiled("order", currency)
    general = schemas.compiled("order") if parsed else proof.compiled("order")
    assert one.is_valid(order)
    assert one.is_valid([order]) is False  # a copy of the order kind, not of the batch
    places = _currency_paths(order)
    assert len(places) >= 10  # every price and cost of the rich order, items included
    for path in places:
        mixed = _put(order, path, "GBP" if currency != "GBP" else "USD")
        assert general.is_valid(mixed), path  # a currency the contract takes there, and yet
        assert not one.is_valid(mixed), path  # the copy refuses it beside the others


def test_a_batch_proves_its_currency_in_one_pass_only_when_its_totals_share_one(
    rich_order: dict[str, Any],
) -> None:
    euro, pound = _every_currency(rich_order, "EUR"), _every_currency(rich_order, "GBP")
    pound = _put(pound, ("order_id",), pound["order_id"] + "-GBP")
    assert proof._total_currency("order-batch", [euro, euro]) == "EUR"
    assert proof._total_currency("order-batch", [pound, euro]) == "GBP"  # the first total's
    assert proof.compiled("order-batch", "EUR").is_valid([euro, euro])
    assert not proof.compiled("order-batch", "EUR").is_valid([euro, pound])
    assert not proof._contract_in("order-batch", "GBP").is_valid([pound, euro])
    for batch in ([euro], [euro, pound], [pound, euro]):
        assert proof.holds(batch, "order-batch"), batch
        assert proof.holds(batch, "order-batch", parsed=True)
        assert validate(batch).violations == []
    mixed = _put(euro, ("payment_details", "freight_costs", "currency"), "GBP")
    for batch in ([mixed], [mixed, pound]):
        assert not proof.holds(batch, "order-batch")
        assert not proof.holds(batch, "order-batch", parsed=True)
        assert "mixed-currencies" in {v.rule for v in validate(batch).violations}


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        [{"payment_details": None}],
        [{"payment_details": {"total_price": {"currency": ["EUR"]}}}],
        [{"payment_details": {"total_price": {"currency": "CHF"}}}],
        "EUR",
        None,
    ],
)
def test_a_batch_without_one_price_currency_takes_the_general_copy(value: Any) -> None:
    assert proof._total_currency("order-batch", value) is None
    assert proof._total_currency("order", value) is None


def test_an_iterator_given_as_a_batch_is_not_used_up_finding_its_currency(
    rich_order: dict[str, Any],
) -> None:
    orders = iter([rich_order])
    assert proof._total_currency("order-batch", orders) is None
    assert next(orders) is rich_order
    total = rich_order["payment_details"]["total_price"]["currency"]
    assert proof._total_currency("order-batch", (rich_order,)) == total


def test_a_one_currency_copy_leaves_the_files_it_copies_as_they_were() -> None:
    shipped = schemas.needed_resources("order-batch")
    before = orjson.dumps(shipped)
    root, moved = proof._in_one_currency(shipped, "order-batch", "GBP")
    assert orjson.dumps(shipped) == before
    assert root == schemas.BASE_URI + "proof/GBP/order-batch.schema.json"
    assert set(moved) == {
        schemas.BASE_URI + "proof/GBP/" + uri[len(schemas.BASE_URI) :] for uri in shipped
    }
    common = moved[schemas.BASE_URI + "proof/GBP/common.schema.json"]["$defs"]
    assert common["price"]["properties"]["currency"] == {"const": "GBP"}
    assert common["costs"]["properties"]["currency"] == {"const": "GBP"}
