"""The fake's request edge: who calls, which operation, what they sent, and the reply.

Nothing here touches a socket or an HTTP library. :meth:`FakeSendcloud.handle`
takes a method, a URL, headers and body bytes and returns a :class:`Reply`; the
respx and ASGI adapters only translate to and from it, so both behave alike by
construction. What happens to the orders is the :class:`OrderStore`'s business;
errors, paging, faults and authentication live in the private modules next to
this one.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from sendcloud_contract.fake._auth import authenticate, check_partner
from sendcloud_contract.fake._errors import Refusal, SeedError, refuse, server_error
from sendcloud_contract.fake._faults import (
    Clock,
    Fault,
    ManualClock,
    RateLimit,
    take_fault,
    throttle,
)
from sendcloud_contract.fake._listeners import Listener, ListenerError, Listeners
from sendcloud_contract.fake._paging import link_header
from sendcloud_contract.fake.models import JSON, Account, Exchange, Reply
from sendcloud_contract.fake.store import OrderStore, order_pk
from sendcloud_contract.loading import load_bytes
from sendcloud_contract.operations import API_ROOT, ROUTES, Operation, Route, match

__all__ = [
    "BASE_URL",
    "Account",
    "Exchange",
    "FakeSendcloud",
    "ListenerError",
    "ManualClock",
    "RateLimit",
    "Reply",
    "SeedError",
]

ROOT = API_ROOT
BASE_URL = "https://panel.sendcloud.sc" + ROOT
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
PUBLIC_KEY = "fake-public-key"
SECRET_KEY = "fake-secret-key"

_log = logging.getLogger(__name__)

# The order the ``allow`` header and error messages list a route's methods in.
_METHOD_ORDER = ("GET", "POST", "PATCH", "DELETE")


class FakeSendcloud:
    """A stateful, in-memory Orders API v3 that behaves as Sendcloud documents it.

    One instance is one Sendcloud: accounts, their orders (an
    :class:`OrderStore`, at :attr:`store`), and the realism knobs (rate
    limits, eventual visibility, "still processing" conflicts, injected
    faults). It is safe to share between threads.
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
        self.store = OrderStore(
            clock=clock, ids=ids, visibility_delay=visibility_delay, declared=self._owner_of
        )
        for account in accounts if accounts is not None else [Account(PUBLIC_KEY, SECRET_KEY)]:
            self.add_account(account)
        if not self._accounts:
            raise ValueError("a fake Sendcloud needs at least one account")
        self.rate_limit: RateLimit | None = (
            RateLimit() if rate_limit is True else (rate_limit or None)
        )
        self.max_body_bytes = max_body_bytes
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._faults: list[Fault] = []
        self._listeners = Listeners()

    # ------------------------------------------------------------------ setup and knobs

    @property
    def clock(self) -> Clock:
        return self.store.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.store.clock = clock

    @property
    def visibility_delay(self) -> int:
        """How many reads a new order stays invisible to (Sendcloud is eventually consistent)."""
        return self.store.visibility_delay

    @visibility_delay.setter
    def visibility_delay(self, reads: int) -> None:
        self.store.visibility_delay = reads

    @property
    def accounts(self) -> tuple[Account, ...]:
        return tuple(self._accounts.values())

    @property
    def account(self) -> Account:
        """The first account: the one a single-account test talks as."""
        return next(iter(self._accounts.values()))

    def add_account(self, account: Account) -> Account:
        """Add an account; an integration belongs to one account only.

        One account may leave its integrations undeclared: it knows every id that
        no other account declares, and an id its orders use can no longer be declared.
        """
        with self._lock:
            if account.public_key in self._accounts:
                raise ValueError(f"an account with public key {account.public_key!r} exists")
            if account.integrations is None:
                if any(a.integrations is None for a in self._accounts.values()):
                    raise ValueError(
                        "only one account can leave its integrations undeclared (it knows "
                        "every integration id); give this one its ids: "
                        "Account(public_key, secret_key, integrations=(7,))"
                    )
            else:
                used = self.store.integrations_used()
                taken = [i for i in account.integrations if i in self._owner_of or i in used]
                if taken:
                    raise ValueError(f"integration(s) {taken} already belong to another account")
                for integration in account.integrations:
                    self._owner_of[integration] = account.public_key
            self._accounts[account.public_key] = account
        return account

    def still_processing(self, order_id: str, *, times: int | None = 1) -> None:
        """Refuse the next ``times`` batches holding ``order_id`` (None: until cleared)."""
        self.store.still_processing(order_id, times=times)

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
        self.store.clear_processing()

    def reset(self) -> None:
        """Forget every order, fault, rate-limit count and listener error.

        Accounts, knobs and listeners stay.
        """
        with self._lock:
            self._hits.clear()
            self.clear_faults()
            self.store.reset()
        self._listeners.clear_errors()

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(exchange)`` after every handled request, with an :class:`Exchange`.

        Listeners run in the order added, after the reply is decided and
        outside the fake's locks, on the thread that handled the request. What
        a listener raises never changes the reply: it is logged and recorded
        in :attr:`listener_errors`.
        """
        self._listeners.add(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling ``listener``; ``ValueError`` when it was never added."""
        self._listeners.remove(listener)

    @contextmanager
    def listening(self, listener: Listener) -> Iterator[Listener]:
        """``listener`` is called for every request handled inside the block."""
        self.add_listener(listener)
        try:
            yield listener
        finally:
            self.remove_listener(listener)

    @property
    def listener_errors(self) -> tuple[ListenerError, ...]:
        """What listeners raised, oldest first, since the fake was made or last reset."""
        return self._listeners.errors

    def orders(self, account: Account | None = None) -> list[dict[str, Any]]:
        """Every stored order as GET returns it (pending ones too), oldest id first."""
        return self.store.orders(account)

    def seed(self, orders: Sequence[Any], *, account: Account | None = None) -> list[int]:
        """Upsert orders directly, as the first account unless told otherwise.

        Any number of orders; all are checked like a POST batch and either
        all are stored or none (:class:`SeedError`). Seeded orders are visible
        at once and bypass faults and rate limits.
        """
        return self.store.seed(orders, account or self.account)

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
        Every listener is told of the exchange once the reply is decided.
        """
        items = headers.items() if isinstance(headers, Mapping) else headers
        request = _Request(method.upper(), url, tuple(items), body, root, body_truncated)
        try:
            reply = self._handle(request)
        except Refusal as refusal:
            reply = Reply(refusal.status, {"errors": refusal.errors}, refusal.headers)
        except Exception:
            _log.exception("the Sendcloud fake failed on %s %s", method, url)
            reply = Reply(500, {"errors": [server_error(500)]})
        self._listeners.tell(request.exchange(reply))
        return reply

    def _handle(self, request: _Request) -> Reply:
        """Authenticate, then route: who may not call learns nothing of routes.

        The route is matched first only for the listeners: an :class:`Exchange`
        names the operation a refused caller tried, though the reply does not.
        """
        method = request.method
        parts = urlsplit(request.url)
        found = match(unquote(parts.path), request.root)
        request.operation = found.operation(method) if found is not None else None
        headers = _lowered(request.headers)
        account = authenticate(self._accounts, headers)
        request.public_key = account.public_key
        pk = order_pk(found.order_id) if found is not None and found.order_id else None
        if found is None or (found.order_id is not None and pk is None):
            raise refuse(404, "not_found", "Not found.", title="Not found")
        route = found.route
        if request.operation is None:
            raise refuse(
                405,
                "method_not_allowed",
                f'Method "{method}" not allowed.',
                headers=(("allow", _allowed(route)),),
            )
        if request.operation.name == "create_orders":
            check_partner(headers)
        with self._lock:
            fault = take_fault(self._faults, method, route)
            if fault is None and self.rate_limit is not None:
                now = self.clock().timestamp()
                throttle(self._hits, self.rate_limit, account.public_key, method, now)
        if fault is not None:
            stall = fault.stall if fault.timeout else None
            return Reply(fault.status, {"errors": [server_error(fault.status)]}, stall=stall)
        store = self.store
        name = request.operation.name
        if name == "list_orders":
            query = parse_qsl(parts.query, keep_blank_values=True)
            data, links = store.list_orders(account, dict(query))
            page_url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
            link = (("link", link_header(page_url, query, links)),) if links else ()
            return Reply(200, {"data": data}, link)
        if name == "create_orders":
            return Reply(201, {"data": store.create(account, self._json_body(request, headers))})
        assert pk is not None
        if name == "retrieve_order":
            return Reply(200, {"data": store.retrieve(account, pk)})
        if name == "delete_order":
            store.delete(account, pk)
            return Reply(204)
        return Reply(200, {"data": store.update(account, pk, self._json_body(request, headers))})

    def _json_body(self, request: _Request, headers: Mapping[str, str]) -> JSON:
        body = request.body
        if request.body_truncated or len(body) > self.max_body_bytes:
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
                400,
                "invalid",
                f'Unsupported media type "{media_type}" in request; send application/json.',
                title="Malformed request",
            )
        document = load_bytes(body, fmt="json", max_bytes=self.max_body_bytes)[0]
        if document.fatal:
            problem = document.problems[0]
            where = f" (line {problem.line}, column {problem.column})" if problem.line else ""
            raise refuse(
                400,
                "invalid",
                f"JSON parse error - {problem.message}{where}",
                title="Malformed request",
            )
        request.json = document.value
        return document.value


@dataclass
class _Request:
    """One request on its way through the edge, and what the edge learnt of it."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    root: str
    body_truncated: bool
    operation: Operation | None = None
    public_key: str | None = None
    json: JSON = None

    def exchange(self, reply: Reply) -> Exchange:
        parts = urlsplit(self.url)
        return Exchange(
            method=self.method,
            url=self.url,
            path=unquote(parts.path),
            query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
            headers=self.headers,
            body=self.body,
            json=self.json,
            operation=self.operation,
            reply=reply,
            public_key=self.public_key,
        )


def _allowed(route: Route) -> str:
    """The ``allow`` header of a route: its methods, in the usual order."""
    return ", ".join(m for m in _METHOD_ORDER if m in ROUTES[route])


def _parse_route(spec: str) -> tuple[str, Route]:
    """``"PATCH /orders/{id}"`` -> ``("PATCH", "/orders/{id}")``, checked against the routes."""
    method, _, text = spec.strip().partition(" ")
    method = method.upper()
    text = text.strip()
    route = next((r for r in ROUTES if r == text), None)
    if route is None:
        raise ValueError(f"unknown route {text!r}; expected one of {', '.join(ROUTES)}")
    if method != "*" and method not in ROUTES[route]:
        raise ValueError(f"{route} answers {_allowed(route)}, not {method}")
    return method, route


def _lowered(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    lowered: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        lowered[key] = f"{lowered[key]}, {value}" if key in lowered else value
    return lowered
