"""Domain rules that JSON Schema cannot express.

Each rule has an id, a severity and a hint. They run after the schema on
request kinds, and they are written to survive schema-invalid input: a wrong
type somewhere is the schema's finding, never a crash here.
"""

from __future__ import annotations

import decimal
import functools
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import orjson

from sendcloud_contract.ids import integration_id
from sendcloud_contract.json_form import ARRAYS
from sendcloud_contract.redaction import shorten
from sendcloud_contract.report import Severity, Violation
from sendcloud_contract.timestamps import before

__all__ = ["RULES", "Rule", "check"]


class Rule(NamedTuple):
    """A domain rule: its id in reports, how bad a finding is, what it checks, the fix."""

    id: str
    severity: Severity
    summary: str
    hint: str

    def finding(self, pointer: str, message: str) -> Violation:
        """This rule's finding at ``pointer``."""
        return Violation(
            pointer=pointer, message=message, rule=self.id, severity=self.severity, hint=self.hint
        )


def _error(id: str, summary: str, hint: str) -> Rule:
    return Rule(id, Severity.ERROR, summary, hint)


def _warning(id: str, summary: str, hint: str) -> Rule:
    return Rule(id, Severity.WARNING, summary, hint)


MAX_ORDERS_PER_BATCH = 100
"""Sendcloud's limit on one POST /orders body (the batch schema's ``maxItems``)."""

BATCH_TOO_LARGE = _error(
    "batch-too-large",
    "more than 100 orders in one batch",
    "split the batch: Sendcloud accepts at most 100 orders per request",
)
DUPLICATE_ORDER_KEY = _error(
    "duplicate-order-key",
    "two orders with the same (order_id, integration id) in one batch",
    "send each order once per batch; the upsert would apply both to the same order",
)
REQUEST_ID_DIGITS = _error(
    "request-id-digits",
    "request `id` that is not a digit string",
    'send Sendcloud\'s order id as a string of digits, e.g. "669", or leave it out',
)
PATCH_PHONE_TWICE = _error(
    "patch-phone-twice",
    "PATCH customer_details with both `phone` and `phone_number`",
    "send one: the PATCH part of Sendcloud's document calls the field phone, the POST part "
    "phone_number; both name the customer's phone",
)
UNKNOWN_COUNTRY = _error(
    "unknown-country-code",
    "country code that is not an ISO 3166-1 alpha-2 code",
    "use an assigned ISO 3166-1 alpha-2 code, e.g. NL, DE, GB, US",
)
UNKNOWN_CURRENCY = _error(
    "unknown-currency-code",
    "currency that is not an ISO 4217 code",
    "use an assigned ISO 4217 code, e.g. EUR, GBP, USD",
)
STATE_REQUIRED = _error(
    "state-province-required",
    "shipping address in Australia, Canada, Italy or the USA without state_province_code",
    "add state_province_code, e.g. NY or US-NY",
)
UNKNOWN_STATE = _warning(
    "unknown-state-province-code",
    "state_province_code that is not a subdivision of the address's country",
    "use the ISO 3166-2 code of a subdivision of that country, e.g. NY or US-NY for New York",
)
TOTAL_EXCEEDS = _warning(
    "item-total-exceeds-unit-price",
    "item total_price above unit_price x quantity",
    "total_price is unit_price x quantity minus discounts; check the quantity and prices",
)
MIXED_CURRENCIES = _warning(
    "mixed-currencies",
    "more than one currency inside one order",
    "express every price of an order in the shop currency",
)
UPDATED_BEFORE_CREATED = _warning(
    "updated-before-created",
    "order_updated_at before order_created_at",
    "check the time zones of both timestamps",
)
IMAGE_WITHOUT_PRODUCT = _warning(
    "image-url-without-product-id",
    "image_url without product_id",
    "add product_id: Sendcloud shows the image only when product_id is set",
)
EAN_CHECK_DIGIT = _warning(
    "ean-check-digit",
    "EAN that is not 8, 12, 13 or 14 digits with a valid check digit",
    "send the full EAN-13 (GTIN) with its check digit",
)
HS_CODE_SHAPE = _warning(
    "hs-code-shape",
    "HS code that is not 6 to 10 digits",
    "use the 6-digit HS code, or the 8-10 digit tariff code of the destination",
)
CUSTOMS_MISSING = _warning(
    "customs-missing",
    "destination outside the EU without customs_details, or items without hs_code "
    "or country_of_origin",
    "add customs_details and each item's hs_code and country_of_origin for customs",
)

