"""Hypothesis strategies for Orders API v3 payloads: valid, unusual and deliberately broken.

Every value is chosen from a set known to be acceptable instead of being generated and then
filtered: enums, required members and nullable members come from the shipped schemas, and the
rest from what shops really send (postal codes shaped like the destination's, prices in cents,
customs data where the destination needs it). That keeps generation fast, every valid example
free of violations, and lets Hypothesis shrink a failing example to a short, readable order.

Only Hypothesis' public API is used, so the strategies keep working across its releases.
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
import random
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal, Protocol, TypeVar
from urllib.parse import urljoin

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import DrawFn, SearchStrategy

from sendcloud_contract import schemas

__all__ = [
    "SUPPORTED_COUNTRIES",
    "ExpectedViolation",
    "edge_case_batches",
    "edge_case_orders",
    "invalid_orders",
    "order_batches",
    "order_updates",
    "orders",
]

T = TypeVar("T")
Order = dict[str, Any]
Path = tuple[str | int, ...]

MAX_BATCH = 100
"""Sendcloud accepts at most this many orders per POST /orders request."""

# ---------------------------------------------------------------------------------------------
# The contract, read from the shipped schema files
# ---------------------------------------------------------------------------------------------

_COMMON = schemas.BASE_URI + "common.schema.json"


@functools.cache
def _documents() -> dict[str, dict[str, Any]]:
    return dict(schemas.schema_resources())


def _resolve(node: Mapping[str, Any], base: str) -> tuple[Mapping[str, Any], str]:
    """Follow ``$ref`` chains through the shipped files (no network, ever)."""
    while "$ref" in node:
        uri = urljoin(base, node["$ref"])
        document_uri, _, fragment = uri.partition("#")
        target: Any = _documents()[document_uri]
        for token in filter(None, fragment.split("/")):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node, base = target, document_uri
    return node, base


def _definition(name: str) -> Mapping[str, Any]:
    return _resolve({"$ref": f"{_COMMON}#/$defs/{name}"}, _COMMON)[0]


@functools.cache
def _enum(definition: str, member: str | None = None) -> tuple[str, ...]:
    """An enum of the contract, in schema order (the first value is what shrinking reaches)."""
    node = _definition(definition)
    if member is not None:
        node = _resolve(node["properties"][member], _COMMON)[0]
    return tuple(node["enum"])


# ---------------------------------------------------------------------------------------------
# Domain knowledge: countries, people, products
# ---------------------------------------------------------------------------------------------

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)
"""Destinations inside the EU customs union: no customs data needed."""

STATE_REQUIRED = frozenset({"AU", "CA", "IT", "US"})
"""Destinations whose shipping address needs ``state_province_code``."""


@dataclass(frozen=True)
class _Place:
    city: str
    postal_code: str
    state: str | None = None
    latitude: str = "52.370216"
    longitude: str = "4.895168"


@dataclass(frozen=True)
class _Country:
    code: str
    places: tuple[_Place, ...]
    streets: tuple[str, ...]
    phone_prefix: str
    phone_digits: int
    number_first: bool = False

    @property
    def eu(self) -> bool:
        return self.code in EU_COUNTRIES


def _country(
    code: str,
    places: Sequence[tuple[str, ...]],
    streets: Sequence[str],
    phone: tuple[str, int],
    *,
    number_first: bool = False,
) -> _Country:
    built = tuple(
        _Place(p[0], p[1], p[2] or None, p[3], p[4])
        if len(p) == 5
        else _Place(p[0], p[1], p[2] or None)
        for p in places
    )
    return _Country(code, built, tuple(streets), phone[0], phone[1], number_first)


_COUNTRY_LIST: tuple[_Country, ...] = (
    _country(
        "NL",
        [
            ("Amsterdam", "1012 JS", "NH", "52.373056", "4.892222"),
            ("Oss", "5341 XT", "NB", "51.765000", "5.518056"),
            ("Utrecht", "3511 LX", "UT", "52.090833", "5.122222"),
            ("Eindhoven", "5611 EM", "", "51.441642", "5.469722"),
        ],
        ["Stationsstraat", "Kerkstraat", "Lansdown Glade", "Stadhuisplein", "Vierlinghweg"],
        ("+31", 9),
    ),
    _country(
        "DE",
        [
            ("Berlin", "10115", "BE"),
            ("München", "80331", "BY"),
            ("Köln", "50667", "NW"),
            ("Hamburg", "20095", ""),
        ],
        ["Hauptstraße", "Bahnhofstraße", "Königsallee", "Schillerstraße"],
        ("+49", 10),
    ),
    _country(
        "BE",
        [("Brussel", "1000", "BRU"), ("Antwerpen", "2000", ""), ("Liège", "4000", "")],
        ["Rue de la Loi", "Meir", "Boulevard d'Avroy"],
        ("+32", 9),
    ),
    _country(
        "FR",
        [("Paris", "75001", ""), ("Lyon", "69002", ""), ("Marseille", "13001", "")],
        ["Rue de Rivoli", "Rue de l'Église", "Avenue Jean Jaurès"],
        ("+33", 9),
    ),
    _country(
        "ES",
        [("Madrid", "28013", "M"), ("Barcelona", "08002", "B"), ("Sevilla", "41004", "SE")],
        ["Calle Mayor", "Calle de Alcalá", "Passeig de Gràcia"],
        ("+34", 9),
    ),
    _country(
        "IT",
        [
            ("Milano", "20121", "MI"),
            ("Roma", "00184", "RM"),
            ("Napoli", "80133", "NA"),
            ("Torino", "10121", "TO"),
        ],
        ["Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele II"],
        ("+39", 10),
    ),
    _country(
        "AT",
        [("Wien", "1010", "9"), ("Graz", "8010", ""), ("Salzburg", "5020", "")],
        ["Mariahilfer Straße", "Hauptplatz", "Getreidegasse"],
        ("+43", 10),
    ),
    _country(
        "PL",
        [("Warszawa", "00-001", ""), ("Kraków", "31-042", ""), ("Łódź", "90-001", "")],
        ["ulica Piotrkowska", "ulica Marszałkowska", "Rynek Główny"],
        ("+48", 9),
    ),
    _country(
        "SE",
        [("Stockholm", "111 22", "AB"), ("Göteborg", "411 03", ""), ("Malmö", "211 20", "")],
        ["Drottninggatan", "Storgatan", "Kungsgatan"],
        ("+46", 9),
    ),
    _country(
        "IE",
        [("Dublin", "D02 X285", "D"), ("Cork", "T12 W8F2", ""), ("Galway", "H91 E2K3", "")],
        ["O'Connell Street", "Grafton Street", "Shop Street"],
        ("+353", 9),
        number_first=True,
    ),
    _country(
        "PT",
        [("Lisboa", "1100-148", ""), ("Porto", "4000-322", "")],
        ["Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina"],
        ("+351", 9),
    ),
    _country(
        "DK",
        [("København", "1050", ""), ("Aarhus", "8000", "")],
        ["Nørregade", "Strøget", "Vestergade"],
        ("+45", 8),
    ),
    _country(
        "GB",
        [("London", "SW1A 1AA", ""), ("Manchester", "M1 1AE", ""), ("Edinburgh", "EH1 1YZ", "")],
        ["Baker Street", "High Street", "Princes Street"],
        ("+44", 10),
        number_first=True,
    ),
    _country(
        "US",
        [
            ("New York", "10001", "NY", "40.750742", "-73.993438"),
            ("Los Angeles", "90012", "CA", "34.052235", "-118.243683"),
            ("Chicago", "60601", "IL", "41.886870", "-87.617920"),
            ("Wilmington", "19804", "DE", "39.739071", "-75.539787"),
        ],
        ["Main Street", "Fifth Avenue", "Wilmington Drive", "Delancey Street"],
        ("+1", 10),
        number_first=True,
    ),
    _country(
        "CA",
        [
            ("Toronto", "M5V 2T6", "ON"),
            ("Montréal", "H2Y 1C6", "QC"),
            ("Vancouver", "V6B 1A1", "BC"),
        ],
        ["King Street West", "Rue Sainte-Catherine", "Granville Street"],
        ("+1", 10),
        number_first=True,
    ),
    _country(
        "AU",
        [("Sydney", "2000", "NSW"), ("Melbourne", "3000", "VIC"), ("Brisbane", "4000", "QLD")],
        ["George Street", "Collins Street", "Queen Street"],
        ("+61", 9),
        number_first=True,
    ),
    _country(
        "CH",
        [("Zürich", "8001", "ZH"), ("Genève", "1201", "GE"), ("Bern", "3011", "BE")],
        ["Bahnhofstrasse", "Rue du Rhône", "Marktgasse"],
        ("+41", 9),
    ),
    _country(
        "NO",
        [("Oslo", "0150", ""), ("Bergen", "5003", "")],
        ["Karl Johans gate", "Bryggen", "Storgata"],
        ("+47", 8),
    ),
    _country(
        "JP",
        [("Tokyo", "100-0001", "13"), ("Osaka", "530-0001", "27")],
        ["Chiyoda 1-1", "Umeda 3-1-1", "Ginza 4-6-16"],
        ("+81", 10),
    ),
)
_COUNTRIES: dict[str, _Country] = {c.code: c for c in _COUNTRY_LIST}
SUPPORTED_COUNTRIES: tuple[str, ...] = tuple(c.code for c in _COUNTRY_LIST)

# Most orders stay inside the EU: repeated entries weight the draw; NL first, where shrinking ends.
_DEFAULT_DESTINATIONS: tuple[_Country, ...] = tuple(
    _COUNTRIES[code]
    for code in "NL NL NL DE DE BE FR ES IT AT PL SE IE PT DK GB GB US US CA AU CH NO JP".split()  # noqa: SIM905
)

_FIRST_NAMES = (
    "John", "Anna", "Maya", "Lars", "Sophie", "Luca", "Zoë", "José", "Łukasz", "Søren",
    "Chloé", "Björn", "Aoife", "Mateo", "Amélie", "Jürgen", "Ines", "Noah", "Fatima", "Kenji",
)  # fmt: skip
_LAST_NAMES = (
    "Doe", "Jansen", "Thompson", "de Vries", "Müller", "Rossi", "García", "Nowak", "Østergaard",
    "O'Brien", "Dubois", "Andersson", "Silva", "Kowalczyk", "van den Berg", "Ñúñez", "Tanaka",
)  # fmt: skip
_COMPANIES = (
    "Sendcloud", "Acme Trading B.V.", "Bäckerei Schulz GmbH", "Studio Lumière SARL",
    "Nordic Outdoor AB", "Café Olé S.L.",
)  # fmt: skip
# Optional address parts, as (rarely) sent together; the plainest first for shrinking.
_ADDRESS_EXTRAS: tuple[tuple[str, ...], ...] = (
    (), (), (), (), ("company",), ("line_2",), ("company", "line_2"), ("po_box",),
    ("company", "line_2", "po_box"),
)  # fmt: skip
_CONTACTS: tuple[tuple[str, ...], ...] = ((), ("phone",), ("email",), ("phone", "email"))
_LINE2 = ("Apartment 17B", "2nd floor", "c/o Reception", "Unit 4", "Bus 12", "Hinterhaus")
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
_TRANSLITERATE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae"})


@dataclass(frozen=True)
class _Product:
    name: str
    description: str
    price_cents: int
    grams: int
    dimensions_cm: tuple[float, float, float]
    hs_code: str
    origin: str
    material: str
    intended_use: str
    mid_code: str
    variants: tuple[str, ...] = ()
    dangerous: tuple[tuple[str, str], ...] = ()


_PERFUME_DG = (
    ("regulation_set", "IATA"),
    ("id_number", "UN1266"),
    ("class_division_number", "3"),
    ("proper_shipping_name", "PERFUMERY PRODUCTS"),
    ("packaging_type", "Fibreboard box"),
    ("quantity", "50"),
    ("unit_of_measurement", "ML"),
    ("commodity_regulated_level_code", "LQ"),
    ("transportation_mode", "PAX"),
    ("weight_type", "Net"),
)
_BATTERY_DG = (
    ("regulation_set", "ADR"),
    ("id_number", "UN3480"),
    ("class_division_number", "9"),
    ("proper_shipping_name", "LITHIUM ION BATTERIES"),
    ("packaging_instruction_code", "965"),
    ("adr_packing_group_letter", "II"),
    ("transport_category", "2"),
    ("tunnel_restriction_code", "E"),
    ("unit_of_measurement", "KG"),
    ("transportation_mode", "Highway"),
    ("weight_type", "Gross"),
)
# Every dangerous-goods member, for orders that must carry every optional field.
_FULL_DG = (
    ("adr_packing_group_letter", "III"),
    ("chemical_record_identifier", "CR-2211"),
    ("class_division_number", "3"),
    ("commodity_regulated_level_code", "LQ"),
    ("emergency_contact_name", "Safety Desk"),
    ("emergency_contact_phone", "+31201234567"),
    ("id_number", "UN1266"),
    ("local_proper_shipping_name", "PARFUMERIEWAREN"),
    ("packaging_instruction_code", "Y341"),
    ("packaging_type", "Fibreboard box"),
    ("packaging_type_quantity", "1"),
    ("proper_shipping_name", "PERFUMERY PRODUCTS"),
    ("quantity", "100"),
    ("regulation_set", "IATA"),
    ("transport_category", "3"),
    ("transportation_mode", "Ground"),
    ("tunnel_restriction_code", "D/E"),
    ("unit_of_measurement", "ML"),
    ("weight_type", "Gross"),
)

_PRODUCTS: tuple[_Product, ...] = (
    _Product("Cylinder candle", "Pebble green - 12x8 cm", 350, 400, (12, 8, 8),
             "3406.00", "NL", "Paraffin wax", "Home decoration", "NLOZR92MEL",
             ("Pebble green", "Sand")),
    _Product("Cotton T-shirt", "Organic cotton, crew neck", 1995, 180, (30, 25, 2),
             "6109.10.00", "PT", "100% Cotton", "Personal use", "PTLISTEX12LIS",
             ("S", "M", "L", "XL")),
    _Product("Ceramic mug", "Stoneware, 350 ml", 1250, 380, (12, 9, 10),
             "6912.00", "PT", "Stoneware", "Kitchenware", "PTPORCER4PORT",
             ("White", "Blue")),
    _Product("Running shoes", "Lightweight trail runner", 8995, 650, (33, 21, 12),
             "6404.11", "VN", "Textile and rubber", "Sportswear", "VNHOCSHO77HOC",
             ("EU 40", "EU 42", "EU 44")),
    _Product("Leather wallet", "Full-grain leather, 8 card slots", 4900, 120, (11, 9, 2),
             "4202.31", "IT", "Leather", "Personal use", "ITFIRPEL3FIR"),
    _Product("Water bottle", "Stainless steel, 750 ml", 2450, 340, (27, 8, 8),
             "7323.93", "CN", "Stainless steel", "Personal use", "CNNINSTE88NIN",
             ("Black", "Mint")),
    _Product("Notebook A5", "Dotted, 160 pages", 1495, 300, (21, 15, 2),
             "4820.10", "DE", "Paper", "Stationery", "DEHAMPAP10HAM"),
    _Product("Wireless earbuds", "Bluetooth 5.3, charging case", 7999, 60, (9, 7, 4),
             "8518.30", "CN", "Plastic and electronics", "Personal use", "CNSHEAUD21SHE",
             dangerous=_BATTERY_DG),
    _Product("Coffee beans 1 kg", "Single origin, medium roast", 2290, 1000, (25, 15, 8),
             "0901.21", "CO", "Roasted coffee", "Food", "COMEDCAF5MED"),
    _Product("Olive oil 500 ml", "Extra virgin, cold pressed", 1175, 900, (28, 7, 7),
             "1509.20", "ES", "Olive oil", "Food", "ESJAEOLI2JAE"),
    _Product("Board game", "2-4 players, ages 10+", 3999, 1400, (30, 30, 8),
             "9504.90", "DE", "Cardboard", "Toy", "DESTUSPI9STU"),
    _Product("Children's book", "Hardcover picture book", 1699, 450, (28, 22, 1.5),
             "4901.99", "NL", "Paper", "Reading", "NLAMSBOE4AMS"),
    _Product("Sunglasses", "Polarised, UV400", 5900, 30, (15, 6, 5),
             "9004.10", "IT", "Acetate", "Personal use", "ITBELOCC8BEL"),
    _Product("Bike light set", "USB rechargeable, front and rear", 3450, 150, (18, 10, 6),
             "8512.10", "TW", "Aluminium", "Cycling", "TWTAICYC3TAI",
             dangerous=_BATTERY_DG),
    _Product("Linen tablecloth", "Washed linen, 150x250 cm", 6950, 800, (35, 25, 5),
             "6302.51", "BE", "100% Linen", "Household", "BEKORLIN6KOR"),
    _Product("Scented soap", "Lavender, 100 g", 650, 110, (9, 6, 3),
             "3401.11", "FR", "Vegetable oils", "Personal care", "FRGRASAV1GRA"),
    _Product("Perfume 50 ml", "Eau de parfum", 8900, 280, (12, 8, 5),
             "3303.00", "FR", "Alcohol and fragrance", "Personal care", "FRPARPAR2PAR",
             dangerous=_PERFUME_DG),
    _Product("Phone case", "Recycled plastic", 1999, 40, (17, 9, 2),
             "3926.90", "CN", "Recycled plastic", "Personal use", "CNDONCAS44DON",
             ("iPhone 15", "Pixel 8")),
    _Product("Wool scarf", "Merino wool, 180 cm", 4500, 200, (25, 20, 4),
             "6117.10", "GB", "Merino wool", "Clothing", "GBHAWWOO7HAW",
             ("Grey", "Navy")),
    _Product("Tea assortment", "Six loose-leaf teas", 1850, 360, (20, 12, 8),
             "0902.30", "LK", "Tea leaves", "Food", "LKCOLTEA3COL"),
    _Product("Glass vase", "Hand-blown, 25 cm", 3900, 1100, (30, 15, 15),
             "7013.99", "CZ", "Glass", "Home decoration", "CZNOVGLA5NOV"),
    _Product("USB-C cable 2 m", "Braided, 100 W", 1299, 70, (15, 10, 2),
             "8544.42", "CN", "Copper and nylon", "Electronics", "CNSHECAB8SHE"),
)  # fmt: skip

# Catalogue references an item carries (ids and sku come together), the plainest first.
_CATALOGUE: tuple[tuple[str, ...], ...] = (
    (), (), ("ids",), ("ids", "image"), ("ids", "ean"), ("ids", "image", "ean"),
)  # fmt: skip
_ITEM_EXTRAS: tuple[tuple[str, ...], ...] = (
    (), (), (), (), (), (), (), (),
    ("properties",), ("delivery_dates",), ("properties", "delivery_dates"),
)  # fmt: skip
_QUANTITIES = (1, 1, 1, 1, 2, 2, 3, 4, 6, 10)
_DISCOUNTS = (10, 15, 20, 25, 50)
_ORDER_STATUSES = (
    ("fulfilled", "Fulfilled"),
    ("unfulfilled", "Unfulfilled"),
    ("processing", "Order is being picked"),
    ("partially_fulfilled", "Partially fulfilled"),
    ("on_hold", "Waiting for stock"),
)
_PAYMENT_STATUSES = (
    ("paid", "Paid"),
    ("pending", "Awaiting payment"),
    ("authorized", "Payment authorized"),
    ("partially_refunded", "Partially refunded"),
)
_ORDER_NUMBER_STYLES = ("{}", "#{}", "SO-{}", "WEB-{}", "OXSDFGHTD-{}")
_NOTES = (
    "Call this number before delivery: 063 874 6473",
    "Leave the parcel with the neighbours at number 17.",
    "Gift: please do not include the invoice.",
    "Bitte beim Nachbarn abgeben.",
    "Livraison après 18h, s'il vous plaît.",
)
_TAGS = ("october_campaign", "vip", "gift", "preorder", "b2b", "marketplace", "fragile")
_DELIVERY_INDICATORS = (
    "DHL home delivery",
    "PostNL standard",
    "DPD Classic",
    "UPS Standard",
    "Evening delivery",
)
_SHIPPING_OPTION_CODES = (
    "postnl:standard",
    "postnl:standard/insured=3000",
    "dhl:home",
    "dpd:classic",
    "ups:standard",
    "royal_mail:tracked_48",
)
_SERVICE_POINT_TYPES = ("servicepoint", "packstation", "locker", "post_office")
_SHIPPING_CENTS = (0, 395, 495, 695, 995, 1495)
# Which parts of the total a shop itemises.
_BREAKDOWNS = (
    (),
    ("subtotal",),
    ("shipping",),
    ("subtotal", "shipping"),
    ("subtotal", "shipping", "tax"),
)
_PO_BOXES = ("PO Box 1024", "Postbus 80", "Packstation 117")
_BOXES_CM = ((30.0, 20.0, 10.0), (40.0, 30.0, 20.0), (60.0, 40.0, 40.0), (25.0, 17.5, 8.0))

# How each unit of the contract converts from grams, centimetres and cubic centimetres. A unit
# the schema gains without an entry here is a schema change these strategies must learn: the
# tests compare these keys with the enums of the schema files.
WEIGHT_UNITS: dict[str, float] = {"kg": 1000.0, "g": 1.0, "lbs": 453.59237, "oz": 28.349523125}
DIMENSION_UNITS: dict[str, float] = {
    "cm": 1.0,
    "mm": 0.1,
    "m": 100.0,
    "yd": 91.44,
    "ft": 30.48,
    "in": 2.54,
}
VOLUME_UNITS: dict[str, float] = {
    "m3": 1_000_000.0,
    "cm3": 1.0,
    "l": 1000.0,
    "ml": 1.0,
    "gal": 3785.411784,
}

_EPOCH = datetime(2023, 1, 1, tzinfo=timezone.utc)
_SPAN_MS = 3 * 365 * 24 * 3600 * 1000
# (offset in minutes, fraction digits, "Z" instead of +00:00); the first is the plainest form.
_STAMP_STYLES = (
    (0, 0, True),
    (0, 3, True),
    (0, 6, False),
    (60, 0, False),
    (120, 3, False),
    (-300, 0, False),
    (330, 6, False),
)
_ODD_STAMP_STYLES = (
    (345, 9, False),
    (-570, 1, False),
    (840, 4, False),
    (-720, 2, True),
    (0, 7, True),
    (-60, 5, False),
)


# ---------------------------------------------------------------------------------------------
# Where choices come from: Hypothesis draws, or a generator seeded by one draw
# ---------------------------------------------------------------------------------------------


class _Source(Protocol):
    """The choices an order is built from.

    ``chance`` answers False when shrinking, so a failing example shrinks to required fields.
    """

    everything: bool
    nulls: bool

    def pick(self, options: Sequence[T]) -> T: ...

    def integer(self, low: int, high: int) -> int: ...

    def chance(self, percent: int) -> bool: ...

    def nullify(self, container: bool = False) -> bool:
        """Whether a nullable value is null: every leaf, and some whole objects, when asked."""
        ...

    def fork(self) -> _Source:
        """A source for one section of the order."""
        ...


_SAMPLED: dict[int, tuple[Sequence[Any], SearchStrategy[Any]]] = {}


def _sampled(options: Sequence[T]) -> SearchStrategy[T]:
    """``sampled_from`` for the module's constant tables, built once per table."""
    if not isinstance(options, tuple):
        return st.sampled_from(options)
    hit = _SAMPLED.get(id(options))
    if hit is None or hit[0] is not options:
        if len(_SAMPLED) > 256:
            _SAMPLED.clear()
        hit = (options, st.sampled_from(options))
        _SAMPLED[id(options)] = hit
    return hit[1]


