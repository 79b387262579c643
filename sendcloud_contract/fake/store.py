"""The order store: every account's orders and what POST, GET, PATCH and DELETE do to them.

No HTTP here: the operations take and return plain Python values and refuse
with a :class:`~sendcloud_contract.fake._errors.Refusal`, so a model of the
API can be held against the store directly. The request edge
(:class:`~sendcloud_contract.fake.core.FakeSendcloud`) decides who calls and
what they sent, then calls one of these.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sendcloud_contract import patching
from sendcloud_contract.fake._errors import (
    ITEM_NOT_FOUND,
    NOT_FOUND,
    STILL_PROCESSING,
    Refusal,
    SeedError,
    contract_errors,
    error,
    invalid,
    order_index,
    refuse,
    shifted,
    violation_errors,
)
from sendcloud_contract.fake._faults import Clock, system_clock
from sendcloud_contract.fake._index import OrderIndex
from sendcloud_contract.fake._orders import (
    State,
    StoredOrder,
    integration_of,
    stored,
)
from sendcloud_contract.fake._paging import Cursor, parse_query
from sendcloud_contract.fake.models import JSON, Account
from sendcloud_contract.ids import digit_id
from sendcloud_contract.report import Violation
from sendcloud_contract.rules import MAX_ORDERS_PER_BATCH
from sendcloud_contract.validation import validate

__all__ = ["MAX_ORDER_ID", "OrderStore", "order_pk"]

# The largest id the store hands out or looks up (Sendcloud's ids are 64-bit).
MAX_ORDER_ID = 2**63 - 1
# Sendcloud's answer to an ``id`` that is not a string, in a batch or a PATCH.
_NOT_A_STRING = "Input should be a valid string"
_PATCH_INTEGRATION = "/data/attributes/order_details/integration/id"


def order_pk(text: str) -> int | None:
    """The id an order could have for a digit string, or None when none can have it."""
    return digit_id(text, MAX_ORDER_ID)


class OrderStore:
    """The orders of every account, changed only under one lock.

    Parallel callers never lose an update or see a duplicate id. ``clock``
    stamps ``created_at``/``modified_at``; ``visibility_delay`` hides a new
    order from that many reads, as Sendcloud's eventual consistency does;
    ``declared`` maps each integration an account declared to that account's
    public key (see :meth:`Account.knows`).
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        ids: Iterable[int] | None = None,
        visibility_delay: int = 0,
        declared: Mapping[int, str] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self.declared: Mapping[int, str] = declared if declared is not None else {}
        self.clock: Clock = clock or system_clock
        self._ids: Iterator[int] = iter(ids) if ids is not None else itertools.count(1)
        self.visibility_delay = visibility_delay
        self._state = State()
        self._index = OrderIndex()
        self._processing: dict[str, int | None] = {}

    # ------------------------------------------------------------------ setup

    def reset(self) -> None:
        """Forget every order and pending "still processing" conflict."""
        with self._lock:
            self._state = State()
            self._index.clear()
            self._processing.clear()

    def still_processing(self, order_id: str, *, times: int | None = 1) -> None:
        """Refuse the next ``times`` batches holding ``order_id`` (None: until cleared)."""
        with self._lock:
            if times == 0:
                self._processing.pop(order_id, None)
            else:
                self._processing[order_id] = times

    def clear_processing(self) -> None:
        with self._lock:
            self._processing.clear()

    def orders(self, account: Account | None = None) -> list[dict[str, Any]]:
        """Every stored order as GET returns it (pending ones too), oldest id first."""
        with self._lock:
            return [
                order.returned()
                for pk, order in sorted(self._state.orders.items())
                if account is None or order.owner == account.public_key
            ]

    def integrations_used(self) -> set[int]:
        """The integration ids the stored orders name."""
        with self._lock:
            return {order.integration for order in self._state.orders.values()}

    def seed(self, orders: Sequence[Any], account: Account) -> list[int]:
        """Upsert any number of orders at once, all or none (:class:`SeedError`)."""
        if not isinstance(orders, Sequence) or isinstance(orders, (str, bytes)):
            raise SeedError([error(400, "non_field_errors", "expected a list of orders")])
        with self._lock:
            saved = copy.deepcopy(self._state)
            self._index.clear()  # built again, once, when next listed
            ids: list[int] = []
            try:
                for start in range(0, len(orders), MAX_ORDERS_PER_BATCH):
                    chunk = [copy.deepcopy(o) for o in orders[start : start + MAX_ORDERS_PER_BATCH]]
                    errors, cleaned = _checked(chunk)
                    try:
                        ids.extend(self._upsert(account, cleaned, errors, seeding=True))
                    except Refusal as refusal:
                        raise SeedError(shifted(refusal.errors, start)) from None
            except Exception:
                self._state = saved
                raise
        return ids

    # ------------------------------------------------------------------ the operations

    def create(self, account: Account, batch: JSON) -> list[dict[str, Any]]:
        """``POST /orders``: upsert a batch; the created or updated orders' summaries."""
        if not isinstance(batch, list):
            raise refuse(
                400,
                "non_field_errors",
                "Wrong request format, expected list of objects",
                title="Wrong format",
            )
        if len(batch) > MAX_ORDERS_PER_BATCH:
            raise refuse(
                400,
                "invalid",
                f"Orders list should have at most {MAX_ORDERS_PER_BATCH} items, not {len(batch)}",
                pointer="/data/attributes/",
            )
        errors, cleaned = _checked(batch)
        with self._lock:
            ids = self._upsert(account, cleaned, errors, seeding=False)
            return [self._state.orders[pk].summary() for pk in ids]

    def list_orders(
        self, account: Account, params: Mapping[str, str]
    ) -> tuple[list[dict[str, Any]], list[tuple[str, Cursor]]]:
        """``GET /orders``: one page of the account's orders and the cursors of its neighbours."""
        query = parse_query(params, lambda integration: account.knows(integration, self.declared))
        with self._lock:
            page, links = self._index.page(self._state.orders, account.public_key, query)
            return [order.returned() for order in page], links

    def retrieve(self, account: Account, pk: int) -> dict[str, Any]:
        """``GET /orders/{id}``: the order as Sendcloud returns it."""
        with self._lock:
            return self._find(account, pk, NOT_FOUND).returned()

    def delete(self, account: Account, pk: int) -> None:
        """``DELETE /orders/{id}``."""
        with self._lock:
            order = self._find(account, pk, NOT_FOUND)
            del self._state.orders[order.pk]
            self._state.by_key.pop(order.key, None)
            self._index.drop(order)

    def update(self, account: Account, pk: int, patch: JSON) -> dict[str, Any]:
        """``PATCH /orders/{id}``: merge ``patch`` in; the order's summary.

        The body is checked alone first, then against the stored order
        (:func:`~sendcloud_contract.patching.merge_violations`, the validator's own check
        given the order), then against the account (the integration it moves to).
        """
        with self._lock:
            order = self._find(account, pk, ITEM_NOT_FOUND)
            if not isinstance(patch, dict):
                raise refuse(
                    400,
                    "non_field_errors",
                    f"Invalid data. Expected a dictionary, but got {_json_type(patch)}.",
                    title="Invalid data",
                )
            errors = _patch_errors(patch)
            if errors:
                raise Refusal(400, errors)
            errors = violation_errors(
                patching.merge_violations(order.returned(), patch, _order_violations)
            )
            integration = integration_of(patch)
            if integration is not None and integration != order.integration:
                if not account.knows(integration, self.declared):
                    errors.append(_unknown_integration(integration, _PATCH_INTEGRATION))
                elif (order.order_id, integration) in self._state.by_key:
                    errors.append(_taken(order.order_id, integration, _PATCH_INTEGRATION))
            if errors:
                raise Refusal(400, errors)
            self._replace(order, stored(patching.merge(order.document, patch)), self._now())
            return order.summary()

    # ------------------------------------------------------------------ behaviour

    def _now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the fake's clock must return timezone-aware datetimes")
        return moment.astimezone(timezone.utc)

    def _next_id(self) -> int:
        for candidate in self._ids:
            if isinstance(candidate, bool) or not isinstance(candidate, int) or candidate < 1:
                raise ValueError(f"the id sequence gave {candidate!r}; ids are positive integers")
            if candidate not in self._state.orders:
                return candidate
        raise RuntimeError("the fake's id sequence is exhausted")

    def _find(self, account: Account, pk: int, detail: str) -> StoredOrder:
        """An order of this account that is visible yet; a pending one counts this read."""
        order = self._state.orders.get(pk)
        if order is None or order.owner != account.public_key:
            raise refuse(404, "not_found", detail, title="Not found")
        if order.unseen_reads > 0:
            order.unseen_reads -= 1
            raise refuse(404, "not_found", detail, title="Not found")
        return order

    def _upsert(
        self,
        account: Account,
        batch: list[Any],
        errors: list[dict[str, Any]],
        *,
        seeding: bool,
    ) -> list[int]:
        """Store a checked batch as one transaction; returns the ids in request order.

        Runs under the lock: Sendcloud's own checks read the store, and the
        store must not change between them and the writes.
        """
        planned, targets = self._plan(account, batch)
        errors = sorted([*errors, *planned], key=order_index)
        if errors:
            raise Refusal(400, errors)
        if not seeding:
            self._check_processing(batch)
        now = self._now()
        state = self._state
        ids = []
        for item, target in zip(batch, targets, strict=True):
            document = stored(item)
            key = (document["order_id"], integration_of(document) or 0)
            if target is None and key in state.by_key:
                target = state.orders[state.by_key[key]]
            if target is None:
                pk = self._next_id()
                pending = 0 if seeding else self.visibility_delay
                state.orders[pk] = StoredOrder(pk, account.public_key, document, now, now, pending)
                state.by_key[key] = pk
                self._index.put(state.orders[pk])
            else:
                self._replace(target, document, now)
                pk = target.pk
            ids.append(pk)
        return ids

    def _check_processing(self, batch: list[Any]) -> None:
        """The documented conflict while an order_id is "still being processed"."""
        busy = [o.get("order_id") for o in batch if o.get("order_id") in self._processing]
        if not busy:
            return
        for order_id in dict.fromkeys(busy):
            remaining = self._processing[order_id]
            if remaining is None:
                continue
            if remaining <= 1:
                del self._processing[order_id]
            else:
                self._processing[order_id] = remaining - 1
        raise refuse(400, "invalid", STILL_PROCESSING, pointer="/data")

    def _replace(self, order: StoredOrder, document: dict[str, Any], now: datetime) -> None:
        """Store a new version; ``modified_at`` moves forward only when something changed."""
        if document == order.document:
            return
        state = self._state
        state.by_key.pop(order.key, None)
        order.document = document
        state.by_key[order.key] = order.pk
        self._index.put(order)
        step = order.modified_at + timedelta(microseconds=1)
        order.modified_at = now if now >= step else step

    def _plan(
        self, account: Account, batch: list[Any]
    ) -> tuple[list[dict[str, Any]], list[StoredOrder | None]]:
        """Sendcloud's checks the schema cannot make, and the order each item updates."""
        errors: list[dict[str, Any]] = []
        targets: list[StoredOrder | None] = []
        claimed: set[int] = set()
        state = self._state
        for index, item in enumerate(batch):
            where = f"/data/attributes/[{index}]"
            target: StoredOrder | None = None
            if not isinstance(item, dict):
                targets.append(None)
                continue
            integration = integration_of(item)
            if integration is not None and not account.knows(integration, self.declared):
                errors.append(
                    _unknown_integration(integration, f"{where}/order_details/integration/id")
                )
                integration = None
            order_id = item.get("order_id")
            explicit = item.get("id")
            if isinstance(explicit, str) and explicit.isascii() and explicit.isdigit():
                pk = order_pk(explicit)
                found = state.orders.get(pk) if pk is not None else None
                if found is None or found.owner != account.public_key:
                    errors.append(
                        invalid(f"Order with id {explicit} does not exist", f"{where}/id")
                    )
                else:
                    target = found
                    if isinstance(order_id, str) and order_id != found.order_id:
                        errors.append(_order_id_fixed(found.order_id, f"{where}/order_id"))
                    elif integration is not None and integration != found.integration:
                        holder = state.by_key.get((found.order_id, integration))
                        if holder is not None and holder != found.pk:
                            errors.append(
                                _taken(
                                    found.order_id,
                                    integration,
                                    f"{where}/order_details/integration/id",
                                )
                            )
            elif isinstance(order_id, str) and integration is not None:
                pk = state.by_key.get((order_id, integration))
                target = state.orders[pk] if pk is not None else None
            if target is not None:
                if target.pk in claimed:
                    errors.append(
                        invalid(
                            f"Order with id {target.pk} is updated more than once in this batch",
                            where,
                        )
                    )
                claimed.add(target.pk)
            targets.append(target)
        return errors, targets


