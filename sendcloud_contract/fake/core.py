"""The fake's state and behaviour: accounts, orders, upserts, paging, faults.

Nothing here touches a socket or an HTTP library. :meth:`FakeSendcloud.handle`
takes a method, a URL, headers and body bytes and returns a :class:`Reply`; the
respx and ASGI adapters only translate to and from it, so both behave alike by
construction.
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import hmac
import itertools
import logging
import math
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from sendcloud_contract.loading import load_bytes
from sendcloud_contract.rules import parse_date_time
from sendcloud_contract.validation import validate

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
MAX_BATCH = 100
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 200
DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
PUBLIC_KEY = "fake-public-key"
SECRET_KEY = "fake-secret-key"
STILL_PROCESSING = "We are still processing a previous request. Please try again in a moment."
NOT_FOUND = "The order could not be found with the search criteria given"
ITEM_NOT_FOUND = "Could not find specified item."

_log = logging.getLogger(__name__)

JSON = Any
Clock = Callable[[], datetime]

# Which methods each route answers; faults are named after these ("PATCH /orders/{id}").
_ROUTES: dict[str, tuple[str, ...]] = {
    "/orders": ("GET", "POST"),
    "/orders/{id}": ("GET", "PATCH", "DELETE"),
}
_ITEM_PATH = re.compile(r"/orders/([0-9]+)/?")
_PK_MAX = 2**63 - 1
_SERVER_ERRORS = {
    500: ("server_error", "Server error", "A server error occurred."),
    502: ("bad_gateway", "Bad gateway", "The upstream server did not answer properly."),
    503: ("service_unavailable", "Service unavailable", "The service is temporarily unavailable."),
    504: ("gateway_timeout", "Gateway timeout", "The server did not answer in time."),
}


class ManualClock:
    """A clock that only moves when told to, so tests of rate limits never sleep."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2024, 1, 1, tzinfo=timezone.utc)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        """Move forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now


def _system_clock() -> datetime:
    return datetime.now(timezone.utc)


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
class RateLimit:
    """Sendcloud's documented limits, per account."""

    reads_per_minute: int = 1000
    writes_per_minute: int = 100
    writes_per_second: int = 15


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


class SeedError(ValueError):
    """Seed orders were refused; ``errors`` holds the JSON:API errors."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        lines = [f"{e.get('source', {}).get('pointer', '/data')}: {e['detail']}" for e in errors]
        super().__init__("seed orders refused:\n  " + "\n  ".join(lines))
        self.errors = errors


class _Refusal(Exception):
    """An error answer; raised deep inside and turned into a Reply at the edge."""

    def __init__(
        self,
        status: int,
        errors: list[dict[str, Any]],
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(status)
        self.status = status
        self.errors = errors
        self.headers = headers

    def reply(self) -> Reply:
        return Reply(self.status, {"errors": self.errors}, self.headers)


def _error(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    pointer: str | None = None,
    parameter: str | None = None,
    header: str | None = None,
) -> dict[str, Any]:
    """One JSON:API error object, shaped like Sendcloud's."""
    error: dict[str, Any] = {"status": str(status), "code": code}
    if title:
        error["title"] = title
    error["detail"] = detail
    source = {
        k: v for k, v in (("pointer", pointer), ("parameter", parameter), ("header", header)) if v
    }
    if source:
        error["source"] = source
    return error


def _server_error(status: int) -> dict[str, Any]:
    code, title, detail = _SERVER_ERRORS.get(status, _SERVER_ERRORS[500])
    return _error(status, code, detail, title=title)


def _invalid(detail: str, pointer: str) -> dict[str, Any]:
    return _error(400, "invalid", detail, pointer=pointer)


def _refuse(status: int, code: str, detail: str, **extra: Any) -> _Refusal:
    return _Refusal(status, [_error(status, code, detail, **extra)])


_INDEX = re.compile(r"^/data/attributes/\[([0-9]+)\]")


def _order_index(error: dict[str, Any]) -> int:
    match = _INDEX.match(error.get("source", {}).get("pointer", ""))
    return int(match.group(1)) if match else -1