@functools.cache
def _integers(low: int, high: int) -> SearchStrategy[int]:
    return st.integers(low, high)


_PERCENT = st.integers(0, 99)
_SEEDS = st.integers(0, 2**32 - 1)


class _Drawn:
    """Choices drawn by Hypothesis: replayable and shrinkable."""

    def __init__(self, draw: DrawFn, *, optional: bool | None = None, nulls: bool = False) -> None:
        self._draw = draw
        self._optional = optional
        self.everything = optional is True
        self.nulls = nulls

    def pick(self, options: Sequence[T]) -> T:
        if len(options) == 1:
            return options[0]
        return self._draw(_sampled(options))

    def integer(self, low: int, high: int) -> int:
        return low if low == high else self._draw(_integers(low, high))

    def chance(self, percent: int) -> bool:
        if self._optional is not None:
            return self._optional
        if percent == 50:
            return self._draw(st.booleans())
        return self._draw(_PERCENT) >= 100 - percent

    def nullify(self, container: bool = False) -> bool:
        if not self.nulls:
            return False
        return self._draw(st.booleans()) if container else True

    def fork(self) -> _Source:
        """One drawn seed for a whole section (an address, the payment details, ...).

        Hypothesis' cost is per choice, so a section built from a seed is several times
        cheaper; seed 0 builds the plainest section, so shrinking still ends in a plain one.
        Orders that must show every field or every null keep drawing choice by choice.
        """
        if self._optional is not None or self.nulls:
            return self
        return _Seeded(self._draw(_SEEDS))


