"""Payloads that break exactly one rule, each with the violation a validator must report."""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import DrawFn, SearchStrategy

from sendcloud_contract import pointers, schemas
from sendcloud_contract.rules import STATE_REQUIRED_COUNTRIES
from sendcloud_contract.strategies._build import Order, OrderConfig, build_order, ean13
from sendcloud_contract.strategies._data import COUNTRIES, COUNTRY_LIST, DEFAULT_DESTINATIONS
from sendcloud_contract.strategies._edge import edge_config
from sendcloud_contract.strategies._orders import (
    DEFAULT_INTEGRATIONS,
    DEFAULT_ORDER_IDS,
    MAX_BATCH,
    order_batches,
)
from sendcloud_contract.strategies._schema import COMMON_URI, resolve, schema_enum
from sendcloud_contract.strategies._source import SEEDS, Drawn, Seeded
from sendcloud_contract.strategies._time import EPOCH, STAMP_STYLES, read_stamp, write_stamp

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class ExpectedViolation:
    """What a validator must report for a payload from :func:`invalid_orders`.

    ``kind`` is the payload's kind ("order" or "order-batch"; "order-update" for a PATCH body
    breaking ``patch-phone-twice``); ``pointer`` is an RFC 6901
    pointer (for a missing member: the object that misses it; for an unknown member: the
    member itself); ``rule`` is the JSON Schema keyword or the domain rule id.
    """

    kind: str
    pointer: str
    rule: str
    description: str
    severity: str = "error"

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "pointer": self.pointer,
            "rule": self.rule,
            "severity": self.severity,
            "description": self.description,
        }


