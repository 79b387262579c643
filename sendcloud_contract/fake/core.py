"""The fake's state machine: accounts, the order store, and the answer to each request.

Nothing here touches a socket or an HTTP library. :meth:`FakeSendcloud.handle`
takes a method, a URL, headers and body bytes and returns a :class:`Reply`; the
respx and ASGI adapters only translate to and from it, so both behave alike by
construction. Errors, paging, faults and authentication live in the private
modules next to this one.
"""

from __future__ import annotations

import copy
import functools
import itertools
import logging
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import orjson

from sendcloud_contract.fake._auth import authenticate, check_partner
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
    server_error,
    shifted,
)
from sendcloud_contract.fake._faults import (
    Clock,
    Fault,
    ManualClock,
    RateLimit,
    system_clock,
    take_fault,
    throttle,
)
from sendcloud_contract.fake._orders import (
    State,
    StoredOrder,
    integration_of,
    merge_order,
    stored,
)
from sendcloud_contract.fake._paging import (
    Cursor,
    filters,
    link_header,
    page_size,
    paginate,
    parse_sort,
)
from sendcloud_contract.loading import load_bytes
from sendcloud_contract.rules import MAX_ORDERS_PER_BATCH

__all__ = [
    "BASE_URL",
    "Account",
    "FakeSendcloud",
    "ManualClock",
    "RateLimit",
    "Reply",
    "SeedError",
]

BASE_URL = "https://panel.sendcloud.sc/api/v3"
ROOT = "/api/v3"
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
PUBLIC_KEY = "fake-public-key"
SECRET_KEY = "fake-secret-key"

_log = logging.getLogger(__name__)

JSON = Any

# Which methods each route answers; faults are named after these ("PATCH /orders/{id}").
_ROUTES: dict[str, tuple[str, ...]] = {
    "/orders": ("GET", "POST"),
    "/orders/{id}": ("GET", "PATCH", "DELETE"),
}
_ITEM_PATH = re.compile(r"/orders/([0-9]+)/?")
_PK_MAX = 2**63 - 1
# Sendcloud's answer to an ``id`` that is not a string, in a batch or a PATCH.
_NOT_A_STRING = "Input should be a valid string"
_PATCH_INTEGRATION = "/data/attributes/order_details/integration/id"


@dataclass(frozen=True)
class Account:
    """A Sendcloud account: Basic credentials, the integrations it owns, an optional token."""

    public_key: str
    secret_key: str
    integrations: tuple[int, ...] = (1,)
    bearer_token: str | None = None

    def __post_init__(self) -> None:
        if not self.public_key or not self.secret_key:
            raise ValueError("an account needs a public key and a secret key")
        if ":" in self.public_key:
            raise ValueError("a public key cannot contain ':' (Basic auth splits on it)")
        integrations = tuple(self.integrations)
        if any(isinstance(i, bool) or not isinstance(i, int) or i < 1 for i in integrations):
            raise ValueError(f"integration ids must be positive integers, not {integrations!r}")
        object.__setattr__(self, "integrations", integrations)


@dataclass(frozen=True)
class Reply:
    """What the fake answers; ``stall`` asks the adapter to behave like a hung server."""

    status: int
    body: JSON = None
    headers: tuple[tuple[str, str], ...] = ()
    stall: float | None = None

    @functools.cached_property
    def content(self) -> bytes:
        return b"" if self.body is None else orjson.dumps(self.body)

    def header_items(self) -> list[tuple[str, str]]:
        """The headers to send, with the content type and length of the body."""
        items = list(self.headers)
        if self.body is not None:
            items.append(("content-type", "application/json"))
            items.append(("content-length", str(len(self.content))))
        return items


