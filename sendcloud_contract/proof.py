"""The fast proof that a request has no finding at all: one engine pass and a clean-rules check.

It runs a *tightened* copy of the closed request schemas, which with :func:`rules.clean`
accepts a subset of what the contract accepts and makes the engine look at every value (see
:mod:`free_form`): each free-form place is typed down to ``JSON_DEPTH`` levels of JSON, a type
list with ``number`` or ``integer`` is spelt as ``anyOf`` single types, and ``integer`` is also
checked as a ``number``. Two changes make the pass cheaper: the usual e-mail shape is asked in
place of the ``email`` format, and three places that the rules' proof checks more strictly
than the contract are left to it (:data:`_LEFT_TO_THE_RULES`). An order, or a batch, is first
checked by a copy in which every price is in the currency of its (first) total, when that is
a price currency, so that the engine, not Python, proves that no price mixes currencies; what
that copy refuses is checked again by the general one. jsonschema-rs refuses what has
no JSON form wherever it checks a type (it raises on a set, bytes, a datetime or an integer
key, and fails ``NaN`` and over-long integers), so a pass and :func:`rules.clean` together
prove the contract, the JSON form and the rules' silence. Anything else proves nothing and
takes the detailed path, which reports what it finds. ``tests/test_proof.py`` holds the
engine to that behaviour at every position of the contract.
"""

from __future__ import annotations

import functools
from typing import Any, cast

import jsonschema_rs

from sendcloud_contract import pointers, rules, schemas
from sendcloud_contract.json_form import ARRAYS

__all__ = ["holds"]

JSON_DEPTH = 4
"""Containers nested deeper than this inside a free-form place take the detailed path."""

_JSON_URI = schemas.BASE_URI + "proof/json-value.schema.json"
_SCALARS = [{"type": name} for name in ("string", "number", "boolean", "null")]


def _json_values() -> dict[str, Any]:
    """JSON values nested at most ``JSON_DEPTH`` deep, as single types the engine converts."""
    definitions: dict[str, Any] = {"json-0": {"anyOf": _SCALARS}}
    for depth in range(1, JSON_DEPTH + 1):
        inner = {"$ref": f"#/$defs/json-{depth - 1}"}
        definitions[f"json-{depth}"] = {
            "anyOf": [
                *_SCALARS,
                {"type": "array", "items": inner},
                {"type": "object", "additionalProperties": inner},
            ]
        }
    return {"$id": _JSON_URI, "$defs": definitions}


_ANY_JSON = {"$ref": f"{_JSON_URI}#/$defs/json-{JSON_DEPTH}"}
_CONVERTED_NUMBER = {"type": "number"}
"""Beside ``integer``: jsonschema-rs converts a value checked as a number, and refuses an
integer past Python's 4,300-digit limit there, while ``integer`` alone lets it through."""


EMAIL_SHAPE = (
    r"^(?:[A-Za-z0-9_+-]{1,20}\.){0,2}[A-Za-z0-9_+-]{1,20}"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?\.){1,3}[A-Za-z]{2,20}$"
)
"""The usual shape of an address, in place of ``format: email``: the engine matches it for a
fifth of what the format costs. Every string of this shape is an ``email`` to the engine
(``tests/test_proof.py`` holds it to that); any other address takes the detailed path."""


_LEFT_TO_THE_RULES = (
    "common.schema.json#/$defs/address/properties/country_code",
    "common.schema.json#/$defs/order-item/properties/country_of_origin",
    "common.schema.json#/$defs/price/properties/currency",
)
"""Places that only the order kinds reach, asked for as mere strings: :func:`rules.clean`
checks more there than the contract does (a code of the ISO 3166 set, all of two capitals;
every price in the currency of the order's total, itself one of the price currencies, unless
a one-currency copy asks for it, see :func:`_in_one_currency`), and
:func:`holds` never passes without it. It saves the engine about a twentieth of its pass.
``tests/test_proof.py`` holds that no other request kind reaches them, and that a value the
contract refuses there is still refused."""


def _email_shaped(node: Any) -> None:
    """Every ``format: email`` below ``node`` asked as :data:`EMAIL_SHAPE` instead."""
    if isinstance(node, dict):
        if node.get("format") == "email":
            del node["format"]
            node["allOf"] = [*node.get("allOf", ()), {"pattern": EMAIL_SHAPE}]
        for child in node.values():
            _email_shaped(child)
    elif isinstance(node, list):
        for child in node:
            _email_shaped(child)


def _tighten(node: dict[str, Any], reason: str) -> None:
    if reason == "open-object":
        node["additionalProperties"] = _ANY_JSON
    elif reason == "array-without-items":
        node["items"] = _ANY_JSON
    elif reason == "untyped":
        node["allOf"] = [*node.get("allOf", ()), _ANY_JSON]
    elif reason == "integer":
        node["allOf"] = [*node.get("allOf", ()), _CONVERTED_NUMBER]
    else:  # a type list naming number or integer
        single = [
            {"type": name, "allOf": [_CONVERTED_NUMBER]} if name == "integer" else {"type": name}
            for name in node.pop("type")
        ]
        node["allOf"] = [*node.get("allOf", ()), {"anyOf": single}]


