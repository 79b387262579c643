"""Building one order that passes the schema and every domain rule, by construction."""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar

from sendcloud_contract.rules import EU_COUNTRIES, STATE_REQUIRED_COUNTRIES
from sendcloud_contract.strategies._data import (
    ADDRESS_EXTRAS,
    BOXES_CM,
    BREAKDOWNS,
    CATALOGUE,
    COMPANIES,
    CONTACTS,
    COUNTRY_LIST,
    DEFAULT_DESTINATIONS,
    DELIVERY_INDICATORS,
    DIMENSION_UNITS,
    DISCOUNTS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    FULL_DG,
    ITEM_EXTRAS,
    LAST_NAMES,
    LINE2,
    NOTES,
    ORDER_NUMBER_STYLES,
    ORDER_STATUSES,
    PAYMENT_STATUSES,
    PO_BOXES,
    PRODUCTS,
    QUANTITIES,
    SERVICE_POINT_TYPES,
    SHIPPING_CENTS,
    SHIPPING_OPTION_CODES,
    TAGS,
    TRANSLITERATE,
    VOLUME_UNITS,
    WEIGHT_UNITS,
    Country,
)
from sendcloud_contract.strategies._schema import nullable_members, schema_enum
from sendcloud_contract.strategies._source import Source
from sendcloud_contract.strategies._time import EPOCH, SPAN_MS, STAMP_STYLES, write_stamp

T = TypeVar("T")
Order = dict[str, Any]


@dataclass(frozen=True)
class OrderConfig:
    """What the caller fixed; ``customs="always"`` adds customs data even inside the EU."""

    destinations: tuple[Country, ...] | None
    currencies: tuple[str, ...]
    customs: Literal["auto", "always"] = "auto"
    service_point: bool | None = None
    ship_with: bool | None = None
    min_items: int = 1
    max_items: int = 5


def _money(cents: int) -> float:
    return cents / 100


def _decimal_string(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def price_of(cents: int, currency: str) -> dict[str, Any]:
    return {"value": _money(cents), "currency": currency}


def _within(total: float, unit: float, quantity: int) -> bool:
    """``total`` is not above ``unit`` x ``quantity``, in floats and in exact decimals."""
    return total <= unit * quantity and Decimal(repr(total)) <= Decimal(repr(unit)) * quantity


def line_total(unit_cents: int, quantity: int, total_cents: int) -> float:
    """The item total as a float that never reads as more than unit price x quantity."""
    unit = _money(unit_cents)
    for cents in (total_cents, total_cents - 1, total_cents - 2):
        if _within(_money(cents), unit, quantity):
            return _money(cents)
    value = _money(total_cents)
    while not _within(value, unit, quantity):
        value = math.nextafter(value, -math.inf)
    return value


def _moment(src: Source) -> datetime:
    millis = src.integer(0, SPAN_MS)
    return EPOCH + timedelta(milliseconds=millis, microseconds=(millis * 7) % 1000)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.translate(TRANSLITERATE))
    return "".join(c for c in plain.lower() if c.isascii() and c.isalnum())


def email_for(first: str, last: str) -> str:
    local = ".".join(filter(None, (_slug(first), _slug(last)))) or "customer"
    return f"{local}@{EMAIL_DOMAINS[len(local) % len(EMAIL_DOMAINS)]}"


def phone_number_for(country: Country, src: Source) -> str:
    digits = country.phone_digits
    return country.phone_prefix + str(src.integer(10 ** (digits - 1), 10**digits - 1))


def _nullable(src: Source, value: T, *, container: bool = False) -> T | None:
    return None if src.nullify(container) else value


