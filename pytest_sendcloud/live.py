"""``sendcloud_live``: the same tests against the fake in CI and against a real account at night.

Without ``--sendcloud-live URL`` the fixture is a fresh fake reached through
respx, like ``sendcloud_fake``. With it, the test's httpx traffic to URL goes
to that server, with the credentials in ``SENDCLOUD_PUBLIC_KEY`` and
``SENDCLOUD_SECRET_KEY``, and every exchange is judged by the one checker of an
exchange: the request and the answer, plus the conftest's extra rules, with
the coverage counted as the fake's is. A broken exchange fails the test when
its body returns.

A separate fixture rather than a mode of ``sendcloud_fake``, because the
fake's knobs (``seed``, ``inject_fault``, ``orders``) cannot work on a real
account: a test that asks for ``sendcloud_live`` can only do what both can.

A test must not change or delete an order it did not create. Every order it
sends carries the run's ``order_id`` prefix (``sendcloud_live.order_id()``);
a POST of any other ``order_id``, and a PATCH or DELETE of an order this run
did not create, is refused before it is sent (in both modes, so CI finds such
a test first). After each test, the orders it created are deleted, and no
other. httpx's own transports are watched; traffic through another transport
(respx's, a ``MockTransport``) is not.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from pytest_sendcloud.keys import LIVE_RUN

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import httpx

    from pytest_sendcloud.handle import FakeHandle
    from pytest_sendcloud.hookspec import ExtraRule
    from pytest_sendcloud.options import Settings
    from pytest_sendcloud.record import Record
    from sendcloud_contract.exchanges import Checked, Verdict
    from sendcloud_contract.operations import Match
    from sendcloud_contract.report import Report

__all__ = [
    "KEY_VARIABLES",
    "LiveCheck",
    "LiveHandle",
    "LiveRefused",
    "LiveRun",
    "live_handle",
    "live_url",
]

KEY_VARIABLES = ("SENDCLOUD_PUBLIC_KEY", "SENDCLOUD_SECRET_KEY")
OPT_OUT = "  sent on purpose? opt out with @pytest.mark.sendcloud(validate_requests=False)"


class LiveRefused(AssertionError):
    """A request that could change an order the test did not create; it was not sent."""


def live_url(config: pytest.Config) -> str | None:
    """The ``--sendcloud-live`` URL, without a trailing slash; None without the option."""
    url: str | None = config.getoption("sendcloud_live", None)
    return url.rstrip("/") if url else None


@dataclass
class LiveRun:
    """What one test session shares: the ``order_id`` prefix of its orders, and the
    Sendcloud ids of the orders it created (and may therefore change)."""

    prefix: str
    created: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, config: pytest.Config) -> LiveRun:
        found: LiveRun | None = config.stash.get(LIVE_RUN, None)
        if found is None:
            stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
            found = config.stash[LIVE_RUN] = cls(f"sc-test-{stamp}-{secrets.token_hex(3)}-")
        return found


class LiveHandle:
    """``sendcloud_live``: where the test's code sends its requests, and as whom.

    ``base_url`` and ``auth`` are what the code under test needs;
    ``integration_ids`` come from the settings (``integrations`` in the marker or
    ``sendcloud_config``), as the real account's ids are no secret; None while
    undeclared. ``order_id(name)`` gives an ``order_id`` of this run; ``created``
    are the Sendcloud ids of the orders this test created.
    """

    def __init__(
        self,
        base_url: str,
        auth: tuple[str, str],
        integration_ids: tuple[int, ...] | None,
        run: LiveRun,
        *,
        live: bool,
    ) -> None:
        self.base_url = base_url
        self.auth = auth
        self.integration_ids = integration_ids
        self.live = live
        self._run = run
        self._created: list[int] = []

    @property
    def prefix(self) -> str:
        return self._run.prefix

    def order_id(self, name: str = "") -> str:
        """An ``order_id`` of this run: the run's prefix, then ``name`` (or a random part)."""
        return self._run.prefix + (name or secrets.token_hex(4))

    @property
    def created(self) -> tuple[int, ...]:
        return tuple(self._created)

    def owns(self, pk: int | None) -> bool:
        """Whether this run created the order ``pk`` (and may therefore change it). Against
        the fake, whose ids start again for every test, only this test's orders count."""
        if not self.live:
            return pk in self._created
        with self._run.lock:
            return pk in self._run.created

    def made(self, pk: int) -> None:
        """The test created order ``pk``: it may change it, and it is deleted after the test."""
        with self._run.lock:
            self._run.created.add(pk)
        self._created.append(pk)

    def gone(self, pk: int) -> None:
        """Order ``pk`` was deleted."""
        with self._run.lock:
            self._run.created.discard(pk)
        if pk in self._created:
            self._created.remove(pk)


