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
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, NamedTuple

import orjson

from sendcloud_contract import _lazy
from sendcloud_contract.ids import integration_id
from sendcloud_contract.json_form import ARRAYS
from sendcloud_contract.report import Severity, Violation

__all__ = ["RULES", "Rule", "check"]


class Rule(NamedTuple):
    """A domain rule (a named tuple: cheaper to define at start-up than a dataclass)."""

    id: str
    severity: Severity
    summary: str
    hint: str


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

EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
STATE_REQUIRED_COUNTRIES = frozenset({"AU", "CA", "IT", "US"})
PRICE_CURRENCIES = frozenset({"EUR", "GBP", "USD"})
"""The currencies of Sendcloud's price object (the contract's ``currency`` enum)."""


@functools.cache
def _iso_data() -> dict[str, Any]:
    """ISO 3166 and ISO 4217 codes, a snapshot of pycountry's data shipped with the package.

    Each list of codes is one space-separated string (scripts/regenerate_iso_data.py).
    """
    with open(os.path.join(os.path.dirname(__file__), "data", "iso.json"), "rb") as file:
        data: dict[str, Any] = orjson.loads(file.read())
    return data


@functools.cache
def country_codes() -> frozenset[str]:
    # XK (Kosovo) is user-assigned in ISO 3166 but used by carriers, shops and Sendcloud alike.
    return frozenset(_iso_data()["countries"].split()) | {"XK"}


@functools.cache
def currency_codes() -> frozenset[str]:
    return frozenset(_iso_data()["currencies"].split())


@functools.cache
def subdivision_codes(country: str) -> frozenset[str]:
    """ISO 3166-2 codes of a country's subdivisions, without the country prefix."""
    return frozenset(_iso_data()["subdivisions"].get(country, "").split())


_DATE_TIME = _lazy.pattern(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)


def parse_date_time(text: str) -> datetime | None:
    """An aware datetime from RFC 3339 text, or None when it is not one.

    Also None for stamps Python's datetime cannot hold: an offset of 24 hours or more
    (``+24:00``, ``+23:60``) or the year 0000.
    """
    match = _DATE_TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, oh, om = match.groups()
    try:
        offset = timezone.utc
        if not zulu:
            delta = timedelta(hours=int(oh), minutes=int(om))
            offset = timezone(-delta if sign == "-" else delta)
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            min(int(second), 59),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=offset,
        )
    except ValueError:
        return None


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date, for any year (0000 included)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _instant(text: str) -> tuple[int, str] | None:
    """The UTC instant of RFC 3339 text as (seconds since 1970, fraction digits), or None.

    The fraction's trailing zeros are dropped, so its digits compare as text.

    Plain integer arithmetic, so every stamp the grammar allows compares, even those
    whose UTC instant falls outside the years 1 to 9999 (``9999-12-31T23:59:59-01:00``).
    """
    match = _DATE_TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, oh, om = match.groups()
    if not zulu and (int(oh) > 23 or int(om) > 59):
        return None  # no RFC 3339 offset; the schema's date-time format reports it
    days = _days_from_civil(int(year), int(month), int(day))
    seconds = ((days * 24 + int(hour)) * 60 + int(minute)) * 60 + int(second)
    if not zulu:
        shift = (int(oh) * 60 + int(om)) * 60
        seconds += shift if sign == "-" else -shift
    return seconds, (fraction or "").rstrip("0")


def gtin_is_valid(code: str) -> bool:
    if len(code) not in (8, 12, 13, 14) or not (code.isascii() and code.isdigit()):
        return False
    # From the right, body digits weigh 3, 1, 3, ...; the last digit is the check digit.
    total = 3 * sum(map(int, code[-2::-2])) + sum(map(int, code[-3::-2]))
    return (10 - total % 10) % 10 == int(code[-1])


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


Found = list[tuple[Rule, str, str]]
"""Findings as (rule, pointer, message), appended to by each check."""


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