def _checked(batch: list[Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    """A batch's contract errors, and the batch as the upsert sees it.

    An integer ``id`` gets Sendcloud's own answer ("Input should be a valid
    string") and is left out of what the validator and the upsert see.
    """
    errors = []
    cleaned = []
    for index, item in enumerate(batch):
        if isinstance(item, dict) and "id" in item and not isinstance(item["id"], str):
            errors.append(invalid(_NOT_A_STRING, f"/data/attributes/[{index}]/id"))
            item = {k: v for k, v in item.items() if k != "id"}
        cleaned.append(item)
    errors.extend(contract_errors(cleaned, "order-batch"))
    return errors, cleaned


def _patch_errors(patch: dict[str, Any]) -> list[dict[str, Any]]:
    """A PATCH body's contract errors; an ``id`` that is no string gets Sendcloud's answer."""
    if "id" not in patch or isinstance(patch["id"], str):
        return contract_errors(patch, "order-update")
    rest = {k: v for k, v in patch.items() if k != "id"}
    return [
        invalid(_NOT_A_STRING, "/data/attributes/id"),
        *(contract_errors(rest, "order-update") if rest else []),
    ]


def _order_violations(order: Mapping[str, Any]) -> list[Violation]:
    return list(validate(order, "order").violations)


def _unknown_integration(integration: int, pointer: str) -> dict[str, Any]:
    return invalid(f"Integration with id {integration} does not exist", pointer)


def _order_id_fixed(order_id: str, pointer: str) -> dict[str, Any]:
    return invalid(f"Order id {order_id} cannot be changed", pointer)


def _taken(order_id: str, integration: int, pointer: str) -> dict[str, Any]:
    return invalid(
        f"Order with order_id {order_id} already exists in integration {integration}", pointer
    )


def _json_type(value: Any) -> str:
    return {dict: "dict", list: "list", str: "str", bool: "bool", int: "int", float: "float"}.get(
        type(value), "null"
    )