class FakeSendcloud:
    """A stateful, in-memory Orders API v3 that behaves as Sendcloud documents it.

    One instance is one Sendcloud: accounts, their orders, and the realism
    knobs (rate limits, eventual visibility, "still processing" conflicts,
    injected faults). It is safe to share between threads; every state change
    happens under one lock, so parallel clients never lose an update or see a
    duplicate id.
    """

    def __init__(
        self,
        accounts: Iterable[Account] | None = None,
        *,
        clock: Clock | None = None,
        ids: Iterable[int] | None = None,
        rate_limit: bool | RateLimit = False,
        visibility_delay: int = 0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self._lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._owner_of: dict[int, str] = {}
        for account in accounts if accounts is not None else [Account(PUBLIC_KEY, SECRET_KEY)]:
            self.add_account(account)
        if not self._accounts:
            raise ValueError("a fake Sendcloud needs at least one account")
        self.clock: Clock = clock or system_clock
        self._ids: Iterator[int] = iter(ids) if ids is not None else itertools.count(1)
        self.rate_limit: RateLimit | None = (
            RateLimit() if rate_limit is True else (rate_limit or None)
        )
        self.visibility_delay = visibility_delay
        self.max_body_bytes = max_body_bytes
        self._state = State()
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._processing: dict[str, int | None] = {}
        self._faults: list[Fault] = []

    # ------------------------------------------------------------------ setup and knobs

    @property
    def accounts(self) -> tuple[Account, ...]:
        return tuple(self._accounts.values())

    @property
    def account(self) -> Account:
        """The first account: the one a single-account test talks as."""
        return next(iter(self._accounts.values()))

    def add_account(self, account: Account) -> Account:
        """Add an account; an integration belongs to one account only."""
        with self._lock:
            if account.public_key in self._accounts:
                raise ValueError(f"an account with public key {account.public_key!r} exists")
            taken = [i for i in account.integrations if i in self._owner_of]
            if taken:
                raise ValueError(f"integration(s) {taken} already belong to another account")
            self._accounts[account.public_key] = account
            for integration in account.integrations:
                self._owner_of[integration] = account.public_key
        return account

    def still_processing(self, order_id: str, *, times: int | None = 1) -> None:
        """Refuse the next ``times`` batches holding ``order_id`` (None: until cleared)."""
        with self._lock:
            if times == 0:
                self._processing.pop(order_id, None)
            else:
                self._processing[order_id] = times

    def inject_fault(
        self,
        route: str,
        *,
        status: int = 503,
        timeout: bool = False,
        times: int | None = 1,
        stall_seconds: float = 30.0,
    ) -> None:
        """Fail the next ``times`` requests to ``route`` (e.g. ``"POST /orders"``, ``"* /orders"``).

        ``status`` is the 5xx to answer; ``timeout`` makes the request hang
        instead: the respx adapter raises ``httpx.ReadTimeout`` at once, the
        ASGI app answers nothing for ``stall_seconds`` (then a 504).
        """
        method, path = _parse_route(route)
        if not 500 <= status <= 599:
            raise ValueError(f"an injected fault is a 5xx status, not {status}")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for every request")
        fault = Fault(method, path, 504 if timeout else status, timeout, times, stall_seconds)
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        """Forget injected faults and pending "still processing" conflicts."""
        with self._lock:
            self._faults.clear()
            self._processing.clear()

    def reset(self) -> None:
        """Forget every order, fault and rate-limit count; accounts and knobs stay."""
        with self._lock:
            self._state = State()
            self._hits.clear()
            self.clear_faults()

    def orders(self, account: Account | None = None) -> list[dict[str, Any]]:
        """Every stored order as GET returns it (pending ones too), oldest id first."""
        with self._lock:
            return [
                order.returned()
                for pk, order in sorted(self._state.orders.items())
                if account is None or order.owner == account.public_key
            ]

    def seed(self, orders: Sequence[Any], *, account: Account | None = None) -> list[int]:
        """Upsert orders directly, as the first account unless told otherwise.

        Any number of orders; all are checked like a POST batch and either
        all are stored or none (:class:`SeedError`). Seeded orders are visible
        at once and bypass faults and rate limits.
        """
        owner = account or self.account
        if not isinstance(orders, Sequence) or isinstance(orders, (str, bytes)):
            raise SeedError([error(400, "non_field_errors", "expected a list of orders")])
        with self._lock:
            saved = copy.deepcopy(self._state)
            ids: list[int] = []
            try:
                for start in range(0, len(orders), MAX_ORDERS_PER_BATCH):
                    chunk = [copy.deepcopy(o) for o in orders[start : start + MAX_ORDERS_PER_BATCH]]
                    errors, cleaned = _checked(chunk)
                    try:
                        ids.extend(self._upsert(owner, cleaned, errors, seeding=True))
                    except Refusal as refusal:
                        raise SeedError(shifted(refusal.errors, start)) from None
            except Exception:
                self._state = saved
                raise
        return ids

    # ------------------------------------------------------------------ the request edge

    def handle(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
        *,
        root: str = ROOT,
        body_truncated: bool = False,
    ) -> Reply:
        """Answer one request. ``url`` is absolute; ``root`` is the path the API lives under.

        ``body_truncated`` says the adapter stopped reading a body larger than
        :attr:`max_body_bytes`. Never raises: a bug answers a JSON:API 500.
        """
        try:
            return self._handle(method.upper(), url, headers, body, root, body_truncated)
        except Refusal as refusal:
            return Reply(refusal.status, {"errors": refusal.errors}, refusal.headers)
        except Exception:
            _log.exception("the Sendcloud fake failed on %s %s", method, url)
            return Reply(500, {"errors": [server_error(500)]})

    def _handle(
        self,
        method: str,
        url: str,
        raw_headers: Mapping[str, str] | Iterable[tuple[str, str]],
        body: bytes,
        root: str,
        truncated: bool,
    ) -> Reply:
        parts = urlsplit(url)
        route, pk = _route(parts.path, root)
        headers = _lowered(raw_headers)
        account = authenticate(self._accounts, headers)
        check_partner(headers)
        if method not in _ROUTES[route]:
            raise refuse(
                405,
                "method_not_allowed",
                f'Method "{method}" not allowed.',
                headers=(("allow", ", ".join(_ROUTES[route])),),
            )
        with self._lock:
            fault = take_fault(self._faults, method, route)
            if fault is None and self.rate_limit is not None:
                now = self.clock().timestamp()
                throttle(self._hits, self.rate_limit, account.public_key, method, now)
        if fault is not None:
            stall = fault.stall if fault.timeout else None
            return Reply(fault.status, {"errors": [server_error(fault.status)]}, stall=stall)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if route == "/orders":
            if method == "GET":
                page_url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
                return self._list(account, query, page_url)
            return self._create(account, self._json_body(headers, body, truncated))
        assert pk is not None
        if method == "GET":
            with self._lock:
                return Reply(200, {"data": self._find(account, pk, NOT_FOUND).returned()})
        if method == "DELETE":
            with self._lock:
                order = self._find(account, pk, NOT_FOUND)
                del self._state.orders[order.pk]
                self._state.by_key.pop(order.key, None)
            return Reply(204)
        return self._update(account, pk, self._json_body(headers, body, truncated))

    def _json_body(self, headers: Mapping[str, str], body: bytes, truncated: bool) -> JSON:
        if truncated or len(body) > self.max_body_bytes:
            raise refuse(
                413,
                "payload_too_large",
                f"The request body is larger than {self.max_body_bytes} bytes.",
                title="Request entity too large",
            )
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json" and not (
            media_type.startswith("application/") and media_type.endswith("+json")
        ):
            raise refuse(
                415,
                "unsupported_media_type",
                f'Unsupported media type "{media_type}" in request.',
                title="Unsupported media type",
            )
        document = load_bytes(body, fmt="json", max_bytes=self.max_body_bytes)[0]
        if document.fatal:
            problem = document.problems[0]
            where = f" (line {problem.line}, column {problem.column})" if problem.line else ""
            raise refuse(
                400,
                "parse_error",
                f"JSON parse error - {problem.message}{where}",
                title="Malformed request",
            )
        return document.value

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

    def _create(self, account: Account, batch: JSON) -> Reply:
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
            orders = self._state.orders
            return Reply(201, {"data": [orders[pk].summary() for pk in ids]})

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
            if integration is not None and integration not in account.integrations:
                errors.append(
                    _unknown_integration(integration, f"{where}/order_details/integration/id")
                )
                integration = None
            order_id = item.get("order_id")
            explicit = item.get("id")
            if isinstance(explicit, str) and explicit.isascii() and explicit.isdigit():
                found = state.orders.get(int(explicit)) if int(explicit) <= _PK_MAX else None
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

    def _update(self, account: Account, pk: int, patch: JSON) -> Reply:
        with self._lock:
            order = self._find(account, pk, ITEM_NOT_FOUND)
            if not isinstance(patch, dict):
                raise refuse(
                    400,
                    "non_field_errors",
                    f"Invalid data. Expected a dictionary, but got {_json_type(patch)}.",
                    title="Invalid data",
                )
            errors = []
            if "id" in patch and not isinstance(patch["id"], str):
                errors.append(invalid(_NOT_A_STRING, "/data/attributes/id"))
            changes = {k: v for k, v in patch.items() if k != "id"}
            errors.extend(contract_errors(changes, "order-update"))
            if errors:
                raise Refusal(400, errors)
            explicit = patch.get("id")
            if isinstance(explicit, str) and explicit != str(pk):
                errors.append(
                    invalid(
                        f"Order id {explicit} does not match the order {pk} in the URL",
                        "/data/attributes/id",
                    )
                )
            order_id = changes.get("order_id")
            if order_id is not None and order_id != order.order_id:
                errors.append(_order_id_fixed(order.order_id, "/data/attributes/order_id"))
            integration = integration_of(changes)
            if integration is not None and integration != order.integration:
                if integration not in account.integrations:
                    errors.append(_unknown_integration(integration, _PATCH_INTEGRATION))
                elif (order.order_id, integration) in self._state.by_key:
                    errors.append(_taken(order.order_id, integration, _PATCH_INTEGRATION))
            if errors:
                raise Refusal(400, errors)
            merged = merge_order(order.document, changes)
            errors = contract_errors(
                merged, "order", lambda pointer, _: "/data/attributes" + pointer
            )
            if errors:
                raise Refusal(400, errors)
            self._replace(order, merged, self._now())
            return Reply(200, {"data": order.summary()})

    def _list(self, account: Account, query: list[tuple[str, str]], page_url: str) -> Reply:
        params = dict(query)
        checks = filters(params, account.integrations)
        spec = parse_sort(params.get("sort"))
        size = page_size(params.get("page_size"))
        cursor = Cursor.decode(params["cursor"], spec) if params.get("cursor") else None
        with self._lock:
            found: list[StoredOrder] = []
            for order in self._state.orders.values():
                if order.owner != account.public_key or not all(c(order) for c in checks):
                    continue
                if order.unseen_reads > 0:
                    order.unseen_reads -= 1
                    continue
                found.append(order)
            page, links = paginate(found, spec, cursor, size)
            data = [order.returned() for order in page]
        headers = (("link", link_header(page_url, query, links)),) if links else ()
        return Reply(200, {"data": data}, headers)


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


def _parse_route(spec: str) -> tuple[str, str]:
    """``"PATCH /orders/{id}"`` -> ``("PATCH", "/orders/{id}")``, checked against the routes."""
    method, _, route = spec.strip().partition(" ")
    method = method.upper()
    route = route.strip()
    if route not in _ROUTES:
        raise ValueError(f"unknown route {route!r}; expected one of {', '.join(_ROUTES)}")
    if method != "*" and method not in _ROUTES[route]:
        allowed = ", ".join(_ROUTES[route])
        raise ValueError(f"{route} answers {allowed}, not {method}")
    return method, route


def _route(path: str, root: str) -> tuple[str, int | None]:
    root = root.rstrip("/")
    not_found = refuse(404, "not_found", "Not found.", title="Not found")
    if not path.startswith(root + "/"):
        raise not_found
    rest = path[len(root) :]
    if rest in ("/orders", "/orders/"):
        return "/orders", None
    match = _ITEM_PATH.fullmatch(rest)
    if match is None or int(match.group(1)) > _PK_MAX:
        raise not_found
    return "/orders/{id}", int(match.group(1))


def _lowered(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    lowered: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        lowered[key] = f"{lowered[key]}, {value}" if key in lowered else value
    return lowered