def _contract_errors(
    payload: JSON, kind: str, pointer: Callable[[str, str | None], str] | None = None
) -> list[dict[str, Any]]:
    """The project's validator's errors as Sendcloud 400 error objects.

    This is the one place where a :class:`~sendcloud_contract.report.Violation`
    becomes a JSON:API error: ``detail`` is its message and ``source.pointer``
    its Sendcloud pointer (or what ``pointer`` makes of the RFC 6901 one).
    Warnings never block an order, as on Sendcloud.
    """
    report = validate(payload, kind)
    errors = []
    for violation in report.errors:
        if pointer is not None:
            where = pointer(violation.pointer, violation.sendcloud_pointer)
        else:
            where = violation.sendcloud_pointer or "/data/attributes" + violation.pointer
        detail = _SENDCLOUD_DETAILS.get(violation.rule, violation.message)
        errors.append(_invalid(detail, where))
    return errors


# Sendcloud's own wording where its documentation shows it; the validator's message otherwise.
_SENDCLOUD_DETAILS = {"required": "Field required"}


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _parse_date_time(text: Any) -> datetime | None:
    """An RFC 3339 date-time in UTC, or None."""
    moment = parse_date_time(text) if isinstance(text, str) else None
    return moment.astimezone(timezone.utc) if moment else None


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


@dataclass
class _Order:
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
class _Fault:
    method: str
    route: str
    status: int
    timeout: bool
    remaining: int | None
    stall: float

    def matches(self, method: str, route: str) -> bool:
        return self.route == route and self.method in ("*", method)


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


# --------------------------------------------------------------------------- list helpers

_SORT_FIELDS = ("integration", "order_number", "order_created_at", "order_updated_at", "pk")
_DEFAULT_SORT: tuple[tuple[str, bool], ...] = (("pk", True),)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATE_FILTERS = {
    "order_created_at": ("order_created_at", "eq"),
    "order_created_at_min": ("order_created_at", "min"),
    "order_created_at_max": ("order_created_at", "max"),
    "order_updated_at": ("order_updated_at", "eq"),
    "order_updated_at_min": ("order_updated_at", "min"),
    "order_updated_at_max": ("order_updated_at", "max"),
}
SortKey = tuple[Any, ...]


def _parse_sort(text: str | None) -> tuple[tuple[str, bool], ...]:
    """Sendcloud's sort rules: a later conflicting value is ignored, an unknown one means -pk."""
    if text is None or not text.strip():
        return _DEFAULT_SORT
    chosen: dict[str, bool] = {}
    for raw in text.split(","):
        token = raw.strip()
        descending = token.startswith("-")
        name = token[1:] if descending else token
        if name not in _SORT_FIELDS:
            return _DEFAULT_SORT
        chosen.setdefault(name, descending)
    spec = tuple(chosen.items())
    return spec if "pk" in chosen else (*spec, ("pk", True))


def _sort_value(order: _Order, name: str) -> Any:
    details = order.document["order_details"]
    if name == "integration":
        return order.integration
    if name == "order_number":
        return str(order.document["order_number"])
    if name == "pk":
        return order.pk
    moment = _parse_date_time(details.get(name))
    return None if moment is None else _micros(moment)


def _compare(spec: Sequence[tuple[str, bool]], a: SortKey, b: SortKey) -> int:
    """Order two sort keys; nulls sort last ascending and first descending, as in Postgres."""
    for (_, descending), x, y in zip(spec, a, b, strict=True):
        if x == y:
            continue
        if x is None:
            result = 1
        elif y is None:
            result = -1
        else:
            result = -1 if x < y else 1
        return -result if descending else result
    return 0


def _key_fits(spec: Sequence[tuple[str, bool]], key: Any) -> bool:
    if not isinstance(key, list) or len(key) != len(spec):
        return False
    for (name, _), value in zip(spec, key, strict=True):
        if name == "order_number":
            if not isinstance(value, str):
                return False
        elif value is None:
            if name != "order_updated_at":
                return False
        elif isinstance(value, bool) or not isinstance(value, int):
            return False
    return True