class _Seeded:
    """Choices from a seeded generator: one drawn integer stands for a section or an order.

    A 100-order batch drawn choice by choice would exceed Hypothesis' size budget; a seed per
    order keeps it small, and seed 0 builds the plainest order so shrinking still ends there.
    """

    everything = False
    nulls = False

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed) if seed else None

    def pick(self, options: Sequence[T]) -> T:
        return options[self._rng.randrange(len(options))] if self._rng else options[0]

    def integer(self, low: int, high: int) -> int:
        return self._rng.randint(low, high) if self._rng else low

    def chance(self, percent: int) -> bool:
        return self._rng.randrange(100) < percent if self._rng else False

    def nullify(self, container: bool = False) -> bool:
        return False

    def fork(self) -> _Source:
        return self


# ---------------------------------------------------------------------------------------------
# Building one valid order
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Config:
    """What the caller fixed; ``customs="always"`` adds customs data even inside the EU."""

    destinations: tuple[_Country, ...] | None
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


def _price(cents: int, currency: str) -> dict[str, Any]:
    return {"value": _money(cents), "currency": currency}


def _within(total: float, unit: float, quantity: int) -> bool:
    """``total`` is not above ``unit`` x ``quantity``, in floats and in exact decimals."""
    return total <= unit * quantity and Decimal(repr(total)) <= Decimal(repr(unit)) * quantity


