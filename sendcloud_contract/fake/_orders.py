"""The stored order: what is kept of a sent order and how GET returns it.

How a PATCH merges into it is :mod:`sendcloud_contract.patching`'s, shared with the validator.

Kept apart from the request handling so listing and paging can read orders
without knowing how they got there.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sendcloud_contract.ids import integration_id
from sendcloud_contract.timestamps import parse_date_time

__all__ = ["State", "StoredOrder", "integration_of", "stored"]


@dataclass
class StoredOrder:
    pk: int
    owner: str
    document: dict[str, Any]
    created_at: datetime
    modified_at: datetime
    unseen_reads: int = 0

    @property
    def order_id(self) -> str:
        return str(self.document["order_id"])

    @property
    def integration(self) -> int:
        return int(self.document["order_details"]["integration"]["id"])

    @property
    def key(self) -> tuple[str, int]:
        return (self.order_id, self.integration)

    def instant(self, name: str) -> int | None:
        """An ``order_details`` date-time as microseconds since 1970 UTC, or None.

        None when absent or not RFC 3339 (year 0000 included). Computed without
        converting to UTC, which fails for 9999-12-31T23:59:59-01:00 and
        0001-01-01T00:00:00+01:00: their UTC instant is outside Python's years.
        """
        text = self.document["order_details"].get(name)
        moment = parse_date_time(text) if isinstance(text, str) else None
        if moment is None:
            return None
        local = moment.replace(tzinfo=None) - _NAIVE_EPOCH
        return (local - (moment.utcoffset() or timedelta(0))) // timedelta(microseconds=1)

    def returned(self) -> dict[str, Any]:
        """The order as GET answers it: Sendcloud's id as a digit string, timestamps first."""
        head = {
            "id": str(self.pk),
            "order_id": self.document["order_id"],
            "order_number": self.document["order_number"],
            "created_at": _timestamp(self.created_at),
            "modified_at": _timestamp(self.modified_at),
        }
        rest = {k: copy.deepcopy(v) for k, v in self.document.items() if k not in head}
        return head | rest

    def summary(self) -> dict[str, Any]:
        """The order as 201 and PATCH answers name it: the id as an integer."""
        return {
            "id": self.pk,
            "order_id": self.document["order_id"],
            "order_number": self.document["order_number"],
        }


@dataclass
class State:
    """Everything a reset forgets: the orders by id, and the id of each (order_id, integration)."""

    orders: dict[int, StoredOrder] = field(default_factory=dict)
    by_key: dict[tuple[str, int], int] = field(default_factory=dict)


_NAIVE_EPOCH = datetime(1970, 1, 1)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def stored(order: Mapping[str, Any]) -> dict[str, Any]:
    """What is kept of a sent order: read-only fields are Sendcloud's to set.

    The integration id is kept as the integer it names (``2.0`` is stored as ``2``).
    """
    kept = {
        k: copy.deepcopy(v)
        for k, v in order.items()
        if k not in ("id", "created_at", "modified_at")
    }
    integration = integration_of(kept)
    if integration is not None:
        kept["order_details"]["integration"]["id"] = integration
    return kept


def integration_of(order: Any) -> int | None:
    """The integration an order (or a PATCH body) names, however its id is spelled."""
    if not isinstance(order, dict):
        return None
    details = order.get("order_details")
    integration = details.get("integration") if isinstance(details, dict) else None
    return integration_id(integration.get("id")) if isinstance(integration, dict) else None
