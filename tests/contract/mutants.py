"""Deliberately broken variants of the fake, each one small change to the real one.

The contract suite is worth what it catches: each variant here breaks one of
Sendcloud's documented behaviours, and the tests hold that the suite notices,
naming the law. Each is an :class:`OrderStore` with one step overridden, put
in a real :class:`FakeSendcloud` by :func:`fake_with`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sendcloud_contract.fake import FakeSendcloud, OrderStore
from sendcloud_contract.fake._errors import order_index
from sendcloud_contract.fake._orders import State
from sendcloud_contract.rules import MAX_ORDERS_PER_BATCH

Page = tuple[list[dict[str, Any]], list[Any]]


def fake_with(store: type[OrderStore]) -> Callable[..., FakeSendcloud]:
    """A factory of real fakes whose orders live in ``store``."""

    def build(**options: Any) -> FakeSendcloud:
        fake = FakeSendcloud(**options)
        fake.store = store(
            clock=options.get("clock"), visibility_delay=options.get("visibility_delay", 0)
        )
        return fake

    build.__name__ = store.__name__
    return build


class _ByOrderIdOnly(dict[Any, int]):
    """An index of (order_id, integration) keys that forgets the integration."""

    def __getitem__(self, key: Any) -> int:
        return super().__getitem__(key[0])

    def __setitem__(self, key: Any, value: int) -> None:
        super().__setitem__(key[0], value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and super().__contains__(key[0])

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(key[0], default)

    def pop(self, key: Any, *default: Any) -> Any:
        return super().pop(key[0], *default)


class UpsertByOrderIdAlone(OrderStore):
    """Matches upserts on order_id alone, as if the integration did not count."""

    @property
    def _state(self) -> State:
        return self.__state

    @_state.setter
    def _state(self, state: State) -> None:
        state.by_key = _ByOrderIdOnly()
        self.__state = state


class PartialBatchCommit(OrderStore):
    """Stores the valid orders of a batch even when another one is refused."""

    def _upsert(self, account: Any, batch: list[Any], errors: list[Any], *, seeding: bool) -> Any:
        if errors and not seeding:
            bad = {order_index(error) for error in errors}
            good = [order for index, order in enumerate(batch) if index not in bad]
            if good:
                super()._upsert(account, good, [], seeding=seeding)
        return super()._upsert(account, batch, errors, seeding=seeding)


class PatchReplacesItems(OrderStore):
    """PATCH keeps only the items it names, dropping the others."""

    def update(self, account: Any, pk: int, patch: Any) -> dict[str, Any]:
        summary = super().update(account, pk, patch)
        details = patch.get("order_details") if isinstance(patch, dict) else None
        items = details.get("order_items") if isinstance(details, dict) else None
        if items:
            named = {item.get("name") for item in items}
            document = self._state.orders[pk].document["order_details"]
            document["order_items"] = [i for i in document["order_items"] if i["name"] in named]
        return summary


class ExplicitIdIgnored(OrderStore):
    """Upserts by (order_id, integration) even when the order names its id."""

    def _plan(self, account: Any, batch: list[Any]) -> Any:
        return super()._plan(account, [_without_id(order) for order in batch])


def _without_id(order: Any) -> Any:
    return {k: v for k, v in order.items() if k != "id"} if isinstance(order, dict) else order


class DeletedStillListed(OrderStore):
    """Deleted orders are gone for retrieve, PATCH and DELETE, but lists still show them."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.tombstones: set[int] = set()

    def delete(self, account: Any, pk: int) -> None:
        # Forget the order's key, as a delete does, but keep it stored (and so listed).
        order = self._find(account, pk, "not found")
        self._state.by_key.pop(order.key, None)
        self.tombstones.add(pk)

    def _find(self, account: Any, pk: int, detail: str) -> Any:
        if pk in self.tombstones:
            return super()._find(account, -1, detail)
        return super()._find(account, pk, detail)


class PageBoundaryOffByOne(OrderStore):
    """Every page after the first starts one order too late."""

    def list_orders(self, account: Any, params: Mapping[str, str]) -> Page:
        data, links = super().list_orders(account, params)
        return (data[1:], links) if params.get("cursor") else (data, links)


class CaseSensitiveFilters(OrderStore):
    """order_id, order_number and status filters match only the exact spelling."""

    def list_orders(self, account: Any, params: Mapping[str, str]) -> Page:
        data, links = super().list_orders(account, params)
        wanted = {k: v for k, v in params.items() if k in ("order_id", "order_number", "status")}
        exact = [o for o in data if all(_text(o, k) == v for k, v in wanted.items())]
        return exact, links


def _text(order: dict[str, Any], name: str) -> Any:
    if name == "status":
        return order["order_details"]["status"]["code"]
    return order.get(name)


class BatchLimitOffByOne(OrderStore):
    """Accepts 101 orders in one batch."""

    def create(self, account: Any, batch: Any) -> list[dict[str, Any]]:
        if isinstance(batch, list) and len(batch) == MAX_ORDERS_PER_BATCH + 1:
            head = super().create(account, batch[:MAX_ORDERS_PER_BATCH])
            return head + super().create(account, batch[MAX_ORDERS_PER_BATCH:])
        return super().create(account, batch)


class ModifiedAtNeverMoves(OrderStore):
    """Stores every change but leaves modified_at at the time of creation."""

    def _replace(self, order: Any, document: dict[str, Any], now: Any) -> None:
        kept = order.modified_at
        super()._replace(order, document, now)
        order.modified_at = kept


class OrderIdChangeableThroughId(OrderStore):
    """Lets an order sent with its id take a new order_id."""

    def _plan(self, account: Any, batch: list[Any]) -> Any:
        errors, targets = super()._plan(account, batch)
        return [e for e in errors if "cannot be changed" not in e.get("detail", "")], targets


MUTANTS: dict[type[OrderStore], str] = {
    UpsertByOrderIdAlone: "identity",
    PartialBatchCommit: "atomicity",
    PatchReplacesItems: "patch",
    ExplicitIdIgnored: "identity",
    DeletedStillListed: "deletion",
    PageBoundaryOffByOne: "listing",
    CaseSensitiveFilters: "listing",
    BatchLimitOffByOne: "atomicity",
    ModifiedAtNeverMoves: "timestamps",
    OrderIdChangeableThroughId: "identity",
}