RESPONSE_ID_STRING = _warning(
    "response-id-string",
    "a 201 or PATCH answer whose id is a digit string, not an integer",
    "Sendcloud's reference sends an integer id in 201 and PATCH answers; an older guide "
    'shows a string ("664"): read both',
)
"""A response rule: recorded answers are checked for it, requests never."""

RULES: tuple[Rule, ...] = (
    BATCH_TOO_LARGE,
    DUPLICATE_ORDER_KEY,
    REQUEST_ID_DIGITS,
    PATCH_PHONE_TWICE,
    UNKNOWN_COUNTRY,
    UNKNOWN_CURRENCY,
    STATE_REQUIRED,
    UNKNOWN_STATE,
    TOTAL_EXCEEDS,
    MIXED_CURRENCIES,
    UPDATED_BEFORE_CREATED,
    IMAGE_WITHOUT_PRODUCT,
    EAN_CHECK_DIGIT,
    HS_CODE_SHAPE,
    CUSTOMS_MISSING,
)

EU_COUNTRIES = frozenset([
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
])  # fmt: skip
STATE_REQUIRED_COUNTRIES = frozenset({"AU", "CA", "IT", "US"})


@functools.cache
def iso_data() -> dict[str, Any]:
    """ISO 3166 and ISO 4217 codes, a snapshot of pycountry's data shipped with the package.

    Each list of codes is one space-separated string (scripts/regenerate_iso_data.py).
    """
    with open(os.path.join(os.path.dirname(__file__), "data", "iso.json"), "rb") as file:
        data: dict[str, Any] = orjson.loads(file.read())
    return data


@functools.cache
def country_codes() -> frozenset[str]:
    # XK (Kosovo) is user-assigned in ISO 3166 but used by carriers, shops and Sendcloud alike.
    return frozenset(iso_data()["countries"].split()) | {"XK"}


@functools.cache
def currency_codes() -> frozenset[str]:
    return frozenset(iso_data()["currencies"].split())


@functools.cache
def subdivision_codes(country: str) -> frozenset[str]:
    """ISO 3166-2 codes of a country's subdivisions, without the country prefix."""
    return frozenset(iso_data()["subdivisions"].get(country, "").split())


def gtin_is_valid(code: str) -> bool:
    if len(code) not in (8, 12, 13, 14) or not (code.isascii() and code.isdigit()):
        return False
    # From the right, body digits weigh 3, 1, 3, ...; the last digit is the check digit.
    total = 3 * sum(map(int, code[-2::-2])) + sum(map(int, code[-3::-2]))
    return (10 - total % 10) % 10 == int(code[-1])


Found = list[Violation]
"""Findings, appended to by each check. A pointer and a message are built only for a
finding, so a clean payload costs the checks and little else."""


_PAYMENT_PRICES = frozenset(
    {
        "total_price",
        "subtotal_price",
        "estimated_shipping_price",
        "estimated_tax_price",
        "discount_granted",
        "insurance_costs",
        "freight_costs",
        "other_costs",
    }
)

Currencies = dict[str, tuple[str | int, ...]]
"""Each distinct currency of an order's prices, with the path below the order to the price
that first uses it."""