@functools.cache
def _tightened() -> dict[str, dict[str, Any]]:
    # Only in-memory values need the tightened copy: the CLI, whose values a parser made,
    # never imports the reading of the free-form places.
    from sendcloud_contract import free_form

    resources = dict(schemas.schema_resources())  # copies, free to change
    shared = {place for kind in schemas.REQUEST_KINDS for place in free_form.places(kind)}
    for place in sorted(shared):
        uri, _, fragment = place.location.partition("#")
        _tighten(pointers.resolve(resources[uri], fragment), place.reason)
    _email_shaped(resources)
    for location in _LEFT_TO_THE_RULES:
        uri, _, fragment = location.partition("#")
        parent, _, name = fragment.rpartition("/")
        pointers.resolve(resources[schemas.BASE_URI + uri], parent)[name] = {"type": "string"}
    resources[_JSON_URI] = _json_values()
    return resources


_CURRENCY_PLACES = (
    "common.schema.json#/$defs/price/properties/currency",
    "common.schema.json#/$defs/costs/properties/currency",
)
"""Every place of a currency in the order kinds: the prices of items and payments, and the
payment costs."""

_PRICED_KINDS = ("order-batch", "order")


def _in_one_currency(
    resources: dict[str, dict[str, Any]], kind: schemas.Kind, currency: str
) -> tuple[str, dict[str, dict[str, Any]]]:
    """Copies of a kind's files in which every currency place is ``currency``: a subset of
    what the files accept, where no price can mix currencies. The copies move under
    ``proof/<currency>/``, so that their relative references lead to one another; returned
    with the URI of the kind's own copy."""
    folder = f"{schemas.BASE_URI}proof/{currency}/"

    def moved_uri(uri: str) -> str:
        return folder + uri[len(schemas.BASE_URI) :]

    moved = {
        moved_uri(uri): {**resources[uri], "$id": moved_uri(uri)}
        for uri in schemas.needed_resources(kind)
    }
    for place in _CURRENCY_PLACES:
        name, _, fragment = place.partition("#")
        *path, last = fragment.strip("/").split("/")
        node = moved[folder + name]
        for step in path:  # copied on the way down: the originals are shared
            node[step] = dict(node[step])
            node = node[step]
        node[last] = {"const": currency}
    return moved_uri(schemas.uri_for(kind)), moved


def _validator(root: str, resources: dict[str, dict[str, Any]]) -> jsonschema_rs.Validator:
    return cast(
        jsonschema_rs.Validator,
        jsonschema_rs.Draft202012Validator(
            {"$ref": root},
            registry=schemas.local_registry(resources),
            validate_formats=True,
            ignore_unknown_formats=False,
        ),
    )


@functools.cache
def compiled(kind: schemas.Kind, currency: str | None = None) -> jsonschema_rs.Validator:
    """The tightened validator of a request kind, formats asserted as in the contract; with
    a ``currency`` (order kinds only), the one in which every price is in it."""
    tightened = _tightened()
    if currency is None:
        return _validator(schemas.uri_for(kind), tightened)
    root, moved = _in_one_currency(tightened, kind, currency)
    return _validator(root, {**moved, _JSON_URI: tightened[_JSON_URI]})


@functools.cache
def _contract_in(kind: schemas.Kind, currency: str) -> jsonschema_rs.Validator:
    """The contract's own validator of an order kind with every price in ``currency``."""
    return _validator(*_in_one_currency(schemas.needed_resources(kind), kind, currency))


def _total_currency(kind: schemas.Kind, value: Any) -> str | None:
    """The currency of the order total, of the first order of a batch, when it is a price
    currency; else None. The one-currency copy holds every other total to it."""
    try:
        if kind == "order":
            currency = value["payment_details"]["total_price"]["currency"]
        elif isinstance(value, ARRAYS):  # an iterator must not be used up here
            currency = value[0]["payment_details"]["total_price"]["currency"]
        else:
            return None
        return currency if currency in rules.PRICE_CURRENCIES else None
    except Exception:  # anything else proves nothing here, and the detailed path says what
        return None


def holds(value: Any, kind: schemas.Kind, *, parsed: bool = False) -> bool:
    """True only when ``value`` has a JSON form, passes the contract and no rule finds
    anything; False proves nothing.

    ``parsed`` says a parser made the value, so its JSON form needs no proof: the contract's
    own validator serves, and no tightened copy is made. A value is first checked by the copy
    with every price in the currency of its first total (:func:`_in_one_currency`): the
    engine then proves what the currency rules would otherwise prove in Python, for a few
    percent of its pass. A batch whose totals differ fails that pass and takes a second one
    of the general copy, which leaves the prices to the rules' proof.
    """
    if kind not in schemas.REQUEST_KINDS:
        return False
    currency = _total_currency(kind, value) if kind in _PRICED_KINDS else None
    try:
        if currency is not None:
            one = compiled(kind, currency) if not parsed else _contract_in(kind, currency)
            if one.is_valid(value):
                return rules.clean(kind, value, currency)
            if kind == "order" or len(value) == 1:
                return False  # its one total is the currency: the general copy cannot help
            # Refused: perhaps only for a total in another currency further on, which the
            # general copy takes, and the rules' proof then checks every price.
        general = compiled(kind) if not parsed else schemas.compiled(kind)
        return general.is_valid(value) and rules.clean(kind, value)
    except ValueError:  # the engine met something with no JSON form
        return False