@dataclass(frozen=True)
class _Cursor:
    reverse: bool
    position: SortKey
    inclusive: bool = False

    def encode(self) -> str:
        tokens = [("r", "1" if self.reverse else "0")]
        if self.inclusive:
            tokens.append(("i", "1"))
        tokens.append(("p", orjson.dumps(list(self.position)).decode()))
        return base64.b64encode(urlencode(tokens).encode()).decode("ascii")

    @classmethod
    def decode(cls, text: str, spec: Sequence[tuple[str, bool]]) -> _Cursor:
        invalid = _refuse(404, "not_found", "Invalid cursor", title="Invalid cursor")
        try:
            raw = base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
            tokens = dict(parse_qsl(raw, keep_blank_values=True, strict_parsing=True))
            position = orjson.loads(tokens["p"])
        except (ValueError, KeyError, UnicodeError, binascii.Error):
            raise invalid from None
        if (
            set(tokens) - {"r", "i", "p"}
            or tokens.get("r", "0") not in ("0", "1")
            or tokens.get("i", "0") not in ("0", "1")
            or not _key_fits(spec, position)
        ):
            raise invalid
        return cls(tokens.get("r") == "1", tuple(position), tokens.get("i") == "1")


def _filter_date(text: str, parameter: str) -> date:
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise _refuse(
            400, "invalid", "Enter a valid date.", title="Invalid", parameter=parameter
        ) from None


def _text_check(name: str, expected: str) -> Callable[[_Order], bool]:
    """Sendcloud's case-insensitive exact match on order_number, order_id or status."""
    folded = expected.casefold()

    def check(order: _Order) -> bool:
        if name == "status":
            status = order.document["order_details"].get("status")
            value = status.get("code") if isinstance(status, dict) else None
        else:
            value = order.document.get(name)
        return isinstance(value, str) and value.casefold() == folded

    return check