def _check_order(
    order: Any, out: Found, base: str = "", countries: frozenset[str] | None = None
) -> None:
    if not isinstance(order, dict):
        return
    if "id" in order:
        _check_request_id(order["id"], f"{base}/id", out)
    if countries is None:
        countries = country_codes()
    shipping = order.get("shipping_address")
    if shipping is not None:
        _check_address(shipping, base, "shipping_address", countries, out)
    billing = order.get("billing_address")
    if billing is not None:
        _check_address(billing, base, "billing_address", countries, out)
    currency_findings_at = len(out)  # reported after the addresses, before the rest
    details = order.get("order_details")
    if not isinstance(details, dict):
        details = {}
    created, updated = details.get("order_created_at"), details.get("order_updated_at")
    if isinstance(created, str) and isinstance(updated, str) and before(updated, created):
        out.append(
            UPDATED_BEFORE_CREATED.finding(
                f"{base}/order_details/order_updated_at",
                f"order_updated_at {shorten(updated)} is before order_created_at "
                f"{shorten(created)}",
            )
        )
    customs = order.get("customs_details")
    destination = shipping.get("country_code") if isinstance(shipping, dict) else None
    international = (
        isinstance(destination, str)
        and destination in countries
        and destination not in EU_COUNTRIES
    )
    if international and not customs:
        out.append(
            CUSTOMS_MISSING.finding(
                f"{base}/customs_details" if "customs_details" in order else base,
                f"shipping to {destination}, outside the EU, without customs_details",
            )
        )
    tax_numbers = customs.get("tax_numbers") if isinstance(customs, dict) else None
    if isinstance(tax_numbers, dict):
        for role, entries in tax_numbers.items():
            if isinstance(entries, ARRAYS):
                for i, entry in enumerate(entries):
                    _check_country(
                        entry.get("country_code") if isinstance(entry, dict) else None,
                        f"{base}/customs_details/tax_numbers/{role}/{i}/country_code",
                        out,
                    )
    currencies: Currencies = {}
    payment = order.get("payment_details")
    if isinstance(payment, dict):
        for key, price in payment.items():
            if isinstance(price, dict) and key in _PAYMENT_PRICES:
                currency = price.get("currency")
                if isinstance(currency, str) and currency not in currencies:
                    currencies[currency] = ("payment_details", key)
    items = details.get("order_items")
    if isinstance(items, ARRAYS):
        _check_items(items, base, international, countries, currencies, out)
    if currencies and (len(currencies) > 1 or next(iter(currencies)) not in currency_codes()):
        found: Found = []
        _check_currencies(currencies, base, found)
        out[currency_findings_at:currency_findings_at] = found


def _check_request_id(request_id: Any, pointer: str, out: Found) -> None:
    if isinstance(request_id, str) and not (request_id.isascii() and request_id.isdigit()):
        message = f"id '{shorten(request_id)}' is not a digit string"
        out.append(REQUEST_ID_DIGITS.finding(pointer, message))


def _check_currencies(currencies: Currencies, base: str, out: Found) -> None:
    """Unknown currencies, then more than one known one; what is not three capitals is the
    schema's finding alone."""
    shaped = {c: at for c, at in currencies.items() if len(c) == 3 and c.isupper() and c.isalpha()}
    known = currency_codes()
    for currency, where in list(shaped.items()):
        if currency not in known:
            del shaped[currency]
            out.append(
                UNKNOWN_CURRENCY.finding(
                    _currency_pointer(base, where), f"'{currency}' is not an ISO 4217 currency code"
                )
            )
    if len(shaped) > 1:
        *_, (_, where) = shaped.items()
        out.append(
            MIXED_CURRENCIES.finding(
                _currency_pointer(base, where),
                f"prices use {', '.join(sorted(shaped))} within one order",
            )
        )


def _currency_pointer(base: str, where: tuple[str | int, ...]) -> str:
    return "/".join([base, *map(str, where), "currency"])


def _check_country(code: Any, pointer: str, out: Found) -> None:
    if (
        isinstance(code, str)
        and len(code) == 2
        and code not in country_codes()
        and code.isupper()
        and code.isalpha()
    ):
        out.append(
            UNKNOWN_COUNTRY.finding(pointer, f"'{code}' is not an ISO 3166-1 alpha-2 country code")
        )


def _check_address(
    address: Any, base: str, key: str, countries: frozenset[str], out: Found
) -> None:
    if not isinstance(address, dict):
        return
    country = address.get("country_code")
    if not isinstance(country, str):
        return
    known_country = country in countries
    if not known_country:
        _check_country(country, f"{base}/{key}/country_code", out)
    state = address.get("state_province_code")
    if state is None or state == "":
        if key == "shipping_address" and country in STATE_REQUIRED_COUNTRIES:
            out.append(
                STATE_REQUIRED.finding(
                    f"{base}/{key}", f"state_province_code is required for shipping to {country}"
                )
            )
        return
    if not isinstance(state, str) or not known_country:
        return
    known = subdivision_codes(country)
    if state in known:
        return
    prefix, dash, local = state.partition("-")
    if dash and prefix != country:
        message = f"'{shorten(state)}' belongs to {prefix}, but the address is in {country}"
    elif known and (local if dash else state) not in known:
        message = f"'{shorten(state)}' is not a known subdivision of {country}"
    else:
        return
    out.append(UNKNOWN_STATE.finding(f"{base}/{key}/state_province_code", message))