def _line_total(unit_cents: int, quantity: int, total_cents: int) -> float:
    """The item total as a float that never reads as more than unit price x quantity."""
    unit = _money(unit_cents)
    for cents in (total_cents, total_cents - 1, total_cents - 2):
        if _within(_money(cents), unit, quantity):
            return _money(cents)
    value = _money(total_cents)
    while not _within(value, unit, quantity):
        value = math.nextafter(value, -math.inf)
    return value


def _stamp(moment: datetime, style: tuple[int, int, bool]) -> str:
    offset, digits, zulu = style
    local = moment.astimezone(timezone(timedelta(minutes=offset)))
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        micro = f"{local.microsecond:06d}"
        text += "." + (micro + "000")[:digits]
    if zulu and offset == 0:
        return text + "Z"
    sign = "-" if offset < 0 else "+"
    return f"{text}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def _moment(src: _Source) -> datetime:
    millis = src.integer(0, _SPAN_MS)
    return _EPOCH + timedelta(milliseconds=millis, microseconds=(millis * 7) % 1000)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    return "".join(c for c in plain.lower() if c.isascii() and c.isalnum())


def _email(first: str, last: str) -> str:
    local = ".".join(filter(None, (_slug(first), _slug(last)))) or "customer"
    return f"{local}@{_EMAIL_DOMAINS[len(local) % len(_EMAIL_DOMAINS)]}"


def _phone(country: _Country, src: _Source) -> str:
    digits = country.phone_digits
    return country.phone_prefix + str(src.integer(10 ** (digits - 1), 10**digits - 1))


def _nullable(src: _Source, value: T, *, container: bool = False) -> T | None:
    return None if src.nullify(container) else value


def _address(src: _Source, country: _Country, *, shipping: bool) -> dict[str, Any]:
    place = src.pick(country.places)
    street = src.pick(country.streets)
    number = str(src.integer(1, 250))
    first, last = src.pick(_FIRST_NAMES), src.pick(_LAST_NAMES)
    address: dict[str, Any] = {"name": f"{first} {last}"}
    extras = _ADDRESS_EXTRAS[-1] if src.everything else src.pick(_ADDRESS_EXTRAS)
    if "company" in extras:
        address["company_name"] = src.pick(_COMPANIES)
    if country.number_first:
        address["address_line_1"] = f"{number} {street}"
        if src.everything:
            address["house_number"] = number
    else:
        address["address_line_1"] = street
        address["house_number"] = number
    if "line_2" in extras:
        address["address_line_2"] = src.pick(_LINE2)
    address["postal_code"] = place.postal_code
    address["city"] = place.city
    if "po_box" in extras:
        address["po_box"] = _nullable(src, src.pick(_PO_BOXES))
    needs_state = shipping and country.code in STATE_REQUIRED
    if place.state and (needs_state or src.chance(30)):
        prefixed = src.chance(30)
        address["state_province_code"] = (
            f"{country.code}-{place.state}" if prefixed else place.state
        )
    address["country_code"] = country.code
    contact = _CONTACTS[-1] if src.everything else src.pick(_CONTACTS)
    if "email" in contact:
        address["email"] = _email(first, last)
    if "phone" in contact:
        address["phone_number"] = _phone(country, src)
    return address


def _weight(grams: float, unit: str) -> dict[str, Any]:
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
    def draw(cls, src: _Source) -> _Measuring:
        dimension = src.pick(_enum("dimension-unit")) if src.chance(40) else None
        volume = src.pick(_enum("volume-unit")) if src.chance(10) else None
        weighed = src.chance(70) or not (dimension or volume)
        return cls(dimension, src.pick(_enum("weight-unit")) if weighed else None, volume)


def _measurement(what: _Measuring, grams: float, cm: tuple[float, float, float]) -> dict[str, Any]:
    measurement: dict[str, Any] = {}
    if what.dimension:
        measurement["dimension"] = _dimension(cm, what.dimension)
    if what.weight:
        measurement["weight"] = _weight(grams, what.weight)
    if what.volume:
        measurement["volume"] = _volume(cm, what.volume)
    return measurement