def _price_currencies(order: dict[str, Any], base: str) -> dict[str, str]:
    """Each distinct well-formed currency of an order's prices, with where it is first used."""
    found: dict[str, str] = {}
    payment = order.get("payment_details")
    if isinstance(payment, dict):
        for key, price in payment.items():
            if key in _PAYMENT_PRICES and isinstance(price, dict):
                currency = price.get("currency")
                if isinstance(currency, str) and currency not in found:
                    found[currency] = f"{base}/payment_details/{key}/currency"
    items = _get(order, "order_details", "order_items")
    if isinstance(items, ARRAYS):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                for key in ("unit_price", "total_price"):
                    price = item.get(key)
                    if isinstance(price, dict):
                        currency = price.get("currency")
                        if isinstance(currency, str) and currency not in found:
                            found[currency] = f"{base}/order_details/order_items/{i}/{key}/currency"
    if len(found) == 1 and _is_currency_shaped(next(iter(found))):
        return found
    return {c: p for c, p in found.items() if _is_currency_shaped(c)}


def _payment_currency(order: dict[str, Any]) -> str | None:
    """The one known currency of an order's payment prices, or None when they may mix.

    The cheap half of the common case (every price in the currency of the total); the
    items loop checks the item prices against it.
    """
    payment = order.get("payment_details")
    if not isinstance(payment, dict):
        return None
    total = payment.get("total_price")
    currency = total.get("currency") if isinstance(total, dict) else None
    if not isinstance(currency, str) or currency not in currency_codes():
        return None
    for key, price in payment.items():
        if key in _PAYMENT_PRICES and isinstance(price, dict):
            other = price.get("currency")
            if other is not None and other != currency:
                return None
    return currency


def _check_currencies(order: dict[str, Any], base: str, out: Found) -> None:
    currencies = _price_currencies(order, base)
    if len(currencies) > 1 or not currencies.keys() <= currency_codes():
        known = currency_codes()
        for currency, pointer in list(currencies.items()):
            if currency not in known:
                del currencies[currency]
                out.append(
                    (UNKNOWN_CURRENCY, pointer, f"'{currency}' is not an ISO 4217 currency code")
                )
    if len(currencies) > 1:
        *_, (_, pointer) = currencies.items()
        out.append(
            (
                MIXED_CURRENCIES,
                pointer,
                f"prices use {', '.join(sorted(currencies))} within one order",
            )
        )


def _is_currency_shaped(code: str) -> bool:
    return len(code) == 3 and code.isupper() and code.isalpha()


_FRACTION_DIGITS = ".0123456789"


def _updated_before_created(created: str, updated: str) -> bool:
    """Compare two RFC 3339 stamps: as text when they share an offset, else by parsing."""
    created_offset = created[19:].lstrip(_FRACTION_DIGITS)
    updated_offset = updated[19:].lstrip(_FRACTION_DIGITS)
    if created_offset == updated_offset and created_offset and created[10:11] == updated[10:11]:
        if created[:19] != updated[:19]:
            return updated[:19] < created[:19]
        # The digits of each fraction (none without one), padded to one width: ".5" is ".500".
        created_fraction = created[20 : len(created) - len(created_offset)]
        updated_fraction = updated[20 : len(updated) - len(updated_offset)]
        width = max(len(created_fraction), len(updated_fraction))
        return updated_fraction.ljust(width, "0") < created_fraction.ljust(width, "0")
    created_at, updated_at = _instant(created), _instant(updated)
    return created_at is not None and updated_at is not None and updated_at < created_at


def _check_country(code: Any, pointer: str, out: Found) -> None:
    if (
        isinstance(code, str)
        and len(code) == 2
        and code not in country_codes()
        and code.isupper()
        and code.isalpha()
    ):
        out.append(
            (UNKNOWN_COUNTRY, pointer, f"'{code}' is not an ISO 3166-1 alpha-2 country code")
        )


def _check_address(address: Any, base: str, key: str, out: Found) -> None:
    if not isinstance(address, dict):
        return
    pointer = f"{base}/{key}"
    country = address.get("country_code")
    if not isinstance(country, str):
        return
    if country not in country_codes():
        _check_country(country, f"{pointer}/country_code", out)
    state = address.get("state_province_code")
    if state is None or state == "":
        if key == "shipping_address" and country in STATE_REQUIRED_COUNTRIES:
            out.append(
                (
                    STATE_REQUIRED,
                    pointer,
                    f"state_province_code is required for shipping to {country}",
                )
            )
        return
    if not isinstance(state, str) or country not in country_codes():
        return
    prefix, dash, local = state.partition("-")
    if dash and prefix != country:
        out.append(
            (
                UNKNOWN_STATE,
                f"{pointer}/state_province_code",
                f"'{state}' belongs to {prefix}, but the address is in {country}",
            )
        )
        return
    known = subdivision_codes(country)
    if known and (local if dash else state) not in known:
        out.append(
            (
                UNKNOWN_STATE,
                f"{pointer}/state_province_code",
                f"'{state}' is not a known subdivision of {country}",
            )
        )