@dataclass
class LiveCheck:
    """The exchanges that broke the contract, kept for the plugin to fail the test with."""

    target: str
    failures: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, text: str) -> None:
        with self._lock:
            self.failures.append(text)

    def take(self) -> list[str]:
        with self._lock:
            taken, self.failures = self.failures, []
        return taken

    def render(self, failures: list[str]) -> str:
        count = len(failures)
        head = (
            f"sendcloud: {count} exchange{'s' if count != 1 else ''} with {self.target} "
            "broke the contract"
        )
        return "\n".join([head, *failures, OPT_OUT])


class _Watch:
    """What happens to each request to the watched base URL: the guard before it is sent,
    the checks and the bookkeeping once it is answered."""

    def __init__(
        self,
        handle: LiveHandle,
        settings: Settings,
        rules: list[ExtraRule],
        record: Record,
        check: LiveCheck | None,
    ) -> None:
        self.handle = handle
        self.settings = settings
        self.rules = rules
        self.record = record
        self.check = check
        self.root = urlsplit(handle.base_url).path.rstrip("/")

    def watched(self, url: httpx.URL) -> bool:
        return str(url).startswith(self.handle.base_url + "/")

    def before(self, request: httpx.Request) -> None:
        """Refuse what could change an order of somebody else's, before it is sent."""
        from sendcloud_contract import operations

        matched = operations.match(unquote(request.url.path), self.root)
        operation = matched.operation(request.method) if matched is not None else None
        if operation is None or matched is None:
            return
        where = f"{request.method} {request.url.path}"
        if operation.name in ("partial_update_order", "delete_order"):
            pk = int(matched.order_id or 0)
            if not self.handle.owns(pk):
                raise LiveRefused(
                    f"sendcloud: {where} refused, not sent: order {pk} was not created by this "
                    "test run, and a test changes only orders it created"
                )
        if operation.name == "create_orders":
            self._guard_batch(where, request.read())

    def _guard_batch(self, where: str, body: bytes) -> None:
        import orjson

        try:
            batch = orjson.loads(body)
        except orjson.JSONDecodeError:
            return  # it cannot change an order; the checks will say what is wrong with it
        for item in batch if isinstance(batch, list) else []:
            if not isinstance(item, dict):
                continue
            order_id = item.get("order_id")
            if isinstance(order_id, str) and not order_id.startswith(self.handle.prefix):
                raise LiveRefused(
                    f"sendcloud: {where} refused, not sent: order_id {order_id!r} is not one "
                    f"of this run's; make it with sendcloud_live.order_id() (prefix "
                    f"{self.handle.prefix!r}), so the test cannot change an order it did not create"
                )
            pk = item.get("id")
            if pk is not None and not self.handle.owns(_as_int(pk)):
                raise LiveRefused(
                    f"sendcloud: {where} refused, not sent: id {pk!r} names an order this "
                    "test run did not create"
                )

    def after(self, request: httpx.Request, response: httpx.Response) -> None:
        """Keep track of the orders made and deleted; judge the exchange when live."""
        from sendcloud_contract import operations

        path = unquote(request.url.path)
        matched = operations.match(path, self.root)
        operation = matched.operation(request.method) if matched is not None else None
        if operation is None or matched is None:
            return
        self._track(operation.name, matched, response)
        if self.check is None:
            return
        from sendcloud_contract.exchanges import Content, check_exchange

        query = parse_qs(request.url.query.decode("ascii", "replace"), keep_blank_values=True)
        sent = request.read()
        verdict = check_exchange(
            operation,
            query={k: v[0] if len(v) == 1 else v for k, v in query.items()},
            request=Content(sent) if sent else None,
            status=response.status_code,
            response=Content(response.content) if response.content else None,
        )
        self._judged(request, path, verdict, response.status_code)

    def _track(self, name: str, matched: Match, response: httpx.Response) -> None:
        status = response.status_code
        if name == "create_orders" and status == 201:
            try:
                answer = response.json()
            except ValueError:
                return
            entries = answer.get("data") if isinstance(answer, dict) else None
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and str(entry.get("order_id", "")).startswith(
                    self.handle.prefix
                ):
                    pk = _as_int(entry.get("id"))
                    if pk is not None:
                        self.handle.made(pk)
        elif name == "delete_order" and status in (204, 404) and matched.order_id:
            self.handle.gone(int(matched.order_id))

    def _judged(self, request: httpx.Request, path: str, verdict: Verdict, status: int) -> None:
        from pytest_sendcloud.checking import finish
        from sendcloud_contract.reporting.text import render_report

        assert self.check is not None
        blocks = []
        errors = 0
        sent: Any = None
        for part in verdict.parts:
            if part.side == "request" and not self.settings.validate_requests:
                continue
            report = finish(
                _report(verdict, part, f"{request.method} {path} {part.part}"),
                [] if _missing(part) else [(part.value, None)],
                self.rules,
                strict=self.settings.strict,
            )
            errors += len(report.errors)
            if part.part == "request" and not _missing(part):
                sent = part.value
            if not report.ok:
                value = None if _missing(part) else part.value
                blocks.append(render_report(report, document=value))
        operation = verdict.operation
        self.record.request_checked(operation.key, status, sent, operation.request_kind, errors)
        if blocks:
            blocks.append(f"  {self.check.target} answered {status}")
            self.check.add("\n".join(blocks))