def _address(src: Source, country: Country, *, shipping: bool) -> dict[str, Any]:
    place = src.pick(country.places)
    street = src.pick(country.streets)
    number = str(src.integer(1, 250))
    first, last = src.pick(FIRST_NAMES), src.pick(LAST_NAMES)
    address: dict[str, Any] = {"name": f"{first} {last}"}
    extras = ADDRESS_EXTRAS[-1] if src.everything else src.pick(ADDRESS_EXTRAS)
    if "company" in extras:
        address["company_name"] = src.pick(COMPANIES)
    if country.number_first:
        address["address_line_1"] = f"{number} {street}"
        if src.everything:
            address["house_number"] = number
    else:
        address["address_line_1"] = street
        address["house_number"] = number
    if "line_2" in extras:
        address["address_line_2"] = src.pick(LINE2)
    address["postal_code"] = place.postal_code
    address["city"] = place.city
    if "po_box" in extras:
        address["po_box"] = _nullable(src, src.pick(PO_BOXES))
    needs_state = shipping and country.code in STATE_REQUIRED_COUNTRIES
    if place.state and (needs_state or src.chance(30)):
        prefixed = src.chance(30)
        address["state_province_code"] = (
            f"{country.code}-{place.state}" if prefixed else place.state
        )
    address["country_code"] = country.code
    contact = CONTACTS[-1] if src.everything else src.pick(CONTACTS)
    if "email" in contact:
        address["email"] = email_for(first, last)
    if "phone" in contact:
        address["phone_number"] = phone_number_for(country, src)
    return address


def weight_of(grams: float, unit: str) -> dict[str, Any]:
    value = round(grams / WEIGHT_UNITS[unit], 3)
    return {"value": value if value > 0 else 0.001, "unit": unit}


def _dimension(cm: tuple[float, float, float], unit: str) -> dict[str, Any]:
    factor = DIMENSION_UNITS[unit]
    length, width, height = (round(v / factor, 2) for v in cm)
    return {"length": length, "width": width, "height": height, "unit": unit}


def _volume(cm: tuple[float, float, float], unit: str) -> dict[str, Any]:
    return {"value": round(cm[0] * cm[1] * cm[2] / VOLUME_UNITS[unit]), "unit": unit}


@dataclass(frozen=True)
class _Measuring:
    """Which measurements a shop sends, in its units (``None``: not sent); drawn once per order."""

    dimension: str | None
    weight: str | None
    volume: str | None

    @classmethod
    def draw(cls, src: Source) -> _Measuring:
        dimension = src.pick(schema_enum("dimension-unit")) if src.chance(40) else None
        volume = src.pick(schema_enum("volume-unit")) if src.chance(10) else None
        weighed = src.chance(70) or not (dimension or volume)
        return cls(dimension, src.pick(schema_enum("weight-unit")) if weighed else None, volume)


def _measurement(what: _Measuring, grams: float, cm: tuple[float, float, float]) -> dict[str, Any]:
    measurement: dict[str, Any] = {}
    if what.dimension:
        measurement["dimension"] = _dimension(cm, what.dimension)
    if what.weight:
        measurement["weight"] = weight_of(grams, what.weight)
    if what.volume:
        measurement["volume"] = _volume(cm, what.volume)
    return measurement