def _check_items(
    items: Sequence[Any],
    base: str,
    international: bool,
    countries: frozenset[str],
    currencies: Currencies,
    out: Found,
) -> None:
    """Each item's rules; notes the currencies of the item prices in ``currencies``.

    The usual item (float prices, an integer quantity, a digit HS code) takes a quick path;
    any other shape takes the general one, which handles every JSON number exactly.
    """
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        origin = item.get("country_of_origin")
        if isinstance(origin, str) and origin not in countries:
            _check_country(origin, f"{_item(base, i)}/country_of_origin", out)
        unit, total = item.get("unit_price"), item.get("total_price")
        unit_currency = unit.get("currency") if isinstance(unit, dict) else None
        if isinstance(unit_currency, str) and unit_currency not in currencies:
            currencies[unit_currency] = ("order_details", "order_items", i, "unit_price")
        if isinstance(total, dict):
            currency = total.get("currency")
            if isinstance(currency, str) and currency not in currencies:
                currencies[currency] = ("order_details", "order_items", i, "total_price")
            if unit_currency == currency and isinstance(unit, dict):
                quantity: Any = item.get("quantity")
                unit_value: Any = unit.get("value")
                total_value: Any = total.get("value")
                if _exceeds(total_value, unit_value, quantity):
                    out.append(
                        TOTAL_EXCEEDS.finding(
                            f"{_item(base, i)}/total_price/value",
                            f"total_price {_number(total_value)} is above unit_price "
                            f"{_number(unit_value)} x quantity {_number(quantity)}"
                            + _product(unit_value, quantity),
                        )
                    )
        if item.get("image_url") and not item.get("product_id"):
            out.append(
                IMAGE_WITHOUT_PRODUCT.finding(
                    f"{_item(base, i)}/image_url", "image_url is given without product_id"
                )
            )
        ean = item.get("ean")
        if ean and isinstance(ean, str) and not gtin_is_valid(ean):
            out.append(
                EAN_CHECK_DIGIT.finding(
                    f"{_item(base, i)}/ean", f"'{shorten(ean)}' is not a valid EAN/GTIN"
                )
            )
        hs_code = item.get("hs_code")
        if (
            hs_code
            and isinstance(hs_code, str)
            and not (hs_code.isdigit() and 6 <= len(hs_code) <= 10)
            and not _hs_code_shaped(hs_code)
        ):
            out.append(
                HS_CODE_SHAPE.finding(
                    f"{_item(base, i)}/hs_code", f"'{shorten(hs_code)}' is not 6 to 10 digits"
                )
            )
        if international and not (hs_code and origin):
            missing = [k for k in ("hs_code", "country_of_origin") if not item.get(k)]
            out.append(
                CUSTOMS_MISSING.finding(
                    _item(base, i),
                    f"item is shipped outside the EU without {' and '.join(missing)}",
                )
            )


def _hs_code_shaped(code: str) -> bool:
    """6 to 10 digits, dots and spaces aside."""
    digits = code if code.isdigit() else code.replace(".", "").replace(" ", "")
    return digits.isdigit() and 6 <= len(digits) <= 10


def _item(base: str, index: int) -> str:
    return f"{base}/order_details/order_items/{index}"


_JSON_NUMBERS = (int, float, Decimal)
"""What a JSON number is in Python: a finite ``Decimal`` is the number it holds."""
_COUNTS = (int, Decimal)


def _exceeds(total: Any, unit: Any, quantity: Any) -> bool:
    """``total > unit x quantity`` by more than half a cent, exactly for any size of number;
    False unless all three are numbers.

    Floats are compared as floats (the usual item is decided at once); numbers too large for
    a float (a 401-digit quantity), and a ``Decimal`` anywhere, are compared in exact decimal
    arithmetic (a float converts to the ``Decimal`` of its exact value).
    """
    usual = type(total) is float and type(unit) is float and type(quantity) is int
    if not usual:
        if not (
            isinstance(quantity, _COUNTS)
            and isinstance(unit, _JSON_NUMBERS)
            and isinstance(total, _JSON_NUMBERS)
        ):
            return False
        if any(isinstance(number, Decimal) for number in (total, unit, quantity)):
            return _exceeds_decimal(Decimal(total), Decimal(unit), Decimal(quantity))
    try:
        exceeds: bool = total > unit * quantity + 0.005
    except OverflowError:
        return _exceeds_decimal(Decimal(total), Decimal(unit), Decimal(quantity))
    return exceeds


_HALF_CENT = Decimal("0.005")