def _missing(part: Checked) -> bool:
    from sendcloud_contract.pointers import MISSING

    return part.value is MISSING


def _report(verdict: Verdict, part: Checked, path: str) -> Report:
    """The part's report, with what the checker found about the exchange itself first."""
    from sendcloud_contract.exchanges import finding_violation

    report = part.report(path)
    if part.finding is not None:
        found = finding_violation(verdict.operation, verdict.status, part)
        report.violations.insert(0, found)
    return report


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@contextmanager
def _watching(watch: _Watch) -> Iterator[None]:
    """httpx's transports, sync and async, with ``watch`` around each request it watches."""
    import httpx

    sync_send = httpx.HTTPTransport.handle_request
    async_send = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        if not watch.watched(request.url):
            return sync_send(transport, request)
        watch.before(request)
        response = sync_send(transport, request)
        response.read()
        watch.after(request, response)
        return response

    async def handle_async_request(
        transport: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        if not watch.watched(request.url):
            return await async_send(transport, request)
        watch.before(request)
        response = await async_send(transport, request)
        await response.aread()
        watch.after(request, response)
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.HTTPTransport, "handle_request", handle_request)
        patch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)
        yield


def _credentials() -> tuple[str, str]:
    __tracebackhide__ = True
    public, secret = (os.environ.get(name, "") for name in KEY_VARIABLES)
    if not public or not secret:
        pytest.fail(
            "sendcloud: --sendcloud-live needs the account's keys in the environment: "
            + " and ".join(KEY_VARIABLES),
            pytrace=False,
        )
    return public, secret


def _clean_up(handle: LiveHandle) -> None:
    """Delete the orders the test created, and only those; say which could not be."""
    __tracebackhide__ = True
    import httpx

    left = []
    with httpx.Client(auth=handle.auth, timeout=30) as client:
        for pk in handle.created:
            try:
                status = client.delete(f"{handle.base_url}/orders/{pk}").status_code
            except httpx.HTTPError as error:
                left.append(f"{pk} ({type(error).__name__})")
                continue
            if status in (204, 404):
                handle.gone(pk)
            else:
                left.append(f"{pk} (answered {status})")
    if left:
        pytest.fail(
            f"sendcloud: could not delete the orders this test created: {', '.join(left)}; "
            f"their order_id starts with {handle.prefix!r}",
            pytrace=False,
        )


@contextmanager
def live_handle(
    node: pytest.Item,
    settings: Settings,
    *,
    rules: Callable[[], list[ExtraRule]],
    fake: Callable[[], AbstractContextManager[FakeHandle]],
    fake_check: Any,
) -> Iterator[LiveHandle]:
    """The ``sendcloud_live`` handle of one test: the server ``--sendcloud-live`` names, or
    else the fake that ``fake()`` opens, watched by ``fake_check`` as ``sendcloud_fake`` is."""
    from pytest_sendcloud.record import record_of
    from pytest_sendcloud.request_check import checks_of

    run = LiveRun.of(node.config)
    url = live_url(node.config)
    record = record_of(node.config)
    if url is None:
        checks_of(node).append(fake_check)
        with fake() as fake_handle:
            handle = LiveHandle(
                fake_handle.base_url, fake_handle.auth, settings.integrations, run, live=False
            )
            with _watching(_Watch(handle, settings, [], record, None)):
                yield handle
        return
    if not url.startswith(("http://", "https://")):
        pytest.fail(f"sendcloud: --sendcloud-live {url!r} is not an http(s) URL", pytrace=False)
    handle = LiveHandle(url, _credentials(), settings.integrations, run, live=True)
    check = LiveCheck(url)
    checks_of(node).append(check)
    try:
        with _watching(_Watch(handle, settings, rules(), record, check)):
            yield handle
    finally:
        _clean_up(handle)
