"""What a target must hold, as far as the suite's own requests tell.

Orders are known by their key, (order_id, integration id): the id Sendcloud
gave the key, the document last written, the one before it (to see a merge
where a replacement was due), and what was observed of ``created_at`` and
``modified_at``. Deleted keys remember the id they had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Key", "Model", "ModelOrder"]

Key = tuple[str, int]


@dataclass
class ModelOrder:
    """One order the suite created, as the target must hold it."""

    key: Key
    pk: int
    document: dict[str, Any]
    previous: dict[str, Any] | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None
    written_since_seen: bool = False
    confirmed: bool = False
    """Seen by a read at least once: Sendcloud saves asynchronously, so a new order may be
    missing for a moment; a confirmed one may not."""

    def write(self, document: dict[str, Any]) -> None:
        """Record a successful write; only a change of content must move ``modified_at``."""
        if document != self.document:
            self.written_since_seen = True
        self.previous, self.document = self.document, document


@dataclass
class Model:
    """Every order the suite created and still expects, and every key it deleted."""

    orders: dict[Key, ModelOrder] = field(default_factory=dict)
    deleted: dict[Key, int] = field(default_factory=dict)

    def by_pk(self) -> dict[int, ModelOrder]:
        return {order.pk: order for order in self.orders.values()}

    def add(self, key: Key, pk: int, document: dict[str, Any]) -> ModelOrder:
        self.deleted.pop(key, None)
        order = ModelOrder(key, pk, document)
        self.orders[key] = order
        return order

    def delete(self, key: Key) -> None:
        self.deleted[key] = self.orders.pop(key).pk