def _merge(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """JSON merge patch (RFC 7386): objects merge, null removes, anything else replaces."""
    result = dict(target)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _merge_items(items: list[Any], patches: list[Any]) -> list[Any]:
    """Apply item patches matched by ``name``; items are never added or removed."""
    merged = copy.deepcopy(items)
    for patch in patches:
        name = patch.get("name") if isinstance(patch, dict) else None
        index = next(
            (
                i
                for i, item in enumerate(merged)
                if isinstance(item, dict) and item.get("name") == name
            ),
            None,
        )
        if index is None or not isinstance(patch, dict):
            # Sendcloud's documented pointer for this error really is this path.
            raise _refuse(
                400,
                "invalid",
                ITEM_NOT_FOUND,
                title="Invalid",
                pointer="order/order_details/order_items",
            )
        merged[index] = _merge(merged[index], patch)
    return merged


def _integration_of(order: Any) -> int | None:
    if not isinstance(order, dict):
        return None
    details = order.get("order_details")
    integration = details.get("integration") if isinstance(details, dict) else None
    value = integration.get("id") if isinstance(integration, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _stored(order: Mapping[str, Any]) -> dict[str, Any]:
    """What is kept of a sent order: read-only fields are Sendcloud's to set."""
    return {
        k: copy.deepcopy(v)
        for k, v in order.items()
        if k not in ("id", "created_at", "modified_at")
    }


@dataclass
class _State:
    orders: dict[int, _Order] = field(default_factory=dict)
    by_key: dict[tuple[str, int], int] = field(default_factory=dict)


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
        self.clock: Clock = clock or _system_clock
        self._ids: Iterator[int] = iter(ids) if ids is not None else itertools.count(1)
        self.rate_limit: RateLimit | None = (
            RateLimit() if rate_limit is True else (rate_limit or None)
        )
        self.visibility_delay = visibility_delay
        self.max_body_bytes = max_body_bytes
        self._state = _State()
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._processing: dict[str, int | None] = {}
        self._faults: list[_Fault] = []

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
        fault = _Fault(method, path, 504 if timeout else status, timeout, times, stall_seconds)
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
            self._state = _State()
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
            raise SeedError([_error(400, "non_field_errors", "expected a list of orders")])
        with self._lock:
            saved = copy.deepcopy(self._state)
            ids: list[int] = []
            try:
                for start in range(0, len(orders), MAX_BATCH):
                    chunk = [copy.deepcopy(o) for o in orders[start : start + MAX_BATCH]]
                    errors, cleaned = _checked(chunk)
                    try:
                        ids.extend(self._upsert(owner, cleaned, errors, seeding=True))
                    except _Refusal as refusal:
                        raise SeedError(_shifted(refusal.errors, start)) from None
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
        except _Refusal as refusal:
            return refusal.reply()
        except Exception:
            _log.exception("the Sendcloud fake failed on %s %s", method, url)
            return Reply(500, {"errors": [_server_error(500)]})

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
        account = self._authenticate(headers)
        _check_partner(headers)
        if method not in _ROUTES[route]:
            allowed = ", ".join(_ROUTES[route])
            raise _Refusal(
                405,
                [_error(405, "method_not_allowed", f'Method "{method}" not allowed.')],
                (("allow", allowed),),
            )
        with self._lock:
            fault = self._take_fault(method, route)
            if fault is None:
                self._throttle(account, method)
        if fault is not None:
            stall = fault.stall if fault.timeout else None
            return Reply(fault.status, {"errors": [_server_error(fault.status)]}, stall=stall)
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

    def _authenticate(self, headers: Mapping[str, str]) -> Account:
        """Basic auth (public:secret), or a static Bearer token when an account has one."""
        authorization = headers.get("authorization", "")
        scheme, _, credentials = authorization.strip().partition(" ")
        scheme = scheme.lower()
        www = (("www-authenticate", 'Basic realm="api"'),)
        if scheme == "basic":
            try:
                decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
            except (ValueError, binascii.Error):
                raise _Refusal(
                    401,
                    [
                        _error(
                            401,
                            "authentication_failed",
                            "Invalid basic header. Credentials not correctly base64 encoded.",
                            title="Invalid username/password.",
                        )
                    ],
                    www,
                ) from None
            public, _, secret = decoded.partition(":")
            account = self._accounts.get(public)
            if account is not None and hmac.compare_digest(
                account.secret_key.encode(), secret.encode()
            ):
                return account
            raise _Refusal(
                401,
                [
                    _error(
                        401,
                        "authentication_failed",
                        "The username or password provided is incorrect. "
                        "Please make a request with the valid credentials.",
                        title="Invalid username/password.",
                    )
                ],
                www,
            )
        if scheme == "bearer" and credentials.strip():
            token = credentials.strip().encode()
            for account in self._accounts.values():
                if account.bearer_token and hmac.compare_digest(
                    account.bearer_token.encode(), token
                ):
                    return account
            raise _Refusal(
                401,
                [
                    _error(
                        401,
                        "authentication_failed",
                        "The access token provided is invalid or has expired.",
                        title="Invalid token.",
                    )
                ],
                www,
            )
        raise _Refusal(
            401,
            [
                _error(
                    401,
                    "authentication_failed",
                    "Authentication credentials were not provided.",
                    title="No credentials",
                )
            ],
            www,
        )

    def _take_fault(self, method: str, route: str) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(method, route):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                return fault
        return None

    def _throttle(self, account: Account, method: str) -> None:
        """Sliding windows over the clock: GET per minute; writes per minute and per second."""
        limits = self.rate_limit
        if limits is None:
            return
        now = self.clock().timestamp()
        if method == "GET":
            bucket, windows = "read", [(60.0, limits.reads_per_minute)]
        else:
            bucket = "write"
            windows = [(60.0, limits.writes_per_minute), (1.0, limits.writes_per_second)]
        hits = self._hits.setdefault((account.public_key, bucket), deque())
        while hits and hits[0] <= now - 60.0:
            hits.popleft()
        for span, limit in windows:
            recent = [t for t in hits if t > now - span]
            if len(recent) >= limit:
                wait = max(1, math.ceil(recent[-limit] + span - now))
                raise _Refusal(
                    429,
                    [
                        _error(
                            429,
                            "throttled",
                            f"Request was throttled. Expected available in {wait} seconds.",
                            title="Too many requests",
                        )
                    ],
                    (("retry-after", str(wait)),),
                )
        hits.append(now)

    def _json_body(self, headers: Mapping[str, str], body: bytes, truncated: bool) -> JSON:
        if truncated or len(body) > self.max_body_bytes:
            raise _refuse(
                413,
                "payload_too_large",
                f"The request body is larger than {self.max_body_bytes} bytes.",
                title="Request entity too large",
            )
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json" and not (
            media_type.startswith("application/") and media_type.endswith("+json")
        ):
            raise _refuse(
                415,
                "unsupported_media_type",
                f'Unsupported media type "{media_type}" in request.',
                title="Unsupported media type",
            )
        document = load_bytes(body, fmt="json", max_bytes=self.max_body_bytes)[0]
        if document.fatal:
            problem = document.problems[0]
            where = f" (line {problem.line}, column {problem.column})" if problem.line else ""
            raise _refuse(
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

    def _find(self, account: Account, pk: int, detail: str) -> _Order:
        """An order of this account that is visible yet; a pending one counts this read."""
        order = self._state.orders.get(pk)
        if order is None or order.owner != account.public_key:
            raise _refuse(404, "not_found", detail, title="Not found")
        if order.unseen_reads > 0:
            order.unseen_reads -= 1
            raise _refuse(404, "not_found", detail, title="Not found")
        return order

    def _create(self, account: Account, batch: JSON) -> Reply:
        if not isinstance(batch, list):
            raise _refuse(
                400,
                "non_field_errors",
                "Wrong request format, expected list of objects",
                title="Wrong format",
            )
        if len(batch) > MAX_BATCH:
            raise _refuse(
                400,
                "invalid",
                f"Orders list should have at most {MAX_BATCH} items, not {len(batch)}",
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
        errors = sorted([*errors, *planned], key=_order_index)
        if errors:
            raise _Refusal(400, errors)
        if not seeding:
            self._check_processing(batch)
        now = self._now()
        state = self._state
        ids = []
        for item, target in zip(batch, targets, strict=True):
            document = _stored(item)
            key = (document["order_id"], _integration_of(document) or 0)
            if target is None and key in state.by_key:
                target = state.orders[state.by_key[key]]
            if target is None:
                pk = self._next_id()
                pending = 0 if seeding else self.visibility_delay
                state.orders[pk] = _Order(pk, account.public_key, document, now, now, pending)
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
        raise _refuse(400, "invalid", STILL_PROCESSING, pointer="/data")

    def _replace(self, order: _Order, document: dict[str, Any], now: datetime) -> None:
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
    ) -> tuple[list[dict[str, Any]], list[_Order | None]]:
        """Sendcloud's checks the schema cannot make, and the order each item updates."""
        errors: list[dict[str, Any]] = []
        targets: list[_Order | None] = []
        claimed: set[int] = set()
        state = self._state
        for index, item in enumerate(batch):
            where = f"/data/attributes/[{index}]"
            target: _Order | None = None
            if not isinstance(item, dict):
                targets.append(None)
                continue
            integration = _integration_of(item)
            if integration is not None and integration not in account.integrations:
                errors.append(
                    _invalid(
                        f"Integration with id {integration} does not exist",
                        f"{where}/order_details/integration/id",
                    )
                )
                integration = None
            order_id = item.get("order_id")
            explicit = item.get("id")
            if isinstance(explicit, str) and explicit.isascii() and explicit.isdigit():
                found = state.orders.get(int(explicit)) if int(explicit) <= _PK_MAX else None
                if found is None or found.owner != account.public_key:
                    errors.append(
                        _invalid(f"Order with id {explicit} does not exist", f"{where}/id")
                    )
                else:
                    target = found
                    if isinstance(order_id, str) and order_id != found.order_id:
                        errors.append(
                            _invalid(
                                f"Order id {found.order_id} cannot be changed",
                                f"{where}/order_id",
                            )
                        )
                    elif integration is not None and integration != found.integration:
                        holder = state.by_key.get((found.order_id, integration))
                        if holder is not None and holder != found.pk:
                            errors.append(
                                _invalid(
                                    f"Order with order_id {found.order_id} already exists "
                                    f"in integration {integration}",
                                    f"{where}/order_details/integration/id",
                                )
                            )
            elif isinstance(order_id, str) and integration is not None:
                pk = state.by_key.get((order_id, integration))
                target = state.orders[pk] if pk is not None else None
            if target is not None:
                if target.pk in claimed:
                    errors.append(
                        _invalid(
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
                raise _refuse(
                    400,
                    "non_field_errors",
                    f"Invalid data. Expected a dictionary, but got {_json_type(patch)}.",
                    title="Invalid data",
                )
            errors = []
            if "id" in patch and not isinstance(patch["id"], str):
                errors.append(_invalid("Input should be a valid string", "/data/attributes/id"))
            changes = {k: v for k, v in patch.items() if k != "id"}
            errors.extend(_contract_errors(changes, "order-update"))
            if errors:
                raise _Refusal(400, errors)
            explicit = patch.get("id")
            if isinstance(explicit, str) and explicit != str(pk):
                errors.append(
                    _invalid(
                        f"Order id {explicit} does not match the order {pk} in the URL",
                        "/data/attributes/id",
                    )
                )
            order_id = changes.get("order_id")
            if order_id is not None and order_id != order.order_id:
                errors.append(
                    _invalid(
                        f"Order id {order.order_id} cannot be changed", "/data/attributes/order_id"
                    )
                )
            integration = _integration_of(changes)
            if integration is not None and integration != order.integration:
                if integration not in account.integrations:
                    errors.append(
                        _invalid(
                            f"Integration with id {integration} does not exist",
                            "/data/attributes/order_details/integration/id",
                        )
                    )
                elif (order.order_id, integration) in self._state.by_key:
                    errors.append(
                        _invalid(
                            f"Order with order_id {order.order_id} already exists "
                            f"in integration {integration}",
                            "/data/attributes/order_details/integration/id",
                        )
                    )
            if errors:
                raise _Refusal(400, errors)
            merged = _merge_order(order.document, changes)
            errors = _contract_errors(
                merged, "order", lambda pointer, _: "/data/attributes" + pointer
            )
            if errors:
                raise _Refusal(400, errors)
            self._replace(order, merged, self._now())
            return Reply(200, {"data": order.summary()})

    def _list(self, account: Account, query: list[tuple[str, str]], page_url: str) -> Reply:
        params = dict(query)
        checks: list[Callable[[_Order], bool]] = []
        integrations = [t.strip() for t in params.get("integration", "").split(",") if t.strip()]
        for token in integrations:
            if not (token.isascii() and token.isdigit()) or int(token) not in account.integrations:
                raise _refuse(
                    400,
                    "invalid_choice",
                    f"Select a valid choice. {token} is not one of the available choices.",
                    title="Invalid Choice",
                    parameter="integration",
                )
        if integrations:
            wanted = {int(t) for t in integrations}
            checks.append(lambda o: o.integration in wanted)
        for name in ("order_number", "order_id", "status"):
            if params.get(name):
                checks.append(_text_check(name, params[name]))
        for name, (field_name, how) in _DATE_FILTERS.items():
            if params.get(name):
                checks.append(_date_check(field_name, how, _filter_date(params[name], name)))
        spec = _parse_sort(params.get("sort"))
        size = _page_size(params.get("page_size"))
        cursor = _Cursor.decode(params["cursor"], spec) if params.get("cursor") else None
        compare = functools.partial(_compare, spec)
        with self._lock:
            found: list[tuple[SortKey, _Order]] = []
            for order in self._state.orders.values():
                if order.owner != account.public_key or not all(c(order) for c in checks):
                    continue
                if order.unseen_reads > 0:
                    order.unseen_reads -= 1
                    continue
                found.append((tuple(_sort_value(order, n) for n, _ in spec), order))
            by_key = functools.cmp_to_key(compare)
            found.sort(key=lambda pair: by_key(pair[0]))
            keys = [k for k, _ in found]
            page, links = _paginate(keys, cursor, size, compare)
            data = [found[i][1].returned() for i in page]
        headers: tuple[tuple[str, str], ...] = ()
        if links:
            rendered = ", ".join(
                f'<{_page_link(page_url, query, c)}>; rel="{rel}"' for rel, c in links
            )
            headers = (("link", rendered),)
        return Reply(200, {"data": data}, headers)


def _paginate(
    keys: list[SortKey],
    cursor: _Cursor | None,
    size: int,
    compare: Callable[[SortKey, SortKey], int],
) -> tuple[range, list[tuple[str, _Cursor]]]:
    """Keyset paging: a page is every key after (or before) a position, so no skips or repeats."""
    if cursor is None:
        start, stop = 0, min(size, len(keys))
    elif not cursor.reverse:
        limit = 0 if cursor.inclusive else 1
        start = next(
            (i for i, k in enumerate(keys) if compare(k, cursor.position) >= limit), len(keys)
        )
        stop = min(start + size, len(keys))
    else:
        limit = 0 if cursor.inclusive else -1
        stop = next(
            (i for i, k in enumerate(keys) if compare(k, cursor.position) > limit), len(keys)
        )
        start = max(0, stop - size)
    links: list[tuple[str, _Cursor]] = []
    if start < stop:
        if stop < len(keys):
            links.append(("next", _Cursor(False, keys[stop - 1])))
        if start > 0:
            links.append(("prev", _Cursor(True, keys[start])))
    elif cursor is not None:
        if cursor.reverse and stop < len(keys):
            links.append(("next", _Cursor(False, cursor.position, not cursor.inclusive)))
        if not cursor.reverse and start > 0:
            links.append(("prev", _Cursor(True, cursor.position, not cursor.inclusive)))
    return range(start, stop), links


def _page_link(page_url: str, query: list[tuple[str, str]], cursor: _Cursor) -> str:
    params = [(k, v) for k, v in query if k != "cursor"] + [("cursor", cursor.encode())]
    return f"{page_url}?{urlencode(params)}"


def _page_size(text: str | None) -> int:
    """Like Sendcloud's cursor pagination: above 200 is 200, nonsense is the default."""
    if text is None or not (text.isascii() and text.isdigit()) or int(text) < 1:
        return DEFAULT_PAGE_SIZE
    return min(int(text), MAX_PAGE_SIZE)


def _date_check(field_name: str, how: str, day: date) -> Callable[[_Order], bool]:
    def check(order: _Order) -> bool:
        moment = _parse_date_time(order.document["order_details"].get(field_name))
        if moment is None:
            return False
        value = moment.date()
        return value == day if how == "eq" else value >= day if how == "min" else value <= day

    return check


def _merge_order(document: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    details = changes.get("order_details")
    if isinstance(details, dict) and "order_items" in details:
        items = _merge_items(document["order_details"]["order_items"], details["order_items"])
        rest = {k: v for k, v in details.items() if k != "order_items"}
        merged = _merge(document, {**changes, "order_details": rest})
        merged["order_details"] = {**merged["order_details"], "order_items": items}
        return merged
    return _merge(document, changes)


def _checked(batch: list[Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    """A batch's contract errors, and the batch as the upsert sees it.

    An integer ``id`` gets Sendcloud's own answer ("Input should be a valid
    string") and is left out of what the validator and the upsert see.
    """
    errors = []
    cleaned = []
    for index, item in enumerate(batch):
        if isinstance(item, dict) and "id" in item and not isinstance(item["id"], str):
            errors.append(
                _invalid("Input should be a valid string", f"/data/attributes/[{index}]/id")
            )
            item = {k: v for k, v in item.items() if k != "id"}
        cleaned.append(item)
    errors.extend(_contract_errors(cleaned, "order-batch"))
    return errors, cleaned


def _shifted(errors: list[dict[str, Any]], offset: int) -> list[dict[str, Any]]:
    """Errors of a seed chunk, renumbered to the position in the whole seed."""
    if not offset:
        return errors
    out = []
    for error in errors:
        pointer = error.get("source", {}).get("pointer", "")
        moved = _INDEX.sub(lambda m: f"/data/attributes/[{int(m.group(1)) + offset}]", pointer)
        out.append(
            {**error, "source": {**error.get("source", {}), "pointer": moved}} if pointer else error
        )
    return out


def _json_type(value: Any) -> str:
    return {dict: "dict", list: "list", str: "str", bool: "bool", int: "int", float: "float"}.get(
        type(value), "null"
    )


def _route(path: str, root: str) -> tuple[str, int | None]:
    root = root.rstrip("/")
    not_found = _refuse(404, "not_found", "Not found.", title="Not found")
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


def _check_partner(headers: Mapping[str, str]) -> None:
    """A Sendcloud-Partner-Id header is optional, but when sent it must be a UUID."""
    partner = headers.get("sendcloud-partner-id")
    if partner is None:
        return
    try:
        uuid.UUID(partner.strip())
    except ValueError:
        raise _refuse(
            400,
            "invalid",
            f"Sendcloud-Partner-Id {partner!r} is not a valid UUID.",
            title="Invalid partner id",
            header="Sendcloud-Partner-Id",
        ) from None
