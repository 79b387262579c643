"""What shops really send: destinations, people, products and the units they measure in.

A draw shrinks to a table's first entry, and repeated entries weight it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sendcloud_contract.rules import EU_COUNTRIES


@dataclass(frozen=True)
class _Place:
    city: str
    postal_code: str
    state: str | None = None
    latitude: str = "52.370216"
    longitude: str = "4.895168"


@dataclass(frozen=True)
class Country:
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
) -> Country:
    built = tuple(
        _Place(p[0], p[1], p[2] or None, p[3], p[4])
        if len(p) == 5
        else _Place(p[0], p[1], p[2] or None)
        for p in places
    )
    return Country(code, built, tuple(streets), phone[0], phone[1], number_first)


COUNTRY_LIST: tuple[Country, ...] = (
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
COUNTRIES: dict[str, Country] = {c.code: c for c in COUNTRY_LIST}
SUPPORTED_COUNTRIES: tuple[str, ...] = tuple(c.code for c in COUNTRY_LIST)

# Most orders stay inside the EU: repeated entries weight the draw; NL first, where shrinking ends.
DEFAULT_DESTINATIONS: tuple[Country, ...] = tuple(
    COUNTRIES[code]
    for code in "NL NL NL DE DE BE FR ES IT AT PL SE IE PT DK GB GB US US CA AU CH NO JP".split()  # noqa: SIM905
)

FIRST_NAMES = (
    "John", "Anna", "Maya", "Lars", "Sophie", "Luca", "Zoë", "José", "Łukasz", "Søren",
    "Chloé", "Björn", "Aoife", "Mateo", "Amélie", "Jürgen", "Ines", "Noah", "Fatima", "Kenji",
)  # fmt: skip
LAST_NAMES = (
    "Doe", "Jansen", "Thompson", "de Vries", "Müller", "Rossi", "García", "Nowak", "Østergaard",
    "O'Brien", "Dubois", "Andersson", "Silva", "Kowalczyk", "van den Berg", "Ñúñez", "Tanaka",
)  # fmt: skip
COMPANIES = (
    "Sendcloud", "Acme Trading B.V.", "Bäckerei Schulz GmbH", "Studio Lumière SARL",
    "Nordic Outdoor AB", "Café Olé S.L.",
)  # fmt: skip
# Optional address parts, as (rarely) sent together; the plainest first for shrinking.
ADDRESS_EXTRAS: tuple[tuple[str, ...], ...] = (
    (), (), (), (), ("company",), ("line_2",), ("company", "line_2"), ("po_box",),
    ("company", "line_2", "po_box"),
)  # fmt: skip
CONTACTS: tuple[tuple[str, ...], ...] = ((), ("phone",), ("email",), ("phone", "email"))
LINE2 = ("Apartment 17B", "2nd floor", "c/o Reception", "Unit 4", "Bus 12", "Hinterhaus")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
TRANSLITERATE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae"})


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
FULL_DG = (
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

PRODUCTS: tuple[_Product, ...] = (
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
CATALOGUE: tuple[tuple[str, ...], ...] = (
    (), (), ("ids",), ("ids", "image"), ("ids", "ean"), ("ids", "image", "ean"),
)  # fmt: skip
ITEM_EXTRAS: tuple[tuple[str, ...], ...] = (
    (), (), (), (), (), (), (), (),
    ("properties",), ("delivery_dates",), ("properties", "delivery_dates"),
)  # fmt: skip
QUANTITIES = (1, 1, 1, 1, 2, 2, 3, 4, 6, 10)
DISCOUNTS = (10, 15, 20, 25, 50)
ORDER_STATUSES = (
    ("fulfilled", "Fulfilled"),
    ("unfulfilled", "Unfulfilled"),
    ("processing", "Order is being picked"),
    ("partially_fulfilled", "Partially fulfilled"),
    ("on_hold", "Waiting for stock"),
)
PAYMENT_STATUSES = (
    ("paid", "Paid"),
    ("pending", "Awaiting payment"),
    ("authorized", "Payment authorized"),
    ("partially_refunded", "Partially refunded"),
)
ORDER_NUMBER_STYLES = ("{}", "#{}", "SO-{}", "WEB-{}", "OXSDFGHTD-{}")
NOTES = (
    "Call this number before delivery: 063 874 6473",
    "Leave the parcel with the neighbours at number 17.",
    "Gift: please do not include the invoice.",
    "Bitte beim Nachbarn abgeben.",
    "Livraison après 18h, s'il vous plaît.",
)
TAGS = ("october_campaign", "vip", "gift", "preorder", "b2b", "marketplace", "fragile")
DELIVERY_INDICATORS = (
    "DHL home delivery",
    "PostNL standard",
    "DPD Classic",
    "UPS Standard",
    "Evening delivery",
)
SHIPPING_OPTION_CODES = (
    "postnl:standard",
    "postnl:standard/insured=3000",
    "dhl:home",
    "dpd:classic",
    "ups:standard",
    "royal_mail:tracked_48",
)
SERVICE_POINT_TYPES = ("servicepoint", "packstation", "locker", "post_office")
SHIPPING_CENTS = (0, 395, 495, 695, 995, 1495)
# Which parts of the total a shop itemises.
BREAKDOWNS = (
    (),
    ("subtotal",),
    ("shipping",),
    ("subtotal", "shipping"),
    ("subtotal", "shipping", "tax"),
)
PO_BOXES = ("PO Box 1024", "Postbus 80", "Packstation 117")
BOXES_CM = ((30.0, 20.0, 10.0), (40.0, 30.0, 20.0), (60.0, 40.0, 40.0), (25.0, 17.5, 8.0))

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