def _check_items(
    items: Sequence[Any], base: str, international: bool, currency: str | None, out: Found
) -> str | None:
    """Check each item; returns ``currency`` while every item price is in it, else None."""
    countries = country_codes()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        get = item.get
        origin = get("country_of_origin")
        if isinstance(origin, str) and origin not in countries:
            _check_country(origin, f"{_item(base, i)}/country_of_origin", out)
        unit, total, quantity = get("unit_price"), get("total_price"), get("quantity")
        if currency is not None and (
            (isinstance(unit, dict) and unit.get("currency", currency) != currency)
            or (isinstance(total, dict) and total.get("currency", currency) != currency)
        ):
            currency = None
        if isinstance(unit, dict) and isinstance(total, dict) and isinstance(quantity, _COUNTS):
            unit_value, total_value = unit.get("value"), total.get("value")
            if (
                isinstance(unit_value, _JSON_NUMBERS)
                and isinstance(total_value, _JSON_NUMBERS)
                and _exceeds(total_value, unit_value, quantity)
                and unit.get("currency") == total.get("currency")
            ):
                out.append(
                    (
                        TOTAL_EXCEEDS,
                        f"{_item(base, i)}/total_price/value",
                        f"total_price {_number(total_value)} is above unit_price "
                        f"{_number(unit_value)} x quantity {_number(quantity)}"
                        + _product(unit_value, quantity),
                    )
                )
        if get("image_url") and not get("product_id"):
            out.append(
                (
                    IMAGE_WITHOUT_PRODUCT,
                    f"{_item(base, i)}/image_url",
                    "image_url is given without product_id",
                )
            )
        ean = get("ean")
        if ean and isinstance(ean, str) and not gtin_is_valid(ean):
            out.append(
                (EAN_CHECK_DIGIT, f"{_item(base, i)}/ean", f"'{ean}' is not a valid EAN/GTIN")
            )
        hs_code = get("hs_code")
        if hs_code and isinstance(hs_code, str) and not _hs_code_shaped(hs_code):
            out.append(
                (
                    HS_CODE_SHAPE,
                    f"{_item(base, i)}/hs_code",
                    f"'{hs_code}' is not 6 to 10 digits",
                )
            )
        if international and not (hs_code and origin):
            missing = [k for k in ("hs_code", "country_of_origin") if not get(k)]
            out.append(
                (
                    CUSTOMS_MISSING,
                    _item(base, i),
                    f"item is shipped outside the EU without {' and '.join(missing)}",
                )
            )
    return currency


def _clean_items(items: Sequence[Any], international: bool, currency: str) -> bool:
    """True when :func:`_check_items` would find nothing and keep ``currency``: the common case,
    proved with exact types and no pointers built. False only sends the items to the full check.
    """
    countries = country_codes()
    try:
        for item in items:
            if type(item) is not dict:
                return False
            get = item.get
            origin = get("country_of_origin")
            if origin is None:
                if international:
                    return False
            elif type(origin) is not str or origin not in countries:
                return False
            unit, total, quantity = get("unit_price"), get("total_price"), get("quantity")
            if (
                type(unit) is not dict
                or type(total) is not dict
                or type(quantity) is not int
                or unit.get("currency") != currency
                or total.get("currency") != currency
            ):
                return False
            unit_value: Any = unit.get("value")
            total_value: Any = total.get("value")
            if type(unit_value) not in _NUMBERS or type(total_value) not in _NUMBERS:
                return False
            if not total_value <= unit_value * quantity + 0.005:
                return False
            if get("image_url") and not get("product_id"):
                return False
            ean = get("ean")
            if ean and not (type(ean) is str and gtin_is_valid(ean)):
                return False
            hs_code = get("hs_code")
            if hs_code is None:
                if international:
                    return False
            elif not (type(hs_code) is str and hs_code.isdigit() and 6 <= len(hs_code) <= 10):
                return False
    except OverflowError:  # a number too large for a float: the full check compares it exactly
        return False
    return True