def _dotted(path: Sequence[str | int]) -> str:
    """A path as people read it: ``order_details.order_items[0].quantity``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the order"


def _at(value: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        value = value[part]
    return value


@dataclass(frozen=True)
class _Site:
    path: Path
    value: Any
    schema: Mapping[str, Any]
    branch: bool


def _sites(
    value: Any, node: Mapping[str, Any], base: str, path: Path, branch: bool
) -> Iterator[_Site]:
    """Each place of a payload together with the schema node that governs it."""
    node, base = resolve(node, base)
    yield _Site(path, value, node, branch)
    if "oneOf" in node and isinstance(value, dict):
        for option in node["oneOf"]:
            option, option_base = resolve(option, base)
            if all(key in value for key in option.get("required", ())):
                for key, child in value.items():
                    sub = option.get("properties", {}).get(key)
                    if sub is not None:
                        yield from _sites(child, sub, option_base, (*path, key), True)
                break
        return
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key, child in value.items():
            if key in properties:
                yield from _sites(child, properties[key], base, (*path, key), branch)
    elif isinstance(value, list) and "items" in node:
        for index, child in enumerate(value):
            yield from _sites(child, node["items"], base, (*path, index), branch)


def _order_sites(order: Order) -> list[_Site]:
    uri = schemas.BASE_URI + "order.schema.json"
    return list(_sites(order, {"$ref": uri}, uri, (), False))


def _types(node: Mapping[str, Any]) -> set[str]:
    declared = node.get("type")
    if declared is None and "oneOf" in node:
        return {"object"}
    if declared is None:
        return set()
    return {declared} if isinstance(declared, str) else set(declared)


def _wrong_type(value: Any, allowed: set[str]) -> Any:
    """A value of a type the schema does not allow, as shop exports get it wrong."""
    if "string" in allowed:
        if isinstance(value, str) and value.isdigit() and len(value) < 15:
            return int(value)
        return 12345
    if "integer" in allowed:
        return str(value) if isinstance(value, int) else "1"
    if "number" in allowed:
        return str(value) if isinstance(value, (int, float)) else "12.50"
    if "boolean" in allowed:
        return "false"
    if "array" in allowed:
        return (
            value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else "a,b"
        )
    if "object" in allowed:
        return [value] if isinstance(value, dict) and value else "{}"
    return "null"


def _unknown_name(known: Mapping[str, Any], present: Sequence[str]) -> str:
    """A plausible misspelling of a member, which is not a member itself."""
    for name in present:
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)
        for guess in (
            name.replace("address", "adress"),
            camel,
            name.rstrip("s") if name.endswith("s") else name + "s",
            name.replace("_", "-"),
        ):
            if guess != name and guess not in known:
                return guess
    return "comment"


def _bad_enum(value: str, options: Sequence[Any]) -> str:
    for guess in (value.lower(), value.upper(), value.title(), value + "s"):
        if guess not in options:
            return guess
    return value + "-x"


def _bad_pattern(value: str, pattern: str) -> str | None:
    for guess in (value.lower(), value.replace(".", ","), value.split("://", 1)[-1], value + " !"):
        if guess != value and re.search(pattern, guess) is None:
            return guess
    return None


def _bad_format(value: str, name: str) -> str:
    if name == "email":
        return value.replace("@", " at ")
    if name == "date":
        year, month, day = value.split("-")
        return f"{day}-{month}-{year}"
    if name == "date-time":
        return re.sub(r"(?:[Zz]|[+-]\d{2}:\d{2})$", "", value)
    return value + " !"


def _replace(order: Order, path: Path, value: Any) -> Order:
    broken = copy.deepcopy(order)
    _at(broken, path[:-1])[path[-1]] = value
    return broken


def _delete(order: Order, path: Path) -> Order:
    broken = copy.deepcopy(order)
    del _at(broken, path[:-1])[path[-1]]
    return broken


def _site_mutations(order: Order, family: str) -> list[tuple[Order, Path, str, str]]:
    """Every way to break ``family`` at one place of this order: (order, path, rule, why)."""
    found: list[tuple[Order, Path, str, str]] = []
    for site in _order_sites(order):
        node, value, path = site.schema, site.value, site.path
        where = _dotted(path)
        if family == "required" and isinstance(value, dict):
            for key in node.get("required", ()):
                if key in value:
                    found.append(
                        (_delete(order, (*path, key)), path, "required", f"{where} without '{key}'")
                    )
        elif family == "additionalProperties" and isinstance(value, dict) and value:
            if node.get("additionalProperties") is False:
                name = _unknown_name(node.get("properties", {}), list(value))
                broken = copy.deepcopy(order)
                _at(broken, path)[name] = copy.deepcopy(next(iter(value.values())))
                found.append(
                    (
                        broken,
                        (*path, name),
                        "additionalProperties",
                        f"unknown member '{name}' in {where}",
                    )
                )
        elif family == "type" and path and "enum" not in node and _types(node):
            wrong = _wrong_type(value, _types(node))
            found.append(
                (_replace(order, path, wrong), path, "type", f"{where} as {type(wrong).__name__}")
            )
        elif family == "enum" and isinstance(value, str) and "enum" in node:
            bad = _bad_enum(value, node["enum"])
            found.append((_replace(order, path, bad), path, "enum", f"{where} = {bad!r}"))
        elif family in ("minimum", "exclusiveMinimum") and family in node:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if path[-1] == "quantity" and "unit_price" in _at(order, path[:-1]):
                continue  # a zero quantity would also put the item total above the unit price
            low = node[family] - 1 if family == "minimum" else node[family]
            found.append((_replace(order, path, low), path, family, f"{where} = {low}"))
        elif family == "minLength" and isinstance(value, str) and node.get("minLength", 0) >= 1:
            found.append((_replace(order, path, ""), path, "minLength", f"{where} empty"))
        elif family == "pattern" and isinstance(value, str) and "pattern" in node:
            if path[-1] == "state_province_code":
                continue  # any shape error is also an unknown subdivision
            shape = _bad_pattern(value, node["pattern"])
            if shape is not None:
                found.append(
                    (_replace(order, path, shape), path, "pattern", f"{where} = {shape!r}")
                )
        elif family == "format" and isinstance(value, str) and "format" in node:
            bad = _bad_format(value, node["format"])
            found.append((_replace(order, path, bad), path, "format", f"{where} = {bad!r}"))
        elif family == "minItems" and isinstance(value, list) and node.get("minItems", 0) >= 1:
            found.append((_replace(order, path, []), path, "minItems", f"{where} empty"))
        elif family == "oneOf" and "oneOf" in node and isinstance(value, dict):
            for option in node["oneOf"]:
                option = resolve(option, COMMON_URI)[0]
                for key in option.get("required", ()):
                    if key in value:
                        found.append(
                            (
                                _delete(order, (*path, key)),
                                path,
                                "oneOf",
                                f"{where} without '{key}'",
                            )
                        )
                    else:
                        broken = copy.deepcopy(order)
                        _at(broken, path)[key] = "12345"
                        found.append((broken, path, "oneOf", f"{where} with both ids"))
    return found


_SCHEMA_FAMILIES = (
    "required", "type", "additionalProperties", "minimum", "exclusiveMinimum", "enum", "format",
    "pattern", "minLength", "minItems", "oneOf",
)  # fmt: skip
_DOMAIN_FAMILIES = (
    "integer-id", "request-id-digits", "unknown-country-code", "unknown-currency-code",
    "state-province-required", "duplicate-order-key", "batch-too-large", "empty-batch",
    "patch-phone-twice",
)  # fmt: skip
_WARNING_FAMILIES = (
    "item-total-exceeds-unit-price", "mixed-currencies", "updated-before-created",
    "image-url-without-product-id", "ean-check-digit", "hs-code-shape", "customs-missing",
    "unknown-state-province-code",
)  # fmt: skip


def _base(draw: DrawFn, cfg: OrderConfig) -> Order:
    oid, iid = draw(DEFAULT_ORDER_IDS), draw(DEFAULT_INTEGRATIONS)
    return build_order(Drawn(draw), cfg, oid, iid)


def _base_config(family: str) -> OrderConfig:
    currencies = schema_enum("currency")
    if family == "pattern":
        return OrderConfig(destinations=DEFAULT_DESTINATIONS, currencies=currencies)
    if family == "oneOf":
        return OrderConfig(destinations=None, currencies=currencies, service_point=True)
    if family in ("state-province-required", "unknown-state-province-code"):
        states = tuple(COUNTRIES[c] for c in sorted(STATE_REQUIRED_COUNTRIES))
        return OrderConfig(destinations=states, currencies=currencies)
    if family == "customs-missing":
        outside = tuple(c for c in COUNTRY_LIST if not c.eu)
        return OrderConfig(destinations=outside, currencies=currencies)
    return OrderConfig(destinations=None, currencies=currencies)


def _domain_break(draw: DrawFn, family: str, order: Order) -> tuple[Order, str, str, str]:
    """Break one domain rule (error or warning): (order, pointer, rule, description)."""
    src = Drawn(draw)
    broken = copy.deepcopy(order)
    items = broken["order_details"]["order_items"]
    index = src.integer(0, len(items) - 1)
    item = items[index]
    at = f"/order_details/order_items/{index}"
    name = f"order_details.order_items[{index}]"
    if family == "integer-id":
        number = src.integer(1, 99_999_999)
        return {"id": number, **broken}, "/id", "type", f"id sent as the integer {number}"
    if family == "request-id-digits":
        value = src.pick(("ABC-669", "669a", " 669", "", "\uff16\uff16\uff19", "#669"))
        broken["id"] = value
        return broken, "/id", family, f"id {value!r} is not a digit string"
    if family == "unknown-country-code":
        code = src.pick(("UK", "EU", "XX", "EL"))
        item["country_of_origin"] = code
        why = f"{name}.country_of_origin {code!r} is no ISO 3166-1 code"
        return broken, f"{at}/country_of_origin", family, why
    if family == "unknown-currency-code":
        code = src.pick(("XYZ", "EUD", "RMB", "NTD"))
        broken["payment_details"]["insurance_costs"] = {"value": "9.99", "currency": code}
        why = f"payment_details.insurance_costs.currency {code!r} is no ISO 4217 code"
        return broken, "/payment_details/insurance_costs/currency", family, why
    if family == "state-province-required":
        address = broken["shipping_address"]
        del address["state_province_code"]
        why = f"shipping_address in {address['country_code']} without state_province_code"
        return broken, "/shipping_address", family, why
    if family == "unknown-state-province-code":
        code = src.pick(("ZZ", "XX-NY", "999"))
        broken["shipping_address"]["state_province_code"] = code
        why = f"shipping_address.state_province_code {code!r} is not a subdivision"
        return broken, "/shipping_address/state_province_code", family, why
    if family == "item-total-exceeds-unit-price":
        quantity = item["quantity"]
        unit = item.get("unit_price", {}).get("value", item["total_price"]["value"])
        item["unit_price"] = {"value": unit, "currency": item["total_price"]["currency"]}
        item["total_price"]["value"] = round(unit * quantity + src.pick((0.01, 1.0, 10.0)), 2)
        why = f"{name}: total {item['total_price']['value']} above {quantity} x {unit}"
        return broken, f"{at}/total_price/value", family, why
    if family == "mixed-currencies":
        current = item["total_price"]["currency"]
        other = src.pick(tuple(c for c in schema_enum("currency") if c != current))
        item["total_price"]["currency"] = other
        item.pop("unit_price", None)
        why = f"{name}.total_price in {other}, the rest of the order in {current}"
        return broken, f"{at}/total_price/currency", family, why
    if family == "updated-before-created":
        details = broken["order_details"]
        created = read_stamp(details["order_created_at"]) or EPOCH
        earlier = created - timedelta(minutes=src.integer(1, 7 * 24 * 60))
        details["order_updated_at"] = write_stamp(earlier, src.pick(STAMP_STYLES))
        why = "order_updated_at before order_created_at"
        return broken, "/order_details/order_updated_at", family, why
    if family == "image-url-without-product-id":
        item.pop("product_id", None)
        item["image_url"] = "https://cdn.example.com/products/item.jpg"
        return broken, f"{at}/image_url", family, f"{name}.image_url without product_id"
    if family == "ean-check-digit":
        good = ean13(f"871{index:04d}{src.integer(0, 99_999):05d}")
        item["ean"] = good[:-1] + str((int(good[-1]) + src.integer(1, 9)) % 10)
        return broken, f"{at}/ean", family, f"{name}.ean {item['ean']} has a wrong check digit"
    if family == "hs-code-shape":
        item["hs_code"] = src.pick(("12345", "HS6109", "6109.10.00.00.1", "n/a"))
        why = f"{name}.hs_code {item['hs_code']!r} is not 6 to 10 digits"
        return broken, f"{at}/hs_code", family, why
    if family == "customs-missing":
        country = broken["shipping_address"]["country_code"]
        if src.chance(50):
            del broken["customs_details"]
            return broken, "", family, f"shipping to {country} without customs_details"
        del item["hs_code"]
        return broken, at, family, f"{name} shipped to {country} without hs_code"
    raise AssertionError(family)


@st.composite
def _invalid(draw: DrawFn, families: tuple[str, ...]) -> tuple[Any, ExpectedViolation]:
    family = draw(st.sampled_from(families))
    warning = family in _WARNING_FAMILIES
    severity = "warning" if warning else "error"
    if family == "batch-too-large":
        count = draw(st.sampled_from((MAX_BATCH + 1, MAX_BATCH + 2, 2 * MAX_BATCH)))
        first = draw(st.integers(1, 9_000_000))
        seeds = draw(st.lists(SEEDS, min_size=count, max_size=count))
        batch = [
            build_order(Seeded(seed), edge_config(), str(first + i), 1)
            for i, seed in enumerate(seeds)
        ]
        why = f"{count} orders in one batch"
        return batch, ExpectedViolation("order-batch", "", "batch-too-large", why)
    if family == "empty-batch":
        return [], ExpectedViolation("order-batch", "", "minItems", "an empty batch")
    if family == "patch-phone-twice":
        phone = draw(st.sampled_from(("+31612345678", "+4915112345678", "+14155550198")))
        other = draw(st.sampled_from((phone, "+441632960961")))
        body = {"customer_details": {"phone": phone, "phone_number": other}}
        why = "a PATCH body naming the phone both as phone and phone_number"
        return body, ExpectedViolation("order-update", "/customer_details/phone", family, why)
    if family == "duplicate-order-key":
        batch = draw(order_batches(min_size=2, max_size=5))
        later = draw(st.integers(1, len(batch) - 1))
        earlier = draw(st.integers(0, later - 1))
        batch[later]["order_id"] = batch[earlier]["order_id"]
        batch[later]["order_details"]["integration"]["id"] = batch[earlier]["order_details"][
            "integration"
        ]["id"]
        why = f"orders {earlier} and {later} share order_id and integration"
        return batch, ExpectedViolation("order-batch", f"/{later}", "duplicate-order-key", why)

    base = _base(draw, _base_config(family))
    if family == "exclusiveMinimum":
        # Weights are the values with an exclusive minimum; make sure one is there to break.
        item = base["order_details"]["order_items"][0]
        item.setdefault("measurement", {}).setdefault("weight", {"value": 0.5, "unit": "kg"})
    if family in _SCHEMA_FAMILIES:
        candidates = _site_mutations(base, family)
        broken, path, rule, why = draw(st.sampled_from(candidates))
        pointer = pointers.to_pointer(path)
    else:
        broken, pointer, rule, why = _domain_break(draw, family, base)
    if draw(st.booleans()):
        return broken, ExpectedViolation("order", pointer, rule, why, severity)
    neighbours = draw(order_batches(min_size=1, max_size=3))
    position = draw(st.integers(0, len(neighbours)))
    for neighbour in neighbours:
        neighbour["order_id"] = f"{neighbour['order_id']}-n"
    batch = [*neighbours[:position], broken, *neighbours[position:]]
    return batch, ExpectedViolation("order-batch", f"/{position}{pointer}", rule, why, severity)


def _rule_of(family: str) -> str:
    return {"integer-id": "type", "empty-batch": "minItems"}.get(family, family)


def invalid_orders(
    *, warnings: bool = False, rules: Collection[str] | None = None
) -> SearchStrategy[tuple[Any, ExpectedViolation]]:
    """``(payload, expected)`` pairs where the payload breaks exactly one rule.

    Payloads are single orders or batches (see ``expected.kind``). With ``warnings=True`` some
    examples break a warning rule instead (``expected.severity == "warning"``): validators
    report those without rejecting the payload. ``rules`` keeps only the named rules (JSON
    Schema keywords such as "required", or domain rule ids such as "duplicate-order-key").
    """
    errors = _SCHEMA_FAMILIES + _DOMAIN_FAMILIES
    if rules is None:
        families = errors + (_WARNING_FAMILIES if warnings else ())
    else:
        wanted = {rules} if isinstance(rules, str) else set(rules)
        known = {_rule_of(f) for f in errors + _WARNING_FAMILIES}
        unknown = sorted(wanted - known)
        if unknown or not wanted:
            raise InvalidArgument(
                f"rules must name some of {', '.join(sorted(known))}; got {sorted(wanted)}"
            )
        families = tuple(f for f in errors + _WARNING_FAMILIES if _rule_of(f) in wanted)
    return _invalid(families)
