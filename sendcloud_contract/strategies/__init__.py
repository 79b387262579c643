"""Hypothesis strategies for Orders API v3 payloads: valid, unusual and deliberately broken.

Every value is chosen from a set known to be acceptable instead of being generated and then
filtered: enums, required members and nullable members come from the shipped schemas, and the
rest from what shops really send (postal codes shaped like the destination's, prices in cents,
customs data where the destination needs it). That keeps generation fast, every valid example
free of violations, and lets Hypothesis shrink a failing example to a short, readable order.

Only Hypothesis' public API is used, so the strategies keep working across its releases.
"""

from __future__ import annotations

from sendcloud_contract.extras import needs_extra

with needs_extra("sendcloud_contract.strategies"):
    from sendcloud_contract.strategies._data import DIMENSION_UNITS as DIMENSION_UNITS
    from sendcloud_contract.strategies._data import SUPPORTED_COUNTRIES
    from sendcloud_contract.strategies._data import VOLUME_UNITS as VOLUME_UNITS
    from sendcloud_contract.strategies._data import WEIGHT_UNITS as WEIGHT_UNITS
    from sendcloud_contract.strategies._edge import edge_case_batches, edge_case_orders
    from sendcloud_contract.strategies._invalid import ExpectedViolation, invalid_orders
    from sendcloud_contract.strategies._orders import MAX_BATCH as MAX_BATCH
    from sendcloud_contract.strategies._orders import OrderConstraints, order_batches, orders
    from sendcloud_contract.strategies._updates import order_updates

__all__ = [
    "SUPPORTED_COUNTRIES",
    "ExpectedViolation",
    "OrderConstraints",
    "edge_case_batches",
    "edge_case_orders",
    "invalid_orders",
    "order_batches",
    "order_updates",
    "orders",
]