_NUMBERS = (int, float)


_JSON_NUMBERS = (int, float, Decimal)
"""What a JSON number is in Python: a finite ``Decimal`` is the number it holds."""
_COUNTS = (int, Decimal)


def _exceeds(total: float | Decimal, unit: float | Decimal, quantity: int | Decimal) -> bool:
    """``total > unit x quantity`` by more than half a cent, exactly for any size of number.

    Floats are compared as floats (the common case); numbers too large for a float
    (a 401-digit quantity) are compared as exact fractions instead of overflowing, and a
    ``Decimal`` anywhere is compared in exact decimal arithmetic.
    """
    if isinstance(total, Decimal) or isinstance(unit, Decimal) or isinstance(quantity, Decimal):
        return _exceeds_decimal(Decimal(total), Decimal(unit), Decimal(quantity))
    try:
        return total > unit * quantity + 0.005
    except OverflowError:
        from fractions import Fraction  # rare: only numbers too large for a float get here

        return Fraction(total) > Fraction(unit) * quantity + Fraction(1, 200)


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


def _item(base: str, index: int) -> str:
    return f"{base}/order_details/order_items/{index}"


def _check_order(order: Any, base: str, out: Found) -> None:
    if not isinstance(order, dict):
        return
    request_id = order.get("id")
    if isinstance(request_id, str) and not (request_id.isascii() and request_id.isdigit()):
        out.append((REQUEST_ID_DIGITS, f"{base}/id", f"id '{request_id}' is not a digit string"))
    shipping = order.get("shipping_address")
    _check_address(shipping, base, "shipping_address", out)
    _check_address(order.get("billing_address"), base, "billing_address", out)
    currency_findings_at = len(out)
    details = order.get("order_details")
    if isinstance(details, dict):
        created, updated = details.get("order_created_at"), details.get("order_updated_at")
        if (
            isinstance(created, str)
            and isinstance(updated, str)
            and _updated_before_created(created, updated)
        ):
            out.append(
                (
                    UPDATED_BEFORE_CREATED,
                    f"{base}/order_details/order_updated_at",
                    f"order_updated_at {updated} is before order_created_at {created}",
                )
            )
    customs = order.get("customs_details")
    destination = shipping.get("country_code") if isinstance(shipping, dict) else None
    international = (
        isinstance(destination, str)
        and destination in country_codes()
        and destination not in EU_COUNTRIES
    )
    if international and not customs:
        out.append(
            (
                CUSTOMS_MISSING,
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
                        _get(entry, "country_code"),
                        f"{base}/customs_details/tax_numbers/{role}/{i}/country_code",
                        out,
                    )
    currency = _payment_currency(order)
    items = details.get("order_items") if isinstance(details, dict) else None
    if isinstance(items, ARRAYS) and (
        currency is None or not _clean_items(items, international, currency)
    ):
        currency = _check_items(items, base, international, currency, out)
    if currency is None:  # prices may mix currencies, or use unknown ones: look closer
        found: Found = []
        _check_currencies(order, base, found)
        out[currency_findings_at:currency_findings_at] = found


def _maybe_unknown_country(code: Any) -> bool:
    """False only when :func:`_check_country` surely reports nothing for ``code``."""
    return isinstance(code, str) and len(code) == 2 and code not in country_codes()


def _clean_state(state: str, country: str) -> bool:
    """True when :func:`_check_address` would find nothing about a given state of an address
    in a known country."""
    if state in subdivision_codes(country) and "-" not in state:
        return True  # the common case: a known code without the country prefix
    prefix, dash, local = state.partition("-")
    if dash and prefix != country:
        return False
    known = subdivision_codes(country)
    return not known or (local if dash else state) in known


_PROVEN_STATES: set[tuple[str, str]] = set()
"""(state, country) pairs :func:`_clean_state` passed, and HS codes of the right shape: a
batch repeats a few of each, and a set lookup costs a fraction of proving them again."""
_PROVEN_HS_CODES: set[str] = set()
_PROVEN_AT_MOST = 4096
"""Each set stops growing at this many entries, whatever the input."""


def _clean_order(order: dict[str, Any], countries: frozenset[str], currency: str | None) -> bool:
    """True when :func:`_check_order` would find nothing (see :func:`clean`)."""
    if "id" in order:
        request_id = order["id"]
        if not (request_id.isascii() and request_id.isdigit()):
            return False
    international = False
    shipping = order.get("shipping_address")
    if shipping is not None:
        country = shipping["country_code"]
        if country not in countries:
            return False
        state = shipping.get("state_province_code")
        if state:
            if (state, country) not in _PROVEN_STATES:
                if not _clean_state(state, country):
                    return False
                if len(_PROVEN_STATES) < _PROVEN_AT_MOST:
                    _PROVEN_STATES.add((state, country))
        elif country in STATE_REQUIRED_COUNTRIES:
            return False
        international = country not in EU_COUNTRIES
    billing = order.get("billing_address")
    if billing is not None:
        country = billing["country_code"]
        state = billing.get("state_province_code")
        if country not in countries or (state and not _clean_state(state, country)):
            return False
    details = order["order_details"]
    created, updated = details["order_created_at"], details.get("order_updated_at")
    if (
        updated is not None
        and not (
            created[-1] == updated[-1] == "Z"
            and created[10] == updated[10]
            and updated[:19] > created  # the same as against created[:19], one slice less
        )
        and _updated_before_created(created, updated)
    ):
        return False
    customs = order.get("customs_details")
    if customs:
        if "tax_numbers" in customs:
            for entries in (customs["tax_numbers"] or {}).values():
                for entry in entries:
                    if _maybe_unknown_country(entry.get("country_code")):
                        return False
    elif international:
        return False
    if currency is None and _one_price_currency(order) is None:
        return False
    for item in details["order_items"]:
        # item.get each time: in CPython 3.11 a call through a stored bound method costs more.
        origin = item.get("country_of_origin")
        hs_code = item.get("hs_code")
        if origin is None:
            if international:
                return False
        elif origin not in countries:
            return False
        if hs_code is None:
            if international:
                return False
        elif hs_code not in _PROVEN_HS_CODES:
            if not (hs_code.isdigit() and 6 <= len(hs_code) <= 10) and not _hs_code_shaped(hs_code):
                return False
            if len(_PROVEN_HS_CODES) < _PROVEN_AT_MOST:
                _PROVEN_HS_CODES.add(hs_code)
        unit = item.get("unit_price")
        # Numbers as the contract types them; a Decimal raises TypeError, and the full check
        # compares it exactly.
        if (
            unit is not None
            and item["total_price"]["value"] > unit["value"] * item["quantity"] + 0.005
        ):
            return False
        if "image_url" in item and not item.get("product_id"):
            return False
        if "ean" in item:
            ean = item["ean"]
            if ean and not gtin_is_valid(ean):
                return False
    return True


def _one_price_currency(order: dict[str, Any]) -> str | None:
    """The currency of every price of an order when it is one of the price currencies (all
    ISO 4217 codes), else None: the proof of :func:`_check_currencies`' silence."""
    payment = order["payment_details"]
    total = payment["total_price"]
    currency: str = total["currency"]
    if currency not in PRICE_CURRENCIES:
        return None
    for price in payment.values():
        if (
            price is not total
            and isinstance(price, dict)
            and price.get("currency", currency) != currency
        ):
            return None
    for item in order["order_details"]["order_items"]:
        unit = item.get("unit_price")
        if item["total_price"]["currency"] != currency or (
            unit is not None and unit["currency"] != currency
        ):
            return None
    return currency


def _hs_code_shaped(code: str) -> bool:
    """What :func:`_check_items` accepts as an HS code: 6 to 10 digits, dots and spaces aside."""
    digits = code.replace(".", "").replace(" ", "")
    return digits.isdigit() and 6 <= len(digits) <= 10


def _clean_batch(batch: Any, currency: str | None) -> bool:
    if type(batch) is not list:
        return False
    countries = country_codes()
    keys = set()
    for order in batch:
        if not _clean_order(order, countries, currency):
            return False
        integration: Any = order["order_details"]["integration"]["id"]
        if type(integration) is not int:
            integration = integration_id(integration)
        keys.add((order["order_id"], integration))
    return len(keys) == len(batch)


def _clean_update(update: Any) -> bool:
    if type(update) is not dict:
        return False
    if "id" in update:
        request_id = update["id"]
        if not (type(request_id) is str and request_id.isascii() and request_id.isdigit()):
            return False
    customer = update.get("customer_details")
    if customer and "phone" in customer and "phone_number" in customer:
        return False
    for key in ("shipping_address", "billing_address"):
        address = update.get(key)
        if address and _maybe_unknown_country(address.get("country_code")):
            return False
    details = update.get("order_details")
    items = details.get("order_items") if details else None
    return not items or not any(
        _maybe_unknown_country(item.get("country_of_origin")) for item in items
    )


_CLEAN: dict[str, Callable[[Any, str | None], bool]] = {
    "order-batch": _clean_batch,
    "order": lambda order, currency: _clean_order(order, country_codes(), currency),
    "order-update": lambda update, currency: _clean_update(update),
    "order-list-query": lambda query, currency: True,
}


def clean(kind: str, value: Any, currency: str | None = None) -> bool:
    """True only when :func:`check` would find nothing for a value that passed the contract.

    The common case proved with direct indexing and no pointers or messages built, relying
    on what the contract already holds (required members, types, formats); anything else (a
    rare field, a number that is not an int or float) answers False, which proves nothing and
    sends the value to :func:`check`. ``currency`` says that every price of the value is
    known to be in that one of the price currencies (a schema in it passed, see
    :mod:`proof`), so the currency rules need no proof here.
    """
    prove = _CLEAN.get(kind)
    if prove is None:
        return False
    try:
        return prove(value, currency)
    except (KeyError, TypeError, AttributeError, IndexError, ValueError, ArithmeticError):
        return False


def _check_batch(batch: Any, out: Found) -> None:
    if not isinstance(batch, ARRAYS):
        return
    seen: dict[tuple[Any, Any], int] = {}
    for index, order in enumerate(batch):
        base = f"/{index}"
        _check_order(order, base, out)
        if not isinstance(order, dict):
            continue
        order_id = order.get("order_id")
        integration = integration_id(_get(order, "order_details", "integration", "id"))
        if not isinstance(order_id, str) or integration is None:
            continue
        key = (order_id, integration)
        if key in seen:
            out.append(
                (
                    DUPLICATE_ORDER_KEY,
                    base,
                    f"order_id '{order_id}' for integration {integration} is already order "
                    f"{seen[key]} of this batch",
                )
            )
        else:
            seen[key] = index


def _check_update(update: Any, out: Found) -> None:
    if not isinstance(update, dict):
        return
    request_id = update.get("id")
    if isinstance(request_id, str) and not (request_id.isascii() and request_id.isdigit()):
        out.append((REQUEST_ID_DIGITS, "/id", f"id '{request_id}' is not a digit string"))
    customer = update.get("customer_details")
    if isinstance(customer, dict) and "phone" in customer and "phone_number" in customer:
        out.append(
            (PATCH_PHONE_TWICE, "/customer_details/phone", "phone and phone_number both sent")
        )
    for key in ("shipping_address", "billing_address"):
        address = update.get(key)
        if isinstance(address, dict):
            _check_country(address.get("country_code"), f"/{key}/country_code", out)
    items = _get(update, "order_details", "order_items")
    if isinstance(items, ARRAYS):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                _check_country(
                    item.get("country_of_origin"),
                    f"/order_details/order_items/{i}/country_of_origin",
                    out,
                )


def _check_single_order(order: Any, out: Found) -> None:
    _check_order(order, "", out)


def _check_id_string(entry: Any, pointer: str, out: Found) -> None:
    order_id = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(order_id, str) and order_id.isascii() and order_id.isdigit():
        message = (
            f"id is the string '{order_id}': Sendcloud's reference sends an integer here, "
            "an older guide a string"
        )
        out.append((RESPONSE_ID_STRING, f"{pointer}/id", message))


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
    "order": _check_single_order,
    "order-update": _check_update,
    "order-batch-response": _check_batch_response,
    "order-update-response": _check_update_response,
}


def check(kind: str, value: Any) -> list[Violation]:
    """Every domain-rule finding for a payload of a kind (requests, and two response rules)."""
    checker = _CHECKS.get(kind)
    if checker is None:
        return []
    found: Found = []
    checker(value, found)
    return [
        Violation(
            pointer=pointer, message=message, rule=rule.id, severity=rule.severity, hint=rule.hint
        )
        for rule, pointer, message in found
    ]