def _ean13(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _dangerous_goods(src: _Source, values: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """A product's hazard data; orders showing every field draw each enum from the schema."""
    nullable = _nullable_members("dangerous-goods")
    goods: dict[str, Any] = {}
    for member, value in values:
        if member in nullable:
            goods[member] = _nullable(src, value)
        elif src.everything:
            goods[member] = src.pick(_enum("dangerous-goods", member))
        else:
            goods[member] = value
    return goods


@functools.cache
def _nullable_members(definition: str) -> frozenset[str]:
    properties = _definition(definition)["properties"]
    return frozenset(
        name
        for name, node in properties.items()
        if isinstance(node.get("type"), list) and "null" in node["type"]
    )


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
    def draw(cls, src: _Source, customs: bool) -> _ItemShape:
        everything = src.everything
        return cls(
            catalogue=_CATALOGUE[-1] if everything else src.pick(_CATALOGUE),
            variants=src.chance(40),
            description=src.chance(30),
            hs_code=customs or src.chance(20),
            extras=_ITEM_EXTRAS[-1] if everything else src.pick(_ITEM_EXTRAS),
            unit_price=src.chance(60),
            measuring=_Measuring.draw(src) if src.chance(40) else None,
            customs_text=(customs and src.chance(30)) or everything,
        )


def _item(
    src: _Source,
    shape: _ItemShape,
    index: int,
    used: set[str],
    currency: str,
    created: datetime,
) -> dict[str, Any]:
    product = src.pick(_PRODUCTS)
    position = _PRODUCTS.index(product)
    variant = src.pick(product.variants) if product.variants and shape.variants else None
    name = f"{product.name} - {variant}" if variant else product.name
    serial = 2
    while name in used:
        name, serial = f"{product.name} ({serial})", serial + 1
    used.add(name)
    quantity = src.pick(_QUANTITIES)
    unit_cents = product.price_cents
    discount = src.pick(_DISCOUNTS) if src.chance(10) else 0
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
        item["unit_price"] = _price(unit_cents, currency)
    item["total_price"] = {
        "value": _line_total(unit_cents, quantity, total_cents),
        "currency": currency,
    }
    if shape.measuring is not None:
        item["measurement"] = _measurement(shape.measuring, product.grams, product.dimensions_cm)
    if "ean" in shape.catalogue:
        item["ean"] = _ean13(f"871{position:04d}{index:05d}")
    if "delivery_dates" in shape.extras:
        handover = created + timedelta(days=1 + index % 3)
        item["delivery_dates"] = _nullable(
            src,
            {
                "handover_at": _nullable(src, _stamp(handover, _STAMP_STYLES[2])),
                "deliver_at": _nullable(
                    src, _stamp(handover + timedelta(days=2), _STAMP_STYLES[2])
                ),
            },
            container=True,
        )
    if shape.customs_text:
        item["mid_code"] = _nullable(src, product.mid_code)
        item["material_content"] = _nullable(src, product.material)
        item["intended_use"] = _nullable(src, product.intended_use)
    if src.everything:
        item["dangerous_goods"] = _dangerous_goods(src, _FULL_DG)
    elif product.dangerous and src.chance(30):
        item["dangerous_goods"] = _dangerous_goods(src, product.dangerous)
    return item


def _costs(src: _Source, cents: int, currency: str) -> dict[str, Any] | None:
    if src.nullify(container=True):
        return None
    return {
        "value": _nullable(src, _decimal_string(cents)),
        "currency": _nullable(src, currency),
    }


def _payment(
    src: _Source, items: list[dict[str, Any]], currency: str, created: datetime
) -> dict[str, Any]:
    subtotal = sum(round(item["total_price"]["value"] * 100) for item in items)
    shipping = src.pick(_SHIPPING_CENTS)
    discount = subtotal // 10 if src.chance(10) else 0
    total = subtotal + shipping - discount
    payment: dict[str, Any] = {}
    if src.chance(10):
        payment["is_cash_on_delivery"] = _nullable(src, src.chance(20))
    payment["total_price"] = _price(total, currency)
    breakdown = _BREAKDOWNS[-1] if src.everything else src.pick(_BREAKDOWNS)
    if "subtotal" in breakdown:
        payment["subtotal_price"] = _price(subtotal, currency)
    if "shipping" in breakdown:
        payment["estimated_shipping_price"] = _price(shipping, currency)
    if "tax" in breakdown:
        payment["estimated_tax_price"] = _price(total * 21 // 121, currency)
    code, message = src.pick(_PAYMENT_STATUSES)
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


def _tax_number(src: _Source, country: str) -> dict[str, Any]:
    digits = src.integer(100_000_000, 999_999_999)
    return {
        "name": _nullable(src, "VAT" if country in EU_COUNTRIES else "EORI"),
        "country_code": _nullable(src, country),
        "value": _nullable(src, f"{country}{digits}B01"),
    }


def _customs(src: _Source, order_id: str, destination: str, created: datetime) -> dict[str, Any]:
    customs: dict[str, Any] = {
        "commercial_invoice_number": f"{created:%m%d}-{_slug(order_id)[:12] or '1'}",
        "shipment_type": src.pick(_enum("customs-details", "shipment_type")),
        "export_type": src.pick(_enum("customs-details", "export_type")),
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


def _shipping_details(
    src: _Source, cfg: _Config, items: list[dict[str, Any]], present: bool
) -> dict[str, Any] | None:
    ship_with = cfg.ship_with if cfg.ship_with is not None else present and src.chance(30)
    if not (present or ship_with):
        return None
    details: dict[str, Any] = {}
    if src.chance(20):
        details["is_local_pickup"] = _nullable(src, False)
    if src.chance(50):
        details["delivery_indicator"] = src.pick(_DELIVERY_INDICATORS)
    if src.chance(60) or not (details or ship_with):
        grams = 150.0 + sum(
            _PRODUCTS[0].grams if "measurement" not in item else 250.0 for item in items
        )
        box = src.pick(_BOXES_CM)
        details["measurement"] = _measurement(_Measuring.draw(src), grams, box)
    if ship_with:
        properties: dict[str, Any] = {
            "shipping_option_code": _nullable(src, src.pick(_SHIPPING_OPTION_CODES))
        }
        if src.chance(30):
            properties["contract_id"] = _nullable(src, src.integer(1, 99_999))
        details["ship_with"] = {
            "type": src.pick(_enum("ship-with", "type")),
            "properties": properties,
        }
    return details


def _service_point(src: _Source, country: _Country | None) -> dict[str, Any]:
    place = src.pick(country.places) if country else _COUNTRY_LIST[0].places[0]
    number = src.integer(1, 99_999)
    by = src.pick(("id", "id", "carrier_service_point_id"))
    point: dict[str, Any] = {by: str(number) if by == "id" else f"{number:05d}"}
    if src.chance(40):
        point["post_number"] = str(src.integer(100_000, 999_999))
    if src.chance(50):
        point["latitude"], point["longitude"] = place.latitude, place.longitude
    if src.chance(50):
        point["type"] = src.pick(_SERVICE_POINT_TYPES)
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


def _build_order(src: _Source, cfg: _Config, order_id: str, integration_id: int) -> Order:
    """One order that passes the schema and every domain rule, by construction."""
    currency = src.pick(cfg.currencies)
    created = _moment(src)
    if cfg.destinations is not None or src.chance(85):
        destination: _Country | None = src.pick(cfg.destinations or _DEFAULT_DESTINATIONS)
    else:
        destination = None
    needs_customs = cfg.customs == "always" or (destination is not None and not destination.eu)

    used: set[str] = set()
    count = src.pick(_item_counts(cfg.min_items, cfg.max_items))
    shape = _ItemShape.draw(src.fork(), needs_customs)
    items = [_item(src, shape, i, used, currency, created) for i in range(count)]
    status_code, status_message = src.pick(_ORDER_STATUSES)

    order: Order = {}
    if src.everything:
        order["id"] = str(src.integer(1, 99_999_999))
    order["order_id"] = order_id
    # Each shop (integration) numbers its orders its own way.
    style = _ORDER_NUMBER_STYLES[(integration_id - 1) % len(_ORDER_NUMBER_STYLES)]
    order["order_number"] = style.format(order_id)
    if src.everything:
        order["created_at"] = _stamp(created + timedelta(minutes=5), _STAMP_STYLES[2])
        order["modified_at"] = _stamp(created + timedelta(minutes=6), _STAMP_STYLES[2])
    stamp_style = src.pick(_STAMP_STYLES)
    details: dict[str, Any] = {
        "integration": {"id": integration_id},
        "status": {"code": status_code, "message": status_message}
        if src.chance(80)
        else {"code": status_code},
        "order_created_at": _stamp(created, stamp_style),
    }
    if src.chance(50):
        # At least a second later: a stamp without fractions may drop the sub-second part.
        updated = created + timedelta(seconds=src.integer(1, 30 * 24 * 3600))
        details["order_updated_at"] = _stamp(updated, stamp_style)
    details["order_items"] = items
    if src.chance(20):
        details["notes"] = src.pick(_NOTES)
    if src.chance(25):
        tags = [src.pick(_TAGS) for _ in range(src.integer(1, 3))]
        details["tags"] = list(dict.fromkeys(tags))
    order["order_details"] = details
    order["payment_details"] = _payment(src.fork(), items, currency, created)
    if needs_customs or src.chance(10):
        customs = _customs(src.fork(), order_id, destination.code if destination else "NL", created)
        null = not needs_customs and src.nullify(container=True)
        order["customs_details"] = None if null else customs
    shipping = _address(src.fork(), destination, shipping=True) if destination else None
    if src.chance(60):
        first, _, last = (shipping["name"] if shipping else "John Doe").partition(" ")
        customer: dict[str, Any] = {"name": f"{first} {last}".strip()}
        contact = _CONTACTS[-1] if src.everything else src.pick(_CONTACTS)
        if "phone" in contact:
            customer["phone_number"] = _phone(destination or _COUNTRY_LIST[0], src)
        if "email" in contact:
            customer["email"] = _email(first, last)
        order["customer_details"] = customer
    if shipping is not None and src.chance(30):
        elsewhere = src.fork()
        order["billing_address"] = (
            dict(shipping)
            if elsewhere.chance(50)
            else _address(elsewhere, elsewhere.pick(_DEFAULT_DESTINATIONS), shipping=False)
        )
    if shipping is not None:
        order["shipping_address"] = shipping
    present = src.chance(50)
    if present or cfg.ship_with:
        shipping_details = _shipping_details(src.fork(), cfg, items, present)
        if shipping_details is not None:
            order["shipping_details"] = shipping_details
    wants_point = cfg.service_point if cfg.service_point is not None else src.chance(15)
    if wants_point:
        order["service_point_details"] = _service_point(src.fork(), destination)
    return order


# ---------------------------------------------------------------------------------------------
# Public strategies: valid orders and batches
# ---------------------------------------------------------------------------------------------

IntegrationIds = Sequence[int] | SearchStrategy[int] | None
OrderIds = Sequence[str] | SearchStrategy[str] | None


def _as_strategy(
    value: Sequence[Any] | SearchStrategy[Any], name: str, check: Callable[[Any], bool], what: str
) -> SearchStrategy[Any]:
    if isinstance(value, SearchStrategy):
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise InvalidArgument(f"{name} must be a non-empty list of {what} or a strategy")
    bad = [v for v in value if not check(v)]
    if bad:
        raise InvalidArgument(f"{name} must hold {what}; got {bad[0]!r}")
    return st.sampled_from(list(value))


def _is_integration_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_order_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 1


def _config(
    *,
    countries: Sequence[str] | None,
    currencies: Sequence[str] | None,
    international: bool | None,
    with_service_point: bool | None,
    with_ship_with: bool | None,
    min_items: int,
    max_items: int,
) -> _Config:
    if isinstance(countries, str):
        countries = [countries]
    destinations: tuple[_Country, ...] | None = None
    if countries is not None:
        unknown = [c for c in countries if c not in _COUNTRIES]
        if unknown or not countries:
            raise InvalidArgument(
                f"countries must be a non-empty list of {', '.join(SUPPORTED_COUNTRIES)}; "
                f"got {list(countries)!r}"
            )
        destinations = tuple(_COUNTRIES[c] for c in dict.fromkeys(countries))
    if international is True and destinations is None:
        destinations = tuple(c for c in _COUNTRY_LIST if not c.eu)
    if international is False:
        outside = [c.code for c in destinations or () if not c.eu]
        if outside:
            raise InvalidArgument(
                f"international=False cannot ship to {', '.join(outside)}: outside the EU an "
                "order needs customs data"
            )
        destinations = destinations or tuple(c for c in _DEFAULT_DESTINATIONS if c.eu)
    allowed = _enum("currency")
    if isinstance(currencies, str):
        currencies = [currencies]
    chosen = tuple(dict.fromkeys(currencies)) if currencies is not None else allowed
    if not chosen or any(c not in allowed for c in chosen):
        raise InvalidArgument(
            f"currencies must be a non-empty list of {', '.join(allowed)}; got {currencies!r}"
        )
    for name, value in (("min_items", min_items), ("max_items", max_items)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidArgument(f"{name} must be an integer; got {value!r}")
    if min_items < 1 or max_items < min_items:
        raise InvalidArgument(
            f"need 1 <= min_items <= max_items; got min_items={min_items}, max_items={max_items}"
        )
    return _Config(
        destinations=destinations,
        currencies=chosen,
        customs="always" if international else "auto",
        service_point=with_service_point,
        ship_with=with_ship_with,
        min_items=min_items,
        max_items=max_items,
    )


_DEFAULT_ORDER_IDS = st.integers(1, 9_999_999).map(str)
_DEFAULT_INTEGRATIONS = st.integers(1, 999_999)


def _order_id_strategy(order_ids: OrderIds) -> SearchStrategy[str]:
    if order_ids is None:
        return _DEFAULT_ORDER_IDS
    return _as_strategy(order_ids, "order_ids", _is_order_id, "non-empty strings")


def _integration_strategy(integration_ids: IntegrationIds) -> SearchStrategy[int]:
    if integration_ids is None:
        return _DEFAULT_INTEGRATIONS
    return _as_strategy(integration_ids, "integration_ids", _is_integration_id, "integers >= 1")


def _checked(value: Any, check: Callable[[Any], bool], name: str, what: str) -> Any:
    if not check(value):
        raise InvalidArgument(f"the {name} strategy drew {value!r}; it must draw {what}")
    return value


@st.composite
def _orders(
    draw: DrawFn,
    cfg: _Config,
    order_ids: SearchStrategy[str],
    integration_ids: SearchStrategy[int],
) -> Order:
    order_id = _checked(draw(order_ids), _is_order_id, "order_ids", "non-empty strings")
    integration = _checked(
        draw(integration_ids), _is_integration_id, "integration_ids", "integers >= 1"
    )
    return _build_order(_Drawn(draw), cfg, order_id, integration)


def orders(
    *,
    integration_ids: IntegrationIds = None,
    order_ids: OrderIds = None,
    countries: Sequence[str] | None = None,
    currencies: Sequence[str] | None = None,
    international: bool | None = None,
    with_service_point: bool | None = None,
    with_ship_with: bool | None = None,
    min_items: int = 1,
    max_items: int = 5,
) -> SearchStrategy[Order]:
    """Orders (POST /orders items) that the contract and every domain rule accept.

    ``countries`` limits the destination (and then always gives a shipping address);
    ``international=True`` ships outside the EU unless ``countries`` says otherwise, and always
    adds customs details, HS codes and countries of origin; ``international=False`` keeps orders
    inside the EU. ``with_service_point``/``with_ship_with``: True always, False never, None
    sometimes.
    """
    cfg = _config(
        countries=countries,
        currencies=currencies,
        international=international,
        with_service_point=with_service_point,
        with_ship_with=with_ship_with,
        min_items=min_items,
        max_items=max_items,
    )
    return _orders(cfg, _order_id_strategy(order_ids), _integration_strategy(integration_ids))


FULL_ORDERS_PER_BATCH = 5
"""Orders of a batch drawn choice by choice; the rest come from one seed each."""


@st.composite
def _keys(
    draw: DrawFn,
    min_size: int,
    max_size: int,
    order_ids: Sequence[str] | SearchStrategy[str] | None,
    integration_ids: Sequence[int] | SearchStrategy[int] | None,
) -> list[tuple[str, int]]:
    """Distinct (order_id, integration id) keys, built distinct rather than filtered."""
    if order_ids is None:
        # Sequential shop numbers with small gaps, as an export of recent orders has them.
        gaps = draw(st.lists(st.integers(1, 3), min_size=min_size, max_size=max_size))
        first = draw(st.integers(1, 9_000_000))
        numbers = [str(first + n - gaps[0]) for n in itertools.accumulate(gaps)]
        if integration_ids is None:
            integration = draw(_DEFAULT_INTEGRATIONS)
            return [(n, integration) for n in numbers]
        pool = _integration_strategy(integration_ids)
        return [(n, draw(pool)) for n in numbers]
    if isinstance(order_ids, Sequence) and isinstance(integration_ids, Sequence):
        # Small fixed pools: a permutation of every key, never a key drawn twice.
        every = [(o, i) for o in dict.fromkeys(order_ids) for i in dict.fromkeys(integration_ids)]
        size = draw(st.integers(min_size, min(max_size, len(every))))
        return draw(st.permutations(every))[:size]
    pairs = st.tuples(_order_id_strategy(order_ids), _integration_strategy(integration_ids))
    keys: list[tuple[str, int]] = draw(
        st.lists(pairs, min_size=min_size, max_size=max_size, unique=True)
    )
    for order_id, integration in keys:
        _checked(order_id, _is_order_id, "order_ids", "non-empty strings")
        _checked(integration, _is_integration_id, "integration_ids", "integers >= 1")
    return keys


@st.composite
def _batches(
    draw: DrawFn, cfg: _Config, keys: SearchStrategy[list[tuple[str, int]]]
) -> list[Order]:
    chosen = draw(keys)
    head = min(len(chosen), FULL_ORDERS_PER_BATCH)
    seeds = draw(st.lists(_SEEDS, min_size=len(chosen) - head, max_size=len(chosen) - head))
    batch = [_build_order(_Drawn(draw), cfg, oid, iid) for oid, iid in chosen[:head]]
    batch.extend(
        _build_order(_Seeded(seed), cfg, oid, iid)
        for seed, (oid, iid) in zip(seeds, chosen[head:], strict=True)
    )
    return batch


def order_batches(
    min_size: int = 1,
    max_size: int = MAX_BATCH,
    *,
    integration_ids: IntegrationIds = None,
    order_ids: OrderIds = None,
    countries: Sequence[str] | None = None,
    currencies: Sequence[str] | None = None,
    international: bool | None = None,
    with_service_point: bool | None = None,
    with_ship_with: bool | None = None,
    min_items: int = 1,
    max_items: int = 5,
) -> SearchStrategy[list[Order]]:
    """Batches for POST /orders whose (order_id, integration id) keys are all distinct.

    Takes the constraints of :func:`orders`. Custom ``order_ids``/``integration_ids`` must
    offer at least ``min_size`` distinct keys.
    """
    for name, value in (("min_size", min_size), ("max_size", max_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidArgument(f"{name} must be an integer; got {value!r}")
    if not 1 <= min_size <= max_size <= MAX_BATCH:
        raise InvalidArgument(
            f"need 1 <= min_size <= max_size <= {MAX_BATCH}; "
            f"got min_size={min_size}, max_size={max_size}"
        )
    _order_id_strategy(order_ids)
    _integration_strategy(integration_ids)
    if isinstance(order_ids, Sequence) and isinstance(integration_ids, Sequence):
        distinct = len(set(order_ids)) * len(set(integration_ids))
        if distinct < min_size:
            raise InvalidArgument(
                f"order_ids x integration_ids give {distinct} distinct keys, "
                f"fewer than min_size={min_size}"
            )
    cfg = _config(
        countries=countries,
        currencies=currencies,
        international=international,
        with_service_point=with_service_point,
        with_ship_with=with_ship_with,
        min_items=min_items,
        max_items=max_items,
    )
    return _batches(cfg, _keys(min_size, max_size, order_ids, integration_ids))


# ---------------------------------------------------------------------------------------------
# PATCH bodies
# ---------------------------------------------------------------------------------------------

_STAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})"
    r"(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$"
)


def _parse_stamp(text: Any) -> datetime | None:
    match = _STAMP.match(text) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, sign, oh, om = match.groups()
    offset = timedelta(hours=int(oh or 0), minutes=int(om or 0))
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), min(int(second), 59),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=timezone(-offset if sign == "-" else offset),
        )  # fmt: skip
    except ValueError:
        return None


def _order_currency(order: Order) -> str:
    currency = order.get("payment_details", {}).get("total_price", {}).get("currency")
    return currency if currency in _enum("currency") else _enum("currency")[0]


@st.composite
def _updates(draw: DrawFn, order: Order) -> dict[str, Any]:
    src = _Drawn(draw)
    details = order["order_details"]
    currency = _order_currency(order)
    items = [i for i in details.get("order_items", []) if isinstance(i, dict) and i.get("name")]
    stamps = [_parse_stamp(details.get(k)) for k in ("order_created_at", "order_updated_at")]
    latest = max((s for s in stamps if s is not None), default=_EPOCH)
    address = order.get("shipping_address")
    code = address.get("country_code") if isinstance(address, dict) else None
    destination = _COUNTRIES.get(code) if isinstance(code, str) else None

    changes = ["status", "notes", "tags", "payment", "customer", "shipping_details",
               "service_point", "customs", "order_number"]  # fmt: skip
    if items:
        changes.insert(1, "items")
    for key in ("shipping_address", "billing_address"):
        if isinstance(order.get(key), dict):
            changes.append(key)
    chosen = draw(st.lists(st.sampled_from(changes), min_size=1, max_size=4, unique=True))

    body: dict[str, Any] = {}
    if isinstance(order.get("id"), str) and src.chance(50):
        body["id"] = order["id"]
    if src.chance(30):
        body["order_id"] = order["order_id"]
    if "order_number" in chosen:
        body["order_number"] = (
            f"{order.get('order_number', order['order_id'])}-R{src.integer(1, 9)}"
        )
    patch_details: dict[str, Any] = {}
    if "status" in chosen:
        code, message = src.pick(_ORDER_STATUSES)
        patch_details["status"] = {"code": code, "message": message}
        later = latest + timedelta(minutes=src.integer(1, 14 * 24 * 60))
        patch_details["order_updated_at"] = _stamp(later, src.pick(_STAMP_STYLES))
    if "items" in chosen:
        patch_details["order_items"] = _item_updates(src, draw, items, currency)
    if "notes" in chosen:
        patch_details["notes"] = None if src.chance(20) else src.pick(_NOTES)
    if "tags" in chosen:
        patch_details["tags"] = None if src.chance(20) else [src.pick(_TAGS)]
    if patch_details:
        body["order_details"] = patch_details
    if "payment" in chosen:
        code, message = src.pick(_PAYMENT_STATUSES)
        payment: dict[str, Any] = {"status": {"code": code, "message": message}}
        if src.chance(30):
            payment["insurance_costs"] = {"value": "9.99", "currency": currency}
        if src.chance(20):
            payment["is_cash_on_delivery"] = None
        body["payment_details"] = payment
    if "customs" in chosen:
        body["customs_details"] = _customs(
            src, order["order_id"], destination.code if destination else "NL", latest
        )
    if "customer" in chosen:
        first, last = src.pick(_FIRST_NAMES), src.pick(_LAST_NAMES)
        customer: dict[str, Any] = {"email": _email(first, last)}
        if src.chance(50):
            customer["phone_number"] = _phone(destination or _COUNTRY_LIST[0], src)
        body["customer_details"] = customer
    for key in ("billing_address", "shipping_address"):
        if key in chosen:
            change: dict[str, Any] = {}
            if src.chance(50):
                change["name"] = f"{src.pick(_FIRST_NAMES)} {src.pick(_LAST_NAMES)}"
            if src.chance(50) or not change:
                change["address_line_2"] = src.pick(_LINE2)
            if src.chance(30):
                change["phone_number"] = _phone(destination or _COUNTRY_LIST[0], src)
            body[key] = change
    if "shipping_details" in chosen:
        cfg = _Config(destinations=None, currencies=(currency,))
        body["shipping_details"] = _shipping_details(src, cfg, [], True)
    if "service_point" in chosen:
        body["service_point_details"] = _service_point(src, destination)
    return body


def _item_updates(
    src: _Drawn, draw: DrawFn, items: list[dict[str, Any]], currency: str
) -> list[dict[str, Any]]:
    indices = draw(
        st.lists(st.integers(0, len(items) - 1), min_size=1, max_size=len(items), unique=True)
    )
    updates = []
    for index in sorted(indices):
        item = items[index]
        update: dict[str, Any] = {"name": item["name"]}
        if src.chance(60):
            quantity = src.pick(_QUANTITIES)
            product = _PRODUCTS[index % len(_PRODUCTS)]
            unit = product.price_cents
            update["quantity"] = quantity
            update["unit_price"] = _price(unit, currency)
            update["total_price"] = {
                "value": _line_total(unit, quantity, unit * quantity),
                "currency": currency,
            }
        if src.chance(40) or len(update) == 1:
            update["measurement"] = {"weight": _weight(src.integer(50, 5000), "g")}
        if src.chance(20):
            product = _PRODUCTS[index % len(_PRODUCTS)]
            update["hs_code"] = product.hs_code
            update["country_of_origin"] = product.origin
        updates.append(update)
    return updates


def order_updates(order: Mapping[str, Any]) -> SearchStrategy[dict[str, Any]]:
    """Valid PATCH /orders/{id} bodies for ``order``: only fields PATCH may change.

    Item changes address existing items by ``name``; money stays in the order's currency and
    ``order_updated_at`` never goes back before the order's own time stamps.
    """
    if not isinstance(order, Mapping) or not isinstance(order.get("order_details"), Mapping):
        raise InvalidArgument("order_updates() needs an order: a mapping with order_details")
    if not _is_order_id(order.get("order_id")):
        raise InvalidArgument("order_updates() needs an order with a non-empty order_id")
    return _updates(copy.deepcopy(dict(order)))


# ---------------------------------------------------------------------------------------------
# Valid but unusual orders
# ---------------------------------------------------------------------------------------------

_ONE_CHARACTER = ("A", "é", "中", "Ø", "7", "😀")
_RIGHT_TO_LEFT = (
    "محمد عبد الله",
    "שרה לוי",
    "مؤسسة النور للتجارة",
    "שדרות רוטשילד 22",
    "فاطمة الزهراء",
)
_EMOJI = ("🎁 Gift for Zoë", "Family 👨‍👩‍👧‍👦", "🇳🇱 Dutch cheese", "Café ☕ & Co", "🚲")
_FULLWIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "Fullwidth")
_ODD = ("Zoe\u0308", "ﬁne ﬂour", _FULLWIDTH, "ǅemal", "a\u200db", "Ω≈ç√∫", "Ⅻ", " ")
_LONG_LENGTHS = (256, 1024, 4096)
_LONG_WORDS = "Straße Łódź Ærø São Paulo Zürich naïve café 東京 "


@st.composite
def _odd_text(draw: DrawFn) -> str:
    family = draw(st.sampled_from(("one", "long", "rtl", "emoji", "odd", "any")))
    if family == "one":
        return draw(st.sampled_from(_ONE_CHARACTER))
    if family == "long":
        length = draw(st.sampled_from(_LONG_LENGTHS))
        return (_LONG_WORDS * (length // len(_LONG_WORDS) + 1))[:length]
    if family == "rtl":
        return draw(st.sampled_from(_RIGHT_TO_LEFT))
    if family == "emoji":
        return draw(st.sampled_from(_EMOJI))
    if family == "odd":
        return draw(st.sampled_from(_ODD))
    return draw(st.text(min_size=1, max_size=40))


# Free-text members, by the object that holds them.
_TEXT_MEMBERS = {
    "address": ("name", "company_name", "address_line_1", "address_line_2", "city", "house_number"),
    "item": ("name", "description", "sku", "material_content", "intended_use"),
    "status": ("message",),
    "customer": ("name",),
    "shipping_details": ("delivery_indicator",),
}


def _texts(order: Order) -> Iterator[tuple[dict[str, Any], str]]:
    """Every free-text slot of an order as (holder, member)."""
    details = order["order_details"]
    for holder, kind in (
        (order.get("shipping_address"), "address"),
        (order.get("billing_address"), "address"),
        (order.get("customer_details"), "customer"),
        (details.get("status"), "status"),
        (order["payment_details"].get("status"), "status"),
        (order.get("shipping_details"), "shipping_details"),
        *((item, "item") for item in details["order_items"]),
    ):
        if isinstance(holder, dict):
            for member in _TEXT_MEMBERS[kind]:
                if isinstance(holder.get(member), str):
                    yield holder, member
    if isinstance(details.get("notes"), str):
        yield details, "notes"


def _reprice(order: Order, unit_cents: int | None, quantity: int | None) -> None:
    """Set item quantities/prices and keep every total consistent with them."""
    items = order["order_details"]["order_items"]
    total = 0.0
    for item in items:
        currency = item["total_price"]["currency"]
        q = quantity if quantity is not None else item["quantity"]
        unit = (
            unit_cents
            if unit_cents is not None
            else round(item["total_price"]["value"] * 100 / item["quantity"])
        )
        item["quantity"] = q
        item["unit_price"] = _price(unit, currency)
        item["total_price"]["value"] = _line_total(unit, q, unit * q)
        total += item["total_price"]["value"]
    payment = order["payment_details"]
    payment["total_price"]["value"] = total
    for key in ("subtotal_price", "estimated_shipping_price", "estimated_tax_price"):
        payment.pop(key, None)


def _walk_measurements(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "measurement" in node and isinstance(node["measurement"], dict):
            yield node["measurement"]
        for value in node.values():
            yield from _walk_measurements(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_measurements(value)


def _stamps(order: Order) -> Iterator[tuple[dict[str, Any], str]]:
    details = order["order_details"]
    for key in ("order_created_at", "order_updated_at"):
        if key in details:
            yield details, key
    for key in ("created_at", "modified_at"):
        if key in order:
            yield order, key
    for item in details["order_items"]:
        dates = item.get("delivery_dates")
        if isinstance(dates, dict):
            for key in ("handover_at", "deliver_at"):
                if isinstance(dates.get(key), str):
                    yield dates, key


@functools.cache
def _edge_config() -> _Config:
    return _Config(destinations=None, currencies=_enum("currency"))


def _edge_key(draw: DrawFn) -> tuple[str, int]:
    return draw(_DEFAULT_ORDER_IDS), draw(_DEFAULT_INTEGRATIONS)


@st.composite
def _required_only(draw: DrawFn) -> Order:
    oid, iid = _edge_key(draw)
    return _build_order(_Drawn(draw, optional=False), _edge_config(), oid, iid)


@st.composite
def _every_field(draw: DrawFn) -> Order:
    oid, iid = _edge_key(draw)
    return _build_order(_Drawn(draw, optional=True), _edge_config(), oid, iid)


@st.composite
def _with_nulls(draw: DrawFn) -> Order:
    """Null wherever the contract allows it; inside the EU, where customs may be null too."""
    oid, iid = _edge_key(draw)
    cfg = _Config(
        destinations=tuple(c for c in _COUNTRY_LIST if c.eu), currencies=_enum("currency")
    )
    return _build_order(_Drawn(draw, optional=True, nulls=True), cfg, oid, iid)


@st.composite
def _odd_strings(draw: DrawFn) -> Order:
    oid, iid = _edge_key(draw)
    order = _build_order(
        _Drawn(draw, optional=draw(st.booleans()) or None), _edge_config(), oid, iid
    )
    if draw(st.booleans()):
        order["order_id"] = draw(_odd_text())
        order["order_number"] = draw(_odd_text())
    for holder, member in _texts(order):
        holder[member] = draw(_odd_text())
    names: set[str] = set()
    for item in order["order_details"]["order_items"]:
        name, serial = item["name"], 2
        while name in names:
            name, serial = f"{item['name']} ({serial})", serial + 1
        item["name"] = name
        names.add(name)
    return order


@st.composite
def _odd_numbers(draw: DrawFn) -> Order:
    oid, iid = _edge_key(draw)
    order = _build_order(_Drawn(draw, optional=True), _edge_config(), oid, iid)
    if draw(st.booleans()):
        for measurement in _walk_measurements(order):
            if "dimension" in measurement:
                measurement["dimension"].update(length=0, width=0, height=0)
            if "volume" in measurement:
                measurement["volume"]["value"] = 0
    if draw(st.booleans()):
        smallest = draw(st.sampled_from((0.001, 1e-9, math.ulp(0.0))))
        for measurement in _walk_measurements(order):
            if "weight" in measurement:
                measurement["weight"]["value"] = smallest
    quantity = draw(st.sampled_from((None, 1_000, 65_535, 2**31 - 1, 10**12)))
    unit_cents = draw(st.sampled_from((None, 0, 1, 99_999_999, 999_999_999_99)))
    _reprice(order, unit_cents, quantity)
    return order


@st.composite
def _odd_stamps(draw: DrawFn) -> Order:
    """Offsets and fractions of every kind; updated may equal created, in another zone."""
    oid, iid = _edge_key(draw)
    order = _build_order(_Drawn(draw, optional=True), _edge_config(), oid, iid)
    details = order["order_details"]
    created = _parse_stamp(details["order_created_at"]) or _EPOCH
    if draw(st.booleans()):
        created = draw(
            st.sampled_from(
                (
                    datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=timezone.utc),
                    datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc),
                    datetime(2024, 3, 31, 1, 30, tzinfo=timezone.utc),
                )
            )
        )
    delay = draw(st.sampled_from((0, 0, 1, 59, 3600)))
    if delay == 0:
        # The same instant in two zones and precisions: whole tenths keep every form exact.
        created = created.replace(microsecond=created.microsecond // 100_000 * 100_000)
    details["order_created_at"] = _stamp(created, draw(st.sampled_from(_ODD_STAMP_STYLES)))
    details["order_updated_at"] = _stamp(
        created + timedelta(seconds=delay), draw(st.sampled_from(_ODD_STAMP_STYLES))
    )
    for holder, key in _stamps(order):
        if holder is not details:
            moment = _parse_stamp(holder[key]) or created
            holder[key] = _stamp(moment, draw(st.sampled_from(_ODD_STAMP_STYLES)))
    return order


def edge_case_orders() -> SearchStrategy[Order]:
    """Valid orders that are unusual on purpose.

    Only required fields; every optional field; null wherever allowed; 1-character, very
    long, right-to-left, emoji and arbitrary Unicode text; zero dimensions, the smallest
    positive weights, huge quantities and prices; date-times with odd offsets and fractions.
    """
    return st.one_of(
        _required_only(),
        _every_field(),
        _with_nulls(),
        _odd_strings(),
        _odd_numbers(),
        _odd_stamps(),
    )


@st.composite
def _full_batch(draw: DrawFn) -> list[Order]:
    """100 orders: the same order_id under two integrations is allowed, and used."""
    integrations = draw(st.lists(_DEFAULT_INTEGRATIONS, min_size=2, max_size=2, unique=True))
    first = draw(st.integers(1, 9_000_000))
    shared = draw(st.booleans())
    seeds = draw(st.lists(_SEEDS, min_size=MAX_BATCH, max_size=MAX_BATCH))
    cfg = _edge_config()
    batch = []
    for index, seed in enumerate(seeds):
        number = first + (index // 2 if shared else index)
        integration = integrations[index % 2] if shared else integrations[0]
        batch.append(_build_order(_Seeded(seed), cfg, str(number), integration))
    return batch


def edge_case_batches() -> SearchStrategy[list[Order]]:
    """Valid batches at the limits: exactly 100 orders, or one unusual order alone."""
    return st.one_of(_full_batch(), edge_case_orders().map(lambda order: [order]))


# ---------------------------------------------------------------------------------------------
# Orders that break exactly one rule
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedViolation:
    """What a validator must report for a payload from :func:`invalid_orders`.

    ``kind`` is the payload's kind ("order" or "order-batch"); ``pointer`` is an RFC 6901
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


def _pointer(path: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


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
    node, base = _resolve(node, base)
    yield _Site(path, value, node, branch)
    if "oneOf" in node and isinstance(value, dict):
        for option in node["oneOf"]:
            option, option_base = _resolve(option, base)
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
                option = _resolve(option, _COMMON)[0]
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
)  # fmt: skip
_WARNING_FAMILIES = (
    "item-total-exceeds-unit-price", "mixed-currencies", "updated-before-created",
    "image-url-without-product-id", "ean-check-digit", "hs-code-shape", "customs-missing",
    "unknown-state-province-code",
)  # fmt: skip


def _base(draw: DrawFn, cfg: _Config) -> Order:
    oid, iid = draw(_DEFAULT_ORDER_IDS), draw(_DEFAULT_INTEGRATIONS)
    return _build_order(_Drawn(draw), cfg, oid, iid)


def _base_config(family: str) -> _Config:
    currencies = _enum("currency")
    if family == "pattern":
        return _Config(destinations=_DEFAULT_DESTINATIONS, currencies=currencies)
    if family == "oneOf":
        return _Config(destinations=None, currencies=currencies, service_point=True)
    if family in ("state-province-required", "unknown-state-province-code"):
        states = tuple(_COUNTRIES[c] for c in sorted(STATE_REQUIRED))
        return _Config(destinations=states, currencies=currencies)
    if family == "customs-missing":
        outside = tuple(c for c in _COUNTRY_LIST if not c.eu)
        return _Config(destinations=outside, currencies=currencies)
    return _Config(destinations=None, currencies=currencies)


def _domain_break(draw: DrawFn, family: str, order: Order) -> tuple[Order, str, str, str]:
    """Break one domain rule (error or warning): (order, pointer, rule, description)."""
    src = _Drawn(draw)
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
        other = src.pick(tuple(c for c in _enum("currency") if c != current))
        item["total_price"]["currency"] = other
        item.pop("unit_price", None)
        why = f"{name}.total_price in {other}, the rest of the order in {current}"
        return broken, f"{at}/total_price/currency", family, why
    if family == "updated-before-created":
        details = broken["order_details"]
        created = _parse_stamp(details["order_created_at"]) or _EPOCH
        earlier = created - timedelta(minutes=src.integer(1, 7 * 24 * 60))
        details["order_updated_at"] = _stamp(earlier, src.pick(_STAMP_STYLES))
        why = "order_updated_at before order_created_at"
        return broken, "/order_details/order_updated_at", family, why
    if family == "image-url-without-product-id":
        item.pop("product_id", None)
        item["image_url"] = "https://cdn.example.com/products/item.jpg"
        return broken, f"{at}/image_url", family, f"{name}.image_url without product_id"
    if family == "ean-check-digit":
        good = _ean13(f"871{index:04d}{src.integer(0, 99_999):05d}")
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
        seeds = draw(st.lists(_SEEDS, min_size=count, max_size=count))
        batch = [
            _build_order(_Seeded(seed), _edge_config(), str(first + i), 1)
            for i, seed in enumerate(seeds)
        ]
        why = f"{count} orders in one batch"
        return batch, ExpectedViolation("order-batch", "", "batch-too-large", why)
    if family == "empty-batch":
        return [], ExpectedViolation("order-batch", "", "minItems", "an empty batch")
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
        pointer = _pointer(path)
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