def _exceeds_decimal(total: Decimal, unit: Decimal, quantity: Decimal) -> bool:
    """``total - unit x quantity > 0.005`` decided by bounds rounded down and up.

    An exponent may be huge (``1E+999999999``), so no exact fraction is built; the bounds
    are refined until they agree, which they do as soon as the precision covers the
    digits the numbers were written with.
    """
    if not (total.is_finite() and unit.is_finite() and quantity.is_finite()):
        return False  # no JSON number: the not-json finding names it
    precision = 32
    while True:
        floor, ceiling = (
            decimal.Context(
                prec=precision, rounding=rounding, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN
            )
            for rounding in (decimal.ROUND_FLOOR, decimal.ROUND_CEILING)
        )
        low = floor.subtract(floor.subtract(total, ceiling.multiply(unit, quantity)), _HALF_CENT)
        if low > 0:
            return True
        high = ceiling.subtract(ceiling.subtract(total, floor.multiply(unit, quantity)), _HALF_CENT)
        if high <= 0:
            return False
        precision *= 4


def _number(value: float | Decimal) -> str:
    """A number as a message shows it; integers too long to read are summarised."""
    if isinstance(value, int) and value.bit_length() > 128:
        return f"(an integer of {len(str(abs(value))):,} digits)"
    return str(value)


def _product(unit: float | Decimal, quantity: int | Decimal) -> str:
    try:
        if isinstance(unit, Decimal) or isinstance(quantity, Decimal):
            return f" = {round(Decimal(unit) * Decimal(quantity), 2)}"
        return f" = {round(unit * quantity, 2)}"
    except ArithmeticError:  # too large for a float, or for the message's decimal precision
        return ""


def _check_batch(batch: Any, out: Found) -> None:
    if not isinstance(batch, ARRAYS):
        return
    seen: dict[tuple[Any, Any], int] = {}
    countries = country_codes()
    for index, order in enumerate(batch):
        base = f"/{index}"
        _check_order(order, out, base, countries)
        if not isinstance(order, dict):
            continue
        order_id, details = order.get("order_id"), order.get("order_details")
        integration = details.get("integration") if isinstance(details, dict) else None
        number = integration.get("id") if isinstance(integration, dict) else None
        if type(number) is not int:  # the usual integer id as it is; any other shape read
            number = integration_id(number)
        if not isinstance(order_id, str) or number is None:
            continue
        first = seen.setdefault((order_id, number), index)
        if first != index:
            out.append(
                DUPLICATE_ORDER_KEY.finding(
                    base,
                    f"order_id '{shorten(order_id)}' for integration {number} is already "
                    f"order {first} of this batch",
                )
            )


def _check_update(update: Any, out: Found) -> None:
    if not isinstance(update, dict):
        return
    if "id" in update:
        _check_request_id(update["id"], "/id", out)
    customer = update.get("customer_details")
    if isinstance(customer, dict) and "phone" in customer and "phone_number" in customer:
        out.append(
            PATCH_PHONE_TWICE.finding("/customer_details/phone", "phone and phone_number both sent")
        )
    for key in ("shipping_address", "billing_address"):
        address = update.get(key)
        if isinstance(address, dict):
            _check_country(address.get("country_code"), f"/{key}/country_code", out)
    details = update.get("order_details")
    items = details.get("order_items") if isinstance(details, dict) else None
    if isinstance(items, ARRAYS):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                _check_country(
                    item.get("country_of_origin"),
                    f"/order_details/order_items/{i}/country_of_origin",
                    out,
                )


def _check_id_string(entry: Any, pointer: str, out: Found) -> None:
    order_id = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(order_id, str) and order_id.isascii() and order_id.isdigit():
        message = (
            f"id is the string '{shorten(order_id)}': Sendcloud's reference sends an integer "
            "here, an older guide a string"
        )
        out.append(RESPONSE_ID_STRING.finding(f"{pointer}/id", message))


def _check_batch_response(answer: Any, out: Found) -> None:
    entries = answer.get("data") if isinstance(answer, dict) else None
    if isinstance(entries, ARRAYS):
        for index, entry in enumerate(entries):
            _check_id_string(entry, f"/data/{index}", out)


def _check_update_response(answer: Any, out: Found) -> None:
    if isinstance(answer, dict):
        _check_id_string(answer.get("data"), "/data", out)


_CHECKS: dict[str, Callable[[Any, Found], None]] = {
    "order-batch": _check_batch,
    "order": _check_order,
    "order-update": _check_update,
    "order-batch-response": _check_batch_response,
    "order-update-response": _check_update_response,
}


def check(kind: str, value: Any) -> list[Violation]:
    """Every domain-rule finding for a payload of a kind (requests, and two response rules)."""
    checker = _CHECKS.get(kind)
    found: Found = []
    if checker is not None:
        checker(value, found)
    return found
