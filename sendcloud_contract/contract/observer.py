"""The machine's eyes: requests on the target, each answer held to the model under a law.

:class:`Observer` is the half of the state machine that talks to the target:
it sends a batch or a request on one order, reads an order back, walks the
pages of a list, and checks what it sees against the :class:`Model`, each
check naming the law it holds the target to. The steps that decide what to
send are the machine's (:mod:`sendcloud_contract.contract.machine`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from sendcloud_contract.contract.client import Answer, ContractClient
from sendcloud_contract.contract.context import RunContext
from sendcloud_contract.contract.documents import differences, merged_in, without_server_fields
from sendcloud_contract.contract.laws import require
from sendcloud_contract.contract.model import Key, Model, ModelOrder
from sendcloud_contract.timestamps import parse_date_time

__all__ = ["Observer", "first_error", "instant"]


class Observer:
    """Requests on the target and the checks of their answers; the machine's base class.

    The machine sets :attr:`context` (one run's) and :attr:`model` (one example's).
    """

    context: ClassVar[RunContext]
    model: Model

    @property
    def client(self) -> ContractClient:
        return self.context.client

    @property
    def integrations(self) -> tuple[int, int]:
        return self.context.target.integrations

    def post(self, batch: list[dict[str, Any]]) -> Answer:
        return self.client.call("POST", "/orders", body=batch)

    def item(self, method: str, order: ModelOrder, body: Any = None) -> Answer:
        """A request on one order; a new one may be missing a while (asynchronous saving)."""
        target = self.context.target
        attempts = 1 if order.confirmed else target.read_retries + 1
        for attempt in range(attempts):
            answer = self.client.call(method, "/orders/{id}", pk=order.pk, body=body)
            if answer.status != 404:
                order.confirmed = True
                return answer
            if attempt + 1 < attempts:
                target.sleep(target.retry_delay)
        return answer

    def accepted(self, batch: list[dict[str, Any]], answer: Answer, law: str) -> list[ModelOrder]:
        """A batch the target had to accept: the 201 body, then the model follows it."""
        require(
            law,
            answer.status == 201,
            f"a valid batch of {len(batch)} order(s) was refused with {answer.status}: "
            f"{first_error(answer)}",
        )
        data = answer.body["data"]
        require(
            "identity",
            [o.get("order_id") for o in data] == [o["order_id"] for o in batch],
            "the 201 body does not list the orders in request order: "
            f"{[o.get('order_id') for o in data]} for {[o['order_id'] for o in batch]}",
        )
        written = []
        for sent, summary in zip(batch, data, strict=True):
            pk = summary["id"]
            key: Key = (sent["order_id"], sent["order_details"]["integration"]["id"])
            known = self.model.orders.get(key)
            if known is not None:
                require(
                    "identity",
                    pk == known.pk,
                    f"the upsert of {key} answered id {pk}; the key had id {known.pk}",
                )
                known.write(without_server_fields(sent))
                written.append(known)
            else:
                taken = {o.pk: k for k, o in self.model.orders.items()}
                require(
                    "identity",
                    pk not in taken,
                    f"the new key {key} got id {pk}, the id of {taken.get(pk)}",
                )
                written.append(self.model.add(key, pk, without_server_fields(sent)))
        return written

    def refused(self, answer: Answer, law: str, what: str) -> None:
        require(
            law,
            400 <= answer.status < 500,
            f"{what} was accepted with {answer.status} instead of being refused",
        )

    def observe(self, order: ModelOrder, law: str, *, unchanged: bool = False) -> None:
        """GET an order and hold it to the model: content under ``law``, ids, timestamps."""
        answer = self.item("GET", order)
        require(
            law,
            answer.status == 200,
            f"order {order.pk} {order.key} answers {answer.status} to GET: {first_error(answer)}",
        )
        got = answer.body["data"]
        self.identified(order, got)
        first = next(differences(order.document, got), None)
        require(
            law,
            first is None,
            f"GET order {order.pk} differs from what was {'kept' if unchanged else 'written'} "
            f"at {first}",
        )
        if order.previous is not None:
            kept = next(merged_in(order.previous, order.document, got), None)
            require(
                law,
                kept is None,
                f"GET order {order.pk} still holds {kept} of the version before the last write",
            )
        self.timed(order, got, unchanged=unchanged)

    def identified(self, order: ModelOrder, got: dict[str, Any]) -> None:
        require(
            "identity",
            got.get("id") == str(order.pk),
            f"GET order {order.pk} answers id {got.get('id')!r}, not the digit string '{order.pk}'",
        )
        integration = got.get("order_details", {}).get("integration", {}).get("id")
        require(
            "identity",
            (got.get("order_id"), integration) == order.key,
            f"order {order.pk} is ({got.get('order_id')!r}, {integration}) now, not {order.key}",
        )

    def timed(self, order: ModelOrder, got: dict[str, Any], *, unchanged: bool = False) -> None:
        created, modified = instant(got.get("created_at")), instant(got.get("modified_at"))
        if created is None or modified is None:
            return
        if order.created_at is not None:
            require(
                "timestamps",
                created == order.created_at,
                f"created_at of order {order.pk} changed from {order.created_at.isoformat()} "
                f"to {created.isoformat()}",
            )
        require(
            "timestamps",
            modified >= created,
            f"modified_at of order {order.pk} is before its created_at",
        )
        if order.modified_at is not None:
            if order.written_since_seen:
                require(
                    "timestamps",
                    modified > order.modified_at,
                    f"modified_at of order {order.pk} stayed {modified.isoformat()} "
                    "through a write that changed it",
                )
            elif unchanged:
                require(
                    "atomicity",
                    modified == order.modified_at,
                    f"modified_at of order {order.pk} moved through a refused request",
                )
            else:
                require(
                    "timestamps",
                    modified >= order.modified_at,
                    f"modified_at of order {order.pk} went back",
                )
        order.created_at, order.modified_at = created, modified
        order.written_since_seen = False

    def absent(self, keys: Sequence[Key], law: str, why: str) -> None:
        """No order of ours holds these keys: listed by order_id, exactly as the filter is."""
        for key in keys:
            found, _ = self.walk([("order_id", key[0]), ("page_size", "200")], 200)
            held = [o["id"] for o in found if _key_of(o) == key]
            # Orders a target stored without saying so are the suite's too: clean them up.
            self.context.created.update(int(pk) for pk in held)
            require(law, not held, f"{why}, yet {key} exists as order {held[0] if held else ''}")

    def unchanged(self, existing: Sequence[ModelOrder], new: Sequence[Key], why: str) -> None:
        for order in existing[:2]:
            self.observe(order, "atomicity", unchanged=True)
        self.absent(new[:3], "atomicity", why)

    def walk(
        self, params: Sequence[tuple[str, str]], page_size: int
    ) -> tuple[list[dict[str, Any]], bool]:
        """Every order the pages of a list query show, following ``Link: rel="next"``."""
        seen: list[dict[str, Any]] = []
        answer = self.client.call("GET", "/orders", params=params)
        for page in range(self.context.max_list_pages):
            require(
                "listing",
                answer.status == 200,
                f"GET /orders?{_query(params)} answered {answer.status}: {first_error(answer)}",
            )
            data = answer.body["data"]
            require(
                "listing",
                len(data) <= min(page_size, 200),
                f"page {page + 1} of GET /orders?{_query(params)} holds {len(data)} orders, "
                f"more than page_size {page_size}",
            )
            seen.extend(data)
            following = answer.links().get("next")
            if following is None:
                return seen, False
            answer = self.client.call("GET", "/orders", url=following)
        return seen, True

    def confirm(self, orders: Sequence[ModelOrder]) -> bool:
        """Read a few orders not seen yet; True when one exists (a list should show it)."""
        fresh = [o for o in orders if not o.confirmed][:3]
        return any(self.item("GET", o).status == 200 for o in fresh)


def instant(text: Any) -> datetime | None:
    """A date-time with its zone, or None: an instant without one cannot be compared."""
    moment = parse_date_time(text) if isinstance(text, str) else None
    return moment if moment is not None and moment.tzinfo is not None else None


def _key_of(order: dict[str, Any]) -> Key | None:
    integration = order.get("order_details", {}).get("integration", {}).get("id")
    order_id = order.get("order_id")
    if isinstance(order_id, str) and isinstance(integration, int):
        return (order_id, integration)
    return None


def first_error(answer: Answer) -> str:
    """The first error of a refusal, as a failure message quotes it."""
    errors = answer.body.get("errors") if isinstance(answer.body, dict) else None
    if not errors:
        return "no error body"
    first = errors[0]
    pointer = first.get("source", {}).get("pointer") if isinstance(first, dict) else None
    detail = first.get("detail") if isinstance(first, dict) else first
    return f"{detail}" + (f" at {pointer}" if pointer else "")


def _query(params: Sequence[tuple[str, str]]) -> str:
    return "&".join(f"{k}={v}" for k, v in params)
