"""Any JSON value at any place of a payload: what the hostile property tests put where."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

Path = tuple[str | int, ...]

ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)

# What the domain rules read (rules.py), and so what a value of the wrong type meets first.
READ_BY_RULES = frozenset(
    {
        "billing_address",
        "country_code",
        "country_of_origin",
        "currency",
        "customer_details",
        "customs_details",
        "ean",
        "hs_code",
        "id",
        "image_url",
        "integration",
        "order_created_at",
        "order_details",
        "order_id",
        "order_items",
        "order_updated_at",
        "payment_details",
        "phone",
        "phone_number",
        "product_id",
        "quantity",
        "shipping_address",
        "state_province_code",
        "tax_numbers",
        "total_price",
        "unit_price",
        "value",
    }
)


def places(value: Any, path: Path = ()) -> list[Path]:
    """Every place in a JSON value but its root, as paths."""
    if isinstance(value, dict):
        children: Any = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return []
    found = []
    for key, item in children:
        found += [(*path, key), *places(item, (*path, key))]
    return found


def replace_somewhere(data: st.DataObject, payload: Any) -> Path:
    """Put any JSON value at a place of ``payload`` (half the time one the rules read), in
    place; the path to it."""
    every = places(payload)
    read = [path for path in every if path[-1] in READ_BY_RULES]
    path: Path = data.draw(
        st.sampled_from(read) | st.sampled_from(every) if read else st.sampled_from(every)
    )
    holder = payload
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = data.draw(ANY_JSON)
    return path