def ean13(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _dangerous_goods(src: Source, values: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """A product's hazard data; orders showing every field draw each enum from the schema."""
    nullable = nullable_members("dangerous-goods")
    goods: dict[str, Any] = {}
    for member, value in values:
        if member in nullable:
            goods[member] = _nullable(src, value)
        elif src.everything:
            goods[member] = src.pick(schema_enum("dangerous-goods", member))
        else:
            goods[member] = value
    return goods


@dataclass(frozen=True)
class _ItemShape:
    """Which optional members the items of one order carry.

    A shop's export gives every item the same members, so the shape is drawn once per order;
    each item then costs only a handful of choices.
    """

    catalogue: tuple[str, ...]
    variants: bool
    description: bool
    hs_code: bool
    extras: tuple[str, ...]
    unit_price: bool
    measuring: _Measuring | None
    customs_text: bool

    @classmethod
    def draw(cls, src: Source, customs: bool) -> _ItemShape:
        everything = src.everything
        return cls(
            catalogue=CATALOGUE[-1] if everything else src.pick(CATALOGUE),
            variants=src.chance(40),
            description=src.chance(30),
            hs_code=customs or src.chance(20),
            extras=ITEM_EXTRAS[-1] if everything else src.pick(ITEM_EXTRAS),
            unit_price=src.chance(60),
            measuring=_Measuring.draw(src) if src.chance(40) else None,
            customs_text=(customs and src.chance(30)) or everything,
        )


def _item(
    src: Source,
    shape: _ItemShape,
    index: int,
    used: set[str],
    currency: str,
    created: datetime,
) -> dict[str, Any]:
    product = src.pick(PRODUCTS)
    position = PRODUCTS.index(product)
    variant = src.pick(product.variants) if product.variants and shape.variants else None
    name = f"{product.name} - {variant}" if variant else product.name
    serial = 2
    while name in used:
        name, serial = f"{product.name} ({serial})", serial + 1
    used.add(name)
    quantity = src.pick(QUANTITIES)
    unit_cents = product.price_cents
    discount = src.pick(DISCOUNTS) if src.chance(10) else 0
    total_cents = unit_cents * quantity * (100 - discount) // 100

    item: dict[str, Any] = {}
    if shape.catalogue:
        item["item_id"] = f"{5550 + position}-{index + 1}"
        item["product_id"] = f"{1458734600 + position * 17}"
        if variant or src.everything:
            item["variant_id"] = f"{15346600 + position * 31 + index}"
        if "image" in shape.catalogue:
            item["image_url"] = f"https://cdn.example.com/products/{_slug(product.name)}.jpg"
    item["name"] = name
    if shape.description:
        item["description"] = product.description
    item["quantity"] = quantity
    if shape.catalogue:
        item["sku"] = f"{_slug(product.name)[:6].upper()}-{position:03d}"
    if shape.hs_code:
        # Shops copy HS codes with or without the dots of the tariff book.
        dotted = position % 2 == 0
        item["hs_code"] = product.hs_code if dotted else product.hs_code.replace(".", "")
        item["country_of_origin"] = product.origin
    if "properties" in shape.extras:
        item["properties"] = {"colour": variant or "default", "gift_wrap": index % 2 == 1}
    if shape.unit_price:
        item["unit_price"] = price_of(unit_cents, currency)
    item["total_price"] = {
        "value": line_total(unit_cents, quantity, total_cents),
        "currency": currency,
    }
    if shape.measuring is not None:
        item["measurement"] = _measurement(shape.measuring, product.grams, product.dimensions_cm)
    if "ean" in shape.catalogue:
        item["ean"] = ean13(f"871{position:04d}{index:05d}")
    if "delivery_dates" in shape.extras:
        handover = created + timedelta(days=1 + index % 3)
        item["delivery_dates"] = _nullable(
            src,
            {
                "handover_at": _nullable(src, write_stamp(handover, STAMP_STYLES[2])),
                "deliver_at": _nullable(
                    src, write_stamp(handover + timedelta(days=2), STAMP_STYLES[2])
                ),
            },
            container=True,
        )
    if shape.customs_text:
        item["mid_code"] = _nullable(src, product.mid_code)
        item["material_content"] = _nullable(src, product.material)
        item["intended_use"] = _nullable(src, product.intended_use)
    if src.everything:
        item["dangerous_goods"] = _dangerous_goods(src, FULL_DG)
    elif product.dangerous and src.chance(30):
        item["dangerous_goods"] = _dangerous_goods(src, product.dangerous)
    return item


def _costs(src: Source, cents: int, currency: str) -> dict[str, Any] | None:
    if src.nullify(container=True):
        return None
    return {
        "value": _nullable(src, _decimal_string(cents)),
        "currency": _nullable(src, currency),
    }


def _payment(
    src: Source, items: list[dict[str, Any]], currency: str, created: datetime
) -> dict[str, Any]:
    subtotal = sum(round(item["total_price"]["value"] * 100) for item in items)
    shipping = src.pick(SHIPPING_CENTS)
    discount = subtotal // 10 if src.chance(10) else 0
    total = subtotal + shipping - discount
    payment: dict[str, Any] = {}
    if src.chance(10):
        payment["is_cash_on_delivery"] = _nullable(src, src.chance(20))
    payment["total_price"] = price_of(total, currency)
    breakdown = BREAKDOWNS[-1] if src.everything else src.pick(BREAKDOWNS)
    if "subtotal" in breakdown:
        payment["subtotal_price"] = price_of(subtotal, currency)
    if "shipping" in breakdown:
        payment["estimated_shipping_price"] = price_of(shipping, currency)
    if "tax" in breakdown:
        payment["estimated_tax_price"] = price_of(total * 21 // 121, currency)
    code, message = src.pick(PAYMENT_STATUSES)
    payment["status"] = {"code": code, "message": message} if src.chance(80) else {"code": code}
    if src.chance(20):
        payment["invoice_date"] = _nullable(src, created.date().isoformat())
    if (discount and src.chance(80)) or src.everything:
        payment["discount_granted"] = _costs(src, discount, currency)
    if src.chance(20):
        if src.chance(40):
            payment["insurance_costs"] = _costs(src, max(total // 50, 99), currency)
        if src.chance(60):
            payment["freight_costs"] = _costs(src, shipping, currency)
        if src.chance(30):
            payment["other_costs"] = _costs(src, 299, currency)
    return payment


def _tax_number(src: Source, country: str) -> dict[str, Any]:
    digits = src.integer(100_000_000, 999_999_999)
    return {
        "name": _nullable(src, "VAT" if country in EU_COUNTRIES else "EORI"),
        "country_code": _nullable(src, country),
        "value": _nullable(src, f"{country}{digits}B01"),
    }


def build_customs(
    src: Source, order_id: str, destination: str, created: datetime
) -> dict[str, Any]:
    customs: dict[str, Any] = {
        "commercial_invoice_number": f"{created:%m%d}-{_slug(order_id)[:12] or '1'}",
        "shipment_type": src.pick(schema_enum("customs-details", "shipment_type")),
        "export_type": src.pick(schema_enum("customs-details", "export_type")),
    }
    if src.chance(25):
        if src.nullify(container=True):
            customs["tax_numbers"] = None
        else:
            numbers: dict[str, Any] = {"sender": [_tax_number(src, "NL")]}
            if src.chance(50):
                numbers["receiver"] = [_tax_number(src, destination)]
            if src.chance(30):
                numbers["importer_of_record"] = [_tax_number(src, "NL")]
            customs["tax_numbers"] = numbers
    return customs


def build_shipping_details(
    src: Source, cfg: OrderConfig, items: list[dict[str, Any]], present: bool
) -> dict[str, Any] | None:
    ship_with = cfg.ship_with if cfg.ship_with is not None else present and src.chance(30)
    if not (present or ship_with):
        return None
    details: dict[str, Any] = {}
    if src.chance(20):
        details["is_local_pickup"] = _nullable(src, False)
    if src.chance(50):
        details["delivery_indicator"] = src.pick(DELIVERY_INDICATORS)
    if src.chance(60) or not (details or ship_with):
        grams = 150.0 + sum(
            PRODUCTS[0].grams if "measurement" not in item else 250.0 for item in items
        )
        box = src.pick(BOXES_CM)
        details["measurement"] = _measurement(_Measuring.draw(src), grams, box)
    if ship_with:
        properties: dict[str, Any] = {
            "shipping_option_code": _nullable(src, src.pick(SHIPPING_OPTION_CODES))
        }
        if src.chance(30):
            properties["contract_id"] = _nullable(src, src.integer(1, 99_999))
        details["ship_with"] = {
            "type": src.pick(schema_enum("ship-with", "type")),
            "properties": properties,
        }
    return details


def build_service_point(src: Source, country: Country | None) -> dict[str, Any]:
    place = src.pick(country.places) if country else COUNTRY_LIST[0].places[0]
    number = src.integer(1, 99_999)
    by = src.pick(("id", "id", "carrier_service_point_id"))
    point: dict[str, Any] = {by: str(number) if by == "id" else f"{number:05d}"}
    if src.chance(40):
        point["post_number"] = str(src.integer(100_000, 999_999))
    if src.chance(50):
        point["latitude"], point["longitude"] = place.latitude, place.longitude
    if src.chance(50):
        point["type"] = src.pick(SERVICE_POINT_TYPES)
    if src.chance(10):
        point["extra_data"] = {"shop_name": "Tabak & Post", "opening_hours": "09:00-18:00"}
    return point


@functools.cache
def _item_counts(low: int, high: int) -> tuple[int, ...]:
    """Item counts from ``low`` to ``high``, weighted like real baskets: mostly one or two."""
    weights = (6, 3, 2)
    return tuple(
        n for n in range(low, high + 1) for _ in range(weights[n - low] if n - low < 3 else 1)
    )


def build_order(src: Source, cfg: OrderConfig, order_id: str, integration_id: int) -> Order:
    """One order that passes the schema and every domain rule, by construction."""
    currency = src.pick(cfg.currencies)
    created = _moment(src)
    if cfg.destinations is not None or src.chance(85):
        destination: Country | None = src.pick(cfg.destinations or DEFAULT_DESTINATIONS)
    else:
        destination = None
    needs_customs = cfg.customs == "always" or (destination is not None and not destination.eu)

    used: set[str] = set()
    count = src.pick(_item_counts(cfg.min_items, cfg.max_items))
    shape = _ItemShape.draw(src.fork(), needs_customs)
    items = [_item(src, shape, i, used, currency, created) for i in range(count)]
    status_code, status_message = src.pick(ORDER_STATUSES)

    # No Sendcloud ``id``: it names an order already stored, which only the caller knows.
    order: Order = {"order_id": order_id}
    # Each shop (integration) numbers its orders its own way.
    style = ORDER_NUMBER_STYLES[(integration_id - 1) % len(ORDER_NUMBER_STYLES)]
    order["order_number"] = style.format(order_id)
    if src.everything:
        order["created_at"] = write_stamp(created + timedelta(minutes=5), STAMP_STYLES[2])
        order["modified_at"] = write_stamp(created + timedelta(minutes=6), STAMP_STYLES[2])
    stamp_style = src.pick(STAMP_STYLES)
    details: dict[str, Any] = {
        "integration": {"id": integration_id},
        "status": {"code": status_code, "message": status_message}
        if src.chance(80)
        else {"code": status_code},
        "order_created_at": write_stamp(created, stamp_style),
    }
    if src.chance(50):
        # At least a second later: a stamp without fractions may drop the sub-second part.
        updated = created + timedelta(seconds=src.integer(1, 30 * 24 * 3600))
        details["order_updated_at"] = write_stamp(updated, stamp_style)
    details["order_items"] = items
    if src.chance(20):
        details["notes"] = src.pick(NOTES)
    if src.chance(25):
        tags = [src.pick(TAGS) for _ in range(src.integer(1, 3))]
        details["tags"] = list(dict.fromkeys(tags))
    order["order_details"] = details
    order["payment_details"] = _payment(src.fork(), items, currency, created)
    if needs_customs or src.chance(10):
        customs = build_customs(
            src.fork(), order_id, destination.code if destination else "NL", created
        )
        null = not needs_customs and src.nullify(container=True)
        order["customs_details"] = None if null else customs
    shipping = _address(src.fork(), destination, shipping=True) if destination else None
    if src.chance(60):
        first, _, last = (shipping["name"] if shipping else "John Doe").partition(" ")
        customer: dict[str, Any] = {"name": f"{first} {last}".strip()}
        contact = CONTACTS[-1] if src.everything else src.pick(CONTACTS)
        if "phone" in contact:
            customer["phone_number"] = phone_number_for(destination or COUNTRY_LIST[0], src)
        if "email" in contact:
            customer["email"] = email_for(first, last)
        order["customer_details"] = customer
    if shipping is not None and src.chance(30):
        elsewhere = src.fork()
        order["billing_address"] = (
            dict(shipping)
            if elsewhere.chance(50)
            else _address(elsewhere, elsewhere.pick(DEFAULT_DESTINATIONS), shipping=False)
        )
    if shipping is not None:
        order["shipping_address"] = shipping
    present = src.chance(50)
    if present or cfg.ship_with:
        shipping_details = build_shipping_details(src.fork(), cfg, items, present)
        if shipping_details is not None:
            order["shipping_details"] = shipping_details
    wants_point = cfg.service_point if cfg.service_point is not None else src.chance(15)
    if wants_point:
        order["service_point_details"] = build_service_point(src.fork(), destination)
    return order
